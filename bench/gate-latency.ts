// Gate latency per candidate order with the default rules: the gate (compiled) beside hand-written checks and raw json-rules-engine.
import { isDeepStrictEqual } from 'node:util';
import { ManualClock } from '../engine/clock.ts';
import { evaluate } from '../engine/gate/gate.ts';
import { loadRuleSet } from '../engine/rules/load-rules.ts';
import type { RuleSet } from '../engine/rules/rule-set.ts';
import type { Decision, FactSnapshot } from '../engine/types.ts';
import { BENCH_CONTEXT, benchOrders } from './bench-orders.ts';
import { type Bench, type BenchResult, target } from './bench-api.ts';
import { handWrittenGate } from './hand-written-gate.ts';
import { appliesIn, jsonRulesEngineRaw } from './json-rules-engine-raw.ts';
import { type Summary, round, summarize } from './stats.ts';

export const RULES_DIR = new URL('../rules', import.meta.url).pathname;

const ORDERS = 2000;
const ROUNDS = 40;
/** Targets from issue 2: the gate within 3x of hand-written checks at p50 and 5x at p99. */
const MAX_RATIO_P50 = 3;
const MAX_RATIO_P99 = 5;

interface Subject {
  readonly name: string;
  /** Orders timed per round; slow subjects take fewer so the bench stays in minutes. */
  readonly perRound: number;
  readonly decide: (snapshot: FactSnapshot) => unknown;
}

/** Sorted ids of fired rules, the part of a decision every subject produces. */
function firedIds(decision: Decision): string[] {
  return decision.violations.map((v) => v.ruleId).sort();
}

/** The hand-written gate and raw json-rules-engine must agree with the gate, or their timings compare different work. */
async function checkAgreement(ruleSet: RuleSet, orders: readonly FactSnapshot[]) {
  const clock = new ManualClock(1_700_000_000_000);
  const hand = handWrittenGate(ruleSet, clock);
  const raw = jsonRulesEngineRaw(ruleSet, appliesIn(BENCH_CONTEXT));
  const outcomes: Record<string, number> = {};
  const mismatches: string[] = [];
  for (const [i, order] of orders.entries()) {
    const gate = await evaluate(order, ruleSet, BENCH_CONTEXT, { clock });
    outcomes[gate.outcome] = (outcomes[gate.outcome] ?? 0) + 1;
    if (gate.errors.length > 0) mismatches.push(`order ${i}: the gate reported errors ${JSON.stringify(gate.errors)}`);
    if (!isDeepStrictEqual(gate, hand(order, BENCH_CONTEXT))) mismatches.push(`order ${i}: hand-written decision differs from the gate's`);
    const rawFired = await raw(order);
    if (!isDeepStrictEqual(rawFired, firedIds(gate))) mismatches.push(`order ${i}: json-rules-engine fired ${rawFired}, the gate ${firedIds(gate)}`);
  }
  return { outcomes, mismatches };
}

async function time(subject: Subject, orders: readonly FactSnapshot[], offset: number, samples: number[]): Promise<void> {
  for (let i = 0; i < subject.perRound; i++) {
    const order = orders[(offset + i) % orders.length]!;
    const start = process.hrtime.bigint();
    await subject.decide(order);
    samples.push(Number(process.hrtime.bigint() - start));
  }
}

/** Rounds interleave the subjects, so a burst of load on the machine hits them all alike. */
async function measure(subjects: readonly Subject[], orders: readonly FactSnapshot[]): Promise<Map<string, Summary>> {
  for (const s of subjects) await time({ ...s, perRound: s.perRound * 2 }, orders, 0, []);
  const samples = new Map(subjects.map((s) => [s.name, [] as number[]]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of subjects) await time(s, orders, round * s.perRound, samples.get(s.name)!);
  }
  return new Map(subjects.map((s) => [s.name, summarize(samples.get(s.name)!)]));
}

async function run(): Promise<BenchResult> {
  const loaded = await loadRuleSet(RULES_DIR);
  if (!loaded.ok) throw new Error(`the default rules do not load: ${loaded.problems.map((p) => p.message).join('; ')}`);
  const ruleSet = loaded.ruleSet;
  const orders = benchOrders(ORDERS);
  const agreement = await checkAgreement(ruleSet, orders);

  const clock = new ManualClock(1_700_000_000_000);
  const hand = handWrittenGate(ruleSet, clock);
  const raw = jsonRulesEngineRaw(ruleSet, appliesIn(BENCH_CONTEXT));
  const subjects: Subject[] = [
    { name: 'gate (compiled)', perRound: 1000, decide: (o) => evaluate(o, ruleSet, BENCH_CONTEXT, { clock }) },
    { name: 'hand-written', perRound: 1000, decide: (o) => hand(o, BENCH_CONTEXT) },
    { name: 'json-rules-engine raw', perRound: 50, decide: raw },
    { name: 'gate (json-rules-engine evaluator)', perRound: 50, decide: (o) => evaluate(o, ruleSet, BENCH_CONTEXT, { clock, evaluator: 'json-rules-engine' }) },
  ];
  const stats = await measure(subjects, orders);
  const gate = stats.get('gate (compiled)')!;
  const handStats = stats.get('hand-written')!;
  const ratioP50 = round(gate.p50_us / handStats.p50_us, 2);
  const ratioP99 = round(gate.p99_us / handStats.p99_us, 2);
  const rules = ruleSet.rules.filter(appliesIn(BENCH_CONTEXT)).length;

  const metrics: Record<string, number | string | boolean> = {
    rule_set_version: ruleSet.version,
    entry_rules: rules,
    orders: ORDERS,
    ...Object.fromEntries(Object.entries(agreement.outcomes).map(([k, v]) => [`orders_${k}`, v])),
    decisions_agree: agreement.mismatches.length === 0,
    ratio_gate_to_hand_written_p50: ratioP50,
    ratio_gate_to_hand_written_p99: ratioP99,
  };
  for (const [name, s] of stats) {
    const key = name.replace(/[^a-z]+/g, '_').replace(/^_|_$/g, '');
    for (const [field, value] of Object.entries(s)) metrics[`${key}_${field}`] = value;
  }
  return {
    name: 'gate-latency',
    description: `one entry decision, ${rules} default rules, ${ORDERS} seeded orders (${JSON.stringify(agreement.outcomes)})`,
    table: {
      columns: ['subject', 'samples', 'p50 µs', 'p90 µs', 'p99 µs', 'max µs', 'ops/s'],
      rows: [...stats].map(([name, s]) => [name, s.samples, s.p50_us, s.p90_us, s.p99_us, s.max_us, s.ops_per_s]),
    },
    metrics,
    targets: [
      target('gate / hand-written at p50', ratioP50, 'max', MAX_RATIO_P50, 'x'),
      target('gate / hand-written at p99', ratioP99, 'max', MAX_RATIO_P99, 'x'),
      target('decisions differing from the gate (hand-written, json-rules-engine)', agreement.mismatches.length, 'max', 0, 'orders'),
    ],
    notes: agreement.mismatches.slice(0, 5),
  };
}

export const gateLatencyBench: Bench = { name: 'gate-latency', run };
