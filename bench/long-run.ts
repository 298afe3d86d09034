// Long paper run: whether a session's cost per market event stays flat as its orders, fills and state pile up over days of frequent trading.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import { parse, stringify } from 'yaml';
import { runSession } from '../engine/main.ts';
import { LogCapture } from '../engine/observe/log-capture.ts';
import type { ProgressSink } from '../engine/runtime/progress.ts';
import type { RunResult } from '../engine/runtime/session-end.ts';
import { type Bench, type BenchResult, target } from './bench-api.ts';
import { bytesUnder } from './bytes-under.ts';
import { collectGarbage } from './full-gc.ts';
import { type Random, seededRandom } from './seeded-random.ts';
import { quantile, round } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** One-minute bars in the measured run (TRADEGATE_BENCH_LONG_RUN_BARS overrides; 10,080 is a week). */
const BARS = Number(process.env['TRADEGATE_BENCH_LONG_RUN_BARS'] ?? 20_000);
/** A short run first in the same process: module loading and JIT are not what is measured. */
const WARMUP_BARS = 1_000;
/** "Flat": the last tenth of the events may cost at most this many times the first tenth, on the mean and on the median. */
const MAX_GROWTH = 1.5;
const WINDOWS = 10;
const START_MS = Date.UTC(2021, 0, 4);
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Per-minute volatility of the walk: well under regime-lockout's 60 bps, so the regime rule never stops the trading. */
const STEP_BPS = 4;
const SPREAD_BPS = 2;


const px = (n: number) => n.toFixed(2);
const size = (r: Random) => r.between(0.5, 20, 8);

/** A standard normal draw (Box-Muller) from the seeded source. */
function normal(r: Random): number {
  return Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
}

/** `bars` minutes of BTC-USD from a seeded random walk, written as LEAN minute zips (a trade and a quote file per UTC day), as in config/replay. */
function writeReplay(dir: string, bars: number, seed: number): void {
  mkdirSync(dir, { recursive: true });
  const r = seededRandom(seed);
  const half = SPREAD_BPS / 2 / 10_000;
  let close = 30_000;
  for (let day = 0; day * 1440 < bars; day++) {
    const trades: string[] = [];
    const quotes: string[] = [];
    for (let m = 0; m < 1440 && day * 1440 + m < bars; m++) {
      const open = close;
      close = open * Math.exp((normal(r) * STEP_BPS) / 10_000);
      const high = Math.max(open, close) * (1 + r.next() * 2e-4);
      const low = Math.min(open, close) * (1 - r.next() * 2e-4);
      const ms = m * MINUTE_MS;
      trades.push([ms, px(open), px(high), px(low), px(close), size(r)].join(','));
      const side = (k: number) => [open, high, low, close].map((p) => px(p * (1 + k * half)));
      quotes.push([ms, ...side(-1), size(r), ...side(1), size(r)].join(','));
    }
    const date = new Date(START_MS + day * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '');
    for (const [kind, rows] of [['trade', trades], ['quote', quotes]] as const) {
      writeFileSync(join(dir, `${date}_${kind}.zip`), zipSync({ [`${date}_btcusd_minute_${kind}.csv`]: strToU8(rows.join('\n')) }));
    }
  }
}

type RuleFile = { rules: { id: string; params?: Record<string, { value: unknown }> }[] };

/** The shipped rules, with the limits a strategy trading every few minutes would hit raised the way an operator would edit them. */
function writeRules(dir: string): void {
  cpSync(join(ROOT, 'rules'), dir, { recursive: true });
  const raise = (file: string, id: string, param: string, value: number) => {
    const path = join(dir, file);
    const doc = parse(readFileSync(path, 'utf8')) as RuleFile;
    const rule = doc.rules.find((x) => x.id === id);
    if (!rule?.params?.[param]) throw new Error(`rules/${file} has no ${id}.${param} to raise`);
    rule.params[param].value = value;
    writeFileSync(path, stringify(doc));
  };
  // About 400 entries a day: the cap's schema maximum still leaves room.
  raise('order-flow.yaml', 'max-trades-per-market-per-day', 'max_trades', 1000);
  // Round trips of a few minutes mostly lose the spread and fees: a losing streak is the normal case here, not a warning.
  raise('loss-limits.yaml', 'consecutive-loss-lockout', 'lockout_ms', 0);
}

