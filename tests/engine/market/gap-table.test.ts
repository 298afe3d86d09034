// Specs for the gap table: every gap recorded with start, end and whether a backfill closed it; open gaps are never trimmed.
import { describe, expect, it } from 'vitest';
import { ALL_INSTRUMENTS, GapTable } from '../../../engine/market/gap-table.ts';

describe('GapTable', () => {
  it('records a gap as open and not backfilled, then closes it', () => {
    const t = new GapTable();
    const g = t.record({ instrument: 'A', kind: 'sequence', start: 5, end: 7, detectedAt: 100 }, 3);
    expect(t.hasOpen('A')).toBe(true);
    expect(t.hasOpen('B')).toBe(false);
    t.backfilled(g, 3, 150);
    expect(t.rows()).toEqual([
      { id: 1, instrument: 'A', kind: 'sequence', start: 5, end: 7, detectedAt: 100, status: 'backfilled', backfilled: true, attempts: 1, recovered: 3, remaining: 3, resolvedAt: 150, lastError: null },
    ]);
    expect(t.hasOpen('A')).toBe(false);
  });

  it('is filled when every missing message arrives late on the stream', () => {
    const t = new GapTable();
    const g = t.record({ instrument: 'A', kind: 'sequence', start: 5, end: 6, detectedAt: 100 }, 2);
    expect(t.arrivedLate('A', 'sequence', 9, 101)).toBeNull();
    expect(t.arrivedLate('B', 'sequence', 5, 101)).toBeNull();
    expect(t.arrivedLate('A', 'sequence', 5, 101)).toBeNull();
    expect(t.hasOpen('A')).toBe(true);
    expect(t.arrivedLate('A', 'sequence', 6, 102)).toBe(g);
    expect(g).toMatchObject({ status: 'filled', backfilled: false, remaining: 0, resolvedAt: 102 });
    expect(t.hasOpen('A')).toBe(false);
  });

  it('lets a whole-feed gap count as open for every instrument', () => {
    const t = new GapTable();
    t.record({ instrument: ALL_INSTRUMENTS, kind: 'disconnect', start: 0, end: 10, detectedAt: 10 });
    expect(t.hasOpen('anything')).toBe(true);
  });

  it('gives up after the last allowed failure and keeps the error', () => {
    const t = new GapTable();
    const g = t.record({ instrument: 'A', kind: 'bars', start: 0, end: 60_000, detectedAt: 1 });
    t.failed(g, 'HTTP 500', 2, 3);
    expect(g.status).toBe('open');
    t.failed(g, 'HTTP 502', 3, 3);
    t.failed(g, 'timeout', 4, 3);
    expect(g).toMatchObject({ status: 'unrecoverable', backfilled: false, attempts: 3, lastError: 'timeout', resolvedAt: 4 });
  });

  it('keeps the newest resolved gaps within its size but never trims an open one', () => {
    const t = new GapTable(2);
    const first = t.record({ instrument: 'A', kind: 'sequence', start: 1, end: 1, detectedAt: 1 });
    for (let i = 2; i <= 5; i++) t.unrecoverable(t.record({ instrument: 'A', kind: 'sequence', start: i, end: i, detectedAt: i }), i);
    expect(t.rows().map((g) => g.start)).toEqual([1, 5]);
    expect(t.total).toBe(5);
    expect(first.status).toBe('open');
  });
});
