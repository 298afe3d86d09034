// The market data a session replays: loaded strictly (any bad row refuses the file), merged into events, split at where a run resumes.
import type { MarketEvent } from '../market/bar.ts';
import { requireClean } from '../market/bar-set.ts';
import { loadMarketData } from '../market/load-market-data.ts';
import { mergeMarketEvents } from '../market/replay.ts';
import { TradegateError } from '../errors.ts';

export interface MarketSource {
  readonly path: string;
  readonly events: readonly MarketEvent[];
}

export function loadMarketSource(path: string, instrument: string, synthSpreadBps: number): MarketSource {
  const set = requireClean(loadMarketData(path, { instrument }));
  const events = mergeMarketEvents(set, { synthSpreadBps });
  if (events.length === 0) throw new TradegateError('MARKET_DATA_UNREADABLE', `${path} holds no market data`, { path });
  return { path, events };
}

export interface ResumeSplit {
  /** Already processed by the run: replayed into the market view only, so indicators have their history. */
  readonly history: readonly MarketEvent[];
  /** Still to trade. */
  readonly pending: readonly MarketEvent[];
}

/** Events ending at or before `doneThroughMs` were processed before the restart; `historyBars` of them warm the view again. */
export function splitAtResume(events: readonly MarketEvent[], doneThroughMs: number | null, historyBars: number): ResumeSplit {
  if (doneThroughMs === null) return { history: [], pending: events };
  let i = 0;
  while (i < events.length && events[i]!.endTs <= doneThroughMs) i++;
  return { history: events.slice(Math.max(0, i - historyBars), i), pending: events.slice(i) };
}
