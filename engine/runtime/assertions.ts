// Runtime assertions (R6.5): pure checks over a snapshot of the books the runner takes every tick; a failure names what broke.
import type { AssertionOutcome } from '../trading-events.ts';
import type { OrderState } from '../types.ts';

/** A signal the gate let through (not refused, not invalid): it must have become an order. */
export interface AcceptedSignal {
  readonly signalId: string;
  readonly instrument: string;
  readonly intent: 'entry' | 'exit';
  /** The order the manager answered with (a duplicate answers with the existing one); null is the failure. */
  readonly clientOrderId: string | null;
  /** When the gate accepted it (session clock). */
  readonly atMs: number;
  /** The market window the signal trades, when windowed. */
  readonly windowStartMs?: number | null;
}

export interface AssertedOrder {
  readonly clientOrderId: string;
  readonly instrument: string;
  readonly state: OrderState;
  readonly qty: number;
  readonly filledQty: number;
  readonly venueOrderId: string | null;
  /** USD notional sent (or qty x limit); null when unpriced (counted at 0 only if the order is not live). */
  readonly notionalUsd: number | null;
  /** Opens or adds to a position. Unknown counts as an entry: the cap errs on the side of less risk. */
  readonly isEntry?: boolean;
}

export interface AssertedPosition {
  readonly instrument: string;
  /** Signed quantity. */
  readonly qty: number;
  /** |qty| x mark, USD. */
  readonly notionalUsd: number;
}

/** The books' PnL parts at one moment, USD; engine/runtime/assertion-state.ts reads them from the ledger. */
export interface PnlBooks {
  readonly equityUsd: number;
  readonly realizedUsd: number;
  readonly unrealizedUsd: number;
  readonly feesUsd: number;
  readonly fundingUsd: number;
  /** Deposits, withdrawals and adjustments: money that is not PnL. */
  readonly externalUsd: number;
}

export interface AssertionState {
  /** Session clock. */
  readonly nowMs: number;
  readonly signals: readonly AcceptedSignal[];
  /** The orders the signals and positions refer to (at least every order of this session). */
  readonly orders: readonly AssertedOrder[];
  /** Sum of the ledger's fills per client order id. */
  readonly fillQtyByOrder: ReadonlyMap<string, number>;
  readonly positions: readonly AssertedPosition[];
  /** The venue's positions; null when not fetched this tick (the check is skipped, not failed). */
  readonly venuePositions: readonly { readonly instrument: string; readonly qty: number }[] | null;
  readonly pnl: { readonly start: PnlBooks; readonly now: PnlBooks; readonly toleranceUsd: number };
  /** The configured instrument scope. */
  readonly scope: readonly string[];
  /** Largest exposure allowed: positions at mark plus live entry orders, USD. */
  readonly capitalCapUsd: number;
  /** Wall time of the previous completed tick (null on the first) and now; a longer gap means the loop stalled. */
  readonly heartbeat: { readonly previousTickMs: number | null; readonly nowMs: number; readonly maxGapMs: number };
}

export const ASSERTION_NAMES = [
  'signal_order_mapping',
  'fill_confirmation',
  'position_count_matches_venue',
  'pnl_consistency',
  'venue_order_ids_present',
  'instrument_scope',
  'no_future_windows',
  'capital_cap',
  'heartbeat',
] as const;
export type AssertionName = (typeof ASSERTION_NAMES)[number];

/** Quantities are compared at the ledger's resolution (1e-8 units). */
const QTY_EPS = 5e-9;
const LIVE: ReadonlySet<OrderState> = new Set(['pending_submit', 'submitted', 'partially_filled', 'unknown']);
const ACKNOWLEDGED: ReadonlySet<OrderState> = new Set(['submitted', 'partially_filled', 'filled']);
const MAX_LISTED = 5;

