// The circuit breaker as a service: trips and resets over the stored breaker with bus events, and opens it on a failed runtime assertion.
import type { EventBus } from '../bus.ts';
import type { BreakerRepository, BreakerState } from '../ledger/breaker-repository.ts';
import type { Logger } from '../observe/logger.ts';
import type { AssertionOutcome } from '../trading-events.ts';

export interface BreakerOptions {
  readonly repository: BreakerRepository;
  readonly bus?: EventBus;
  readonly logger?: Pick<Logger, 'info' | 'error'>;
}

export interface AssertionVerdict {
  readonly results: readonly AssertionOutcome[];
  /** Assertions that failed at this check and held at the one before (each is announced once per failure). */
  readonly newlyFailed: readonly AssertionOutcome[];
  readonly tripped: boolean;
}

/**
 * The stored breaker is the truth (it survives restarts and another process may reset it); this
 * service adds the announcements: `breaker.tripped` when a trip opens it, `breaker.reset`, and for
 * assertions `assertions.checked` every time and `assertion.failed` when one starts failing.
 */
export class Breaker {
  readonly #o: BreakerOptions;
  readonly #failing = new Set<string>();

  constructor(options: BreakerOptions) {
    this.#o = options;
  }

  isTripped(): boolean {
    return this.#o.repository.isTripped();
  }

  state(): BreakerState {
    return this.#o.repository.state();
  }

  /** Trips the breaker; a trip while already tripped is recorded as history, not announced again. */
  trip(reason: string, actor: string): BreakerState {
    // Whether this trip opened it is decided by the write: a read before it could miss an `engine breaker reset` landing in between.
    const { opened, ...state } = this.#o.repository.trip(reason, actor);
    if (opened) {
      this.#o.logger?.error({ event: 'breaker.tripped', reason, actor }, `circuit breaker tripped: ${reason}`);
      this.#o.bus?.emit('breaker.tripped', { reason, actor });
    }
    return state;
  }

  /** An operator's reset; false when it was not tripped. */
  reset(actor: string): boolean {
    const done = this.#o.repository.reset(actor);
    if (done) {
      this.#o.logger?.info({ event: 'breaker.reset', actor }, 'circuit breaker reset');
      this.#o.bus?.emit('breaker.reset', { actor });
    }
    return done;
  }

  /**
   * Takes one tick's assertion results. Each newly failing assertion is announced and trips the
   * breaker naming it; an assertion that keeps failing trips nothing more (the breaker is already
   * open, and an operator's reset is not undone every tick by the same known failure).
   */
  applyAssertions(results: readonly AssertionOutcome[]): AssertionVerdict {
    this.#o.bus?.emit('assertions.checked', { results });
    const newlyFailed = results.filter((r) => !r.ok && !this.#failing.has(r.name));
    for (const r of results) {
      if (r.ok) this.#failing.delete(r.name);
      else this.#failing.add(r.name);
    }
    for (const r of newlyFailed) {
      const message = r.message ?? 'no message';
      this.#o.logger?.error({ event: 'assertion.failed', assertion: r.name, message }, `runtime assertion ${r.name} failed`);
      this.#o.bus?.emit('assertion.failed', { name: r.name, message });
      this.trip(`assertion ${r.name} failed: ${message}`, `assertion:${r.name}`);
    }
    return { results, newlyFailed, tripped: this.isTripped() };
  }
}
