// Alert deduplication: one send per key per window; the repeats held back are counted and reported with the next send of that key.

export type DedupVerdict = { readonly send: true; readonly suppressed: number } | { readonly send: false };

interface KeyState {
  sentAtMs: number;
  suppressed: number;
}

export class AlertDedup {
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #keys = new Map<string, KeyState>();

  constructor(windowMs: number, maxKeys = 1_000) {
    this.#windowMs = windowMs;
    this.#maxKeys = maxKeys;
  }

  /** Whether an alert of `key` goes out now, and how many repeats were held back since the last one did. */
  admit(key: string, nowMs: number): DedupVerdict {
    const state = this.#keys.get(key);
    if (state && nowMs - state.sentAtMs < this.#windowMs && nowMs >= state.sentAtMs) {
      state.suppressed++;
      return { send: false };
    }
    const suppressed = state?.suppressed ?? 0;
    // Re-inserting moves the key to the end: the map stays in order of last send, oldest first.
    this.#keys.delete(key);
    this.#keys.set(key, { sentAtMs: nowMs, suppressed: 0 });
    this.#evict();
    return { send: true, suppressed };
  }

  get windowMs(): number {
    return this.#windowMs;
  }

  /** Keys are bounded: a flood of distinct keys forgets the oldest, never grows without limit. */
  #evict(): void {
    while (this.#keys.size > this.#maxKeys) {
      const oldest = this.#keys.keys().next().value;
      if (oldest === undefined) return;
      this.#keys.delete(oldest);
    }
  }
}
