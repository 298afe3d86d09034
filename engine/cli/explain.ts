// `engine explain`: evaluates one fact snapshot against the rules and shows the decision, then every rule with the facts it read.
import { type Command, Option } from 'commander';
import { type Clock, systemClock } from '../clock.ts';
import { parseYamlFile } from '../config/source-map.ts';
import { formatProblem, type Problem } from '../errors.ts';
import { traceDecision } from '../gate/explain-trace.ts';
import { evaluate } from '../gate/gate.ts';
import { formatNumber, renderMessage } from '../gate/render-message.ts';
import { EVALUATOR_NAMES, type EvaluatorName } from '../rules/evaluator.ts';
import { loadRuleSet } from '../rules/load-rules.ts';
import type { ConditionTrace } from '../rules/reference-evaluator.ts';
import type { RuleSet } from '../rules/rule-set.ts';
import { APPLIES_TO, type AppliesTo, type Decision, type DecisionContext, MODES, type Mode } from '../types.ts';
import { type CommandModule, EXIT } from './command.ts';

export interface ExplainOptions {
  readonly facts: string;
  readonly rules: string;
  readonly context: AppliesTo;
  /** Default: the snapshot's controls.trading_mode when it names a mode, else paper. */
  readonly mode?: Mode;
  /** Defaults: the snapshot's order.venue, order.instrument, order.strategy. */
  readonly venue?: string;
  readonly instrument?: string;
  readonly strategy?: string;
  readonly evaluator: EvaluatorName;
  readonly format: 'text' | 'json';
}

