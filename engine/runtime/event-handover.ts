// Hands market events to the session loop: a hook as each arrives and once it is handled, and a turn for timers and I/O at fixed counts.

/** Events handed over without a pause at full speed: then the loop yields once to timers and I/O (kill switch, server, signals). */
export const YIELD_EVERY_EVENTS = 64;

/**
 * Tells `before` of each item as it arrives and `after` once it has been handled (when the consumer asks
 * for the next one, or stops). Every YIELD_EVERY_EVENTS items it yields to the event loop: a replay at
 * full speed otherwise never lets a timer run. Counted, not timed, so the yields fall at the same
 * points in every run and a replay stays reproducible.
 */
export async function* handOver<T>(source: AsyncIterable<T>, before: (item: T) => void, after: () => void): AsyncGenerator<T> {
  let n = 0;
  for await (const item of source) {
    before(item);
    try {
      yield item;
    } finally {
      after();
    }
    if (++n % YIELD_EVERY_EVENTS === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
