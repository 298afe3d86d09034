// Test fixture for the paper venue: a real venue on a temp state folder, a manual clock, seeded randomness, captured logs, event builders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ManualClock } from '../../../../engine/clock.ts';
import { TradegateError } from '../../../../engine/errors.ts';
import { seededRandom } from '../../../../engine/market/seeded-random.ts';
import { LogCapture } from '../../../../engine/observe/log-capture.ts';
import { createLogger } from '../../../../engine/observe/logger.ts';
import type { Bar, MarketEvent, PluginContext, Quote, VenueOrderRequest } from '../../../../engine/plugins/plugin-api.ts';
import type { PaperConfigFile } from '../../../../plugins/venues/paper/paper-config.ts';
import { PaperVenue } from '../../../../plugins/venues/paper/paper-venue.ts';

/** 2018-04-04T00:00:00Z, the first day of the shipped replay data. */
export const T0 = 1_522_800_000_000;
export const MINUTE = 60_000;
export const SPOT = 'BTC-USD';
export const PERP = 'BTC-PERP';

/** No latency, slippage or fees unless a test asks for them, so each test shows one behaviour. */
export const BASE_CONFIG: PaperConfigFile = {
  starting_cash_usd: 10_000,
  instruments: [
    { instrument: SPOT, type: 'spot', min_quantity: 0.001, quantity_step: 0.001, price_tick: 0.01 },
    { instrument: PERP, type: 'perpetual', min_quantity: 0.001, quantity_step: 0.001, price_tick: 0.5, funding_rate: 0.0001, funding_interval_ms: 8 * 3_600_000 },
  ],
  latency_ms: { min: 0, max: 0 },
  slippage: { base_bps: 0, bps_per_10k_usd: 0 },
  fees: { maker_bps: 0, taker_bps: 0 },
  participation: 0.1,
};

export interface Harness {
  venue: PaperVenue;
  readonly clock: ManualClock;
  readonly capture: LogCapture;
  readonly stateDir: string;
  /** A new venue on the same state folder: a restart. */
  reopen(config?: PaperConfigFile): PaperVenue;
  /** Sets the clock to the event's end (when it becomes known) and hands it to the venue. */
  feed(...events: MarketEvent[]): void;
  cleanup(): void;
}

export interface HarnessOptions {
  readonly seed?: number;
  readonly stateDir?: string;
}

export function openPaper(config: Partial<PaperConfigFile> = {}, options: HarnessOptions = {}): Harness {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'tg-paper-'));
  const clock = new ManualClock(T0);
  const capture = new LogCapture();
  const logger = createLogger({ destination: capture, level: 'debug', clock, time: 'epoch', env: {} });
  const random = seededRandom(options.seed ?? 42);
  const full = { ...BASE_CONFIG, ...config };
  const open = (c: PaperConfigFile) => {
    const ctx: PluginContext<PaperConfigFile> = { config: c, logger, now: () => clock.now(), random, stateDir };
    return PaperVenue.open(ctx);
  };
  const harness: Harness = {
    venue: open(full),
    clock,
    capture,
    stateDir,
    reopen(c = full) {
      harness.venue = open(c);
      return harness.venue;
    },
    feed(...events) {
      for (const e of events) {
        clock.set(Math.max(clock.now(), e.endTs));
        harness.venue.onMarketEvent(e);
      }
    },
    cleanup: () => rmSync(stateDir, { recursive: true, force: true }),
  };
  return harness;
}

export interface EventSpec {
  readonly instrument?: string;
  /** Period start. */
  readonly ts: number;
  readonly periodMs?: number;
  readonly bid: number;
  readonly ask: number;
  /** Quote extremes over the period; default: the bid and ask did not move. */
  readonly bidHigh?: number;
  readonly bidLow?: number;
  readonly askHigh?: number;
  readonly askLow?: number;
  readonly bidOpen?: number;
  readonly askOpen?: number;
  readonly bidSize?: number;
  readonly askSize?: number;
  readonly synthesized?: boolean;
  /** Traded volume; null for a period with no trades (no trade bar). */
  readonly volume?: number | null;
  /** The trade close: deliberately away from bid and ask so a fill at the close would show. */
  readonly close?: number;
}

export function event(s: EventSpec): MarketEvent {
  const instrument = s.instrument ?? SPOT;
  const periodMs = s.periodMs ?? MINUTE;
  const endTs = s.ts + periodMs;
  const bidOpen = s.bidOpen ?? s.bid;
  const askOpen = s.askOpen ?? s.ask;
  const quote: Quote = {
    instrument,
    ts: s.ts,
    periodMs,
    bidOpen,
    bidHigh: s.bidHigh ?? Math.max(bidOpen, s.bid),
    bidLow: s.bidLow ?? Math.min(bidOpen, s.bid),
    bidClose: s.bid,
    ...(s.bidSize !== undefined ? { bidSize: s.bidSize } : {}),
    askOpen,
    askHigh: s.askHigh ?? Math.max(askOpen, s.ask),
    askLow: s.askLow ?? Math.min(askOpen, s.ask),
    askClose: s.ask,
    ...(s.askSize !== undefined ? { askSize: s.askSize } : {}),
    synthesized: s.synthesized ?? false,
    sourceTs: endTs,
    receiveTs: endTs,
  };
  const volume = s.volume === undefined ? 10 : s.volume;
  const close = s.close ?? (s.bid + s.ask) / 2;
  const trade: Bar | null =
    volume === null
      ? null
      : { instrument, ts: s.ts, periodMs, open: close, high: Math.max(close, quote.askHigh), low: Math.min(close, quote.bidLow), close, volume, sourceTs: endTs, receiveTs: endTs };
  return { instrument, ts: s.ts, periodMs, endTs, trade, quote, sourceTs: endTs, receiveTs: endTs };
}

/** The k-th minute after T0 with a steady quote. */
export function minute(k: number, bid: number, ask: number, extra: Partial<EventSpec> = {}): MarketEvent {
  return event({ ts: T0 + k * MINUTE, bid, ask, ...extra });
}

export function order(overrides: Partial<VenueOrderRequest> & Pick<VenueOrderRequest, 'clientOrderId'>): VenueOrderRequest {
  return { instrument: SPOT, side: 'buy', type: 'market', quantity: 0.1, reduceOnly: false, ...overrides };
}

/** Awaits a placeOrder the venue must refuse; checks it is a deny-kind VENUE_ORDER_REJECTED and returns its message. */
export async function refusal(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => {
      throw new Error('expected the venue to refuse the order');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TradegateError);
  expect(err).toMatchObject({ code: 'VENUE_ORDER_REJECTED', kind: 'deny' });
  return (err as TradegateError).message;
}