/**
 * The shipped engine config on the generated data, with the canary alone: two-minute windows, an entry at
 * the touch as soon as a window opens and its exit when it closes, so a round trip every three bars or so.
 */
function writeConfig(dir: string): string {
  const c = parse(readFileSync(join(ROOT, 'config', 'engine.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
  c['rules_dir'] = join(dir, 'rules') as never;
  c['market_data']!['path'] = join(dir, 'replay');
  c['strategies'] = [{ name: 'canary', instruments: ['BTC-USD'], config: { quantity: 0.001, window_minutes: 2, entry_cutoff_seconds: 0, limit_offset_bps: 10, declared_edge_bps: 10 } }] as never;
  c['http'] = { host: '127.0.0.1', port: 0 };
  const file = join(dir, 'engine.yaml');
  writeFileSync(file, stringify(c));
  return file;
}

interface Timed extends ProgressSink {
  /** Wall time of each event, ns: from the previous event handled to this one handled (the handover, the step, the assertions, the marks). */
  readonly ns: Float64Array;
  readonly heapMb: number[];
  readonly rssMb: number[];
  count(): number;
}

/** The session's own progress hook, called once per handled event; memory is sampled (after a full GC) at each window's end, outside the timed intervals. */
function eventTimer(capacity: number): Timed {
  const ns = new Float64Array(capacity);
  const heapMb: number[] = [];
  const rssMb: number[] = [];
  let n = 0;
  let last = 0n;
  let every = 1;
  const sample = () => {
    collectGarbage();
    const m = process.memoryUsage();
    heapMb.push(m.heapUsed / 2 ** 20);
    rssMb.push(m.rss / 2 ** 20);
  };
  return {
    ns, heapMb, rssMb, count: () => n,
    start(total) {
      every = Math.max(1, Math.floor(total / WINDOWS));
      sample();
      last = process.hrtime.bigint();
    },
    update() {
      const now = process.hrtime.bigint();
      if (n < capacity) ns[n] = Number(now - last);
      n++;
      if (n % every === 0) sample();
      last = process.hrtime.bigint();
    },
    stop() {},
  };
}

interface Session {
  readonly result: RunResult;
  readonly timer: Timed;
  readonly wallS: number;
  readonly ledgerBytes: number;
  readonly paperStateBytes: number;
}

/** One paper session over `bars` generated minutes, in a temp folder removed afterwards. */
async function paperSession(bars: number): Promise<Session> {
  const dir = mkdtempSync(join(tmpdir(), 'tradegate-bench-long-run-'));
  try {
    writeReplay(join(dir, 'replay'), bars, 20_210_104);
    writeRules(join(dir, 'rules'));
    const config = writeConfig(dir);
    const timer = eventTimer(bars);
    const t0 = process.hrtime.bigint();
    const result = await runSession({
      cwd: dir, config, mode: 'paper', speed: 'max', durationS: null, runDir: join(dir, 'run'), dataDir: join(dir, 'books'), signal: new AbortController().signal,
      logDestination: new LogCapture(), logLevel: 'silent', progress: timer, httpPort: 0,
    });
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    if (result.reason !== 'end_of_data') throw new Error(`the long run stopped early: ${result.reason}`);
    const books = join(dir, 'books');
    return { result, timer, wallS, ledgerBytes: bytesUnder(books, (n) => n.startsWith('paper.sqlite')), paperStateBytes: bytesUnder(join(books, 'plugins', 'paper')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The run must have traded as a busy bot does, or a flat line means nothing: thousands of orders sent and filled. */
function requireBusy(s: Session, bars: number): void {
  const { total_orders: orders, total_trades: fills, rejections_by_rule: refused } = s.result.summary;
  const floor = Math.max(1000, Math.floor(bars / 10));
  if (orders < floor || fills < floor || s.timer.count() !== bars) {
    throw new Error(`long-run: the paper session did not trade enough to measure anything: ${s.timer.count()} of ${bars} events, ${orders} orders, ${fills} fills (need ${floor} of each); refused by rule: ${JSON.stringify(refused)}`);
  }
}

interface WindowStats {
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
}

function windowStats(ns: Float64Array): WindowStats {
  const sorted = Float64Array.from(ns).sort();
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const us = (v: number) => round(v / 1000, 1);
  return { meanUs: us(mean), p50Us: us(quantile(sorted, 0.5)), p99Us: us(quantile(sorted, 0.99)), maxUs: us(sorted.at(-1)!) };
}

async function run(): Promise<BenchResult> {
  await paperSession(WARMUP_BARS);
  const s = await paperSession(BARS);
  requireBusy(s, BARS);
  const { timer, result } = s;
  const per = Math.floor(BARS / WINDOWS);
  const windows = Array.from({ length: WINDOWS }, (_, i) => windowStats(timer.ns.subarray(i * per, i === WINDOWS - 1 ? BARS : (i + 1) * per)));
  const first = windows[0]!;
  const last = windows.at(-1)!;
  const growth = last.meanUs / first.meanUs;
  const p50Growth = last.p50Us / first.p50Us;
  const p99Growth = last.p99Us / first.p99Us;
  const loopS = timer.ns.reduce((a, b) => a + b, 0) / 1e9;
  const { total_orders: orders, total_trades: fills } = result.summary;
  const mb = (b: number) => round(b / 2 ** 20, 2);
  const heapGrowth = round(timer.heapMb.at(-1)! - timer.heapMb[0]!, 1);
  const rssGrowth = round(timer.rssMb.at(-1)! - timer.rssMb[0]!, 1);
  const rows = windows.map((w, i) => [
    `${i * 10}-${(i + 1) * 10}%`, i === WINDOWS - 1 ? BARS - i * per : per, w.meanUs, w.p50Us, w.p99Us, w.maxUs, round(timer.heapMb[i + 1] ?? Number.NaN, 1), round(timer.rssMb[i + 1] ?? Number.NaN, 1),
  ]);
  return {
    name: 'long-run',
    description: `a paper session (gate, SQLite ledger, paper venue state files, runtime assertions, marks) at max speed over ${BARS} generated one-minute BTC-USD bars, the canary trading a round trip every few minutes; wall time per market event by tenth of the run`,
    table: { columns: ['events', 'n', 'mean us', 'p50 us', 'p99 us', 'max us', 'heap MB at end', 'RSS MB at end'], rows },
    metrics: {
      bars: BARS, orders, fills, loop_s: round(loopS, 3), session_wall_s: round(s.wallS, 3), events_per_s: Math.round(BARS / loopS),
      first_window_mean_us: first.meanUs, first_window_p99_us: first.p99Us, last_window_mean_us: last.meanUs, last_window_p99_us: last.p99Us,
      mean_growth_last_over_first: round(growth, 3), p50_growth_last_over_first: round(p50Growth, 3), p99_growth_last_over_first: round(p99Growth, 3),
      ledger_mb: mb(s.ledgerBytes), paper_state_mb: mb(s.paperStateBytes), heap_growth_mb: heapGrowth, rss_growth_mb: rssGrowth,
      final_equity_usd: result.summary.final_equity_usd ?? Number.NaN,
    },
    targets: [
      target('flat: last-tenth mean event time / first-tenth mean', round(growth, 3), 'max', MAX_GROWTH, 'x'),
      // The median as well: a few slow events from other work on the machine move a window's mean, not its median.
      target('flat: last-tenth median event time / first-tenth median', round(p50Growth, 3), 'max', MAX_GROWTH, 'x'),
    ],
    notes: [
      `${orders} orders, ${fills} fills in the run; refused by rule: ${JSON.stringify(result.summary.rejections_by_rule)}`,
      `per event: first tenth mean ${first.meanUs} us, p50 ${first.p50Us} us, p99 ${first.p99Us} us; last tenth mean ${last.meanUs} us, p50 ${last.p50Us} us, p99 ${last.p99Us} us (p99 ratio ${round(p99Growth, 2)}x)`,
      `loop ${round(loopS, 1)} s (${Math.round(BARS / loopS)} events/s); the whole session with loading and wind-down ${round(s.wallS, 1)} s`,
      `at the end: ledger file ${mb(s.ledgerBytes)} MB, paper venue state folder ${mb(s.paperStateBytes)} MB; heap ${heapGrowth >= 0 ? '+' : ''}${heapGrowth} MB, RSS ${rssGrowth >= 0 ? '+' : ''}${rssGrowth} MB over the loop (after a full GC at each end)`,
      'rules raised for a frequent trader: max-trades-per-market-per-day 1000, consecutive-loss-lockout lockout_ms 0; logs silent; a 1,000-bar warm-up session runs first; TRADEGATE_BENCH_LONG_RUN_BARS sets the length',
    ],
  };
}

export const longRunBench: Bench = { name: 'long-run', run };
