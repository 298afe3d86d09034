// Each instrument's position lifecycle (entry, monitoring, exit_pending, closed), moved by what the ledger shows after every sync.
import type { Clock } from '../clock.ts';
import type { OrderRecord } from '../ledger/order-repository.ts';
import { directionOfSide } from '../ledger/legs.ts';
import { type PositionEvent, type PositionLifecycle, advancePosition, assertNotExitPending, openPosition } from '../orders/position-lifecycle.ts';

/** Orders that may still trade: they decide whether an entry or an exit is in flight. */
export const LIVE_ORDER_STATES = ['pending_submit', 'submitted', 'partially_filled', 'unknown'] as const;

/** One instrument as the ledger shows it: the signed position and the live orders on it. */
export interface BookView {
  readonly instrument: string;
  readonly quantity: number;
  readonly liveOrders: readonly Pick<OrderRecord, 'side' | 'clientOrderId'>[];
}

export interface LifecycleMove {
  readonly instrument: string;
  readonly from: PositionLifecycle['state'] | 'none';
  readonly to: PositionLifecycle['state'];
  readonly on: PositionEvent | 'adopted';
}

/** True when an order on that side would reduce the position (a sell while long, a buy while short). */
function reduces(side: OrderRecord['side'], quantity: number): boolean {
  if (quantity === 0) return false;
  return (directionOfSide(side) === 'sell') === quantity > 0;
}

/**
 * Keeps the lifecycle of every instrument the session trades. The ledger is the truth: after each
 * sync the tracker moves each lifecycle by the transition table (position-lifecycle.ts) to match it,
 * so a restart rebuilds the same states from the books and the live orders alone.
 */
export class PositionTracker {
  readonly #clock: Clock;
  readonly #by = new Map<string, PositionLifecycle>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get(instrument: string): PositionLifecycle | undefined {
    return this.#by.get(instrument);
  }

  /** Brings one instrument's lifecycle in line with its books; returns the moves made. */
  sync(view: BookView): LifecycleMove[] {
    const moves: LifecycleMove[] = [];
    const { instrument, quantity } = view;
    const exitLive = view.liveOrders.some((o) => reduces(o.side, quantity));
    const entryLive = view.liveOrders.some((o) => !reduces(o.side, quantity));
    const now = this.#clock.now();
    const move = (on: PositionEvent) => {
      const before = this.#by.get(instrument)!;
      const after = advancePosition(before, on, now);
      this.#by.set(instrument, after);
      moves.push({ instrument, from: before.state, to: after.state, on });
    };
    let current = this.#by.get(instrument);
    if (!current || current.state === 'closed') {
      if (quantity !== 0) {
        // A position the tracker did not see open (a restart, a fill after a cancel): watched from now on.
        const adopted = advancePosition(openPosition(instrument, now), 'entry_filled', now);
        this.#by.set(instrument, exitLive ? advancePosition(adopted, 'exit_triggered', now, 'resumed') : adopted);
        moves.push({ instrument, from: current?.state ?? 'none', to: this.#by.get(instrument)!.state, on: 'adopted' });
      } else if (entryLive) {
        this.#by.set(instrument, openPosition(instrument, now));
        moves.push({ instrument, from: current?.state ?? 'none', to: 'entry', on: 'adopted' });
      }
      return moves;
    }
    if (current.state === 'entry') {
      if (quantity !== 0) move('entry_filled');
      else if (!entryLive) move('entry_failed');
      current = this.#by.get(instrument)!;
    }
    if (current.state === 'monitoring' && quantity === 0) move('reconciled_flat');
    else if (current.state === 'exit_pending') {
      if (quantity === 0) move('exit_filled');
      else if (!exitLive) move('exit_failed');
    }
    return moves;
  }

  /** An entry order went out: refused while an exit is in flight; a flat instrument starts a lifecycle (the move returned). */
  beginEntry(instrument: string): LifecycleMove | null {
    const current = this.#by.get(instrument);
    if (current) assertNotExitPending(current.state, 'an entry', instrument);
    if (current && current.state !== 'closed') return null;
    this.#by.set(instrument, openPosition(instrument, this.#clock.now()));
    return { instrument, from: current?.state ?? 'none', to: 'entry', on: 'adopted' };
  }

  /** The exit decision chose an exit for a monitored position: nothing else may touch it until that exit resolves. */
  beginExit(instrument: string, reason: string): void {
    const current = this.#by.get(instrument);
    if (!current) throw new RangeError(`no lifecycle for ${instrument}`);
    this.#by.set(instrument, advancePosition(current, 'exit_triggered', this.#clock.now(), reason));
  }

  /** An exit that was chosen but never reached the venue (refused, invalid) leaves the position monitored again. */
  abandonExit(instrument: string): void {
    const current = this.#by.get(instrument);
    if (current?.state === 'exit_pending') this.#by.set(instrument, advancePosition(current, 'exit_failed', this.#clock.now()));
  }
}
