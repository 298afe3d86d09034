// Paper venue persistence: the cost of one change (order placed, canceled, filled) on books of 100 to 50,000 orders and fills, fsync on, beside a whole-file save.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../engine/clock.ts';
import { seededRandom } from '../engine/market/seeded-random.ts';
import { createLogger } from '../engine/observe/logger.ts';
import type { MarketEvent, PluginContext } from '../engine/plugins/plugin-api.ts';
import { type BookState, emptyState } from '../plugins/venues/paper/book-state.ts';
import type { PaperConfigFile } from '../plugins/venues/paper/paper-config.ts';
import { PaperVenue, STATE_FILE } from '../plugins/venues/paper/paper-venue.ts';
import { writeStateAtomic } from '../plugins/venues/paper/state-file.ts';
import { type Bench, type BenchResult, target } from './bench-api.ts';
import { bytesUnder } from './bytes-under.ts';
import { quantile, round, since } from './stats.ts';

const SIZES = [100, 10_000, 50_000];
/** Changes timed per book: a third each of resting limit orders placed, canceled, and market orders filled by an event. */
const ROUNDS = 300;
/** Whole-file saves timed per book, the way every change was saved before the journal. */
const WHOLE_FILE_SAVES = 10;
const T0 = Date.UTC(2018, 3, 4, 12, 0, 0);
const SPOT = 'BTC-USD';
/** Target: a change on the largest book costs at most this many times one on the smallest, amortized compaction included. */
const MAX_GROWTH = 5;

const CONFIG: PaperConfigFile = {
  starting_cash_usd: 1_000_000_000,
  instruments: [{ instrument: SPOT, type: 'spot', min_quantity: 0.001, quantity_step: 0.001, price_tick: 0.01 }],
  latency_ms: { min: 0, max: 0 },
  slippage: { base_bps: 0, bps_per_10k_usd: 0 },
  fees: { maker_bps: 1, taker_bps: 5 },
  participation: 0.1,
  fsync: true,
};

/** A book as a long session leaves it: `items` orders and fills, half each, every order filled (so none is open). */
function seededBook(items: number): BookState {
  const book = emptyState('bench', 1_000_000_000 * 1e6);
  for (let seq = 1; seq <= items / 2; seq++) {
    const ts = T0 - (items - seq) * 1000;
    const ids = { clientOrderId: `seed-${seq}`, venueOrderId: `bench-o${seq}`, instrument: SPOT, side: seq % 2 === 0 ? ('sell' as const) : ('buy' as const) };
    book.orders.push({ seq, ...ids, type: 'limit', quantity: 0.01, filledQuantity: 0.01, limitPrice: 6800, reduceOnly: false, status: 'filled', rejectReason: null, placedAt: ts, arrivalTs: ts, expiresAt: null, arrived: true, resting: true, updatedAt: ts });
    book.fills.push({ seq, venueFillId: `bench-f${seq}`, ...ids, quantity: 0.01, price: 6800, feeUsd: 0.0068, liquidity: 'maker', ts });
  }
  book.ordersReceived = book.orders.length;
  book.positions[SPOT] = 1;
  return book;
}

function minuteEvent(k: number): MarketEvent {
  const ts = T0 + k * 60_000;
  const endTs = ts + 60_000;
  const quote = { instrument: SPOT, ts, periodMs: 60_000, bidOpen: 6800, bidHigh: 6800, bidLow: 6800, bidClose: 6800, askOpen: 6801, askHigh: 6801, askLow: 6801, askClose: 6801, synthesized: false, sourceTs: endTs, receiveTs: endTs };
  const trade = { instrument: SPOT, ts, periodMs: 60_000, open: 6800.5, high: 6801, low: 6800, close: 6800.5, volume: 10, sourceTs: endTs, receiveTs: endTs };
  return { instrument: SPOT, ts, periodMs: 60_000, endTs, trade, quote, sourceTs: endTs, receiveTs: endTs };
}

interface SizeRun {
  readonly items: number;
  readonly snapshotBytes: number;
  readonly changesNs: number[];
  readonly compactionNs: number;
  readonly journalBytes: number;
  readonly folderBytesAfter: number;
  readonly wholeFileNs: number[];
}

async function timed(samples: number[], call: () => unknown): Promise<void> {
  const start = process.hrtime.bigint();
  await call();
  samples.push(since(start));
}

