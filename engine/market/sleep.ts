// Waiting as an injected dependency: the wall clock in production, a manual clock in tests and backtests.
import type { ManualClock } from '../clock.ts';

/** Wait `ms`; resolves early (never rejects) when `signal` aborts, so loops check `signal.aborted` after. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export interface AdvancingSleep extends Sleep {
  /** Every duration asked for, in order. */
  readonly calls: readonly number[];
}

/** A sleep that moves a manual clock forward instead of waiting: time passes exactly as asked, instantly. */
export function advancingSleep(clock: ManualClock): AdvancingSleep {
  const calls: number[] = [];
  const sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    calls.push(ms);
    if (signal?.aborted) return;
    if (ms > 0) clock.advance(ms);
    // Yield like a real timer would, so other tasks run between wake-ups.
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  return Object.assign(sleep, { calls });
}
