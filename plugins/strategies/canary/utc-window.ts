// Market windows aligned to UTC: the window a moment falls in, and a stable name for it.

export interface MarketWindow {
  /** Inclusive start, epoch ms, a multiple of the window length. */
  readonly startMs: number;
  /** Exclusive end: the start of the next window. */
  readonly endMs: number;
}

/** The window holding `nowMs`. Windows start at multiples of `windowMs` since the epoch, so any length dividing a day stays on UTC boundaries. */
export function windowAt(nowMs: number, windowMs: number): MarketWindow {
  const startMs = Math.floor(nowMs / windowMs) * windowMs;
  return { startMs, endMs: startMs + windowMs };
}

/** `2018-04-05T00:15:00Z`: readable in ids and logs, identical on every machine. */
export function windowLabel(startMs: number): string {
  return new Date(startMs).toISOString().replace('.000Z', 'Z');
}
