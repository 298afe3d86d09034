// The contract every benchmark module meets, so bench/run.ts can run, print and record them all alike.

/** A figure checked against a limit, printed PASS or FAIL. */
export interface Target {
  readonly name: string;
  readonly value: number;
  readonly limit: number;
  readonly unit: string;
  /** `max`: value must be at most limit; `min`: at least. */
  readonly kind: 'max' | 'min';
  readonly pass: boolean;
}

export interface Table {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | number>>;
}

export interface BenchResult {
  readonly name: string;
  readonly description: string;
  readonly table: Table;
  /** Every figure by name, for the JSON record (units in the names: `_us`, `_ms`, `_per_s`). */
  readonly metrics: Readonly<Record<string, number | string | boolean>>;
  readonly targets: readonly Target[];
  readonly notes: readonly string[];
}

export interface Bench {
  readonly name: string;
  run(): Promise<BenchResult>;
}

export function target(name: string, value: number, kind: Target['kind'], limit: number, unit: string): Target {
  return { name, value, limit, unit, kind, pass: kind === 'max' ? value <= limit : value >= limit };
}
