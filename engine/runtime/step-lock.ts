// One holder at a time for the session's books: a market event's step, a kill switch action, a heartbeat; queued in arrival order.

/**
 * A promise queue, not a re-entrant lock: a holder that asks for the lock again waits for itself
 * forever, so nothing called inside `run` may call `run`. Kill switch actions are started from the
 * switch's own promise chain, never from inside a step, which keeps that true.
 */
export class StepLock {
  #tail: Promise<unknown> = Promise.resolve();
  #held = false;

  /** Runs `fn` once every holder queued before it has finished (whether it resolved or threw). */
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.#tail.then(async () => {
      this.#held = true;
      try {
        return await fn();
      } finally {
        this.#held = false;
      }
    });
    this.#tail = next.catch(() => undefined);
    return next;
  }

  /** Whether a holder is running now (for status: a lock held for long is a stalled loop). */
  get held(): boolean {
    return this.#held;
  }
}
