// Backtest throughput: the shipped data replayed through the whole session loop with the gate on, and the same loop with the gate's work taken out.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSession } from '../engine/main.ts';
import { LogCapture } from '../engine/observe/log-capture.ts';
import type { OrderGate } from '../engine/orders/order-ports.ts';
import type { ProgressSink } from '../engine/runtime/progress.ts';
import type { Decision } from '../engine/types.ts';
import { type Bench, type BenchResult, target } from './bench-api.ts';
import { round } from './stats.ts';

const ROOT = new URL('..', import.meta.url).pathname;
/** Replays per subject, interleaved (on, off, on, off...), so load on the machine hits both alike. */
const REPLAYS = 5;
/** Target from issue 4: the gate costs less than a quarter of the loop's time. */
const MAX_GATE_COST = 0.25;

interface Replay {
  readonly loopNs: number;
  readonly events: number;
  readonly candidates: number;
  readonly gateNs: number;
  readonly gateCalls: number;
}

/** The real gate, timed, with every decision kept in call order for the gate-off replays. */
function timedGate(inner: OrderGate, kept: Decision[], time: { ns: number; calls: number }): OrderGate {
  return {
    async evaluate(snapshot, context) {
      const start = process.hrtime.bigint();
      const decision = await inner.evaluate(snapshot, context);
      time.ns += Number(process.hrtime.bigint() - start);
      time.calls += 1;
      kept.push(decision);
      return decision;
    },
  };
}

/**
 * "Gate off": the same loop, handed the decisions the gate made in the gate-on run, in order, without
 * evaluating anything. Same seed and data, so the same calls come in the same order; a call that does
 * not match the kept decision's moment and instrument means the runs diverged, and the bench stops.
 */
function replayedGate(kept: readonly Decision[]): OrderGate {
  let i = 0;
  return {
    async evaluate(_snapshot, context) {
      const decision = kept[i++];
      if (!decision || decision.context.appliesTo !== context.appliesTo || decision.context.instrument !== context.instrument) {
        throw new Error(`gate-off replay diverged at call ${i}: ${JSON.stringify(context)} vs ${JSON.stringify(decision?.context)}`);
      }
      return decision;
    },
  };
}

/** Times the loop alone: from the first event handed to the session to the last (loading and wind-down excluded). */
function loopTimer(): ProgressSink & { readonly ns: () => number } {
  let start = 0n;
  let end = 0n;
  return {
    start() {
      start = process.hrtime.bigint();
    },
    update() {},
    stop() {
      end = process.hrtime.bigint();
    },
    ns: () => Number(end - start),
  };
}

async function replayOnce(wrapGate: (gate: OrderGate) => OrderGate, gate: { ns: number; calls: number }): Promise<Replay> {
  const dir = await mkdtemp(join(tmpdir(), 'tradegate-bench-backtest-'));
  try {
    const timer = loopTimer();
    const result = await runSession({
      cwd: ROOT, mode: 'backtest', speed: 'max', durationS: null, runDir: join(dir, 'run'), signal: new AbortController().signal,
      logDestination: new LogCapture(), logLevel: 'silent', progress: timer, wrapGate,
    });
    if (result.reason !== 'end_of_data') throw new Error(`a replay stopped early: ${result.reason}`);
    return { loopNs: timer.ns(), events: result.events, candidates: result.candidates, gateNs: gate.ns, gateCalls: gate.calls };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The fastest replay: other work on the machine only ever adds time, so the minimum is the loop's own cost. */
function fastest(values: readonly number[]): number {
  return Math.min(...values);
}

async function run(): Promise<BenchResult> {
  const on: Replay[] = [];
  const off: Replay[] = [];
  // A warm-up pair first: module loading and JIT are not what is measured.
  for (let i = -1; i < REPLAYS; i++) {
    const kept: Decision[] = [];
    const onTime = { ns: 0, calls: 0 };
    const a = await replayOnce((g) => timedGate(g, kept, onTime), onTime);
    const b = await replayOnce(() => replayedGate(kept), { ns: 0, calls: kept.length });
    if (i >= 0) {
      on.push(a);
      off.push(b);
    }
  }
  const loopOn = fastest(on.map((r) => r.loopNs)) / 1e9;
  const loopOff = fastest(off.map((r) => r.loopNs)) / 1e9;
  const medianOn = median(on.map((r) => r.loopNs)) / 1e9;
  const medianOff = median(off.map((r) => r.loopNs)) / 1e9;
  const events = on[0]!.events;
  const candidates = on[0]!.candidates;
  const gateInside = fastest(on.map((r) => r.gateNs)) / 1e9;
  const cost = (loopOn - loopOff) / loopOn;
  const share = gateInside / loopOn;
  const peakRssMb = round(process.resourceUsage().maxRSS / 1024, 1);
  const row = (name: string, loop: number, gateS: number | string) => [name, REPLAYS, events, round(loop, 3), Math.round(events / loop), round(candidates / loop, 1), gateS];
  return {
    name: 'backtest-throughput',
    description: `the shipped BTC-USD minute data (${events} bars) replayed ${REPLAYS}x per subject through the whole loop (paper venue, order manager, SQLite ledger) with the default config and rules; fastest replay of each subject`,
    table: {
      columns: ['subject', 'replays', 'bars', 'loop s', 'bars/s', 'candidate orders/s', 'gate s'],
      rows: [row('gate on (ledger on)', loopOn, round(gateInside, 3)), row('gate off (decisions replayed)', loopOff, '-')],
    },
    metrics: {
      bars: events,
      candidate_orders: candidates,
      gate_calls_per_replay: on[0]!.gateCalls,
      loop_gate_on_s: round(loopOn, 4),
      loop_gate_off_s: round(loopOff, 4),
      loop_gate_on_median_s: round(medianOn, 4),
      loop_gate_off_median_s: round(medianOff, 4),
      bars_per_s_gate_on: Math.round(events / loopOn),
      bars_per_s_gate_off: Math.round(events / loopOff),
      candidate_orders_per_s_gate_on: round(candidates / loopOn, 2),
      gate_cost_fraction: round(cost, 4),
      gate_share_measured_inside: round(share, 4),
      peak_rss_mb: peakRssMb,
    },
    targets: [target('gate cost: (loop on - loop off) / loop on', round(cost * 100, 2), 'max', MAX_GATE_COST * 100, '%')],
    notes: [
      `the gate's own time measured around each call: ${round(share * 100, 2)}% of the loop (${on[0]!.gateCalls} calls per replay: every candidate order and every tick)`,
      `medians: gate on ${round(medianOn, 3)} s, gate off ${round(medianOff, 3)} s (load on the machine moves these; the fastest replays are compared)`,
      `peak RSS of the bench process ${peakRssMb} MB`,
    ],
  };
}

export const backtestThroughputBench: Bench = { name: 'backtest-throughput', run };
