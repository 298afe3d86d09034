// Sleeps on a manual clock: a wait ends only when the test moves time past it, so timeouts fire exactly when a test says.
import type { ManualClock } from '../../engine/clock.ts';
import type { Sleep } from '../../engine/market/sleep.ts';

interface Waiter {
  readonly due: number;
  readonly resolve: () => void;
}

export class ManualTimers {
  readonly #clock: ManualClock;
  #waiters: Waiter[] = [];

  constructor(clock: ManualClock) {
    this.#clock = clock;
  }

  /** Waiting sleeps (aborted ones are gone). */
  get pending(): number {
    return this.#waiters.length;
  }

  readonly sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const waiter: Waiter = {
        due: this.#clock.now() + ms,
        resolve: () => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          resolve();
        },
      };
      this.#waiters.push(waiter);
      signal?.addEventListener('abort', waiter.resolve, { once: true });
    });

  /** Moves the clock and wakes every sleep that is now due. */
  advance(ms: number): void {
    this.#clock.advance(ms);
    for (const w of this.#waiters.filter((x) => x.due <= this.#clock.now())) w.resolve();
  }

  /** Yields to the event loop until a sleep is waiting (an I/O-free wait: bounded by turns, not time). */
  async untilWaiting(maxTurns = 1000): Promise<void> {
    for (let i = 0; i < maxTurns && this.#waiters.length === 0; i++) await new Promise<void>((r) => setImmediate(r));
    if (this.#waiters.length === 0) throw new Error('no sleep started');
  }
}
