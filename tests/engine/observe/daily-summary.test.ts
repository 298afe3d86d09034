// Specs of the daily summary over a real ledger: the UTC day just ended, its fills, fees, PnL, refusals by rule and equity.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import type { Alert } from '../../../engine/observe/alerts.ts';
import { dailySummary, dailySummaryJob, previousUtcDay } from '../../../engine/observe/daily-summary.ts';
import { decision, violation } from '../../helpers/http-fixture.ts';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

const DAY = Date.UTC(2024, 2, 10);
let env: TempLedgers;
let ledger: Ledger;

beforeEach(() => {
  env = tempLedgers(DAY + 3_600_000);
  ledger = env.open();
});
afterEach(() => env.cleanup());

function seedDay(): void {
  ledger.deposit(10_000);
  ledger.startRun({ runId: 'run-1' });
  ledger.observeEquity(() => undefined);
  const fill = { venue: 'paper', liquidity: 'taker', instrument: 'BTC-USD' } as const;
  ledger.applyFill({ ...fill, venueFillId: 'f-1', side: 'buy', qty: 1, price: 100, fee: 0.5, tsMs: DAY + 3_600_000 });
  ledger.applyFill({ ...fill, venueFillId: 'f-2', side: 'sell', qty: 1, price: 110, fee: 0.5, tsMs: DAY + 7_200_000 });
  // The day before does not count.
  ledger.applyFill({ ...fill, venueFillId: 'f-0', side: 'buy', qty: 1, price: 90, fee: 0.25, tsMs: DAY - 1 });
  ledger.decisions.record(decision('allow', [], DAY), { facts: {} });
  ledger.decisions.record(decision('reject', [violation('max-position-usd', 'over')], DAY), { facts: {} });
  ledger.decisions.record(decision('reject', [violation('max-position-usd', 'over'), violation('stale-feed', 'stale')], DAY), { facts: {} });
  env.clock.advance(3_600_000);
  ledger.observeEquity(() => 105, { snapshot: true });
}

describe('previousUtcDay', () => {
  it('is the day before the one the clock is in', () => {
    expect(previousUtcDay(DAY + 86_400_000 + 60_000)).toEqual({ day: '2024-03-10', fromMs: DAY, toMs: DAY + 86_400_000 });
    expect(previousUtcDay(DAY + 86_400_000).day).toBe('2024-03-10');
  });
});

describe('dailySummary', () => {
  it('adds up the day just ended from the ledger', () => {
    seedDay();
    env.clock.set(DAY + 86_400_000 + 60_000);
    const s = dailySummary(ledger, env.clock.now());
    expect(s).toMatchObject({
      day: '2024-03-10',
      fills: 2,
      notionalUsd: 210,
      feesUsd: 1,
      decisions: 3,
      refused: 2,
      topRules: [
        { ruleId: 'max-position-usd', count: 2 },
        { ruleId: 'stale-feed', count: 1 },
      ],
      equityStartUsd: 10_000,
      openPositions: 1,
      breakerTripped: false,
    });
    expect(s.realizedPnlUsd).toBeCloseTo(ledger.fills.all().filter((f) => f.venueFillId !== 'f-0').reduce((a, f) => a + f.realizedPnlUsd, 0), 2);
    expect(s.equityEndUsd).not.toBeNull();
  });

  it('sends it as one info alert keyed by the day', () => {
    seedDay();
    env.clock.set(DAY + 86_400_000 + 60_000);
    const sent: Alert[] = [];
    const summary = dailySummaryJob({ ledger, clock: env.clock, sink: { notify: (a) => sent.push(a) }, killLevel: () => 'pause' })();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ key: 'daily.summary:2024-03-10', severity: 'info', title: 'daily summary 2024-03-10 (UTC)' });
    const lines = sent[0]!.text.split('\n');
    expect(lines[1]).toBe(`2 fills, notional 210.00 USD, fees 1.00 USD, realized PnL ${summary.realizedPnlUsd.toFixed(2)} USD`);
    expect(lines[2]).toBe('3 decisions, 2 refused; top rules: max-position-usd x2, stale-feed x1');
    expect(lines[3]).toBe('1 open positions, breaker ok, kill level pause');
  });

  it('reports an empty day plainly', () => {
    env.clock.set(DAY + 86_400_000);
    const s = dailySummary(ledger, env.clock.now());
    expect(s).toMatchObject({ fills: 0, decisions: 0, topRules: [], equityStartUsd: null, equityEndUsd: null });
  });
});
