// Runs the runtime assertions after each step on a snapshot of the books, the venue and the loop, and hands the verdict to the breaker.
import type { Clock } from '../clock.ts';
import { messageOf, TradegateError } from '../errors.ts';
import type { MarkLookup } from '../ledger/equity.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { directionOfSide } from '../ledger/legs.ts';
import type { Logger } from '../observe/logger.ts';
import type { ExecuteResult } from '../orders/order-manager.ts';
import type { Signal, Venue } from '../plugins/plugin-api.ts';
import type { AssertionOutcome } from '../trading-events.ts';
import type { Side } from '../types.ts';
import { type AcceptedSignal, type AssertedPosition, type AssertionState, type PnlBooks, runAssertions } from './assertions.ts';
import { AssertionReader, type ReadStats } from './assertion-reader.ts';
import { assertedPositions, pnlBooks } from './assertion-state.ts';
import type { Breaker } from './breaker.ts';

/** The loop beats at least every second while alive; a gap this long is a stall, not a slow event. */
export const HEARTBEAT_MAX_GAP_MS = 30_000;
/** How often the venue's positions are fetched for the count check (wall time). */
export const VENUE_CHECK_EVERY_MS = 30_000;
/** Equity and the books' PnL are compared to the cent. */
export const PNL_TOLERANCE_USD = 0.01;

export interface RuntimeAssertionsOptions {
  readonly ledger: Pick<Ledger, 'db' | 'positions' | 'cash' | 'runId'>;
  readonly venue: Pick<Venue, 'positions'>;
  readonly mark: MarkLookup;
  readonly breaker: Pick<Breaker, 'applyAssertions'>;
  /** Session clock: when signals were accepted. */
  readonly clock: Clock;
  /** Wall clock: heartbeat gaps and the venue check's cadence. */
  readonly wallClock: Clock;
  readonly scope: readonly string[];
  /** The exposure allowed given equity now, USD. */
  readonly capitalCapUsd: (equityUsd: number) => number;
  /**
   * Check every this many steps (1: every step). A backtest checks every N events, with the venue's
   * positions at each check and no heartbeat: its results must not depend on how fast the machine is.
   */
  readonly everySteps: number;
  readonly deterministic: boolean;
  readonly logger?: Pick<Logger, 'warn' | 'debug'>;
}

/** An order on the side that grows (or opens) the position; an order against it is an exit. */
function isEntryOf(side: Side, held: number): boolean {
  if (held === 0) return true;
  return (directionOfSide(side) === 'buy') === held > 0;
}

/**
 * Keeps what the assertions need between steps: the signals accepted since the last check, the books'
 * PnL at the start, the previous heartbeat. A failure opens the breaker naming the assertion (the
 * Breaker announces it once and alerts go out); the latest results feed /health and /api/state.
 */
export class RuntimeAssertions {
  readonly #o: RuntimeAssertionsOptions;
  readonly #reader: AssertionReader;
  #accepted: AcceptedSignal[] = [];
  #pnlStart: PnlBooks | null = null;
  #previousBeatMs: number | null = null;
  #lastVenueCheckMs = Number.NEGATIVE_INFINITY;
  #steps = 0;
  #latest: readonly AssertionOutcome[] = [];
  #skipNoted = false;

  constructor(options: RuntimeAssertionsOptions) {
    this.#o = options;
    this.#reader = new AssertionReader({ ledger: options.ledger, wallClock: options.wallClock, deterministic: options.deterministic });
  }

