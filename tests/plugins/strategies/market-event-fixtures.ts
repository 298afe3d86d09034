// Builds market events and strategy contexts for strategy tests: a minute bar with its quote, and a flat or held position.
import type { Bar, MarketEvent, PluginContext, PluginLogger, Quote, StrategyContext } from '../../../engine/plugins/plugin-api.ts';

export const MINUTE = 60_000;
/** 2018-04-05T00:00:00Z: a window boundary for every window length dividing a day. */
export const T0 = Date.UTC(2018, 3, 5);

export interface EventSpec {
  readonly ts: number;
  readonly instrument?: string;
  /** Trade bar prices; close defaults to open, high/low to the extremes of open and close. */
  readonly open?: number;
  readonly high?: number;
  readonly low?: number;
  readonly close?: number;
  readonly volume?: number;
  /** false: a minute with quotes but no trades. */
  readonly trade?: boolean;
  readonly bid?: number;
  readonly ask?: number;
  readonly bidSize?: number;
  readonly askSize?: number;
  readonly synthesized?: boolean;
}

export function marketEvent(spec: EventSpec): MarketEvent {
  const instrument = spec.instrument ?? 'BTC-USD';
  const open = spec.open ?? spec.close ?? 100;
  const close = spec.close ?? open;
  const high = spec.high ?? Math.max(open, close);
  const low = spec.low ?? Math.min(open, close);
  const endTs = spec.ts + MINUTE;
  const trade: Bar | null =
    spec.trade === false ? null : { instrument, ts: spec.ts, periodMs: MINUTE, open, high, low, close, volume: spec.volume ?? 1, sourceTs: endTs, receiveTs: endTs };
  const bid = spec.bid ?? close - 0.5;
  const ask = spec.ask ?? close + 0.5;
  const quote: Quote = {
    instrument,
    ts: spec.ts,
    periodMs: MINUTE,
    bidOpen: bid,
    bidHigh: bid,
    bidLow: bid,
    bidClose: bid,
    askOpen: ask,
    askHigh: ask,
    askLow: ask,
    askClose: ask,
    ...(spec.bidSize === undefined ? {} : { bidSize: spec.bidSize }),
    ...(spec.askSize === undefined ? {} : { askSize: spec.askSize }),
    synthesized: spec.synthesized ?? false,
    sourceTs: endTs,
    receiveTs: endTs,
  };
  return { instrument, ts: spec.ts, periodMs: MINUTE, endTs, trade, quote, sourceTs: endTs, receiveTs: endTs };
}

/** The context at the end of `history`'s last event (when the whole bar is known), with the given position. */
export function contextAt(history: readonly MarketEvent[], quantity = 0, entryPrice = 0): StrategyContext {
  const event = history[history.length - 1]!;
  return {
    now: event.endTs,
    event,
    history,
    position: { instrument: event.instrument, quantity, entryPrice, unrealizedPnlUsd: 0 },
    account: { cashUsd: 10_000, equityUsd: 10_000 },
  };
}

export interface LogLine {
  readonly level: string;
  readonly obj: Record<string, unknown>;
  readonly msg?: string;
}

/** A logger that keeps what it is given, so tests can read what a plugin reported. */
export function recordingLogger(): PluginLogger & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg?: string) => {
    lines.push({ level, obj, ...(msg === undefined ? {} : { msg }) });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function pluginContext<Config>(config: Config, logger: PluginLogger = recordingLogger()): PluginContext<Config> {
  return { config, logger, now: () => T0, random: () => 0.5, stateDir: '/nonexistent/state' };
}
