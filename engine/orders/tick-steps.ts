// Runs the steps of one order-manager tick in order, so a venue that fails one step (its fills listing down, say) does not stop the rest.
import { TradegateError } from '../errors.ts';

/**
 * A step that fails because the venue could not be asked is recorded and the next step runs: the
 * ack-timeout sweep needs no venue at all and must not wait for a fills endpoint to come back, and
 * TTL cancels go through another endpoint. A halt error stops the tick at once (the books may be
 * wrong, and later steps write to them). The first error recorded is thrown at the end, so the
 * caller still hears that the tick did not complete.
 */
export class TickSteps {
  #failed: { readonly error: unknown } | null = null;

  async run<T>(step: () => Promise<T> | T, otherwise: T): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (error instanceof TradegateError && error.kind === 'halt') throw error;
      this.#failed ??= { error };
      return otherwise;
    }
  }

  /** Throws the first error a step met, once every step has had its turn. */
  finish(): void {
    if (this.#failed !== null) throw this.#failed.error;
  }
}
