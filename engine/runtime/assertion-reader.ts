// Decides what each runtime-assertion check reads: the whole run at the start and on a full check, otherwise only the orders that may have changed.
import type { Clock } from '../clock.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Micros } from '../ledger/money.ts';
import type { AssertionOutcome } from '../trading-events.ts';
import { externalOf, type OrderCursors, type RunOrders, RunOrderReads } from './assertion-state.ts';
import { type AssertedOrder, type AssertionState, runAssertions } from './assertions.ts';

/**
 * Between full checks only orders with a new order event or fill are re-read; a full check re-reads the
 * whole run as a backstop against an order row changed without either (the kind of bug the assertions
 * exist to catch), once a minute so that its cost, which grows with the run, is not paid on every step.
 */
export const FULL_CHECK_EVERY_MS = 60_000;
/** The same backstop for deterministic runs (backtests), counted in checks so results do not depend on machine speed. */
export const FULL_CHECK_EVERY_CHECKS = 60;

export interface AssertionReaderOptions {
  /** Its runId is read at each check: the run may start after the reader is made. */
  readonly ledger: Pick<Ledger, 'db' | 'cash' | 'runId'>;
  readonly wallClock: Clock;
  readonly deterministic: boolean;
}

/** What the last read covered: the whole run or only what may have changed, and how many orders it read. */
export interface ReadStats {
  readonly full: boolean;
  readonly orders: number;
}

/**
 * The orders to blame for failures: an order is to blame when it alone, in a snapshot with no other
 * order and no signal, fails an assertion that holds with no order at all. Halves are probed and split
 * only while they fail, so finding one bad order among thousands takes a few dozen probes, not thousands.
 */
export function blamedOrders(state: AssertionState, results: readonly AssertionOutcome[]): string[] {
  const failing = new Set(results.filter((r) => !r.ok).map((r) => r.name));
  const failsWith = (orders: readonly AssertedOrder[]) => runAssertions({ ...state, signals: [], orders }).filter((r) => !r.ok && failing.has(r.name)).map((r) => r.name);
  if (failing.size > 0) for (const name of failsWith([])) failing.delete(name);
  const blame = (orders: readonly AssertedOrder[]): readonly AssertedOrder[] => {
    if (orders.length === 0 || failsWith(orders).length === 0) return [];
    if (orders.length === 1) return orders;
    const half = Math.floor(orders.length / 2);
    return [...blame(orders.slice(0, half)), ...blame(orders.slice(half))];
  };
  return failing.size === 0 ? [] : blame(state.orders).map((o) => o.clientOrderId);
}

/**
 * Keeps the cursors between checks: the last order event and fill seen, running totals of external
 * cash (the cash journal is append-only), and the orders blamed for failures last time, which are read
 * again until they hold so that a failure stays in the verdicts until it is fixed.
 */
export class AssertionReader {
  readonly #o: AssertionReaderOptions;
  readonly #reads: RunOrderReads;
  #cursors: OrderCursors | null = null;
  #runId: string | null = null;
  #lastFullMs = Number.NEGATIVE_INFINITY;
  #checksSinceFull = 0;
  #cashCursor = 0;
  #externalMicros: Micros = 0;
  #blamed: readonly string[] = [];
  #last: ReadStats | null = null;

  constructor(options: AssertionReaderOptions) {
    this.#o = options;
    this.#reads = new RunOrderReads(options.ledger.db);
  }

  /** Whether the next read is of the whole run: the first of the session, then on the backstop's cadence. */
  fullDue(): boolean {
    if (this.#cursors === null || this.#runId !== (this.#o.ledger.runId ?? null)) return true;
    if (this.#o.deterministic) return this.#checksSinceFull >= FULL_CHECK_EVERY_CHECKS;
    // A wall clock stepped backwards (NTP, a VM resumed) would otherwise hold the backstop off until it caught up.
    const elapsed = this.#o.wallClock.now() - this.#lastFullMs;
    return elapsed >= FULL_CHECK_EVERY_MS || elapsed < 0;
  }

  /** Deposits, withdrawals and adjustments to date; `full` sums the whole journal again instead of what follows the cursor. */
  externalMicros(full: boolean): Micros {
    if (full) {
      this.#cashCursor = 0;
      this.#externalMicros = 0;
    }
    const { totals, lastId } = this.#o.ledger.cash.totalsByKindAfter(this.#cashCursor);
    this.#cashCursor = lastId;
    this.#externalMicros += externalOf(totals);
    return this.#externalMicros;
  }

  /**
   * The run's orders (full), or those with an event or fill after the cursors plus every live order, the
   * orders `named` (the signals' answers) and the orders blamed last time. Moves the cursors.
   */
  orders(full: boolean, named: readonly string[]): RunOrders {
    const { ledger, wallClock } = this.#o;
    const runId = ledger.runId ?? null;
    const since = runId === this.#runId ? this.#cursors : null;
    this.#cursors = this.#reads.cursors();
    this.#runId = runId;
    const whole = full || since === null;
    const read = whole ? this.#reads.all(runId) : this.#reads.changed(runId, since, [...new Set([...named, ...this.#blamed])]);
    if (whole) {
      this.#lastFullMs = wallClock.now();
      this.#checksSinceFull = 0;
    }
    this.#checksSinceFull += 1;
    this.#last = { full: whole, orders: read.orders.length };
    return read;
  }

  /** Remembers the orders to blame for this check's failures, to read them again next time. */
  settle(state: AssertionState, results: readonly AssertionOutcome[]): void {
    this.#blamed = blamedOrders(state, results);
  }

  /** What the last read covered; null before the first. */
  lastRead(): ReadStats | null {
    return this.#last;
  }
}