function outcome(name: AssertionName, failures: readonly string[]): AssertionOutcome {
  if (failures.length === 0) return { name, ok: true, message: null };
  const more = failures.length > MAX_LISTED ? `; and ${failures.length - MAX_LISTED} more` : '';
  return { name, ok: false, message: `${failures.slice(0, MAX_LISTED).join('; ')}${more}` };
}

const finite = (...xs: number[]): boolean => xs.every(Number.isFinite);

export function signalOrderMapping(s: AssertionState): AssertionOutcome {
  const ids = new Set(s.orders.map((o) => o.clientOrderId));
  const failures = s.signals
    .filter((sig) => sig.clientOrderId === null || !ids.has(sig.clientOrderId))
    .map((sig) => `accepted ${sig.intent} signal ${sig.signalId} (${sig.instrument}) has ${sig.clientOrderId === null ? 'no order' : `no order ${sig.clientOrderId} in the ledger`}`);
  return outcome('signal_order_mapping', failures);
}

export function fillConfirmation(s: AssertionState): AssertionOutcome {
  const failures: string[] = [];
  for (const o of s.orders) {
    const filled = s.fillQtyByOrder.get(o.clientOrderId) ?? 0;
    if (!finite(filled, o.filledQty, o.qty)) failures.push(`order ${o.clientOrderId} has a non-finite quantity`);
    else if (Math.abs(filled - o.filledQty) > QTY_EPS) failures.push(`order ${o.clientOrderId} records ${o.filledQty} filled but its fills sum to ${filled}`);
    else if (o.state === 'filled' && Math.abs(o.filledQty - o.qty) > QTY_EPS) failures.push(`order ${o.clientOrderId} is filled with ${o.filledQty} of ${o.qty}`);
  }
  return outcome('fill_confirmation', failures);
}

export function positionCountMatchesVenue(s: AssertionState): AssertionOutcome {
  if (s.venuePositions === null) return outcome('position_count_matches_venue', []);
  const held = (list: readonly { instrument: string; qty: number }[]) => new Map(list.filter((p) => Math.abs(p.qty) > QTY_EPS).map((p) => [p.instrument, p.qty]));
  const ours = held(s.positions);
  const theirs = held(s.venuePositions);
  const failures: string[] = [];
  if (ours.size !== theirs.size) failures.push(`the ledger holds ${ours.size} positions, the venue ${theirs.size}`);
  for (const i of new Set([...ours.keys(), ...theirs.keys()])) {
    const a = ours.get(i) ?? 0;
    const b = theirs.get(i) ?? 0;
    if (Math.abs(a - b) > QTY_EPS) failures.push(`${i}: ledger ${a}, venue ${b}`);
  }
  return outcome('position_count_matches_venue', failures);
}

/** Equity moves only by PnL and external money: Δequity - Δexternal = Δ(realized - fees + funding + unrealized). */
export function pnlConsistency(s: AssertionState): AssertionOutcome {
  const { start, now, toleranceUsd } = s.pnl;
  const parts = [start, now].flatMap((b) => [b.equityUsd, b.realizedUsd, b.unrealizedUsd, b.feesUsd, b.fundingUsd, b.externalUsd]);
  if (!finite(...parts, toleranceUsd)) return outcome('pnl_consistency', ['a PnL figure of the books is not a finite number']);
  const books = (b: PnlBooks) => b.realizedUsd - b.feesUsd + b.fundingUsd + b.unrealizedUsd;
  const equityChange = now.equityUsd - start.equityUsd - (now.externalUsd - start.externalUsd);
  const pnl = books(now) - books(start);
  const gap = equityChange - pnl;
  const failures = Math.abs(gap) > toleranceUsd ? [`equity moved ${equityChange.toFixed(6)} USD but the books' PnL moved ${pnl.toFixed(6)} USD (off by ${gap.toFixed(6)}, tolerance ${toleranceUsd})`] : [];
  return outcome('pnl_consistency', failures);
}

