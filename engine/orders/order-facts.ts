// Assembles the gate's fact snapshot for one candidate order from its parts: order, market, books, activity, controls, feed, time.
import { type Direction, type Leg, legOfSide, signOf } from '../ledger/legs.ts';
import type { LedgerFacts } from '../ledger/ledger-facts.ts';
import { qtyToE8 } from '../ledger/money.ts';
import type { Signal } from '../plugins/plugin-api.ts';
import type { FactSnapshot, KillLevel, Mode } from '../types.ts';
import { NEVER_MS } from './activity.ts';

/** Runtime controls as the runtime reads them (database, short cache); passed in, never guessed. */
export interface ControlFacts {
  readonly kill_level: KillLevel;
  readonly trading_mode: Mode;
  readonly allowed_instruments: readonly string[];
  readonly allowed_strategies: readonly string[];
}

/** Feed health of this instrument, from the robust feed. */
export interface FeedFacts {
  readonly age_ms: number;
  readonly stale: boolean;
  readonly gap_open: boolean;
}

export interface ExecutionFacts {
  readonly quality_score: number;
  readonly reject_rate: number;
}

export interface ActivityFacts {
  readonly orders_this_cycle: number;
  readonly notional_this_cycle_usd: number;
  readonly orders_in_window_for_instrument: number;
  readonly trades_today_for_market: number;
  readonly consecutive_failures: number;
  readonly ms_since_last_failure: number;
  readonly consecutive_losses: number;
  readonly ms_since_last_loss: number;
  readonly unknown_orders_for_instrument: number;
}

export interface SnapshotParts {
  readonly signal: Pick<Signal, 'instrument' | 'side' | 'orderType' | 'intent' | 'windowStartMs' | 'windowEndMs'>;
  readonly quantity: number;
  readonly executionPrice: number;
  readonly strategy: string;
  readonly venue: string;
  readonly isEntry: boolean;
  readonly market: Record<string, unknown>;
  /** Absent when the ledger could not compute them: the gate then fails closed on every rule that reads them. */
  readonly books?: LedgerFacts;
  readonly activity: ActivityFacts;
  readonly controls: ControlFacts;
  readonly feed: FeedFacts;
  readonly execution: ExecutionFacts;
  readonly barsSinceStart: number;
  readonly nowMs: number;
}

/**
 * Whether an order opens or adds to a position: it grows the held quantity of its leg, or flips
 * it to the other side. Exits that would do so are refused by exit-must-not-add.
 */
export function isEntryOrder(heldQty: number, direction: Direction, quantity: number): boolean {
  const before = qtyToE8(heldQty, 'held quantity');
  const after = before + signOf(direction) * qtyToE8(quantity, 'order quantity');
  if (Math.abs(after) > Math.abs(before)) return true;
  return before !== 0 && after !== 0 && Math.sign(after) !== Math.sign(before);
}

/** The signed quantity held in the leg a side trades, from the ledger's open positions. */
export function heldQuantity(positions: readonly { instrument: string; leg: Leg; qty: number }[], instrument: string, side: Signal['side']): number {
  const leg = legOfSide(side);
  return positions.find((p) => p.instrument === instrument && p.leg === leg)?.qty ?? 0;
}

export function buildSnapshot(p: SnapshotParts): FactSnapshot {
  const { signal, nowMs } = p;
  const windowEnd = signal.windowEndMs;
  const snapshot: FactSnapshot = {
    order: {
      side: signal.side,
      quantity: p.quantity,
      price: p.executionPrice,
      notional_usd: p.quantity * p.executionPrice,
      instrument: signal.instrument,
      venue: p.venue,
      strategy: p.strategy,
      is_entry: p.isEntry,
      reduce_only: signal.intent === 'exit',
      order_type: signal.orderType,
      // An order outside any window trades "now": it is never in a future window.
      window_start_ms: signal.windowStartMs ?? nowMs,
      window_end_ms: windowEnd ?? nowMs + NEVER_MS,
    },
    market: p.market,
    activity: {
      ...p.activity,
      notional_this_cycle_after_order_usd: p.activity.notional_this_cycle_usd + p.quantity * p.executionPrice,
    },
    controls: { ...p.controls, allowed_instruments: [...p.controls.allowed_instruments], allowed_strategies: [...p.controls.allowed_strategies] },
    feed: { ...p.feed },
    execution: { ...p.execution },
    time: {
      now_ms: nowMs,
      utc_hour: new Date(nowMs).getUTCHours(),
      bars_since_start: p.barsSinceStart,
      ms_to_window_close: windowEnd === undefined ? NEVER_MS : windowEnd - nowMs,
    },
  };
  if (p.books) {
    snapshot['account'] = { ...p.books.account };
    snapshot['position'] = { ...p.books.position };
  }
  return snapshot;
}

const PATHS = new Map<string, Map<string, string>>();

/** `ns.name`, built once per fact: the audit record of every order flattens some eighty of them. */
function pathOf(ns: string, name: string): string {
  const names = PATHS.get(ns) ?? new Map<string, string>();
  if (names.size === 0) PATHS.set(ns, names);
  let path = names.get(name);
  if (path === undefined) {
    path = `${ns}.${name}`;
    if (names.size < 1024) names.set(name, path);
  }
  return path;
}

/** The snapshot keyed by dotted path, as the audit trail stores it. */
export function flattenSnapshot(snapshot: FactSnapshot): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const ns in snapshot) {
    const values = snapshot[ns]!;
    for (const name in values) out[pathOf(ns, name)] = values[name];
  }
  return out;
}
