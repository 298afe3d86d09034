// Specs for metrics.csv: one row per mark of the run, equity, cash, position value, drawdown and running counts, from the ledger.
import { afterEach, describe, expect, it } from 'vitest';
import { METRICS_COLUMNS, metricsCsv } from '../../../engine/runtime/metrics-csv.ts';
import { type RunFixture, runFixture } from '../../helpers/run-fixture.ts';
import { T0 } from '../../helpers/temp-ledger.ts';

let f: RunFixture;
afterEach(() => f.env.cleanup());

describe('metricsCsv', () => {
  it('writes a header and one row per mark, with orders, fills and refusals counted up to and including its time', () => {
    f = runFixture();
    const rows = metricsCsv({ db: f.ledger.db, mode: 'paper', runId: 'run-1' }, 10_000_000_000).trim().split('\n').map((l) => l.split(','));
    expect(rows[0]).toEqual([...METRICS_COLUMNS]);
    expect(rows.slice(1).map((r) => r[0])).toEqual([1, 2, 3, 4, 5].map((m) => new Date(T0 + m * 60_000).toISOString()));
    expect(rows.slice(1).map((r) => r.slice(5).map(Number))).toEqual([[1, 1, 0], [1, 1, 1], [1, 1, 2], [2, 2, 2], [2, 2, 2]]);
    const [, second] = rows.slice(1);
    expect(Number(second![1])).toBeCloseTo(10_099.45, 6);
    expect(Number(second![2])).toBeCloseTo(9_899.45, 6);
    expect(Number(second![3])).toBe(200);
    expect(Number(rows[3]![4])).toBeCloseTo((200 - 99.5) / 10_099.45, 8);
  });
});
