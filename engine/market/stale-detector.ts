// Decides when a feed (or one instrument in it) has gone quiet for too long, and when it is fresh again: pure, time passed in.

export interface StaleTransition {
  readonly key: string;
  /** Milliseconds since the last message for this key (or since watching began, when none came). */
  readonly ageMs: number;
}

/**
 * Keys are instruments, plus whatever the caller uses for the whole feed. A key nobody has
 * watched or touched is stale: not knowing is not the same as fresh.
 */
export class StaleDetector {
  readonly staleAfterMs: number;
  /** Last message time per key; for a watched key with no message yet, the time watching began. */
  readonly #last = new Map<string, number>();
  readonly #stale = new Set<string>();

  constructor(staleAfterMs: number) {
    if (!(staleAfterMs > 0) || !Number.isFinite(staleAfterMs)) throw new RangeError(`staleAfterMs must be > 0, got ${staleAfterMs}`);
    this.staleAfterMs = staleAfterMs;
  }

  /** Starts the clock for a key that has had no message yet (a new subscription). */
  watch(key: string, now: number): void {
    if (!this.#last.has(key)) this.#last.set(key, now);
  }

  /** A message arrived; returns the transition when the key was stale until now. */
  touch(key: string, now: number): StaleTransition | null {
    const previous = this.#last.get(key);
    this.#last.set(key, Math.max(now, previous ?? now));
    if (!this.#stale.delete(key)) return null;
    return { key, ageMs: previous === undefined ? 0 : Math.max(0, now - previous) };
  }

  /** Keys that went stale since the last check; call it every tick. */
  check(now: number): StaleTransition[] {
    const out: StaleTransition[] = [];
    for (const [key, last] of this.#last) {
      const ageMs = Math.max(0, now - last);
      if (ageMs >= this.staleAfterMs && !this.#stale.has(key)) {
        this.#stale.add(key);
        out.push({ key, ageMs });
      }
    }
    return out;
  }

  /** Age of a key's data; null when the key was never watched nor touched. */
  ageMs(key: string, now: number): number | null {
    const last = this.#last.get(key);
    return last === undefined ? null : Math.max(0, now - last);
  }

  /** Stale now, by age, whether or not check() has announced it yet. */
  isStale(key: string, now: number): boolean {
    const age = this.ageMs(key, now);
    return age === null || age >= this.staleAfterMs;
  }
}
