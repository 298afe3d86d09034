// Orders per second through execute -> ack -> fill -> ledger writes with durable commits, beside a raw better-sqlite3 single-row insert loop.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ManualClock } from '../engine/clock.ts';
import type { Synchronous } from '../engine/ledger/database.ts';
import { openLedger } from '../engine/ledger/ledger.ts';
import { realSleep } from '../engine/market/sleep.ts';
import { type ExecuteContext, OrderManager } from '../engine/orders/order-manager.ts';
import { ruleSetGate } from '../engine/orders/order-ports.ts';
import { transition } from '../engine/orders/order-state.ts';
import type { Signal } from '../engine/plugins/plugin-api.ts';
import { loadRuleSet } from '../engine/rules/load-rules.ts';
import type { RuleSet } from '../engine/rules/rule-set.ts';
import type { Decision } from '../engine/types.ts';
import { type Bench, type BenchResult, target } from './bench-api.ts';
import { collectGarbage } from './full-gc.ts';
import { InstantVenue } from './instant-venue.ts';
import { round } from './stats.ts';

const RULES_DIR = new URL('../rules', import.meta.url).pathname;
/**
 * The default rules that do not cap volume (order-flow, position-limits and scope would refuse the
 * second order into one market): kill switch, execution quality, loss limits, market conditions.
 */
const RULE_FILES = ['kill-switch.yaml', 'execution-quality.yaml', 'loss-limits.yaml', 'market-conditions.yaml'];
/** Orders per mode: 100,000 where a commit is cheap; FULL waits for the disk on every commit, so fewer. */
const ORDERS: Record<Synchronous, number> = { NORMAL: 100_000, FULL: 5_000 };
const RAW_ROWS: Record<Synchronous, number> = { NORMAL: 100_000, FULL: 5_000 };
const ENGINE_ORDERS = 20_000;
/** Target from issue 3: the pipeline reaches at least a third of the raw single-row transaction rate. */
const MIN_RATIO = 1 / 3;
const T0 = Date.UTC(2018, 3, 4, 12, 0, 0);

