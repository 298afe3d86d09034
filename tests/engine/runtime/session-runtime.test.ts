// Specs for what runs beside the loop, on real parts: kill levels from any trigger act on the session's books, an emergency ends the run, a closed runtime acts on nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EventBus } from '../../../engine/bus.ts';
import { ManualClock, systemClock } from '../../../engine/clock.ts';
import type { EngineConfig } from '../../../engine/config/load-config.ts';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { KillEventRepository } from '../../../engine/ledger/kill-event-repository.ts';
import { realSleep } from '../../../engine/market/sleep.ts';
import { LogCapture } from '../../../engine/observe/log-capture.ts';
import { createLogger } from '../../../engine/observe/logger.ts';
import { OrderManager } from '../../../engine/orders/order-manager.ts';
import { ruleSetGate } from '../../../engine/orders/order-ports.ts';
import type { Signal, Strategy, StrategyContext, Venue } from '../../../engine/plugins/plugin-api.ts';
import type { RuleSet } from '../../../engine/rules/rule-set.ts';
import { MarketView } from '../../../engine/runtime/market-view.ts';
import { Session } from '../../../engine/runtime/session.ts';
import { SessionRuntime } from '../../../engine/runtime/session-runtime.ts';
import type { KillLevelChanged } from '../../../engine/trading-events.ts';
import { shippedRules } from '../../helpers/order-env.ts';
import { openPaperVenue, openTestLedger, paperConfig } from '../../helpers/paper-session.ts';
import { SHIPPED_CONFIG } from '../../helpers/session-env.ts';
import { bars, stream } from '../../helpers/session-parts.ts';
import { T0 } from '../../plugins/strategies/market-event-fixtures.ts';

let rules: RuleSet;
beforeAll(async () => {
  rules = await shippedRules();
});

interface Rig {
  readonly ledger: Ledger;
  readonly venue: Venue;
  readonly runtime: SessionRuntime;
  readonly session: Session;
  readonly logs: LogCapture;
  readonly changes: KillLevelChanged[];
  close(): Promise<void>;
}

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** Buys 0.01 once, at bar 40, with a limit through the ask: it fills at the next bar. */
function oneEntry(): Strategy {
  let sent = false;
  return {
    warmupBars: 1,
    evaluate(ctx: StrategyContext): Signal | null {
      if (sent || ctx.history.length < 40) return null;
      sent = true;
      return { instrument: 'BTC-USD', side: 'buy', quantity: 0.01, orderType: 'limit', limitPrice: ctx.event.quote.askClose * 1.001, signalId: `one:${ctx.event.ts}`, intent: 'entry', edgeBps: 40, reason: 'test' };
    },
  };
}

/** The shipped config, scoped to the test's instrument and strategy. */
function config(): EngineConfig {
  const c = parse(readFileSync(SHIPPED_CONFIG, 'utf8')) as EngineConfig;
  return { ...c, scope: { instruments: ['BTC-USD'], strategies: ['canary'] } };
}

