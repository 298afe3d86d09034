// The activity.* and execution.* counters: kept in memory for speed, rebuilt from the ledger at every start so a restart forgets nothing.
import { utcDayOf } from '../ledger/equity.ts';
import type { OrderRecord } from '../ledger/order-repository.ts';
import type { OrderState } from '../types.ts';
import { isTerminal, ORDER_STATES } from './order-state.ts';
import type { OrderLedger } from './order-ports.ts';

export interface ActivityOptions {
  /** The window `orders_in_window_for_instrument` counts over when a signal names no window of its own. */
  readonly orderWindowMs: number;
  /** Resolved orders the execution quality and reject rate are computed over. */
  readonly qualitySample: number;
  /** Fewer resolved orders than this count the missing ones as good: one early timeout is not a 0% quality. */
  readonly qualityMinSample: number;
  /** Outcomes older than this no longer count: with entries refused nothing new resolves, so quality recovers by time. */
  readonly qualityWindowMs: number;
}

export const ACTIVITY_DEFAULTS: ActivityOptions = { orderWindowMs: 15 * 60_000, qualitySample: 50, qualityMinSample: 20, qualityWindowMs: 30 * 60_000 };

interface Outcome {
  readonly bad: boolean;
  readonly rejected: boolean;
  readonly atMs: number;
}

/** "Large when none": a day and more, finite so the gate accepts it. */
export const NEVER_MS = 365 * 86_400_000;

const DAY_MS = 86_400_000;
/** Trade results kept for the loss streak: far more than any lockout counts to. */
const MAX_RESULTS = 256;
const FAILURES: ReadonlySet<OrderState> = new Set(['rejected', 'failed', 'unknown']);
const SUCCESSES: ReadonlySet<OrderState> = new Set(['submitted', 'partially_filled', 'filled']);

export interface WindowQuery {
  readonly instrument: string;
  readonly nowMs: number;
  readonly startMs?: number;
  readonly endMs?: number;
}

/**
 * Counts the gate's activity facts need. Orders and outcomes are reported by the order manager as
 * they happen; `rebuild` reads them back from the ledger (orders, fills, the decisions that say which
 * orders were entries), so the counters after a restart equal those before it. Only the decision
 * cycle starts fresh: a restart is a new cycle.
 */
export class ActivityTracker {
  readonly #o: ActivityOptions;
  #cycleId: unknown = undefined;
  #cycleOrders = 0;
  #cycleNotional = 0;
  /** Creation times per instrument, ascending, kept for a day (or the window, if longer). */
  readonly #created = new Map<string, number[]>();
  /** Entry orders of the current UTC day that still count as trades (not ended without a fill). */
  #day = '';
  readonly #entries = new Map<string, string>();
  readonly #tradesToday = new Map<string, number>();
  #failures = 0;
  #lastFailureMs: number | null = null;
  #losses = 0;
  #lastLossMs: number | null = null;
  /** Net realized PnL per closing order, least recently filled first: the streak is the run of losers at the end. */
  readonly #results = new Map<string, number>();
  /** The latest outcome of each recent order, oldest first: an unknown order that later fills is replaced by the fill. */
  readonly #outcomes = new Map<string, Outcome>();

  constructor(options: Partial<ActivityOptions> = {}) {
    this.#o = { ...ACTIVITY_DEFAULTS, ...options };
  }

  get options(): ActivityOptions {
    return this.#o;
  }

  /** An order was persisted (pending_submit) in decision cycle `cycleId`. */
  onOrderCreated(o: { clientOrderId: string; instrument: string; createdAtMs: number; notionalUsd: number; isEntry: boolean; cycleId: unknown }): void {
    this.#enterCycle(o.cycleId);
    this.#cycleOrders += 1;
    this.#cycleNotional += o.notionalUsd;
    this.#recordCreated(o.instrument, o.createdAtMs);
    if (o.isEntry) this.#countEntry(o.clientOrderId, o.instrument, o.createdAtMs);
  }

  /**
   * An order changed state: failures and successes feed the cooldown (an order counts once: unknown
   * then failed is one failure); entries that ended unfilled stop counting as trades.
   */
  onOrderState(order: Pick<OrderRecord, 'clientOrderId' | 'filledQty'>, from: OrderState, state: OrderState, atMs: number): void {
    if (FAILURES.has(state) && FAILURES.has(from)) {
      this.#lastFailureMs = atMs;
    } else if (FAILURES.has(state)) {
      this.#failures += 1;
      this.#lastFailureMs = atMs;
    } else if (SUCCESSES.has(state)) {
      this.#failures = 0;
    }
    if (isTerminal(state) || state === 'unknown') this.#pushOutcome(order.clientOrderId, state, atMs);
    if (isTerminal(state) && order.filledQty === 0) this.#uncountEntry(order.clientOrderId);
    // A filled entry is a trade for good: stop tracking it, so the map holds only entries still in doubt.
    else if (order.filledQty > 0) this.#entries.delete(order.clientOrderId);
  }