async function benchRules(): Promise<RuleSet> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-rules-'));
  try {
    const { copyFileSync } = await import('node:fs');
    for (const f of RULE_FILES) copyFileSync(join(RULES_DIR, f), join(dir, f));
    const loaded = await loadRuleSet(dir);
    if (!loaded.ok) throw new Error(`bench rules do not load: ${loaded.problems.map((p) => p.message).join('; ')}`);
    return loaded.ruleSet;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The storage limit: one row per transaction, WAL, the same synchronous setting, nothing else. */
function rawInserts(synchronous: Synchronous, rows: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-raw-'));
  const db = new Database(join(dir, 'raw.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, client_order_id TEXT NOT NULL UNIQUE, qty INTEGER NOT NULL, price REAL NOT NULL, ts INTEGER NOT NULL)');
    const insert = db.prepare('INSERT INTO t (client_order_id, qty, price, ts) VALUES (?, ?, ?, ?)');
    const one = db.transaction((i: number) => insert.run(`tg-${i}`, i, 6800 + (i % 100), T0 + i));
    const start = process.hrtime.bigint();
    for (let i = 0; i < rows; i++) one(i);
    return rows / (Number(process.hrtime.bigint() - start) / 1e9);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function context(i: number): ExecuteContext {
  return {
    strategy: 'bench', cycleId: i,
    market: { bid: 6800, ask: 6800, lastPrice: 6800, dataQualityScore: 1, regime: 'normal', adx: 20 },
    controls: { kill_level: 'none', trading_mode: 'paper', allowed_instruments: ['BTC-USD'], allowed_strategies: ['bench'] },
    feed: { age_ms: 100, stale: false, gap_open: false },
    barsSinceStart: 1000,
  };
}

/**
 * Alternating buys and sells of 0.01 on a locked book at 6800: every order is allowed, acknowledged
 * and filled in full, and no round trip loses (a losing streak would lock entries out, by the rules).
 */
function signal(i: number): Signal {
  const buy = i % 2 === 0;
  return {
    instrument: 'BTC-USD', side: buy ? 'buy' : 'sell', quantity: 0.01, orderType: 'limit', limitPrice: 6800,
    signalId: `s${i}`, intent: buy ? 'entry' : 'exit', edgeBps: 40, reason: 'bench',
  };
}

interface PipelineRun {
  readonly ordersPerS: number;
  readonly heapMb: number;
  readonly rssMb: number;
  /** Growth over the run: heap and RSS after the orders less before them (ledger open, manager started). */
  readonly heapGrowthMb: number;
  readonly rssGrowthMb: number;
  readonly filled: number;
}

function memoryMb(): { heap: number; rss: number } {
  collectGarbage();
  const m = process.memoryUsage();
  return { heap: m.heapUsed / 2 ** 20, rss: m.rss / 2 ** 20 };
}

/** `memory`: the same pipeline on an in-memory ledger, no file and no disk: what the engine itself costs. */
async function pipeline(synchronous: Synchronous, orders: number, ruleSet: RuleSet, where: 'file' | 'memory' = 'file'): Promise<PipelineRun> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-orders-'));
  const clock = new ManualClock(T0);
  const at = where === 'memory' ? { path: ':memory:' } : { dataDir: dir };
  const ledger = openLedger({ ...at, mode: 'paper', clock, synchronous, transitionGuard: (f, t) => void transition(f, t) });
  try {
    ledger.startRun({ runId: 'bench' });
    const venue = new InstantVenue(1_000_000, () => clock.now());
    const manager = new OrderManager({ ledger, venue, gate: ruleSetGate(() => ruleSet, { clock }), clock, sleep: realSleep });
    await manager.start();
    const before = memoryMb();
    const start = process.hrtime.bigint();
    let filled = 0;
    for (let i = 0; i < orders; i++) {
      clock.advance(50);
      const r = await manager.execute(signal(i), context(i));
      if (r.order?.state === 'filled') filled += 1;
    }
    const ordersPerS = orders / (Number(process.hrtime.bigint() - start) / 1e9);
    const after = memoryMb();
    return { ordersPerS, heapMb: after.heap, rssMb: after.rss, heapGrowthMb: after.heap - before.heap, rssGrowthMb: after.rss - before.rss, filled };
  } finally {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A real decision and the facts it saw, from one order through the pipeline: what the ledger-only loop records. */
async function sampleDecision(ruleSet: RuleSet): Promise<{ decision: Decision; facts: Readonly<Record<string, unknown>> }> {
  const clock = new ManualClock(T0);
  const ledger = openLedger({ path: ':memory:', mode: 'paper', clock, transitionGuard: (f, t) => void transition(f, t) });
  try {
    ledger.startRun({ runId: 'bench' });
    const venue = new InstantVenue(1_000_000, () => clock.now());
    const manager = new OrderManager({ ledger, venue, gate: ruleSetGate(() => ruleSet, { clock }), clock, sleep: realSleep });
    const r = await manager.execute(signal(0), context(0));
    if (!r.decision || r.decisionId === undefined) throw new Error(`the sample order was not decided (${r.status})`);
    return { decision: r.decision, facts: ledger.decisions.get(r.decisionId)!.facts };
  } finally {
    ledger.close();
  }
}

/**
 * The writes one order makes, through the ledger's own repositories, with the same commits as the
 * pipeline (decision + pending_submit committed, then the acknowledgement and fill deferred to the
 * next one) and nothing else: no facts, no gate, no venue. The best any engine could do on this
 * schema, so pipeline / this is the engine's own overhead, and this / raw the schema's.
 */
function ledgerWritesAlone(synchronous: Synchronous, orders: number, sample: { decision: Decision; facts: Readonly<Record<string, unknown>> }): number {
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-writes-'));
  const clock = new ManualClock(T0);
  const ledger = openLedger({ dataDir: dir, mode: 'paper', clock, synchronous, transitionGuard: (f, t) => void transition(f, t) });
  try {
    ledger.deposit(1_000_000);
    const start = process.hrtime.bigint();
    for (let i = 0; i < orders; i++) {
      clock.advance(50);
      const cid = `tg-w${i}`;
      const side = i % 2 === 0 ? 'buy' : 'sell';
      ledger.transaction(() => {
        ledger.decisions.record(sample.decision, { facts: sample.facts, clientOrderId: cid, runId: null });
        ledger.orders.insertPending({
          clientOrderId: cid, intentKey: `w${i}`, venue: 'instant', instrument: 'BTC-USD', side, orderType: 'limit', qty: 0.01,
          limitPrice: 6800, strategy: 'bench', runId: null, sent: { price: 6800, qty: 0.01 },
        });
      });
      ledger.deferred(() => {
        ledger.applyFill({ venue: 'instant', venueFillId: `f${i}`, clientOrderId: cid, instrument: 'BTC-USD', side, qty: 0.01, price: 6800, fee: 0, liquidity: 'taker', tsMs: clock.now() });
        ledger.orders.changeState({ clientOrderId: cid, from: 'pending_submit', to: 'filled', event: 'venue_ack', source: 'venue', venueOrderId: `o${i}` });
      });
    }
    ledger.flush();
    return orders / (Number(process.hrtime.bigint() - start) / 1e9);
  } finally {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(): Promise<BenchResult> {
  const ruleSet = await benchRules();
  const rows: (string | number)[][] = [];
  const metrics: Record<string, number | string | boolean> = { rule_files: RULE_FILES.join(' '), entry_rules: ruleSet.rules.length };
  const targets = [];
  const notes: string[] = [];
  const sample = await sampleDecision(ruleSet);
  // Fewer than the file runs: an in-memory ledger of 100,000 orders is ~0.5 GB, which would inflate every RSS figure after it.
  const engine = await pipeline('NORMAL', ENGINE_ORDERS, ruleSet, 'memory');
  const engineUs = 1e6 / engine.ordersPerS;
  rows.push(['engine alone: execute -> ack -> fill on an in-memory ledger (no file, no disk)', ENGINE_ORDERS, Math.round(engine.ordersPerS), '', '', '']);
  Object.assign(metrics, { engine_memory_orders_per_s: Math.round(engine.ordersPerS), engine_us_per_order: round(engineUs, 1) });
  for (const sync of ['NORMAL', 'FULL'] as const) {
    // The storage limit is measured right before and right after the pipeline, and the ratio taken against their mean:
    // on a shared machine the disk and the CPU change speed within a run, and one side alone would favour either.
    const rawBefore = rawInserts(sync, RAW_ROWS[sync]);
    const writes = ledgerWritesAlone(sync, ORDERS[sync], sample);
    const p = await pipeline(sync, ORDERS[sync], ruleSet);
    const rawAfter = rawInserts(sync, RAW_ROWS[sync]);
    const raw = (rawBefore + rawAfter) / 2;
    const ratio = p.ordersPerS / raw;
    const key = sync.toLowerCase();
    rows.push([`raw single-row insert transactions (${sync}; mean of before ${Math.round(rawBefore)} and after ${Math.round(rawAfter)})`, RAW_ROWS[sync], Math.round(raw), '', '', '']);
    rows.push([`ledger writes alone: one order's rows and commits, no engine (${sync})`, ORDERS[sync], Math.round(writes), round(writes / raw, 3), '', '']);
    Object.assign(metrics, { [`ledger_writes_${key}_orders_per_s`]: Math.round(writes), [`ledger_writes_${key}_ratio_to_raw`]: round(writes / raw, 3) });
    const mb = (total: number, growth: number) => `${round(total, 1)} (${growth >= 0 ? '+' : ''}${round(growth, 1)})`;
    rows.push([`execute -> ack -> fill -> ledger (${sync})`, ORDERS[sync], Math.round(p.ordersPerS), round(ratio, 3), mb(p.heapMb, p.heapGrowthMb), mb(p.rssMb, p.rssGrowthMb)]);
    Object.assign(metrics, {
      [`raw_${key}_tx_per_s`]: Math.round(raw), [`raw_${key}_tx_per_s_before`]: Math.round(rawBefore), [`raw_${key}_tx_per_s_after`]: Math.round(rawAfter),
      [`pipeline_${key}_orders`]: ORDERS[sync], [`pipeline_${key}_orders_per_s`]: Math.round(p.ordersPerS),
      [`pipeline_${key}_ratio_to_raw`]: round(ratio, 3), [`pipeline_${key}_heap_mb_after`]: round(p.heapMb, 1), [`pipeline_${key}_rss_mb_after`]: round(p.rssMb, 1),
      [`pipeline_${key}_heap_growth_mb`]: round(p.heapGrowthMb, 1), [`pipeline_${key}_rss_growth_mb`]: round(p.rssGrowthMb, 1),
    });
    const budgetUs = 3e6 / raw;
    metrics[`target_${key}_us_per_order`] = round(budgetUs, 1);
    notes.push(
      `${sync}: a third of the raw rate allows ${round(budgetUs, 1)} us per order. The ledger's writes alone took ${round(1e6 / writes, 1)} us ` +
        `(${round(writes / raw, 3)} of raw${writes / raw < MIN_RATIO ? ': the target is out of reach on this schema before any engine work' : ''}); ` +
        `the engine alone, on an in-memory ledger, ${round(engineUs, 1)} us; the pipeline ${round(1e6 / p.ordersPerS, 1)} us`,
    );
    if (p.filled !== ORDERS[sync]) notes.push(`${sync}: only ${p.filled} of ${ORDERS[sync]} orders ended filled`);
    targets.push(target(`pipeline / raw single-row transactions (${sync})`, round(ratio, 3), 'min', round(MIN_RATIO, 3), 'x'));
  }
  notes.push(
    'each order is ~23 SQL statements and one commit: the decision and pending_submit commit before the venue call, carrying the previous order\'s acknowledgement and fill postings (deferred to the next commit, engine/ledger/atomic.ts deferCommit); ~20 WAL pages across 8 tables and their indexes, against 2-3 pages per commit in the raw loop',
    'the venue is in memory (bench/instant-venue.ts); the paper venue would add its state file rewrite per change',
  );
  return {
    name: 'orders-throughput',
    description: `orders through the whole pipeline (facts, gate with ${ruleSet.rules.length} rules, audit record, pending_submit, venue ack and fill, ledger postings), WAL, one ledger per run`,
    table: { columns: ['subject', 'count', 'per s', 'ratio to raw', 'heap MB after (growth)', 'RSS MB after (growth)'], rows },
    metrics,
    targets,
    notes,
  };
}

export const ordersThroughputBench: Bench = { name: 'orders-throughput', run };
