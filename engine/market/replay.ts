// Replays bars as one ordered stream of market events: trades and quotes merged per instrument and period, paced by an injected clock.
import type { Clock } from '../clock.ts';
import { TradegateError } from '../errors.ts';
import { type Bar, type MarketEvent, type Quote, synthesizeQuote } from './bar.ts';
import type { BarSet } from './bar-set.ts';
import type { Sleep } from './sleep.ts';

/**
 * Spread put around a trade bar when the source has no quote for that minute. The shipped Coinbase
 * BTC-USD quotes have a median spread of 0.014 bps (one cent); 2 bps is deliberately pessimistic so
 * paper fills on quote-less days never look better than the real book would have been.
 */
export const DEFAULT_SYNTH_SPREAD_BPS = 2;

export interface MergeOptions {
  readonly synthSpreadBps?: number;
}

/** Events in the order a live feed would deliver them: by period end, then instrument. */
export function mergeMarketEvents(set: Pick<BarSet, 'trades' | 'quotes'>, options: MergeOptions = {}): MarketEvent[] {
  const spread = options.synthSpreadBps ?? DEFAULT_SYNTH_SPREAD_BPS;
  const slots = new Map<string, { trade?: Bar; quote?: Quote }>();
  const slot = (instrument: string, ts: number) => {
    const key = `${instrument}\u0000${ts}`;
    const existing = slots.get(key);
    if (existing) return existing;
    const created = {};
    slots.set(key, created);
    return created as { trade?: Bar; quote?: Quote };
  };
  const duplicate = (kind: string, b: Bar | Quote) =>
    new TradegateError('MARKET_DATA_ORDER', `two ${kind} bars for ${b.instrument} at ${new Date(b.ts).toISOString()}`, {
      instrument: b.instrument,
      ts: b.ts,
    });
  for (const t of set.trades) {
    const s = slot(t.instrument, t.ts);
    if (s.trade) throw duplicate('trade', t);
    s.trade = t;
  }
  for (const q of set.quotes) {
    const s = slot(q.instrument, q.ts);
    if (s.quote) throw duplicate('quote', q);
    s.quote = q;
  }
  const events: MarketEvent[] = [];
  for (const { trade, quote } of slots.values()) {
    const q = quote ?? synthesizeQuote(trade!, spread);
    const base = trade ?? q;
    events.push({
      instrument: base.instrument,
      ts: base.ts,
      periodMs: base.periodMs,
      endTs: base.ts + base.periodMs,
      trade: trade ?? null,
      quote: q,
      sourceTs: Math.max(trade?.sourceTs ?? 0, q.sourceTs),
      receiveTs: Math.max(trade?.receiveTs ?? 0, q.receiveTs),
    });
  }
  return events.sort((a, b) => a.endTs - b.endTs || (a.instrument < b.instrument ? -1 : a.instrument > b.instrument ? 1 : 0));
}

/** 1 = real time, 60 = an hour of market data per minute, 'max' = as fast as the consumer takes events. */
export type ReplaySpeed = number | 'max';

/** `--speed` as typed by an operator: `max`, `realtime`, `60` or `60x`. */
export function parseSpeed(text: string): ReplaySpeed {
  const t = text.trim().toLowerCase();
  if (t === 'max') return 'max';
  if (t === 'realtime' || t === 'real-time') return 1;
  const m = /^(\d+(\.\d+)?)x?$/.exec(t);
  const n = m ? Number(m[1]) : Number.NaN;
  if (!(n > 0) || !Number.isFinite(n)) {
    throw new TradegateError('USAGE', `speed '${text}' is not 'max', 'realtime' or a factor > 0 such as 60 or 60x`, { value: text });
  }
  return n;
}

export interface ReplayOptions {
  readonly speed: ReplaySpeed;
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** Aborting ends the iteration after the event in hand; nothing is thrown. */
  readonly signal?: AbortSignal;
}

/**
 * Yields each event when its period ends, scaled by speed, measured from the first event. Pacing is
 * anchored to the start, not to the previous event, so a slow consumer catches up instead of drifting.
 * The receive time is the clock's time at delivery; at 'max' speed there is no delivery delay to
 * speak of, so it is the source time.
 */
export async function* replay(events: readonly MarketEvent[], options: ReplayOptions): AsyncGenerator<MarketEvent> {
  const { speed, clock, sleep, signal } = options;
  if (speed !== 'max' && !(speed > 0 && Number.isFinite(speed))) throw new RangeError(`replay speed must be > 0 or 'max', got ${speed}`);
  const first = events[0];
  if (!first) return;
  const wallStart = clock.now();
  for (const event of events) {
    if (signal?.aborted) return;
    if (speed !== 'max') {
      const due = wallStart + (event.endTs - first.endTs) / speed;
      const wait = due - clock.now();
      if (wait > 0) await sleep(wait, signal);
      if (signal?.aborted) return;
    }
    yield withReceiveTs(event, speed === 'max' ? event.sourceTs : clock.now());
  }
}

function withReceiveTs(event: MarketEvent, receiveTs: number): MarketEvent {
  return {
    ...event,
    trade: event.trade ? { ...event.trade, receiveTs } : null,
    quote: { ...event.quote, receiveTs },
    receiveTs,
  };
}
