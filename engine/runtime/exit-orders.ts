// Turns the exit decision's choice into the exit order it sends: the strategy's own exit, or a marketable limit that closes the position.
import type { Leg } from '../ledger/legs.ts';
import type { MarketEvent } from '../market/bar.ts';
import type { ExitChoice } from '../orders/exit-decision.ts';
import type { Side, Signal } from '../plugins/plugin-api.ts';

export interface ExitSettings {
  /** How far through the touch the limit goes, basis points: it fills now, but never at any price. */
  readonly offsetBps: number;
  readonly ttlMs: number;
}

/** The side that closes a position in one leg: sell what is held long, buy back what is short. */
export function closingSide(leg: Leg, quantity: number): Side {
  if (leg === 'yes') return 'sell_yes';
  if (leg === 'no') return 'sell_no';
  return quantity > 0 ? 'sell' : 'buy';
}

const roundPrice = (p: number) => Math.round(p * 1e8) / 1e8;
const barLabel = (ts: number) => new Date(ts).toISOString().replace('.000Z', 'Z');

/** The price the closing side meets. The quote is the YES contract's: a NO contract bids one minus the YES ask (and asks one minus the YES bid). */
function touchOf(leg: Leg, selling: boolean, quote: MarketEvent['quote']): number {
  if (leg === 'no') return selling ? 1 - quote.askClose : 1 - quote.bidClose;
  return selling ? quote.bidClose : quote.askClose;
}

/**
 * The order for an exit the decision chose. A strategy exit goes as the strategy asked (its price,
 * its TTL, its id); every other reason closes the whole position with a marketable limit priced off
 * `event`, the instrument's latest bar. Ids carry the reason and the bar being processed (`cycleTs`,
 * by default the latest bar's), so a retry on a later bar is a new intent and the same bar never sends
 * two: a position whose own feed went silent is still retried at each later bar of another instrument.
 */
export function exitSignal(
  choice: ExitChoice,
  position: { readonly instrument: string; readonly leg: Leg; readonly quantity: number },
  event: MarketEvent,
  settings: ExitSettings,
  strategyExit: Signal | null,
  cycleTs: number = event.ts,
): Signal {
  if (choice.reason === 'strategy' && strategyExit) return strategyExit;
  const side = closingSide(position.leg, position.quantity);
  const selling = side !== 'buy';
  const offset = settings.offsetBps / 10_000;
  const touch = touchOf(position.leg, selling, event.quote);
  const limit = roundPrice(selling ? touch * (1 - offset) : touch * (1 + offset));
  return {
    instrument: position.instrument,
    side,
    quantity: Math.abs(position.quantity),
    orderType: 'limit',
    // A binary contract trades between 0 and 1: the limit stays inside it.
    limitPrice: position.leg === 'outright' ? limit : Math.min(Math.max(limit, 0), 1),
    signalId: `exit:${choice.reason}:${position.instrument}:${barLabel(cycleTs)}`,
    intent: 'exit',
    reason: `${choice.reason}${choice.ruleId ? ` (${choice.ruleId})` : ''}: ${choice.message}`,
    ttlMs: settings.ttlMs,
  };
}
