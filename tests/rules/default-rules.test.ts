// The shipped rule set in rules/: every case of its *.test.yaml passes, every rule is fired by a case, every limit is pinned, the example snapshot is allowed.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../engine/clock.ts';
import { evaluate } from '../../engine/gate/gate.ts';
import { caseProblems, readRuleCases, runRuleCase, runRuleCasesAgainst } from '../../engine/gate/rule-cases.ts';
import { exampleSnapshot } from '../../engine/rules/fact-catalog.ts';
import { loadRuleSet } from '../../engine/rules/load-rules.ts';
import type { Literal, ResolvedNode, ResolvedRule } from '../../engine/rules/rule.ts';
import { createRuleSet, type RuleSet } from '../../engine/rules/rule-set.ts';
import { type AppliesTo, type DecisionContext, MODES } from '../../engine/types.ts';

const RULES_DIR = resolve(import.meta.dirname, '../../rules');

const loaded = await loadRuleSet(RULES_DIR);
if (!loaded.ok) throw new Error(`the shipped rules do not load:\n${loaded.problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.code} ${p.message}`).join('\n')}`);
const ruleSet: RuleSet = loaded.ruleSet;
const read = await readRuleCases(RULES_DIR);

/** The ids issue 2 §7 names: operators, docs and tests refer to them. */
const REQUIRED_IDS = [
  'max-position-usd', 'max-symbol-position', 'max-open-positions', 'max-orders-per-cycle', 'max-notional-per-cycle',
  'max-slippage-bps', 'max-price-drift-bps', 'min-edge-at-execution', 'max-trades-per-market-per-day', 'max-orders-per-window',
  'failure-cooldown', 'consecutive-loss-lockout', 'daily-loss-limit', 'session-drawdown-limit', 'max-loss-per-trade', 'stop-loss',
  'take-profit', 'trailing-take-profit', 'scope-guard-instruments', 'scope-guard-strategies', 'duplicate-market-guard',
  'duplicate-event-guard', 'balance-check', 'no-future-windows', 'warmup-bars', 'stale-feed-pause', 'data-quality-threshold',
  'execution-quality-threshold', 'regime-lockout', 'limit-orders-only', 'kill-switch', 'unknown-order-block',
  'live-requires-scope', 'live-requires-limits', 'dry-run-burn-in', 'kill-switch-drill', 'restart-drill',
];

describe('the shipped rule cases', () => {
  it('reads every test file without a problem', () => {
    expect(read.problems).toEqual([]);
    expect(read.files.length).toBeGreaterThan(0);
  });

  for (const c of read.cases) {
    it(c.source.name, async () => {
      expect(caseProblems(c, ruleSet)).toEqual([]);
      const compiled = await runRuleCase(c, ruleSet, { evaluator: 'compiled' });
      expect(compiled.mismatches, `${c.file}:${compiled.line}`).toEqual([]);
      // The reference semantics must agree case by case, or the cases only test one evaluator.
      const reference = await runRuleCase(c, ruleSet, { evaluator: 'json-rules-engine' });
      expect(reference.got).toEqual(compiled.got);
    });
  }
});

describe('the shipped rule set', () => {
  it('defines every rule id the issue names', () => {
    expect(REQUIRED_IDS.filter((id) => !ruleSet.byId.has(id))).toEqual([]);
  });

  it('has every enabled rule fired by at least one passing case', async () => {
    const run = await runRuleCasesAgainst(ruleSet, read.cases);
    expect(run.problems).toEqual([]);
    expect(run.uncovered).toEqual([]);
  });

  it('has a test file beside every rule file, and both open with the schema line editors read', () => {
    const names = readdirSync(RULES_DIR);
    for (const file of ruleSet.files) {
      expect(names).toContain(basename(file).replace(/\.yaml$/, '.test.yaml'));
      expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/rule-file.schema.json');
    }
    for (const file of read.files) {
      expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/rule-test.schema.json');
    }
  });

  it('gives every numeric limit a unit, a description and a range', () => {
    const loose = ruleSet.rules.flatMap((r) =>
      Object.entries(r.params)
        .filter(([, p]) => (p.type === 'number' || p.type === 'integer') && (!p.unit || p.min === undefined || !p.description))
        .map(([name]) => `${r.id}.${name}`),
    );
    expect(loose).toEqual([]);
  });
});

function context(appliesTo: AppliesTo, mode: DecisionContext['mode']): DecisionContext {
  const order = exampleSnapshot()['order']!;
  return { appliesTo, mode, venue: order['venue'] as string, instrument: order['instrument'] as string, strategy: order['strategy'] as string };
}

describe('the catalog example snapshot (`engine facts --example`)', () => {
  for (const mode of MODES) {
    it(`is allowed as an entry in ${mode} mode, with no rule fired and no error`, async () => {
      const d = await evaluate(exampleSnapshot(), ruleSet, context('entry', mode), { clock: new ManualClock(0) });
      expect({ outcome: d.outcome, fired: d.violations.map((v) => v.ruleId), errors: d.errors }).toEqual({ outcome: 'allow', fired: [], errors: [] });
      expect(d.evaluated.length).toBeGreaterThan(20);
    });
  }

  it('passes the pre-live gate', async () => {
    const d = await evaluate(exampleSnapshot(), ruleSet, context('prelive', 'live'), { clock: new ManualClock(0) });
    expect({ outcome: d.outcome, errors: d.errors }).toEqual({ outcome: 'allow', errors: [] });
    expect(d.evaluated.map((v) => v.ruleId).sort()).toEqual(ruleSet.rules.filter((r) => r.appliesTo.includes('prelive')).map((r) => r.id).sort());
  });

  it('asks for nothing at a tick', async () => {
    const d = await evaluate(exampleSnapshot(), ruleSet, context('tick', 'paper'), { clock: new ManualClock(0) });
    expect({ outcome: d.outcome, errors: d.errors }).toEqual({ outcome: 'allow', errors: [] });
  });
});

/** A copy of the rule with one parameter set to `value`, wherever its conditions read it. */
function withParam(rule: ResolvedRule, name: string, value: Literal): ResolvedRule {
  const swap = (node: ResolvedNode): ResolvedNode => {
    if ('all' in node) return { all: node.all.map(swap) };
    if ('any' in node) return { any: node.any.map(swap) };
    if ('not' in node) return { not: swap(node.not) };
    return node.value.kind === 'literal' && node.value.param === name ? { ...node, value: { ...node.value, value } } : node;
  };
  const param = rule.params[name]!;
  return { ...rule, when: swap(rule.when), params: { ...rule.params, [name]: { ...param, value } } };
}

const numericParams = ruleSet.rules.flatMap((rule) =>
  Object.entries(rule.params)
    .filter(([, p]) => p.type === 'number' || p.type === 'integer')
    .map(([name, p]) => ({ rule, name, value: p.value as number, integer: p.type === 'integer' })),
);

describe('every numeric limit is pinned by its boundary cases', () => {
  // Moving a limit by the smallest step that matters (1 for a count, 1% otherwise) in either
  // direction must fail some case: a case set that survives the change never tested the limit.
  for (const { rule, name, value, integer } of numericParams) {
    for (const direction of [1, -1] as const) {
      const moved = integer ? value + direction : value * (1 + direction * 0.01);
      it(`${rule.id}: ${name} ${value} -> ${moved} fails a case`, async () => {
        const mutated = createRuleSet(ruleSet.rules.map((r) => (r.id === rule.id ? withParam(r, name, moved) : r)), ruleSet.files);
        const run = await runRuleCasesAgainst(mutated, read.cases);
        expect(run.results.filter((r) => !r.passed).length).toBeGreaterThan(0);
      });
    }
  }
});
