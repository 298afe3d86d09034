// Real parts for order tests: the paper venue on a state folder, a real ledger, the shipped replay data and complete caller facts.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../engine/clock.ts';
import { openLedger, type Ledger } from '../../engine/ledger/ledger.ts';
import type { Synchronous } from '../../engine/ledger/database.ts';
import { mergeBarSets } from '../../engine/market/bar-set.ts';
import { loadMarketData, SHIPPED_REPLAY_DIR, SHIPPED_REPLAY_INSTRUMENT } from '../../engine/market/load-market-data.ts';
import { mergeMarketEvents } from '../../engine/market/replay.ts';
import { seededRandom } from '../../engine/market/seeded-random.ts';
import type { ExecuteContext } from '../../engine/orders/build-facts.ts';
import { transition } from '../../engine/orders/order-state.ts';
import type { MarketEvent, PluginLogger, Signal, Venue } from '../../engine/plugins/plugin-api.ts';
import type { Mode } from '../../engine/types.ts';
import paperVenue from '../../plugins/venues/paper/index.ts';
import type { PaperConfigFile } from '../../plugins/venues/paper/paper-config.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
export const INSTRUMENT = SHIPPED_REPLAY_INSTRUMENT;

/** BTC-USD spot with no latency, 1 bp slippage, 5 bp taker fee and a 1 bp maker rebate; fsync off (tests kill processes, not power). */
export function paperConfig(overrides: Partial<PaperConfigFile> = {}): PaperConfigFile {
  return {
    starting_cash_usd: 10_000,
    instruments: [{ instrument: INSTRUMENT, type: 'spot', min_quantity: 0.0001, quantity_step: 0.0001, price_tick: 0.01 }],
    latency_ms: { min: 0, max: 0 },
    slippage: { base_bps: 1, bps_per_10k_usd: 0 },
    fees: { maker_bps: -1, taker_bps: 5 },
    participation: 0.5,
    fsync: false,
    ...overrides,
  };
}

export const silentLogger: PluginLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** The real paper venue plugin, created the way the plugin loader creates it: through its manifest. */
export async function openPaperVenue(stateDir: string, clock: Clock, seed: number, config: PaperConfigFile = paperConfig()): Promise<Venue> {
  mkdirSync(stateDir, { recursive: true });
  return paperVenue.create({ config, logger: silentLogger, now: () => clock.now(), random: seededRandom(seed), stateDir });
}

export function openTestLedger(dataDir: string, clock: Clock, mode: Mode = 'paper', synchronous: Synchronous = 'NORMAL'): Ledger {
  return openLedger({ dataDir, mode, clock, synchronous, transitionGuard: (from, to) => void transition(from, to) });
}

const loaded = new Map<string, MarketEvent[]>();

/**
 * Shipped Coinbase BTC-USD minute events (trades and quotes merged), loaded once per process: every
 * day, or one day (`20180404`) when a test needs less. Only minutes with a real quote are kept, so
 * fills meet the recorded book, never a synthesized spread.
 */
export function shippedEvents(day?: string): readonly MarketEvent[] {
  const key = day ?? 'all';
  let events = loaded.get(key);
  if (!events) {
    const dir = join(ROOT, SHIPPED_REPLAY_DIR);
    const set = day === undefined
      ? loadMarketData(dir, { instrument: INSTRUMENT })
      : mergeBarSets(['trade', 'quote'].map((kind) => loadMarketData(join(dir, `${day}_${kind}.zip`), { instrument: INSTRUMENT })));
    if (set.problems.length > 0) throw new Error(`shipped replay data has problems: ${set.problems.map((p) => p.message).join('; ')}`);
    events = mergeMarketEvents(set).filter((e) => !e.quote.synthesized);
    loaded.set(key, events);
  }
  return events;
}

/** What a caller knows besides the ledger: every fact the default rules read, each inside every default limit. */
export function callerFacts(event: MarketEvent, overrides: Partial<ExecuteContext> = {}): ExecuteContext {
  return {
    strategy: 'canary',
    cycleId: event.endTs,
    market: {
      bid: event.quote.bidClose,
      ask: event.quote.askClose,
      lastPrice: event.trade?.close ?? event.quote.bidClose,
      dataQualityScore: 1,
      regime: 'normal',
      adx: 20,
    },
    controls: { kill_level: 'none', trading_mode: 'paper', allowed_instruments: [INSTRUMENT], allowed_strategies: ['canary'] },
    feed: { age_ms: 100, stale: false, gap_open: false },
    barsSinceStart: 500,
    ...overrides,
  };
}

/** A price `bps` away from `price`, on the cent grid. */
export function away(price: number, bps: number): number {
  return Math.round(price * (1 + bps / 10_000) * 100) / 100;
}

/** A limit buy 20 bps through the ask (the paper venue takes it on the next event), sized inside the default caps. */
export function entrySignal(event: MarketEvent, signalId: string, extra: Partial<Signal> = {}): Signal {
  return {
    instrument: INSTRUMENT,
    side: 'buy',
    quantity: 0.01,
    orderType: 'limit',
    limitPrice: away(event.quote.askClose, 20),
    signalId,
    intent: 'entry',
    edgeBps: 40,
    reason: 'test entry',
    ...extra,
  };
}

export function exitSignal(event: MarketEvent, signalId: string, quantity: number, extra: Partial<Signal> = {}): Signal {
  return {
    instrument: INSTRUMENT,
    side: 'sell',
    quantity,
    orderType: 'limit',
    limitPrice: away(event.quote.bidClose, -20),
    signalId,
    intent: 'exit',
    reason: 'test exit',
    ...extra,
  };
}
