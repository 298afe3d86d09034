// Spots holes in a stream: a skipped sequence number, or a missing bar period; anything behind the newest seen is late.

export type Observation =
  | { readonly status: 'first' | 'next' | 'late' }
  /** Inclusive range of the missing sequence numbers or period starts (epoch ms). */
  | { readonly status: 'gap'; readonly from: number; readonly to: number };

/** Per-instrument sequence numbers that must rise by exactly one. */
export class SequenceGapDetector {
  readonly #highest = new Map<string, number>();

  observe(instrument: string, seq: number): Observation {
    const highest = this.#highest.get(instrument);
    if (highest === undefined) {
      this.#highest.set(instrument, seq);
      return { status: 'first' };
    }
    if (seq <= highest) return { status: 'late' };
    this.#highest.set(instrument, seq);
    return seq === highest + 1 ? { status: 'next' } : { status: 'gap', from: highest + 1, to: seq - 1 };
  }

  /** For venues whose sequence restarts on every connection: forget what the old one counted. */
  reset(): void {
    this.#highest.clear();
  }
}

/** Per-instrument closed bars that must follow each other period by period. */
export class BarGapDetector {
  readonly #lastTs = new Map<string, number>();

  observe(instrument: string, ts: number, periodMs: number): Observation {
    const last = this.#lastTs.get(instrument);
    if (last === undefined) {
      this.#lastTs.set(instrument, ts);
      return { status: 'first' };
    }
    if (ts <= last) return { status: 'late' };
    this.#lastTs.set(instrument, ts);
    return ts === last + periodMs ? { status: 'next' } : { status: 'gap', from: last + periodMs, to: ts - periodMs };
  }
}