async function runSize(items: number): Promise<SizeRun> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-paper-'));
  try {
    const book = seededBook(items);
    const path = join(dir, STATE_FILE);
    const wholeFileNs: number[] = [];
    for (let i = 0; i < WHOLE_FILE_SAVES; i++) await timed(wholeFileNs, () => writeStateAtomic(path, book, true));
    const snapshotBytes = statSync(path).size;
    const clock = new ManualClock(T0);
    const ctx: PluginContext<PaperConfigFile> = { config: CONFIG, logger: createLogger({ level: 'silent' }), now: () => clock.now(), random: seededRandom(1), stateDir: dir };
    const venue = PaperVenue.open(ctx);
    venue.onMarketEvent(minuteEvent(-1));
    const changesNs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await timed(changesNs, () => venue.placeOrder({ clientOrderId: `rest-${i}`, instrument: SPOT, side: 'buy', type: 'limit', quantity: 0.001, limitPrice: 1000, reduceOnly: false }));
      await timed(changesNs, () => venue.cancelOrder(`rest-${i}`));
      await timed(changesNs, () => venue.placeOrder({ clientOrderId: `take-${i}`, instrument: SPOT, side: 'buy', type: 'market', quantity: 0.001, reduceOnly: false }));
      const e = minuteEvent(i);
      clock.set(e.endTs);
      await timed(changesNs, () => venue.onMarketEvent(e));
    }
    const journalBytes = statSync(path).size - snapshotBytes;
    const compaction: number[] = [];
    await timed(compaction, () => venue.close());
    return { items, snapshotBytes, changesNs, compactionNs: compaction[0]!, journalBytes, folderBytesAfter: bytesUnder(dir), wholeFileNs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (ns: number) => round(ns / 1e6, 3);

/**
 * The journal is folded into a new snapshot when it outgrows max(1 MiB, snapshot): the compaction's cost spread
 * over the changes whose lines fill that much is what each change pays for it.
 */
function amortizedNs(r: SizeRun): number {
  const mean = r.changesNs.reduce((a, b) => a + b, 0) / r.changesNs.length;
  const lineBytes = r.journalBytes / r.changesNs.length;
  return mean + (r.compactionNs * lineBytes) / Math.max(1 << 20, r.snapshotBytes);
}

export const paperVenuePersistenceBench: Bench = {
  name: 'paper-venue-persistence',
  async run(): Promise<BenchResult> {
    const runs: SizeRun[] = [];
    for (const items of SIZES) runs.push(await runSize(items));
    const metrics: Record<string, number> = {};
    const rows = runs.map((r) => {
      const sorted = Float64Array.from(r.changesNs).sort();
      const row = {
        mean: ms(sorted.reduce((a, b) => a + b, 0) / sorted.length),
        p50: ms(quantile(sorted, 0.5)),
        p99: ms(quantile(sorted, 0.99)),
        max: ms(sorted[sorted.length - 1]!),
        amortized: ms(amortizedNs(r)),
        whole: ms(quantile(Float64Array.from(r.wholeFileNs).sort(), 0.5)),
        compaction: ms(r.compactionNs),
        line: Math.round(r.journalBytes / r.changesNs.length),
      };
      for (const [k, v] of Object.entries(row)) metrics[`items_${r.items}_${k}${k === 'line' ? '_bytes' : '_ms'}`] = v;
      metrics[`items_${r.items}_snapshot_bytes`] = r.snapshotBytes;
      metrics[`items_${r.items}_folder_bytes_after`] = r.folderBytesAfter;
      return [r.items, round(r.snapshotBytes / 2 ** 20, 2), r.changesNs.length, row.mean, row.p50, row.p99, row.max, row.amortized, row.line, round((r.snapshotBytes + r.journalBytes) / 2 ** 20, 2), row.compaction, row.whole];
    });
    const growth = amortizedNs(runs.at(-1)!) / amortizedNs(runs[0]!);
    metrics['amortized_growth_largest_over_smallest'] = round(growth, 2);
    return {
      name: 'paper-venue-persistence',
      description: 'ms per change through the paper venue API (placeOrder, cancelOrder, onMarketEvent fill), fsync on, on books already holding N orders+fills',
      table: {
        columns: ['orders+fills', 'snapshot MB', 'changes', 'mean ms', 'p50 ms', 'p99 ms', 'max ms', 'amortized ms', 'line bytes', 'folder MB', 'compaction ms', 'whole-file save ms'],
        rows,
      },
      metrics,
      targets: [target(`amortized ms per change at ${SIZES.at(-1)} over at ${SIZES[0]}`, round(growth, 2), 'max', MAX_GROWTH, 'x')],
      notes: [
        'a change: an API call that saves (one journal line, fdatasync); timed end to end, so the venue\'s own work per call is in it too',
        'amortized: mean per change plus the compaction (timed as close()) spread over the changes that fill max(1 MiB, snapshot) of journal',
        'folder MB: snapshot plus journal after the timed changes, before close() folds them in',
        'whole-file save: the save every change made before the journal (writeStateAtomic of the whole book, fsync), timed on the same book',
      ],
    };
  },
};
