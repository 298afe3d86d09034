// Time as an injected dependency: production reads the wall clock, tests and replays drive a manual one.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to: tests and backtests own time. */
export class ManualClock implements Clock {
  #now: number;

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  set(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`clock time must be finite, got ${ms}`);
    this.#now = ms;
  }

  advance(ms: number): void {
    this.set(this.#now + ms);
  }
}
