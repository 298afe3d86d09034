// Specs of strict query parsing: unknown or repeated parameters refused, times and limits checked, every problem collected.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMIT, QueryReader } from '../../../engine/server/query.ts';

describe('QueryReader', () => {
  it('reads typed values with defaults', () => {
    const q = new QueryReader({ from: '10', to: '20', limit: '5', format: 'csv', state: 'filled,canceled' }, ['from', 'to', 'limit', 'format', 'state']);
    expect(q.timeRange()).toEqual({ fromMs: 10, toMs: 20 });
    expect(q.limit()).toBe(5);
    expect(q.format()).toBe('csv');
    expect(q.listOf('state', ['filled', 'canceled', 'failed'])).toEqual(['filled', 'canceled']);
    expect(q.problems).toEqual([]);
    expect(new QueryReader({}, []).limit()).toBe(DEFAULT_LIMIT);
  });

  it('collects every problem at once', () => {
    const q = new QueryReader({ from: '1.5', to: 'x', limit: '10001', format: 'xml', rule: ['a', 'b'], bogus: '1' }, ['from', 'to', 'limit', 'format', 'rule']);
    q.timeRange();
    q.limit();
    q.format();
    q.text('rule');
    expect(q.problems).toEqual([
      'unknown query parameter "bogus"; allowed: from, to, limit, format, rule',
      'query parameter "from" must be a time in epoch milliseconds (a whole number), got "1.5"',
      'query parameter "to" must be a time in epoch milliseconds (a whole number), got "x"',
      'query parameter "limit" must be a whole number from 1 to 10000, got "10001"',
      'query parameter "format" is "xml", expected one of: json, csv',
      'query parameter "rule" is given more than once',
    ]);
  });
});
