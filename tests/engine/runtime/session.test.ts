// Specs for the session loop on real parts: warmup, the exit decision acting through the gate, exits holding off entries, stops and faults.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { TradegateError } from '../../../engine/errors.ts';
import type { Signal, Strategy, StrategyContext } from '../../../engine/plugins/plugin-api.ts';
import { bars, type Parts, sessionHarness, stream } from '../../helpers/session-parts.ts';
import { MINUTE, T0 } from '../../plugins/strategies/market-event-fixtures.ts';

const harness = sessionHarness();
let parts: Parts | undefined;

/** Buys 0.01 once, on the bar given, with a marketable limit; records every context it was asked with. */
class OneEntry implements Strategy {
  readonly warmupBars: number;
  readonly seen: StrategyContext[] = [];
  readonly #at: number;
  #signalled = false;

  constructor(warmupBars: number, atBar: number) {
    this.warmupBars = warmupBars;
    this.#at = atBar;
  }

  evaluate(ctx: StrategyContext): Signal | null {
    this.seen.push(ctx);
    if (this.#signalled || ctx.history.length < this.#at) return null;
    this.#signalled = true;
    return {
      instrument: ctx.event.instrument, side: 'buy', quantity: 0.01, orderType: 'limit', limitPrice: ctx.event.quote.askClose * 1.001,
      signalId: `one-entry:${ctx.event.ts}`, intent: 'entry', edgeBps: 40, reason: 'test entry',
    };
  }
}

const flat = (n: number, price = 100) => Array<number>(n).fill(price);

describe('Session', () => {
  it('asks the strategy nothing before its warmup bars, then hands it the history ending with the bar', async () => {
    const strategy = new OneEntry(25, 1_000);
    parts = await harness.open({ strategy });
    for (const e of bars(flat(30))) await parts.session.step(e);
    expect(strategy.seen).toHaveLength(6);
    const first = strategy.seen[0]!;
    expect(first.history).toHaveLength(25);
    expect(first.history.at(-1)).toBe(first.event);
    expect(first.now).toBe(first.event.endTs);
    expect(first.account).toEqual({ cashUsd: 10_000, equityUsd: 10_000 });
  });

  it('enters through the gate, then closes on the stop-loss rule with an exit order of its own, and is flat again', async () => {
    parts = await harness.open({ strategy: new OneEntry(1, 40) });
    for (const e of bars(flat(41))) await parts.session.step(e);
    expect(parts.ledger.position('BTC-USD').qty).toBe(0.01);
    for (const e of bars([96, 96, 96], 41)) await parts.session.step(e);
    const exits = parts.logs.events('position.exit_triggered');
    expect(exits).toEqual([expect.objectContaining({ reason: 'stop-loss', rule: 'stop-loss', urgent: true })]);
    const sent = parts.logs.events('order.sent').map((r) => [r['intent'], String(r['signal_id']).split(':')[0]]);
    expect(sent).toEqual([['entry', 'one-entry'], ['exit', 'exit']]);
    expect(parts.ledger.position('BTC-USD').qty).toBe(0);
    expect(parts.logs.events('position.lifecycle').map((r) => r['to'])).toEqual(['entry', 'monitoring', 'closed']);
  });

  it('holds an entry back while the position has an exit in flight', async () => {
    const again: Strategy = {
      warmupBars: 1,
      evaluate: (ctx) => ({
        instrument: 'BTC-USD', side: 'buy', quantity: 0.01, orderType: 'limit', limitPrice: ctx.event.quote.askClose * (ctx.history.length < 41 ? 1.001 : 0.9),
        signalId: `again:${ctx.event.ts}`, intent: 'entry', edgeBps: 40, reason: 'buy every bar',
      }),
    };
    parts = await harness.open({ strategy: again });
    for (const e of bars(flat(40))) await parts.session.step(e);
    parts.state.observe({ outcome: 'flatten', violations: [{ ruleId: 'ops', action: 'flatten', message: 'operator', facts: {} }], evaluated: [], errors: [], ruleSetVersion: 'x', evaluatedAt: 0, context: { appliesTo: 'tick', mode: 'paper' } }, 'BTC-USD');
    // The exit rests below the market (the bid moves away), so the position stays exit_pending on the next bars.
    for (const e of bars([100, 120, 120], 40)) await parts.session.step(e);
    expect(parts.logs.events('order.entry_held').length).toBeGreaterThan(0);
  });

  it('drops a signal for an instrument the bar is not about', async () => {
    const wrong: Strategy = { warmupBars: 0, evaluate: (ctx) => ({ instrument: 'ETH-USD', side: 'buy', quantity: 0.01, orderType: 'limit', limitPrice: 1, signalId: `w:${ctx.event.ts}`, intent: 'entry', reason: 'wrong' }) };
    parts = await harness.open({ strategy: wrong });
    await parts.session.step(bars([100])[0]!);
    expect(parts.logs.events('strategy.signal_dropped')).toHaveLength(1);
    expect(parts.ledger.orders.inStates(['pending_submit', 'submitted', 'canceled', 'rejected'])).toEqual([]);
  });

  it('stops after its duration, on a signal, and at the end of the data', async () => {
    parts = await harness.open({ strategy: new OneEntry(1, 1_000), extra: { stopAfterMs: T0 + 10 * MINUTE } });
    expect(await parts.session.run(stream(bars(flat(20))), new AbortController().signal)).toBe('duration');
    expect(parts.session.progress().events).toBe(10);
    const aborted = new AbortController();
    aborted.abort();
    expect(await parts.session.run(stream(bars(flat(2), 30)), aborted.signal)).toBe('signal');
  });

  it('logs a refused or failed event and goes on, but stops and trips the breaker on a fault in the engine', async () => {
    let calls = 0;
    const flaky: Strategy = {
      warmupBars: 0,
      evaluate: () => {
        calls += 1;
        if (calls === 1) throw new TradegateError('SIZING_INPUT_INVALID', 'no size for this bar');
        if (calls === 3) throw new Error('a bug in the strategy');
        return null;
      },
    };
    parts = await harness.open({ strategy: flaky });
    expect(await parts.session.run(stream(bars(flat(5))), new AbortController().signal)).toBe('failed');
    expect(parts.logs.events('session.event_failed')).toEqual([expect.objectContaining({ code: 'SIZING_INPUT_INVALID', kind: 'deny' })]);
    expect(parts.logs.events('session.fault')).toHaveLength(1);
    expect(parts.ledger.breaker.state()).toMatchObject({ tripped: true, trippedBy: 'session' });
  });

  it('stops (failed) once the ledger lost a commit: nothing, exits included, can be booked or sent until a restart reconciles', async () => {
    parts = await harness.open({ strategy: new OneEntry(1, 1_000) });
    const { ledger } = parts;
    ledger.db.exec('CREATE TABLE probe_parent (id INTEGER PRIMARY KEY); CREATE TABLE probe_child (p INTEGER REFERENCES probe_parent (id) DEFERRABLE INITIALLY DEFERRED)');
    // A deferred write whose foreign key fails at COMMIT: the group commit fails, and the connection refuses every later write.
    ledger.deferred(() => ledger.db.prepare('INSERT INTO probe_child (p) VALUES (7)').run());
    expect(() => ledger.flush()).toThrow();
    expect(ledger.commitFailure).not.toBeNull();
    // Going on would leave every position unwatched for the rest of the run; a stop lets the supervisor restart and reconcile.
    expect(await parts.session.run(stream(bars(flat(5))), new AbortController().signal)).toBe('failed');
    expect(parts.session.progress().events).toBe(0);
    expect(ledger.breaker.state()).toMatchObject({ tripped: true });
  });

  it('takes a busy ledger (another process wrote under a step) as transient: the event is logged, the next one goes on, no breaker', async () => {
    let calls = 0;
    const busy: Strategy = {
      warmupBars: 0,
      evaluate: () => {
        calls += 1;
        if (calls === 2) throw new Database.SqliteError('database is locked', 'SQLITE_BUSY_SNAPSHOT');
        return null;
      },
    };
    parts = await harness.open({ strategy: busy });
    expect(await parts.session.run(stream(bars(flat(4))), new AbortController().signal)).toBe('end_of_data');
    expect(parts.logs.events('session.event_failed')).toEqual([expect.objectContaining({ code: 'LEDGER_BUSY', kind: 'retry', sqlite: 'SQLITE_BUSY_SNAPSHOT' })]);
    expect(calls).toBe(4);
    expect(parts.ledger.breaker.isTripped()).toBe(false);
  });
});
