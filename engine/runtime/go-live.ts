// The go/no-go gate: config.* facts from the live config and its rules, evidence.* from the rehearsal ledgers, judged by the prelive rules.
import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Clock } from '../clock.ts';
import type { EngineConfig } from '../config/load-config.ts';
import { evaluate } from '../gate/gate.ts';
import { formatValue, renderMessage } from '../gate/render-message.ts';
import { ledgerFileFor } from '../ledger/database.ts';
import type { EvaluatorName } from '../rules/evaluator.ts';
import { isLeaf, type ResolvedNode, type ResolvedRule } from '../rules/rule.ts';
import type { RuleSet } from '../rules/rule-set.ts';
import type { Decision, FactSnapshot } from '../types.ts';
import { goLiveConfigHash } from './config-hash.ts';
import { type Evidence, evidenceFacts, readEvidence } from './go-live-evidence.ts';

export interface ConfigFacts {
  readonly dry_run: boolean;
  readonly autonomous: boolean;
  readonly instruments_count: number;
  readonly strategies_count: number;
  readonly max_position_usd: number;
  readonly daily_loss_limit_fraction: number;
  readonly live_db_separate: boolean;
}

export interface GateLine {
  readonly ruleId: string;
  readonly passed: boolean;
  /** The rule's message rendered with the facts it saw: the reason it failed. */
  readonly message: string;
  /** The facts it saw, `path = value`: why it passed. */
  readonly seen: string;
}

export interface GoLiveReport {
  readonly configHash: string;
  readonly facts: { readonly config: ConfigFacts; readonly evidence: ReturnType<typeof evidenceFacts> };
  readonly evidenceFiles: readonly string[];
  readonly lines: readonly GateLine[];
  /** Evaluation problems (a fact missing or bad): the gate then fails closed. */
  readonly errors: readonly string[];
  readonly passed: boolean;
}

const CAP_OPERATORS = new Set(['greaterThan', 'greaterThanInclusive']);
const LIMIT_ACTIONS = new Set(['reject', 'pause', 'flatten', 'emergency']);

/** Leaves whose truth alone fires the rule: the root, the only child of an `all`, or any child of a root `any`. */
function firingLeaves(node: ResolvedNode): ResolvedNode[] {
  if (isLeaf(node)) return [node];
  if ('all' in node) return node.all.length === 1 ? firingLeaves(node.all[0]!) : [];
  if ('any' in node) return node.any.flatMap((n) => (isLeaf(n) ? [n] : []));
  return [];
}

/**
 * The tightest limit on `fact` that is in force for every live order: an enabled rule without
 * instrument, strategy or venue filters, applying in live mode at `moments`, that fires whenever the
 * fact exceeds a number. 0 when none does (the gate reads 0 as not set).
 */
export function limitInForce(ruleSet: RuleSet, fact: string, moments: readonly string[]): number {
  const limits: number[] = [];
  for (const rule of ruleSet.rules) {
    if (!appliesToAllLive(rule, moments)) continue;
    for (const leaf of firingLeaves(rule.when)) {
      if (!isLeaf(leaf) || leaf.fact !== fact || !CAP_OPERATORS.has(leaf.operator)) continue;
      if ('kind' in leaf.value && leaf.value.kind === 'literal' && typeof leaf.value.value === 'number') limits.push(leaf.value.value);
    }
  }
  return limits.length === 0 ? 0 : Math.min(...limits);
}

function appliesToAllLive(rule: ResolvedRule, moments: readonly string[]): boolean {
  const f = rule.filters;
  return (
    rule.enabled &&
    LIMIT_ACTIONS.has(rule.action) &&
    rule.appliesTo.some((a) => moments.includes(a)) &&
    (f.modes === undefined || f.modes.includes('live')) &&
    f.instruments === undefined &&
    f.strategies === undefined &&
    f.venues === undefined
  );
}

function realOrResolved(file: string): string {
  return existsSync(file) ? realpathSync(file) : resolve(file);
}

/** The live ledger is a file of its own: no rehearsal ledger (by name, symlink or hard path) is the same file. */
export function liveDbSeparate(liveDataDir: string, evidenceDir: string): boolean {
  const live = realOrResolved(ledgerFileFor(liveDataDir, 'live'));
  const others = [liveDataDir, evidenceDir].flatMap((dir) => (['dry_run', 'paper', 'backtest'] as const).map((m) => realOrResolved(ledgerFileFor(dir, m))));
  return !others.includes(live);
}