  /**
   * A fill that realized PnL: one closing order's fills add up to one trade result, which counts as of
   * its latest fill, so fills of two closing orders that interleave stay two trades, not three.
   */
  onClosingFill(orderKey: string, realizedUsd: number, atMs: number): void {
    if (realizedUsd === 0) return;
    const realized = (this.#results.get(orderKey) ?? 0) + realizedUsd;
    this.#results.delete(orderKey);
    this.#results.set(orderKey, realized);
    if (this.#results.size > MAX_RESULTS) this.#results.delete(this.#results.keys().next().value as string);
    let streak = 0;
    for (const r of this.#results.values()) streak = r < 0 ? streak + 1 : 0;
    this.#losses = streak;
    if (realized < 0) this.#lastLossMs = atMs;
  }

  cycle(cycleId: unknown): { orders: number; notionalUsd: number } {
    this.#enterCycle(cycleId);
    return { orders: this.#cycleOrders, notionalUsd: this.#cycleNotional };
  }

  ordersInWindow(q: WindowQuery): number {
    const times = this.#created.get(q.instrument);
    if (!times) return 0;
    const start = q.startMs ?? q.nowMs - this.#o.orderWindowMs;
    const end = q.endMs ?? Number.POSITIVE_INFINITY;
    return firstAtOrAfter(times, end) - firstAtOrAfter(times, start);
  }

  tradesToday(instrument: string, nowMs: number): number {
    this.#enterDay(nowMs);
    return this.#tradesToday.get(instrument) ?? 0;
  }

  failures(nowMs: number): { consecutive: number; msSinceLast: number } {
    return { consecutive: this.#failures, msSinceLast: this.#lastFailureMs === null ? NEVER_MS : Math.max(0, nowMs - this.#lastFailureMs) };
  }

  losses(nowMs: number): { consecutive: number; msSinceLast: number } {
    return { consecutive: this.#losses, msSinceLast: this.#lastLossMs === null ? NEVER_MS : Math.max(0, nowMs - this.#lastLossMs) };
  }

  /**
   * Execution quality over the last resolved orders (at most 50, of the last 30 minutes): the share
   * that reached the venue and were accepted (not rejected, failed or still unknown), and the share
   * the venue rejected. Below 20 the missing ones count as good, so a fresh session starts at 1 and 0.
   */
  execution(nowMs: number): { qualityScore: number; rejectRate: number } {
    let counted = 0;
    let bad = 0;
    let rejected = 0;
    for (const o of this.#outcomes.values()) {
      if (nowMs - o.atMs > this.#o.qualityWindowMs) continue;
      counted += 1;
      if (o.bad) bad += 1;
      if (o.rejected) rejected += 1;
    }
    const n = Math.max(counted, this.#o.qualityMinSample, 1);
    return { qualityScore: 1 - bad / n, rejectRate: rejected / n };
  }

  /** Reads every counter back from the ledger (at start, after reconciliation). */
  rebuild(ledger: OrderLedger, nowMs: number): void {
    this.#reset(nowMs);
    const orders = ledger.orders.inStates(ORDER_STATES).sort((a, b) => a.createdAtMs - b.createdAtMs || a.id - b.id);
    const dayStart = Date.parse(`${utcDayOf(nowMs)}T00:00:00Z`);
    const entries = new Set<string>();
    for (const d of ledger.decisions.list({ sinceMs: dayStart, limit: Number.MAX_SAFE_INTEGER })) {
      // What the live count used: the order's effect as judged (order.is_entry), not the strategy's label for it.
      const effect = d.facts['order.is_entry'];
      const isEntry = typeof effect === 'boolean' ? effect : d.context.appliesTo === 'entry';
      if (d.clientOrderId !== null && isEntry) entries.add(d.clientOrderId);
    }
    for (const o of orders) {
      this.#recordCreated(o.instrument, o.createdAtMs);
      if (entries.has(o.clientOrderId) && !(isTerminal(o.state) && o.filledQty === 0)) this.#countEntry(o.clientOrderId, o.instrument, o.createdAtMs);
    }
    this.#replayOutcomes(orders);
    for (const f of ledger.fills.all()) this.onClosingFill(`order:${f.orderId ?? `fill:${f.id}`}`, f.realizedPnlUsd, f.venueTsMs);
  }

  /**
   * The failure streak and outcomes, replayed in the order they happened (not the order the orders were
   * made in): an accepted order resets the streak when the venue took it, even if it later expired or was
   * canceled unfilled, and a failure that came after an acceptance still counts.
   */
  #replayOutcomes(orders: readonly OrderRecord[]): void {
    const moves: { atMs: number; id: number; success: boolean; order: OrderRecord }[] = [];
    for (const o of orders) {
      if (o.state === 'pending_submit') continue;
      if (o.submittedAtMs !== null || o.filledQty > 0 || SUCCESSES.has(o.state)) moves.push({ atMs: o.submittedAtMs ?? o.updatedAtMs, id: o.id, success: true, order: o });
      if (FAILURES.has(o.state) || isTerminal(o.state)) moves.push({ atMs: o.updatedAtMs, id: o.id, success: false, order: o });
    }
    moves.sort((a, b) => a.atMs - b.atMs || a.id - b.id || Number(b.success) - Number(a.success));
    for (const m of moves) {
      if (m.success) {
        this.#failures = 0;
        continue;
      }
      if (FAILURES.has(m.order.state)) {
        this.#failures += 1;
        this.#lastFailureMs = Math.max(this.#lastFailureMs ?? 0, m.atMs);
      }
      this.#pushOutcome(m.order.clientOrderId, m.order.state, m.atMs);
    }
  }

  #reset(nowMs: number): void {
    this.#cycleId = undefined;
    this.#cycleOrders = 0;
    this.#cycleNotional = 0;
    this.#created.clear();
    this.#entries.clear();
    this.#tradesToday.clear();
    this.#day = utcDayOf(nowMs);
    this.#failures = 0;
    this.#lastFailureMs = null;
    this.#losses = 0;
    this.#lastLossMs = null;
    this.#results.clear();
    this.#outcomes.clear();
  }

  #enterCycle(cycleId: unknown): void {
    if (Object.is(cycleId, this.#cycleId)) return;
    this.#cycleId = cycleId;
    this.#cycleOrders = 0;
    this.#cycleNotional = 0;
  }

  #enterDay(nowMs: number): void {
    const day = utcDayOf(nowMs);
    if (day === this.#day) return;
    this.#day = day;
    this.#entries.clear();
    this.#tradesToday.clear();
  }

  /** Keeps each instrument's creation times sorted (a restarted clock may go back) and drops those too old to count. */
  #recordCreated(instrument: string, atMs: number): void {
    const times = this.#created.get(instrument) ?? [];
    if (times.length === 0) this.#created.set(instrument, times);
    if (times.length === 0 || times[times.length - 1]! <= atMs) times.push(atMs);
    else times.splice(firstAtOrAfter(times, atMs + 1), 0, atMs);
    const stale = firstAtOrAfter(times, atMs - Math.max(DAY_MS, this.#o.orderWindowMs));
    // Dropped in batches, so the shift is paid once per many orders.
    if (stale > 1024 || stale > times.length / 2) times.splice(0, stale);
  }

  #countEntry(clientOrderId: string, instrument: string, atMs: number): void {
    this.#enterDay(atMs);
    if (utcDayOf(atMs) !== this.#day || this.#entries.has(clientOrderId)) return;
    this.#entries.set(clientOrderId, instrument);
    this.#tradesToday.set(instrument, (this.#tradesToday.get(instrument) ?? 0) + 1);
  }

  #uncountEntry(clientOrderId: string): void {
    const instrument = this.#entries.get(clientOrderId);
    if (instrument === undefined) return;
    this.#entries.delete(clientOrderId);
    this.#tradesToday.set(instrument, Math.max(0, (this.#tradesToday.get(instrument) ?? 0) - 1));
  }

  #pushOutcome(clientOrderId: string, state: OrderState, atMs: number): void {
    this.#outcomes.delete(clientOrderId);
    this.#outcomes.set(clientOrderId, { bad: FAILURES.has(state), rejected: state === 'rejected', atMs });
    if (this.#outcomes.size > this.#o.qualitySample) this.#outcomes.delete(this.#outcomes.keys().next().value as string);
  }
}

/** Index of the first sorted time >= t (times.length when none): a binary search, the window counts run per order. */
function firstAtOrAfter(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
