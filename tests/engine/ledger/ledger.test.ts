// Specs of the ledger facade: equity observation with the 00:00 UTC day-start baseline, peak and drawdown, runs, facts, deferred commits, read-only use.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MarkLookup } from '../../../engine/ledger/equity.ts';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { fill, type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

const LATE = Date.UTC(2024, 0, 1, 23, 59, 0);
const MIDNIGHT = Date.UTC(2024, 0, 2, 0, 0, 0);
const at = (price: number): MarkLookup => () => price;

let env: TempLedgers;
let ledger: Ledger;
beforeEach(() => {
  env = tempLedgers(LATE);
  ledger = env.open();
  ledger.deposit(10_000);
  ledger.startRun({ runId: 'run-1', configHash: 'cfg', ruleSetVersion: 'rs-1' });
  ledger.applyFill(fill('BTC-USD', 'buy', 1, 100));
});
afterEach(() => env.cleanup());

describe('Ledger.observeEquity', () => {
  it('takes the first observation of a UTC day as its baseline and resets it at 00:00 UTC', () => {
    expect(ledger.observeEquity(at(100)).metrics).toMatchObject({ equityUsd: 10_000, dayStartEquityUsd: 10_000, dailyPnlUsd: 0 });
    const late = ledger.observeEquity(at(90)).metrics;
    expect(late).toMatchObject({ equityUsd: 9_990, dayStartEquityUsd: 10_000, dailyPnlUsd: -10 });
    expect(late.dailyLossFraction).toBeCloseTo(0.001, 12);

    env.clock.set(MIDNIGHT);
    expect(ledger.observeEquity(at(90)).metrics).toMatchObject({ dayStartEquityUsd: 9_990, dailyPnlUsd: 0, dailyLossFraction: 0 });
    const next = ledger.observeEquity(at(80)).metrics;
    expect(next).toMatchObject({ equityUsd: 9_980, dailyPnlUsd: -10 });
    expect(next.dailyLossFraction).toBeCloseTo(10 / 9_990, 12);
    expect(ledger.equity.dayStart('2024-01-01')?.equityMicros).toBe(10_000_000_000);
    expect(ledger.equity.dayStart('2024-01-02')?.equityMicros).toBe(9_990_000_000);
  });

  it('keeps the day-start baseline across a restart on the same day (a restart is not a new day)', () => {
    ledger.observeEquity(at(100));
    env.clock.advance(30_000);
    ledger.close();
    const reopened = env.open();
    reopened.resumeRun('run-1');
    expect(reopened.observeEquity(at(95)).metrics).toMatchObject({ dayStartEquityUsd: 10_000, dailyPnlUsd: -5 });
  });

  it('tracks the session peak and drawdown from equity, and session PnL from the first observation', () => {
    ledger.observeEquity(at(100));
    ledger.observeEquity(at(110));
    const m = ledger.observeEquity(at(99)).metrics;
    expect(m).toMatchObject({ equityUsd: 9_999, peakEquityUsd: 10_010, sessionPnlUsd: -1 });
    expect(m.drawdownFraction).toBeCloseTo(11 / 10_010, 12);
    expect(ledger.runs.get('run-1')).toMatchObject({ startEquityMicros: 10_000_000_000, peakEquityMicros: 10_010_000_000 });
  });

  it('uses equity, not entry cost: an open loss counts against the day before any sale', () => {
    const m = ledger.observeEquity(at(100)).metrics;
    expect(m.cashUsd).toBe(9_900);
    expect(ledger.observeEquity(at(50)).metrics.dailyPnlUsd).toBe(-50);
  });

  it('records session_start once, day_start once per day, and mark snapshots only when asked', () => {
    ledger.observeEquity(at(100));
    ledger.observeEquity(at(100), { snapshot: true });
    ledger.observeEquity(at(100));
    const kinds = ledger.equity.between(0, Number.MAX_SAFE_INTEGER).map((s) => s.kind);
    expect(kinds).toEqual(['day_start', 'session_start', 'mark']);
  });

  it('records the position peak for trailing exits', () => {
    ledger.observeEquity(at(120));
    ledger.observeEquity(at(105));
    expect(ledger.positions.get('BTC-USD', 'outright')).toMatchObject({ peakPrice: 120, peakPnlFraction: 0.2 });
  });

  it('refuses to observe without a run (LEDGER_RUN_NOT_STARTED) and with a missing mark (LEDGER_MARK_MISSING)', () => {
    const other = env.open({ mode: 'dry_run' });
    expect(() => other.observeEquity(at(1))).toThrow(expect.objectContaining({ code: 'LEDGER_RUN_NOT_STARTED' }));
    expect(() => ledger.observeEquity(() => undefined)).toThrow(expect.objectContaining({ code: 'LEDGER_MARK_MISSING' }));
    expect(() => other.resumeRun('nope')).toThrow(expect.objectContaining({ code: 'LEDGER_RUN_NOT_STARTED' }));
  });
});