/**
 * dry_run: anything but mode live sends no real order. autonomous: the engine has no interactive
 * prompt at all, so a configuration cannot make it wait for an operator.
 */
export function configFacts(config: EngineConfig, ruleSet: RuleSet, liveSeparate: boolean): ConfigFacts {
  return {
    dry_run: config.mode !== 'live',
    autonomous: true,
    instruments_count: config.scope.instruments.length,
    strategies_count: config.scope.strategies.length,
    max_position_usd: limitInForce(ruleSet, 'position.after_fill_notional_usd', ['entry']),
    daily_loss_limit_fraction: limitInForce(ruleSet, 'account.daily_loss_fraction', ['entry', 'tick']),
    live_db_separate: liveSeparate,
  };
}

/** One line per prelive rule that applies to live, failed first: a failure with its rendered message, a pass with the facts it saw. */
export function gateLines(decision: Decision, ruleSet: RuleSet): GateLine[] {
  const lines = decision.evaluated.map((v) => {
    const rule = ruleSet.byId.get(v.ruleId)!;
    const seen = Object.entries(v.facts).map(([path, value]) => `${path} = ${formatValue(value)}`).join(', ');
    return { ruleId: v.ruleId, passed: !v.fired, message: renderMessage(rule, v.facts).replace(/\s+/g, ' ').trim(), seen };
  });
  return [...lines.filter((l) => !l.passed), ...lines.filter((l) => l.passed)];
}

export interface GoLiveInput {
  readonly config: EngineConfig;
  readonly ruleSet: RuleSet;
  /** Absolute: where the live ledger will live (the config's data_dir). */
  readonly liveDataDir: string;
  /** Absolute: where the dry-run and paper ledgers with the evidence are. */
  readonly evidenceDir: string;
  readonly clock: Clock;
  readonly evaluator?: EvaluatorName;
  /** Tests pass evidence directly; otherwise it is read from evidenceDir. */
  readonly evidence?: Evidence;
}

export async function goLiveReport(input: GoLiveInput): Promise<GoLiveReport> {
  const configHash = goLiveConfigHash(input.config, input.ruleSet.version);
  const evidence = input.evidence ?? readEvidence(input.evidenceDir, input.clock);
  const facts = {
    config: configFacts(input.config, input.ruleSet, liveDbSeparate(input.liveDataDir, input.evidenceDir)),
    evidence: evidenceFacts(evidence, configHash),
  };
  const snapshot: FactSnapshot = { config: { ...facts.config }, evidence: { ...facts.evidence } };
  const decision = await evaluate(snapshot, input.ruleSet, { appliesTo: 'prelive', mode: 'live' }, { clock: input.clock, evaluator: input.evaluator ?? 'compiled' });
  const lines = gateLines(decision, input.ruleSet);
  const errors = decision.errors.map((e) => `${e.code}: ${e.message}`);
  return { configHash, facts, evidenceFiles: evidence.files, lines, errors, passed: decision.outcome === 'allow' && errors.length === 0 && lines.length > 0 };
}

/** The checklist as `engine validate --live` prints it. */
export function formatGoLive(report: GoLiveReport, rel: (file: string) => string = (f) => f): string {
  const from = report.evidenceFiles.length === 0 ? 'no rehearsal ledger found' : report.evidenceFiles.map(rel).join(', ');
  const out = [`go/no-go: prelive gate for config hash ${report.configHash} (evidence: ${from})`];
  if (report.lines.length === 0) out.push('  FAIL  (no prelive rule applies to live: nothing would be checked)');
  for (const l of report.lines) out.push(`  ${l.passed ? 'PASS' : 'FAIL'}  ${l.ruleId.padEnd(28)} ${l.passed ? l.seen : l.message}`);
  for (const e of report.errors) out.push(`  FAIL  ${'(evaluation)'.padEnd(28)} ${e}`);
  const failed = report.lines.filter((l) => !l.passed).length + report.errors.length;
  out.push(report.passed && report.lines.length > 0 ? `go/no-go: GO (${report.lines.length} gates passed)` : `go/no-go: NO-GO (${failed} of ${report.lines.length} gates failed)`);
  return `${out.join('\n')}\n`;
}