async function build(): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-runtime-'));
  const clock = new ManualClock(T0);
  const logs = new LogCapture();
  const logger = createLogger({ destination: logs, level: 'debug', env: {} });
  const bus = new EventBus();
  const changes: KillLevelChanged[] = [];
  bus.on('kill.level_changed', (c) => void changes.push(c));
  const ledger = openTestLedger(join(dir, 'ledger'), clock);
  ledger.startRun({ runId: 'run-1' });
  const venue = await openPaperVenue(join(dir, 'venue'), clock, 5, paperConfig({ slippage: { base_bps: 0, bps_per_10k_usd: 0 } }));
  const gate = ruleSetGate(() => rules, { clock });
  const market = new MarketView({ clock, staleAfterMs: 180_000, volatileReturnBps: 60, historyBars: 60 });
  const runtime = new SessionRuntime({
    mode: 'paper', runId: 'run-1', dataDir: join(dir, 'ledger'), config: config(), clock, wallClock: systemClock, ledger, venue, market, instruments: ['BTC-USD'],
    ruleSetVersion: () => rules.version, cooldownOf: (id) => rules.byId.get(id)?.cooldownMs, bus, logger, signal: new AbortController().signal,
  });
  const manager = new OrderManager({ ledger, venue, gate, clock, sleep: realSleep });
  await manager.start();
  const session = new Session({
    mode: 'paper', clock, ledger, venue, manager, gate, state: runtime.state, market, logger, bus,
    strategies: [{ name: 'canary', instruments: ['BTC-USD'], strategy: oneEntry() }],
    exits: { offsetBps: 20, ttlMs: 60_000 }, windDown: { wallClock: systemClock, sleep: realSleep },
    afterStep: () => runtime.afterStep(), onAccepted: (s, r) => runtime.assertions.accepted(s, r),
  });
  runtime.attach(session);
  return {
    ledger, venue, runtime, session, logs, changes,
    async close() {
      await runtime.close();
      runtime.dispose();
      await manager.idle();
      await venue.close();
      ledger.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const flat = (n: number) => Array<number>(n).fill(100);
const sells = (r: Rig) => r.ledger.orders.inStates(['submitted', 'filled', 'canceled']).filter((o) => o.side === 'sell');

async function holding(): Promise<Rig> {
  const r = await build();
  for (const e of bars(flat(41))) await r.session.step(e);
  expect(r.ledger.position('BTC-USD').qty).toBe(0.01);
  return r;
}

describe('SessionRuntime', () => {
  it('acts at start on a level stored before it (a restart): resting orders canceled, the position closed at the next bar', async () => {
    rig = await holding();
    rig.runtime.controls.change({ kill_level: 'flatten' }, 'cli:alice@host');
    rig.runtime.start();
    await rig.runtime.killSwitch.settled();
    expect(rig.changes).toEqual([expect.objectContaining({ from: 'none', to: 'flatten', source: 'cli', actor: 'cli:alice@host' })]);
    expect(sells(rig)).toHaveLength(1);
    expect(rig.logs.events('kill.flattened')).toEqual([expect.objectContaining({ level: 'flatten' })]);
    await rig.session.step(bars([100], 41)[0]!);
    expect(rig.ledger.position('BTC-USD').qty).toBe(0);
  });

  it('applies a change made through its own controls (the API) at once, not at the next poll, with who made it', async () => {
    rig = await build();
    rig.runtime.start();
    rig.runtime.controls.change({ kill_level: 'pause' }, 'http:alice (sha256:0123abcd)');
    await Promise.resolve();
    expect(rig.changes).toEqual([expect.objectContaining({ to: 'pause', source: 'api', actor: 'http:alice (sha256:0123abcd)' })]);
    expect(rig.runtime.state.controlsFacts().kill_level).toBe('pause');
  });

  it('stores a kill rule without a cooldown through the switch (who and why kept) and acts on it', async () => {
    rig = await holding();
    rig.runtime.state.observe({
      outcome: 'flatten', violations: [{ ruleId: 'session-drawdown-limit', action: 'flatten', message: 'drawdown 6% over 5%', facts: {} }], evaluated: [], errors: [],
      ruleSetVersion: rules.version, evaluatedAt: T0, context: { appliesTo: 'tick', mode: 'paper' },
    }, 'BTC-USD');
    await rig.runtime.killSwitch.settled();
    expect(rig.ledger.controls.get('kill_level')).toMatchObject({ value: 'flatten', updatedBy: 'rule:session-drawdown-limit' });
    expect(new KillEventRepository(rig.ledger.db, systemClock).latest(1)[0]).toMatchObject({ level: 'flatten', source: 'rule', reason: 'drawdown 6% over 5%' });
    expect(sells(rig)).toHaveLength(1);
  });

  it('ends the run as an emergency once the book is flat: reason emergency, whatever stopped the loop', async () => {
    rig = await holding();
    rig.runtime.killSwitch.raise('emergency', { source: 'signal', actor: 'signal:SIGUSR2', reason: 'test' });
    await rig.runtime.killSwitch.settled();
    expect(rig.logs.events('kill.stop_requested')).toEqual([expect.objectContaining({ exit_code: 99, flat: false })]);
    expect(rig.runtime.signal.aborted).toBe(false);
    const reason = await rig.session.run(stream(bars(flat(5), 41)), rig.runtime.signal);
    expect(reason).toBe('emergency');
    expect(rig.ledger.position('BTC-USD').qty).toBe(0);
    expect(rig.runtime.reasonOf('end_of_data')).toBe('emergency');
  });

  it('stops at once on an emergency raised while flat', async () => {
    rig = await build();
    rig.runtime.killSwitch.raise('emergency', { source: 'api', actor: 'http:alice', reason: 'test' });
    await rig.runtime.killSwitch.settled();
    expect(rig.runtime.signal.aborted).toBe(true);
    expect(rig.runtime.reasonOf('signal')).toBe('emergency');
  });

  it('handles the kill signals from start through the wind-down, and lets go of them when disposed', async () => {
    rig = await build();
    const before = process.listenerCount('SIGUSR2');
    rig.runtime.start();
    expect(process.listenerCount('SIGUSR2')).toBe(before + 1);
    await rig.runtime.close();
    expect(process.listenerCount('SIGUSR2')).toBe(before + 1);
    rig.runtime.dispose();
    expect(process.listenerCount('SIGUSR2')).toBe(before);
  });

  it('acts on nothing once closed: the wind-down owns the books', async () => {
    rig = await holding();
    await rig.runtime.close();
    rig.runtime.killSwitch.raise('flatten', { source: 'file', actor: 'kill-file', reason: 'late' });
    await rig.runtime.killSwitch.settled();
    expect(sells(rig)).toEqual([]);
  });
});