export function venueOrderIdsPresent(s: AssertionState): AssertionOutcome {
  const failures = s.orders.filter((o) => ACKNOWLEDGED.has(o.state) && (o.venueOrderId === null || o.venueOrderId === '')).map((o) => `order ${o.clientOrderId} is ${o.state} with no venue order id`);
  return outcome('venue_order_ids_present', failures);
}

export function instrumentScope(s: AssertionState): AssertionOutcome {
  const scope = new Set(s.scope);
  const failures = [
    ...s.positions.filter((p) => Math.abs(p.qty) > QTY_EPS && !scope.has(p.instrument)).map((p) => `a position in ${p.instrument}, outside the scope`),
    ...s.orders.filter((o) => !scope.has(o.instrument)).map((o) => `order ${o.clientOrderId} on ${o.instrument}, outside the scope`),
  ];
  return outcome('instrument_scope', failures);
}

export function noFutureWindows(s: AssertionState): AssertionOutcome {
  const failures = s.signals
    .filter((sig) => sig.intent === 'entry' && typeof sig.windowStartMs === 'number' && sig.windowStartMs > sig.atMs)
    .map((sig) => `entry ${sig.signalId} (${sig.instrument}) was accepted at ${new Date(sig.atMs).toISOString()} for a window starting ${new Date(sig.windowStartMs as number).toISOString()}`);
  return outcome('no_future_windows', failures);
}

export function capitalCap(s: AssertionState): AssertionOutcome {
  const live = s.orders.filter((o) => LIVE.has(o.state) && o.isEntry !== false);
  const unpriced = live.filter((o) => o.notionalUsd === null || !Number.isFinite(o.notionalUsd));
  const held = s.positions.reduce((sum, p) => sum + Math.abs(p.notionalUsd), 0);
  const resting = live.reduce((sum, o) => sum + (o.qty > 0 && o.notionalUsd !== null ? (o.notionalUsd * (o.qty - o.filledQty)) / o.qty : 0), 0);
  const exposure = held + resting;
  const failures: string[] = [];
  if (!finite(s.capitalCapUsd, exposure)) failures.push(`exposure ${exposure} or cap ${s.capitalCapUsd} is not a finite number`);
  else if (exposure > s.capitalCapUsd + 1e-6) failures.push(`exposure is ${exposure.toFixed(2)} USD (positions ${held.toFixed(2)}, open entries ${resting.toFixed(2)}); the cap is ${s.capitalCapUsd} USD`);
  if (unpriced.length > 0) failures.push(`open entries without a price cannot be counted: ${unpriced.map((o) => o.clientOrderId).join(', ')}`);
  return outcome('capital_cap', failures);
}

export function heartbeat(s: AssertionState): AssertionOutcome {
  const { previousTickMs, nowMs, maxGapMs } = s.heartbeat;
  if (previousTickMs === null) return outcome('heartbeat', []);
  const gap = nowMs - previousTickMs;
  return outcome('heartbeat', !finite(gap) || gap > maxGapMs ? [`the loop last completed a tick ${gap} ms ago (limit ${maxGapMs} ms)`] : []);
}

const CHECKS: Readonly<Record<AssertionName, (s: AssertionState) => AssertionOutcome>> = {
  signal_order_mapping: signalOrderMapping,
  fill_confirmation: fillConfirmation,
  position_count_matches_venue: positionCountMatchesVenue,
  pnl_consistency: pnlConsistency,
  venue_order_ids_present: venueOrderIdsPresent,
  instrument_scope: instrumentScope,
  no_future_windows: noFutureWindows,
  capital_cap: capitalCap,
  heartbeat,
};

/** Every assertion, in a fixed order. A check that throws fails by name: an assertion that cannot run has not held. */
export function runAssertions(state: AssertionState): AssertionOutcome[] {
  return ASSERTION_NAMES.map((name) => {
    try {
      return CHECKS[name](state);
    } catch (error) {
      return { name, ok: false, message: `the check could not run: ${error instanceof Error ? error.message : String(error)}` };
    }
  });
}
