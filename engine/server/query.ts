// Query-string parsing for the read API: strict (unknown or repeated parameters refused), each problem named for a 400.

export type QueryValue = string | readonly string[] | undefined;
export type RawQuery = Readonly<Record<string, QueryValue>>;

export const DEFAULT_LIMIT = 500;
export const MAX_LIMIT = 10_000;

export type Format = 'json' | 'csv';

/** Reads typed parameters from one query, collecting every problem rather than stopping at the first. */
export class QueryReader {
  readonly problems: string[] = [];
  readonly #query: RawQuery;

  constructor(query: unknown, allowed: readonly string[]) {
    this.#query = (typeof query === 'object' && query !== null ? query : {}) as RawQuery;
    for (const key of Object.keys(this.#query)) {
      if (!allowed.includes(key)) this.problems.push(`unknown query parameter "${key}"; allowed: ${allowed.join(', ')}`);
    }
  }

  text(name: string, pattern?: RegExp): string | undefined {
    const value = this.#query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.problems.push(`query parameter "${name}" is given more than once`);
      return undefined;
    }
    if (value === '' || (pattern !== undefined && !pattern.test(value))) {
      this.problems.push(`query parameter "${name}" is ${JSON.stringify(value.slice(0, 80))}, which is not a valid value`);
      return undefined;
    }
    return value;
  }

  /** A time in epoch milliseconds: a whole, non-negative number. */
  timeMs(name: string): number | undefined {
    const text = this.text(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!/^\d{1,16}$/.test(text) || !Number.isSafeInteger(value)) {
      this.problems.push(`query parameter "${name}" must be a time in epoch milliseconds (a whole number), got ${JSON.stringify(text.slice(0, 80))}`);
      return undefined;
    }
    return value;
  }

  limit(): number {
    const text = this.text('limit');
    if (text === undefined) return DEFAULT_LIMIT;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < 1 || value > MAX_LIMIT) {
      this.problems.push(`query parameter "limit" must be a whole number from 1 to ${MAX_LIMIT}, got ${JSON.stringify(text.slice(0, 80))}`);
      return DEFAULT_LIMIT;
    }
    return value;
  }

  oneOf<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const text = this.text(name);
    if (text === undefined) return undefined;
    if (!(choices as readonly string[]).includes(text)) {
      this.problems.push(`query parameter "${name}" is ${JSON.stringify(text.slice(0, 80))}, expected one of: ${choices.join(', ')}`);
      return undefined;
    }
    return text as T;
  }

  /** A comma-separated list whose every item is one of `choices`. */
  listOf<T extends string>(name: string, choices: readonly T[]): T[] | undefined {
    const text = this.text(name);
    if (text === undefined) return undefined;
    const items = text.split(',').map((s) => s.trim());
    const bad = items.filter((i) => !(choices as readonly string[]).includes(i));
    if (bad.length > 0) {
      this.problems.push(`query parameter "${name}" has ${bad.map((b) => JSON.stringify(b)).join(', ')}, expected items of: ${choices.join(', ')}`);
      return undefined;
    }
    return items as T[];
  }

  format(): Format {
    return this.oneOf('format', ['json', 'csv'] as const) ?? 'json';
  }

  /** `from` < `to` when both are given. */
  timeRange(): { readonly fromMs: number | undefined; readonly toMs: number | undefined } {
    const fromMs = this.timeMs('from');
    const toMs = this.timeMs('to');
    if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) this.problems.push(`query parameter "from" (${fromMs}) must be before "to" (${toMs})`);
    return { fromMs, toMs };
  }
}

/** Ids of instruments, strategies and rules as the API accepts them in a query. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$/;
