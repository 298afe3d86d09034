// Jittered exponential back-off for reconnects: each failure waits longer, up to a cap, never in lock-step with other clients.
import type { RandomSource } from './seeded-random.ts';

export interface BackoffOptions {
  /** First delay before jitter, ms. */
  readonly baseMs?: number;
  /** Growth per consecutive failure. */
  readonly factor?: number;
  /** Largest delay before jitter, ms. */
  readonly capMs?: number;
  /**
   * Share of the delay that is random: the wait is uniform in [d * (1 - jitter), d]. 0.5 ("equal jitter")
   * spreads clients out yet never retries sooner than half the nominal delay.
   */
  readonly jitter?: number;
  readonly random: RandomSource;
}

export const BACKOFF_DEFAULTS = { baseMs: 500, factor: 2, capMs: 30_000, jitter: 0.5 } as const;

export class Backoff {
  readonly #base: number;
  readonly #factor: number;
  readonly #cap: number;
  readonly #jitter: number;
  readonly #random: RandomSource;
  #failures = 0;

  constructor(options: BackoffOptions) {
    this.#base = options.baseMs ?? BACKOFF_DEFAULTS.baseMs;
    this.#factor = options.factor ?? BACKOFF_DEFAULTS.factor;
    this.#cap = options.capMs ?? BACKOFF_DEFAULTS.capMs;
    this.#jitter = options.jitter ?? BACKOFF_DEFAULTS.jitter;
    this.#random = options.random;
    if (!(this.#base >= 0) || !(this.#factor >= 1) || !(this.#cap >= this.#base)) {
      throw new RangeError(`back-off needs base >= 0, factor >= 1, cap >= base; got ${this.#base}, ${this.#factor}, ${this.#cap}`);
    }
    if (!(this.#jitter >= 0 && this.#jitter <= 1)) throw new RangeError(`jitter must be within [0, 1], got ${this.#jitter}`);
  }

  /** The nominal (un-jittered) delay of the next wait. */
  nominalMs(): number {
    return Math.min(this.#cap, this.#base * this.#factor ** this.#failures);
  }

  /** The delay to wait now; each call counts one more consecutive failure. */
  next(): number {
    const nominal = this.nominalMs();
    this.#failures++;
    return Math.round(nominal * (1 - this.#jitter * this.#random()));
  }

  /** Consecutive failures counted since the last reset. */
  get failures(): number {
    return this.#failures;
  }

  /** A connection proved healthy: the next failure starts from the base delay again. */
  reset(): void {
    this.#failures = 0;
  }
}
