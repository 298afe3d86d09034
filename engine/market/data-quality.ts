// Scores market data from 0 (unusable) to 1 (clean): the share of recent messages with no outlier price and no missing field.

export interface DataQualityOptions {
  /** Recent prices per instrument the median and spread are taken over. */
  readonly priceWindow?: number;
  /** Recent messages per instrument the score is taken over. */
  readonly scoreWindow?: number;
  /** A jump is an outlier beyond k robust standard deviations (1.4826 x MAD) from the recent median... */
  readonly k?: number;
  /** ...and beyond this band around the median, so a quiet market (MAD near 0) does not flag every tick. */
  readonly minBandBps?: number;
  /** No price is called an outlier before this many prices are in the window. */
  readonly minSamples?: number;
}

export const DATA_QUALITY_DEFAULTS = { priceWindow: 50, scoreWindow: 200, k: 6, minBandBps: 50, minSamples: 10 } as const;

export interface OutlierVerdict {
  readonly outlier: boolean;
  /** Distance from the recent median, bps (0 before enough samples). */
  readonly deviationBps: number;
}

interface InstrumentState {
  readonly prices: number[];
  /** Ring of recent verdicts: true = clean. */
  readonly verdicts: boolean[];
  next: number;
}

export class DataQuality {
  readonly #o: Required<DataQualityOptions>;
  readonly #by = new Map<string, InstrumentState>();
  #outliers = 0;
  #missing = 0;

  constructor(options: DataQualityOptions = {}) {
    this.#o = { ...DATA_QUALITY_DEFAULTS, ...options };
    if (this.#o.minSamples > this.#o.priceWindow) throw new RangeError('minSamples cannot exceed priceWindow');
  }

  /** Judges a price against the recent ones, then adds it: a lasting move soon becomes the new median. */
  observePrice(instrument: string, price: number): OutlierVerdict {
    const s = this.#state(instrument);
    let verdict: OutlierVerdict = { outlier: false, deviationBps: 0 };
    if (s.prices.length >= this.#o.minSamples) {
      const median = medianOf(s.prices);
      const robustStd = 1.4826 * medianOf(s.prices.map((p) => Math.abs(p - median)));
      const deviation = Math.abs(price - median);
      const threshold = Math.max(this.#o.k * robustStd, (this.#o.minBandBps / 10_000) * median);
      verdict = { outlier: deviation > threshold, deviationBps: (deviation / median) * 10_000 };
    }
    s.prices.push(price);
    if (s.prices.length > this.#o.priceWindow) s.prices.shift();
    if (verdict.outlier) this.#outliers++;
    return verdict;
  }

  /** Records one message's verdict: clean unless an outlier or missing fields. */
  record(instrument: string, defect: { outlier?: boolean; missingFields?: readonly string[] }): void {
    const missing = (defect.missingFields?.length ?? 0) > 0;
    if (missing) this.#missing++;
    const s = this.#state(instrument);
    const clean = !defect.outlier && !missing;
    if (s.verdicts.length < this.#o.scoreWindow) s.verdicts.push(clean);
    else s.verdicts[s.next] = clean;
    s.next = (s.next + 1) % this.#o.scoreWindow;
  }

  /** Share of clean messages among the recent ones; null when nothing was recorded (callers fail closed). */
  score(instrument: string): number | null {
    const v = this.#by.get(instrument)?.verdicts;
    if (!v || v.length === 0) return null;
    return v.filter(Boolean).length / v.length;
  }

  get outliers(): number {
    return this.#outliers;
  }

  /** Messages that lacked at least one field. */
  get missing(): number {
    return this.#missing;
  }

  #state(instrument: string): InstrumentState {
    let s = this.#by.get(instrument);
    if (!s) {
      s = { prices: [], verdicts: [], next: 0 };
      this.#by.set(instrument, s);
    }
    return s;
  }
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