export interface CommandOutput {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

function field(snapshot: unknown, ns: string, key: string): unknown {
  const n = snapshot !== null && typeof snapshot === 'object' ? (snapshot as Record<string, unknown>)[ns] : undefined;
  return n !== null && typeof n === 'object' ? (n as Record<string, unknown>)[key] : undefined;
}

function contextFor(snapshot: unknown, o: ExplainOptions): DecisionContext {
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const tradingMode = field(snapshot, 'controls', 'trading_mode');
  const mode = o.mode ?? ((MODES as readonly unknown[]).includes(tradingMode) ? (tradingMode as Mode) : 'paper');
  const venue = o.venue ?? str(field(snapshot, 'order', 'venue'));
  const instrument = o.instrument ?? str(field(snapshot, 'order', 'instrument'));
  const strategy = o.strategy ?? str(field(snapshot, 'order', 'strategy'));
  return {
    appliesTo: o.context,
    mode,
    ...(venue !== undefined ? { venue } : {}),
    ...(instrument !== undefined ? { instrument } : {}),
    ...(strategy !== undefined ? { strategy } : {}),
  };
}

/** A value as an operator reads it: numbers plain, strings quoted, a missing fact said so. */
function show(value: unknown): string {
  if (value === undefined) return '(missing)';
  if (typeof value === 'number') return formatNumber(value);
  return JSON.stringify(value) ?? String(value);
}

function traceLines(t: ConditionTrace, indent: string): string[] {
  const result = t.result === undefined ? 'not evaluated' : String(t.result);
  if (t.kind === 'leaf') {
    const rhs = t.value !== null && typeof t.value === 'object' && !Array.isArray(t.value) ? `fact ${(t.value as { fact: string }).fact}` : show(t.value);
    return [`${indent}${t.fact} ${t.operator} ${rhs}: fact ${show(t.factResult)}, value ${show(t.valueResult)} -> ${result}`];
  }
  if (t.kind === 'not') return [`${indent}not -> ${result}`, ...traceLines(t.child, `${indent}  `)];
  return [`${indent}${t.kind} -> ${result}`, ...t.children.flatMap((c) => traceLines(c, `${indent}  `))];
}

function textReport(d: Decision, ruleSet: RuleSet, evaluator: EvaluatorName, traces: ReadonlyMap<string, ConditionTrace>): string {
  const c = d.context;
  const scope = [c.venue && `venue ${c.venue}`, c.instrument && `instrument ${c.instrument}`, c.strategy && `strategy ${c.strategy}`].filter(Boolean);
  const lines = [
    `decision: ${d.outcome}`,
    `  rule set ${d.ruleSetVersion}, ${c.appliesTo} in ${c.mode} mode${scope.length ? ` (${scope.join(', ')})` : ''}, evaluator ${evaluator}`,
    `  ${d.evaluated.length} rules evaluated, ${d.violations.length} fired, ${d.errors.length} errors`,
  ];
  if (d.errors.length > 0) lines.push('', 'errors:', ...d.errors.map((e) => `  ${e.code}  ${e.message}`));
  if (d.violations.length > 0) lines.push('', 'violations:', ...d.violations.map((v) => `  ${v.action}  ${v.ruleId}: ${v.message}`));
  lines.push('', 'rules:');
  const badFacts = new Set(d.errors.map((e) => e.fact));
  // An error that names no fact (evaluation failed) leaves every rule undecided.
  const noneDecided = d.errors.some((e) => e.fact === undefined);
  for (const v of d.evaluated) {
    const rule = ruleSet.byId.get(v.ruleId);
    const undecided = !v.fired && (noneDecided || Object.keys(v.facts).some((f) => badFacts.has(f)));
    lines.push(`  ${v.fired ? 'FIRED' : undecided ? 'skip ' : 'pass '}  ${v.ruleId}${rule ? `  (${rule.action})` : ''}${undecided ? '  not evaluated: see errors' : ''}`);
    for (const [path, value] of Object.entries(v.facts)) lines.push(`      ${path} = ${show(value)}`);
    if (rule) lines.push(`      message: ${renderMessage(rule, v.facts)}`);
    const trace = traces.get(v.ruleId);
    if (trace) lines.push('      conditions:', ...traceLines(trace, '        '));
  }
  return `${lines.join('\n')}\n`;
}

function problemsOutput(problems: readonly Problem[]): CommandOutput {
  return { exitCode: EXIT.problems, stdout: '', stderr: `${problems.map(formatProblem).join('\n')}\n` };
}

/** The whole command without the process: read, evaluate, format. */
export async function runExplain(o: ExplainOptions, clock: Clock = systemClock): Promise<CommandOutput> {
  const parsed = await parseYamlFile(o.facts);
  if (!parsed.ok) return problemsOutput(parsed.problems);
  const loaded = await loadRuleSet(o.rules);
  if (!loaded.ok) return problemsOutput(loaded.problems);
  const snapshot = parsed.value as Record<string, Record<string, unknown>>;
  const decision = await evaluate(snapshot, loaded.ruleSet, contextFor(snapshot, o), { clock, evaluator: o.evaluator });
  if (o.format === 'json') return { exitCode: EXIT.ok, stdout: `${JSON.stringify(decision, null, 2)}\n`, stderr: '' };
  const traces = o.evaluator === 'json-rules-engine' ? await traceDecision(snapshot, loaded.ruleSet, decision) : new Map<string, ConditionTrace>();
  return { exitCode: EXIT.ok, stdout: textReport(decision, loaded.ruleSet, o.evaluator, traces), stderr: '' };
}

export const explainCommand: CommandModule = {
  register(program: Command): void {
    program
      .command('explain')
      .description('Evaluate one fact snapshot (JSON or YAML, nested by namespace) and show the decision and every rule with the facts it read.')
      .requiredOption('--facts <file>', 'fact snapshot file, e.g. from `engine facts --example`')
      .option('--rules <dir>', 'rules folder', 'rules')
      .addOption(new Option('--context <moment>', 'moment the decision is for').choices([...APPLIES_TO]).default('entry'))
      .addOption(new Option('--mode <mode>', 'trading mode (default: controls.trading_mode of the snapshot, else paper)').choices([...MODES]))
      .option('--venue <name>', 'venue for rule filters (default: order.venue of the snapshot)')
      .option('--instrument <id>', 'instrument for rule filters (default: order.instrument of the snapshot)')
      .option('--strategy <name>', 'strategy for rule filters (default: order.strategy of the snapshot)')
      .addOption(new Option('--evaluator <name>', 'compiled (the default hot path) or json-rules-engine (the reference, with per-condition results)').choices([...EVALUATOR_NAMES]).default('compiled'))
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
      .action(async (opts: ExplainOptions) => {
        const out = await runExplain(opts);
        process.stdout.write(out.stdout);
        process.stderr.write(out.stderr);
        process.exitCode = out.exitCode;
      });
  },
};
