// What a market data file loader returns (bars, quotes, and every problem found in one pass) and how a strict caller refuses it.
import { type ErrorCode, type Problem, TradegateError, formatProblem } from '../errors.ts';
import type { Bar, Quote } from './bar.ts';

export interface BarSet {
  readonly trades: readonly Bar[];
  readonly quotes: readonly Quote[];
  /** Every bad row, name or file found; rows with a problem are left out of trades and quotes. */
  readonly problems: readonly Problem[];
}

export const EMPTY_BAR_SET: BarSet = { trades: [], quotes: [], problems: [] };

/** A problem located in a data file; line and col are 1-based, 0 when the whole file is at fault. */
export function dataProblem(code: ErrorCode, file: string, line: number, col: number, message: string, field = ''): Problem {
  return { code, file, line, col, pointer: line > 0 ? `/${line}${field ? `/${field}` : ''}` : '', message };
}

export function mergeBarSets(sets: readonly BarSet[]): BarSet {
  return {
    trades: sets.flatMap((s) => s.trades),
    quotes: sets.flatMap((s) => s.quotes),
    problems: sets.flatMap((s) => s.problems),
  };
}

/** Fail closed: replaying around bad rows would change results silently, so any problem refuses the whole set. */
export function requireClean(set: BarSet): BarSet {
  if (set.problems.length === 0) return set;
  const first = set.problems[0]!;
  const shown = set.problems.slice(0, 20).map(formatProblem).join('\n');
  const more = set.problems.length > 20 ? `\n... and ${set.problems.length - 20} more` : '';
  throw new TradegateError(first.code, `market data has ${set.problems.length} problem(s):\n${shown}${more}`, {
    problems: set.problems,
  });
}

/** 1-based column where field `index` of a comma-separated line starts. */
export function columnOf(line: string, index: number): number {
  let col = 1;
  for (let i = 0, seen = 0; i < line.length && seen < index; i++) {
    if (line[i] === ',') {
      seen++;
      col = i + 2;
    }
  }
  return col;
}

const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A strict decimal: unlike Number(), '' and ' ' are not 0 and '0x10' is not 16. NaN when not a number. */
export function parseDecimal(text: string): number {
  return DECIMAL.test(text) ? Number(text) : Number.NaN;
}