describe('Ledger.facts', () => {
  it('gives the gate account and position facts computed from the books', () => {
    ledger.observeEquity(at(100));
    const facts = ledger.facts({ instrument: 'BTC-USD', leg: 'outright', mark: at(104), venueBalanceUsd: 9_900,
      order: { direction: 'buy', qty: 0.5, price: 104 } });
    expect(facts.account).toMatchObject({ cash_usd: 9_900, equity_usd: 10_004, daily_pnl_usd: 4, session_pnl_usd: 4 });
    expect(facts.position).toMatchObject({ quantity: 1, after_fill_quantity: 1.5, unrealized_pnl_usd: 4, open_positions_count: 1 });
  });

  it('reads only: the day-start baseline and peaks it rests on are written when its observation is recorded', () => {
    const facts = ledger.facts({ instrument: 'BTC-USD', leg: 'outright', mark: at(110), venueBalanceUsd: 9_900 });
    // The latest mark is in the figures before anything is written: peak equity, the position's peak.
    expect(facts.account).toMatchObject({ equity_usd: 10_010, day_start_equity_usd: 10_010, peak_equity_usd: 10_010, drawdown_fraction: 0 });
    expect(facts.position).toMatchObject({ peak_price: 110, peak_pnl_fraction: 0.1 });
    expect(ledger.equity.between(0, Number.MAX_SAFE_INTEGER)).toEqual([]);
    expect(ledger.runs.get('run-1')?.peakEquityMicros).toBeNull();

    ledger.recordObservation(facts.observation);
    expect(ledger.equity.dayStart('2024-01-01')?.equityMicros).toBe(10_010_000_000);
    expect(ledger.runs.get('run-1')).toMatchObject({ startEquityMicros: 10_010_000_000, peakEquityMicros: 10_010_000_000 });
    expect(ledger.positions.get('BTC-USD', 'outright')).toMatchObject({ peakPrice: 110, peakPnlFraction: 0.1 });
    const later = ledger.facts({ instrument: 'BTC-USD', leg: 'outright', mark: at(99), venueBalanceUsd: 9_900 });
    expect(later.account).toMatchObject({ equity_usd: 9_999, day_start_equity_usd: 10_010, peak_equity_usd: 10_010 });
    expect(later.account.drawdown_fraction).toBeCloseTo(11 / 10_010, 12);
    expect(later.position).toMatchObject({ peak_price: 110, retrace_from_peak_fraction: expect.closeTo(0.11, 12) });
  });

  it('refuses without a run, like observeEquity (LEDGER_RUN_NOT_STARTED)', () => {
    const other = env.open({ mode: 'dry_run' });
    expect(() => other.facts({ instrument: 'BTC-USD', leg: 'outright', mark: at(1), venueBalanceUsd: 0 })).toThrow(
      expect.objectContaining({ code: 'LEDGER_RUN_NOT_STARTED' }),
    );
  });
});

describe('Ledger modes', () => {
  it('writes every position with the mode of its ledger', () => {
    const dry = env.open({ mode: 'dry_run' });
    dry.applyFill(fill('ETH-USD', 'buy', 1, 10));
    expect(dry.positions.all().map((p) => p.mode)).toEqual(['dry_run']);
    expect(ledger.positions.all().map((p) => p.mode)).toEqual(['paper']);
    expect(dry.path).not.toBe(ledger.path);
  });
});

