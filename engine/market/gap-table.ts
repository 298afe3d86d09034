// The recorded gap table: every hole found in the data, when, and whether a backfill closed it (SPEC R4.2, R4.3).

export type GapKind = 'sequence' | 'bars' | 'disconnect';
/**
 * open: a backfill may still close it. backfilled: the backfill hook closed it. filled: every missing
 * message arrived late on the stream itself. unrecoverable: no hook, or the hook kept failing.
 */
export type GapStatus = 'open' | 'backfilled' | 'filled' | 'unrecoverable';

/** The whole feed, for gaps that are not one instrument's (a disconnection). */
export const ALL_INSTRUMENTS = '*';

export interface Gap {
  readonly id: number;
  readonly instrument: string;
  readonly kind: GapKind;
  /**
   * Inclusive bounds: sequence numbers for `sequence`; period starts (epoch ms) of the first and last
   * missing bar for `bars`; disconnect and reconnect times (epoch ms) for `disconnect`.
   */
  readonly start: number;
  readonly end: number;
  readonly detectedAt: number;
  status: GapStatus;
  backfilled: boolean;
  attempts: number;
  /** Messages the backfill delivered that were not already seen. */
  recovered: number;
  /** Missing messages (sequence numbers or bars) that have not arrived late on the stream. */
  remaining: number;
  resolvedAt: number | null;
  lastError: string | null;
}

export class GapTable {
  readonly #gaps: Gap[] = [];
  readonly #retain: number;
  #nextId = 1;
  #total = 0;

  /** Keeps the newest `retain` resolved gaps; open gaps are never forgotten. */
  constructor(retain = 1_000) {
    this.#retain = retain;
  }

  /** `size` is how many messages are missing (sequence numbers, bars); 0 when unknown (a disconnection). */
  record(gap: Pick<Gap, 'instrument' | 'kind' | 'start' | 'end' | 'detectedAt'>, size = 0): Gap {
    const row: Gap = {
      ...gap,
      id: this.#nextId++,
      status: 'open',
      backfilled: false,
      attempts: 0,
      recovered: 0,
      remaining: size,
      resolvedAt: null,
      lastError: null,
    };
    this.#gaps.push(row);
    this.#total++;
    this.#trim();
    return row;
  }

  backfilled(gap: Gap, recovered: number, now: number): void {
    gap.attempts++;
    gap.backfilled = true;
    gap.recovered += recovered;
    gap.lastError = null;
    if (gap.status !== 'filled') {
      gap.status = 'backfilled';
      gap.resolvedAt = now;
    }
  }

  /**
   * A late message at `position` (a sequence number, or a bar's period start) of this instrument's
   * `kind` stream: the gap holding it counts one less missing; with none left it is filled.
   */
  arrivedLate(instrument: string, kind: GapKind, position: number, now: number): Gap | null {
    const gap = this.#gaps.find((g) => g.instrument === instrument && g.kind === kind && g.remaining > 0 && position >= g.start && position <= g.end);
    if (!gap) return null;
    gap.remaining--;
    if (gap.remaining > 0 || gap.status === 'backfilled') return null;
    gap.status = 'filled';
    gap.resolvedAt = now;
    return gap;
  }

  /** A failed attempt; after `maxAttempts` the gap is given up on, so it stops blocking as "open". */
  failed(gap: Gap, error: string, now: number, maxAttempts: number): void {
    gap.attempts++;
    gap.lastError = error;
    if (gap.attempts >= maxAttempts) this.unrecoverable(gap, now);
  }

  unrecoverable(gap: Gap, now: number): void {
    if (gap.status !== 'open') return;
    gap.status = 'unrecoverable';
    gap.resolvedAt = now;
  }

  open(): Gap[] {
    return this.#gaps.filter((g) => g.status === 'open');
  }

  /** A gap still being recovered touches this instrument (or the whole feed). */
  hasOpen(instrument: string): boolean {
    return this.#gaps.some((g) => g.status === 'open' && (g.instrument === instrument || g.instrument === ALL_INSTRUMENTS));
  }

  /** Copies, oldest first. */
  rows(): Gap[] {
    return this.#gaps.map((g) => ({ ...g }));
  }

  /** Gaps ever recorded, including those trimmed from the table. */
  get total(): number {
    return this.#total;
  }

  #trim(): void {
    let excess = this.#gaps.length - this.#retain;
    for (let i = 0; i < this.#gaps.length && excess > 0; ) {
      if (this.#gaps[i]!.status !== 'open') {
        this.#gaps.splice(i, 1);
        excess--;
      } else i++;
    }
  }
}
