// Property specs of the gate over random rule sets and snapshots: both evaluators decide identically, nothing throws, bad numbers never allow.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { evaluate } from '../../../engine/gate/gate.ts';
import { compiledEvaluator } from '../../../engine/rules/compile.ts';
import type { Evaluator } from '../../../engine/rules/evaluator.ts';
import { factSpec } from '../../../engine/rules/fact-catalog.ts';
import type { ResolvedRule } from '../../../engine/rules/rule.ts';
import type { RuleSet } from '../../../engine/rules/rule-set.ts';
import { ACTIONS, type DecisionContext, type Outcome } from '../../../engine/types.ts';
import { contextArb, ruleSetArb, snapshotArb } from '../../helpers/random-rules.ts';

const clock = new ManualClock(1_000);
const OUTCOMES: readonly Outcome[] = ['allow', ...ACTIONS];

/** The selection rule, restated independently of gate-plan.ts. */
function applicable(ruleSet: RuleSet, c: DecisionContext): string[] {
  const allows = (list: readonly string[] | undefined, v: string | undefined): boolean => !list || v === undefined || list.includes(v);
  return ruleSet.rules
    .filter((r: ResolvedRule) => r.enabled && r.appliesTo.includes(c.appliesTo) && (!r.filters.modes || r.filters.modes.includes(c.mode)))
    .filter((r) => allows(r.filters.venues, c.venue) && allows(r.filters.instruments, c.instrument) && allows(r.filters.strategies, c.strategy))
    .map((r) => r.id);
}

function clone(s: Record<string, unknown>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v !== null && typeof v === 'object' ? { ...v } : v])) as Record<string, Record<string, unknown>>;
}

/** The compiled evaluator under another identity: the gate then skips its fused fast path and takes guard + evaluator. */
const compiledGeneralPath: Evaluator = { name: 'compiled', prepare: (rules) => compiledEvaluator.prepare(rules) };

describe('gate differential: compiled code versus json-rules-engine', () => {
  it('gives identical decisions on at least 10,000 random snapshots over random rule sets (fast path, general path, reference)', async () => {
    const tally = { snapshots: 0, fired: 0, errors: 0, cleanAllow: 0 };
    const cases = fc.array(fc.tuple(contextArb, snapshotArb(4)), { minLength: 20, maxLength: 20 });
    await fc.assert(
      fc.asyncProperty(ruleSetArb(8), cases, async (ruleSet, pairs) => {
        for (const [context, snapshot] of pairs) {
          const compiled = await evaluate(snapshot as never, ruleSet, context, { clock, evaluator: 'compiled' });
          const reference = await evaluate(snapshot as never, ruleSet, context, { clock, evaluator: 'json-rules-engine' });
          const general = await evaluate(snapshot as never, ruleSet, context, { clock, evaluator: compiledGeneralPath });
          expect(compiled).toEqual(reference);
          expect(general).toEqual(reference);
          tally.snapshots += 1;
          if (compiled.violations.length > 0) tally.fired += 1;
          if (compiled.errors.length > 0) tally.errors += 1;
          if (compiled.outcome === 'allow' && compiled.evaluated.length > 0) tally.cleanAllow += 1;
        }
      }),
      { seed: 20_250_101, numRuns: 500 },
    );
    expect(tally.snapshots).toBeGreaterThanOrEqual(10_000);
    // The comparison means something only if all three kinds of decision occur often.
    expect(tally.fired).toBeGreaterThan(500);
    expect(tally.errors).toBeGreaterThan(500);
    expect(tally.cleanAllow).toBeGreaterThan(500);
  });
});

describe('gate properties', () => {
  it('always returns a decision, whatever the snapshot, listing every enabled applicable rule once, in order', async () => {
    const anySnapshot = fc.oneof(snapshotArb(10), fc.anything({ withNullPrototype: true, withSparseArray: true }));
    await fc.assert(
      fc.asyncProperty(ruleSetArb(6), contextArb, anySnapshot, fc.constantFrom('compiled', 'json-rules-engine' as const), async (ruleSet, context, snapshot, evaluator) => {
        const d = await evaluate(snapshot as never, ruleSet, context, { clock, evaluator });
        expect(OUTCOMES).toContain(d.outcome);
        expect(d.evaluated.map((v) => v.ruleId)).toEqual(applicable(ruleSet, context));
        expect(d.violations.map((v) => v.ruleId)).toEqual(d.evaluated.filter((v) => v.fired).map((v) => v.ruleId));
        if (d.errors.length === 0 && d.violations.length === 0) expect(d.outcome).toBe('allow');
        if (d.errors.length > 0 || d.violations.length > 0) expect(d.outcome).not.toBe('allow');
      }),
      { seed: 99, numRuns: 1_500 },
    );
  });

  it('never turns a non-allow decision into allow when a numeric fact a rule reads becomes NaN, infinite or missing', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(ruleSetArb(6), contextArb, snapshotArb(0), fc.constantFrom('compiled', 'json-rules-engine' as const), async (ruleSet, context, snapshot, evaluator) => {
        const before = await evaluate(snapshot as never, ruleSet, context, { clock, evaluator });
        if (before.outcome === 'allow') return;
        const numeric = [...new Set(before.evaluated.flatMap((v) => Object.keys(v.facts)))].filter((p) => factSpec(p)?.type === 'number');
        for (const path of numeric) {
          const [ns, key] = path.split('.') as [string, string];
          for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, undefined]) {
            const changed = clone(snapshot);
            if (bad === undefined) delete changed[ns]![key];
            else changed[ns]![key] = bad;
            const after = await evaluate(changed, ruleSet, context, { clock, evaluator });
            expect(after.outcome, `${path} = ${String(bad)}`).not.toBe('allow');
            expect(after.errors.some((e) => e.fact === path)).toBe(true);
            checked += 1;
          }
        }
      }),
      { seed: 31_337, numRuns: 600 },
    );
    expect(checked).toBeGreaterThan(500);
  });
});