  /** The session's onAccepted: a signal the gate let through, with the order the manager answered with. */
  accepted(signal: Signal, result: ExecuteResult): void {
    this.#accepted.push({
      signalId: signal.signalId, instrument: signal.instrument, intent: signal.intent, clientOrderId: result.clientOrderId ?? result.order?.clientOrderId ?? null,
      atMs: this.#o.clock.now(), windowStartMs: signal.windowStartMs ?? null,
    });
  }

  /** The loop is alive (a step finished, or an idle beat got the step lock). */
  beat(): void {
    this.#previousBeatMs = this.#o.wallClock.now();
  }

  /** The verdicts of the last check, every assertion by name. */
  latest(): readonly AssertionOutcome[] {
    return this.#latest;
  }

  /** What the last check read: the whole run or only what may have changed, and how many orders. */
  lastRead(): ReadStats | null {
    return this.#reader.lastRead();
  }

  /** Called after each step under the step lock; checks on the configured cadence, then beats. */
  async afterStep(): Promise<void> {
    this.#steps += 1;
    if (this.#steps % this.#o.everySteps === 0) await this.check();
    this.beat();
  }

  /** Takes the snapshot and applies the verdicts; a snapshot that cannot be taken (no mark yet) skips this check. */
  async check(): Promise<readonly AssertionOutcome[] | null> {
    const state = await this.#snapshot();
    if (state === null) return null;
    this.#accepted = [];
    const results = runAssertions(state);
    this.#reader.settle(state, results);
    this.#latest = results;
    this.#o.breaker.applyAssertions(results);
    return results;
  }

  async #snapshot(): Promise<AssertionState | null> {
    const { ledger, mark, wallClock } = this.#o;
    let positions: AssertedPosition[];
    let now: PnlBooks;
    const full = this.#reader.fullDue();
    try {
      positions = assertedPositions(ledger, mark);
      now = pnlBooks(ledger, mark, this.#reader.externalMicros(full));
    } catch (error) {
      if (!(error instanceof TradegateError) || error.code !== 'LEDGER_MARK_MISSING') throw error;
      if (!this.#skipNoted) this.#o.logger?.debug({ event: 'assertions.skipped', reason: error.message }, 'runtime assertions wait for a mark of every open position');
      this.#skipNoted = true;
      return null;
    }
    this.#pnlStart ??= now;
    const named = this.#accepted.flatMap((a) => (a.clientOrderId === null ? [] : [a.clientOrderId]));
    const { orders, fillQtyByOrder, liveSides } = this.#reader.orders(full, named);
    const held = new Map(positions.map((p) => [p.instrument, p.qty]));
    const withEntry = orders.map((o) => {
      const side = liveSides.get(o.clientOrderId);
      return side === undefined ? o : { ...o, isEntry: isEntryOf(side, held.get(o.instrument) ?? 0) };
    });
    const wallNow = wallClock.now();
    return {
      nowMs: this.#o.clock.now(),
      signals: this.#accepted,
      orders: withEntry,
      fillQtyByOrder,
      positions,
      venuePositions: await this.#venuePositions(wallNow),
      pnl: { start: this.#pnlStart, now, toleranceUsd: PNL_TOLERANCE_USD },
      scope: this.#o.scope,
      capitalCapUsd: this.#o.capitalCapUsd(now.equityUsd),
      heartbeat: { previousTickMs: this.#o.deterministic ? null : this.#previousBeatMs, nowMs: wallNow, maxGapMs: HEARTBEAT_MAX_GAP_MS },
    };
  }

  async #venuePositions(wallNow: number): Promise<{ instrument: string; qty: number }[] | null> {
    const elapsed = wallNow - this.#lastVenueCheckMs;
    // Not skipped when the wall clock stepped backwards: that would skip it until the clock caught up.
    if (!this.#o.deterministic && elapsed >= 0 && elapsed < VENUE_CHECK_EVERY_MS) return null;
    this.#lastVenueCheckMs = wallNow;
    try {
      return (await this.#o.venue.positions()).map((p) => ({ instrument: p.instrument, qty: p.quantity }));
    } catch (error) {
      this.#o.logger?.warn({ event: 'assertions.venue_unavailable', message: messageOf(error) }, 'venue positions not fetched; the count check is skipped this time');
      return null;
    }
  }
}
