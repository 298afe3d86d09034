// Token bucket for venue REST calls (20/s sustained, burst 50 by default) that pauses on 429 and counts every wait for metrics.
import type { Clock } from '../clock.ts';
import type { Sleep } from './sleep.ts';

export interface RateLimiterOptions {
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** Tokens added per second: the sustained call rate. */
  readonly ratePerSec?: number;
  /** Bucket size: calls that may go at once after a quiet spell. */
  readonly burst?: number;
  /** Pause after a 429 without Retry-After: base x factor^(429s in a row - 1), capped. */
  readonly backoffBaseMs?: number;
  readonly backoffFactor?: number;
  readonly backoffCapMs?: number;
  /** A Retry-After longer than this is taken as this: a venue's typo must not silence the engine for a day. */
  readonly maxRetryAfterMs?: number;
}

export const RATE_LIMITER_DEFAULTS = {
  ratePerSec: 20,
  burst: 50,
  backoffBaseMs: 1_000,
  backoffFactor: 2,
  backoffCapMs: 60_000,
  maxRetryAfterMs: 600_000,
} as const;

export interface RateLimiterStats {
  /** Calls let through. */
  readonly acquired: number;
  /** Calls that had to wait before going. */
  readonly waits: number;
  readonly totalWaitMs: number;
  /** 429 answers reported. */
  readonly rateLimited: number;
  /** Epoch ms until which every call waits because of a 429; 0 when none. */
  readonly pausedUntil: number;
  readonly tokens: number;
}

export class RateLimiter {
  readonly #o: Required<Omit<RateLimiterOptions, 'clock' | 'sleep'>>;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  #tokens: number;
  #refilledAt: number;
  #pausedUntil = 0;
  #streak = 0;
  #tail: Promise<void> = Promise.resolve();
  #acquired = 0;
  #waits = 0;
  #totalWaitMs = 0;
  #rateLimited = 0;

  constructor(options: RateLimiterOptions) {
    this.#o = { ...RATE_LIMITER_DEFAULTS, ...stripUndefined(options) };
    this.#clock = options.clock;
    this.#sleep = options.sleep;
    if (!(this.#o.ratePerSec > 0) || !(this.#o.burst >= 1)) {
      throw new RangeError(`rate limiter needs ratePerSec > 0 and burst >= 1, got ${this.#o.ratePerSec}, ${this.#o.burst}`);
    }
    this.#tokens = this.#o.burst;
    this.#refilledAt = this.#clock.now();
  }

  /**
   * Waits until `cost` tokens are free (and any 429 pause is over), then takes them. Callers are
   * served first come, first served, so a burst of callers cannot starve an early one.
   */
  acquire(cost = 1, signal?: AbortSignal): Promise<void> {
    if (!(cost > 0) || cost > this.#o.burst) return Promise.reject(new RangeError(`cost must be within (0, ${this.#o.burst}], got ${cost}`));
    const turn = this.#tail.then(() => this.#take(cost, signal));
    this.#tail = turn.catch(() => {});
    return turn;
  }

  /** Takes `cost` tokens only if that needs no wait. */
  tryAcquire(cost = 1): boolean {
    this.#refill();
    if (this.#clock.now() < this.#pausedUntil || this.#tokens < cost) return false;
    this.#tokens -= cost;
    this.#acquired++;
    return true;
  }

  /**
   * The venue answered 429. Honours Retry-After (seconds or an HTTP date) when given, else backs off
   * exponentially over consecutive 429s. Returns the pause in ms.
   */
  onRateLimited(retryAfter?: string | number | null): number {
    this.#rateLimited++;
    this.#streak++;
    const now = this.#clock.now();
    const told = parseRetryAfter(retryAfter, now);
    const pause = Math.min(
      told ?? Math.min(this.#o.backoffCapMs, this.#o.backoffBaseMs * this.#o.backoffFactor ** (this.#streak - 1)),
      this.#o.maxRetryAfterMs,
    );
    this.#pausedUntil = Math.max(this.#pausedUntil, now + pause);
    // Nothing accrues during the pause: when it ends, one probe call may go, then the sustained rate,
    // never a full burst into a venue that just said "too many".
    this.#tokens = 1;
    this.#refilledAt = this.#pausedUntil;
    return pause;
  }

  /** A call went through: the next 429 starts the back-off from its base again. */
  onSuccess(): void {
    this.#streak = 0;
  }

  stats(): RateLimiterStats {
    this.#refill();
    return {
      acquired: this.#acquired,
      waits: this.#waits,
      totalWaitMs: this.#totalWaitMs,
      rateLimited: this.#rateLimited,
      pausedUntil: this.#pausedUntil,
      tokens: this.#tokens,
    };
  }

  async #take(cost: number, signal?: AbortSignal): Promise<void> {
    const started = this.#clock.now();
    let waited = false;
    for (;;) {
      signal?.throwIfAborted();
      this.#refill();
      const now = this.#clock.now();
      const wait = now < this.#pausedUntil ? this.#pausedUntil - now : this.#tokens >= cost ? 0 : ((cost - this.#tokens) / this.#o.ratePerSec) * 1000;
      if (wait <= 0) break;
      waited = true;
      await this.#sleep(Math.ceil(wait), signal);
    }
    this.#tokens -= cost;
    this.#acquired++;
    if (waited) {
      this.#waits++;
      this.#totalWaitMs += this.#clock.now() - started;
    }
  }

  #refill(): void {
    const now = this.#clock.now();
    if (now <= this.#refilledAt) return;
    this.#tokens = Math.min(this.#o.burst, this.#tokens + ((now - this.#refilledAt) * this.#o.ratePerSec) / 1000);
    this.#refilledAt = now;
  }
}

/** Retry-After as ms from now: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | number | null | undefined, now: number): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
