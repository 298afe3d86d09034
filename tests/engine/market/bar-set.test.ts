// Specs for loader results: strict decimals, columns, merging, and refusing a set that has any problem.
import { describe, expect, it } from 'vitest';
import { TradegateError } from '../../../engine/errors.ts';
import { columnOf, dataProblem, mergeBarSets, parseDecimal, requireClean } from '../../../engine/market/bar-set.ts';

describe('parseDecimal', () => {
  it('reads plain decimals and exponents', () => {
    expect(parseDecimal('7424.91')).toBe(7424.91);
    expect(parseDecimal('-0.5')).toBe(-0.5);
    expect(parseDecimal('1e-5')).toBe(0.00001);
    expect(parseDecimal('.5')).toBe(0.5);
  });

  it('refuses what Number() would quietly accept', () => {
    for (const text of ['', ' ', '0x10', 'Infinity', 'NaN', '1,5', '1 2', '--1']) expect(parseDecimal(text), text).toBeNaN();
  });
});

describe('columnOf', () => {
  it('gives the 1-based column where a comma-separated field starts', () => {
    expect(columnOf('0,7424.91,7424.91', 0)).toBe(1);
    expect(columnOf('0,7424.91,7424.91', 1)).toBe(3);
    expect(columnOf('0,7424.91,7424.91', 2)).toBe(11);
  });
});

describe('requireClean', () => {
  it('passes a set with no problem through unchanged', () => {
    const set = { trades: [], quotes: [], problems: [] };
    expect(requireClean(set)).toBe(set);
  });

  it('throws one error carrying every problem, the first one\'s code, and file:line:col text', () => {
    const a = dataProblem('MARKET_DATA_BAD_ROW', 'a.csv', 3, 7, 'high is below low', 'high');
    const b = dataProblem('MARKET_DATA_ORDER', 'b.csv', 9, 1, 'goes back');
    const set = mergeBarSets([
      { trades: [], quotes: [], problems: [a] },
      { trades: [], quotes: [], problems: [b] },
    ]);
    expect(a.pointer).toBe('/3/high');
    let error: unknown;
    try {
      requireClean(set);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TradegateError);
    const e = error as TradegateError;
    expect(e.code).toBe('MARKET_DATA_BAD_ROW');
    expect(e.kind).toBe('config');
    expect(e.message).toContain('a.csv:3:7  MARKET_DATA_BAD_ROW  high is below low');
    expect(e.message).toContain('b.csv:9:1  MARKET_DATA_ORDER  goes back');
    expect(e.details['problems']).toEqual([a, b]);
  });
});