describe('Ledger.deferred', () => {
  const committedDeposits = (): number => {
    const other = new Database(ledger.path, { readonly: true });
    try {
      return other.prepare<[], { n: number }>("SELECT count(*) AS n FROM cash_movements WHERE kind = 'deposit'").get()!.n;
    } finally {
      other.close();
    }
  };
  const endOfTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('commits at the end of the event-loop turn when no other write comes first', async () => {
    ledger.deferred(() => ledger.deposit(1));
    expect(ledger.hasDeferred).toBe(true);
    expect(committedDeposits()).toBe(1);
    await endOfTurn();
    expect(ledger.hasDeferred).toBe(false);
    expect(committedDeposits()).toBe(2);
  });

  it('commits on flush() and on close(), so a clean shutdown loses nothing', () => {
    ledger.deferred(() => ledger.deposit(1));
    ledger.flush();
    expect(committedDeposits()).toBe(2);
    ledger.deferred(() => ledger.deposit(1));
    ledger.close();
    expect(committedDeposits()).toBe(3);
  });

  it('refuses every later write with LEDGER_COMMIT_FAILED (halt) once a scheduled commit failed', async () => {
    ledger.db.exec('CREATE TABLE probe_parent (id INTEGER PRIMARY KEY); CREATE TABLE probe_child (p INTEGER REFERENCES probe_parent (id) DEFERRABLE INITIALLY DEFERRED)');
    ledger.deferred(() => ledger.db.prepare('INSERT INTO probe_child (p) VALUES (7)').run());
    await endOfTurn();
    const refused = expect.objectContaining({ code: 'LEDGER_COMMIT_FAILED', kind: 'halt' });
    expect(() => ledger.transaction(() => ledger.deposit(1))).toThrow(refused);
    expect(() => ledger.deferred(() => ledger.deposit(1))).toThrow(refused);
    expect(() => ledger.flush()).toThrow(refused);
    expect(committedDeposits()).toBe(1);
  });
});

describe('a group commit that fails inside an ordinary transaction', () => {
  it('refuses every later posting too, as an end-of-turn failure does, while the breaker still trips', () => {
    ledger.db.exec('CREATE TABLE probe_parent (id INTEGER PRIMARY KEY); CREATE TABLE probe_child (p INTEGER REFERENCES probe_parent (id) DEFERRABLE INITIALLY DEFERRED)');
    ledger.deferred(() => ledger.db.prepare('INSERT INTO probe_child (p) VALUES (7)').run());
    const refused = expect.objectContaining({ code: 'LEDGER_COMMIT_FAILED', kind: 'halt' });
    // The next order's transaction carries the group, and its commit is the one that fails.
    expect(() => ledger.transaction(() => ledger.deposit(1))).toThrow(refused);
    const cash = ledger.cashUsd();
    expect(() => ledger.deposit(1)).toThrow(refused);
    expect(() => ledger.withdraw(1)).toThrow(refused);
    expect(() => ledger.applyFill(fill('BTC-USD', 'buy', 1, 100))).toThrow(refused);
    expect(() => ledger.joinTransaction(() => ledger.deposit(1))).toThrow(refused);
    expect(() => ledger.flush()).toThrow(refused);
    expect(ledger.cashUsd()).toBe(cash);
    ledger.breaker.trip('LEDGER_COMMIT_FAILED: probe', 'orders');
    expect(ledger.breaker.state()).toMatchObject({ tripped: true, reason: 'LEDGER_COMMIT_FAILED: probe' });
  });
});

describe('a read-only Ledger', () => {
  it('reads the books a session goes on writing, through its repositories', () => {
    const ro = env.open({ readOnly: true });
    expect(ro.readOnly).toBe(true);
    expect(ro.cashUsd()).toBe(ledger.cashUsd());
    expect(ro.position('BTC-USD').qty).toBe(1);
    expect(ro.runs.get('run-1')?.configHash).toBe('cfg');
    ledger.deposit(5);
    expect(ro.cashUsd()).toBe(ledger.cashUsd());
  });

  it('refuses every write loudly (SQLITE_READONLY), alone, in a transaction or deferred, and leaves nothing open', () => {
    const ro = env.open({ readOnly: true });
    const cash = ledger.cashUsd();
    const readOnly = expect.objectContaining({ code: 'SQLITE_READONLY' });
    expect(() => ro.deposit(1)).toThrow(readOnly);
    expect(() => ro.transaction(() => ro.withdraw(1))).toThrow(readOnly);
    expect(() => ro.deferred(() => ro.deposit(1))).toThrow(readOnly);
    expect(() => ro.startRun({ runId: 'run-2' })).toThrow(readOnly);
    expect(ro.db.inTransaction).toBe(false);
    expect(ro.hasDeferred).toBe(false);
    ro.close();
    expect(ledger.cashUsd()).toBe(cash);
    ledger.deposit(1);
    expect(ledger.cashUsd()).toBe(cash + 1);
  });
});
