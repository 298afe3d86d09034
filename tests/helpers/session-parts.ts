// A Session on real parts built by hand (SQLite ledger, paper venue, order manager, shipped rules), driven by test-made market events.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll } from 'vitest';
import { ManualClock, systemClock } from '../../engine/clock.ts';
import type { Ledger } from '../../engine/ledger/ledger.ts';
import { realSleep } from '../../engine/market/sleep.ts';
import { LogCapture } from '../../engine/observe/log-capture.ts';
import { createLogger } from '../../engine/observe/logger.ts';
import { OrderManager } from '../../engine/orders/order-manager.ts';
import { ruleSetGate } from '../../engine/orders/order-ports.ts';
import type { MarketEvent, Strategy, Venue } from '../../engine/plugins/plugin-api.ts';
import type { RuleSet } from '../../engine/rules/rule-set.ts';
import { ControlsService } from '../../engine/runtime/controls.ts';
import { controlsPort } from '../../engine/runtime/controls-port.ts';
import { MarketView } from '../../engine/runtime/market-view.ts';
import { Session, type SessionOptions } from '../../engine/runtime/session.ts';
import { TradingState } from '../../engine/runtime/trading-state.ts';
import { MINUTE, marketEvent, T0 } from '../plugins/strategies/market-event-fixtures.ts';
import { shippedRules } from './order-env.ts';
import { openPaperVenue, openTestLedger, paperConfig } from './paper-session.ts';

export interface Parts {
  readonly dir: string;
  readonly clock: ManualClock;
  readonly ledger: Ledger;
  readonly venue: Venue;
  readonly manager: OrderManager;
  readonly state: TradingState;
  readonly market: MarketView;
  readonly logs: LogCapture;
  readonly session: Session;
  close(): Promise<void>;
}

export async function sessionParts(o: { rules: RuleSet; strategy: Strategy; extra?: Partial<SessionOptions> }): Promise<Parts> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-parts-'));
  const clock = new ManualClock(T0);
  const logs = new LogCapture();
  const logger = createLogger({ destination: logs, level: 'debug', env: {} });
  const ledger = openTestLedger(join(dir, 'ledger'), clock);
  ledger.startRun({ runId: 'run-1' });
  const venue = await openPaperVenue(join(dir, 'venue'), clock, 5, paperConfig({ slippage: { base_bps: 0, bps_per_10k_usd: 0 } }));
  const gate = ruleSetGate(() => o.rules, { clock });
  const manager = new OrderManager({ ledger, venue, gate, clock, sleep: realSleep });
  await manager.start();
  const controls = new ControlsService({
    repository: ledger.controls, transaction: (fn) => ledger.transaction(fn), clock,
    defaults: { killLevel: 'none', tradingMode: 'paper', maxPositionUsd: null, maxSessionLossUsd: null, allowedInstruments: ['BTC-USD', 'ETH-USD'], allowedStrategies: ['canary'] },
  });
  const state = new TradingState(controlsPort(controls, logger), clock, (id) => o.rules.byId.get(id)?.cooldownMs);
  const market = new MarketView({ clock, staleAfterMs: 180_000, volatileReturnBps: 60, historyBars: 60 });
  const session = new Session({
    mode: 'paper', clock, ledger, venue, manager, gate, state, market, logger,
    strategies: [{ name: 'canary', instruments: ['BTC-USD'], strategy: o.strategy }],
    exits: { offsetBps: 20, ttlMs: 60_000 },
    windDown: { wallClock: systemClock, sleep: realSleep },
    ...o.extra,
  });
  return {
    dir, clock, ledger, venue, manager, state, market, logs, session,
    async close() {
      await manager.idle();
      await venue.close();
      ledger.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Minute bars of BTC-USD from T0 closing at `closes` (bid and ask half a dollar either side, 10 units traded). */
export function bars(closes: readonly number[], from = 0): MarketEvent[] {
  return closes.map((close, i) => marketEvent({ ts: T0 + (from + i) * MINUTE, close, volume: 10 }));
}

export async function* stream(events: readonly MarketEvent[]): AsyncGenerator<MarketEvent> {
  for (const e of events) yield e;
}

/**
 * A test file's sessions on the shipped rules: the rules loaded once (`rules()`), and the parts each
 * test opened through `open` closed after it.
 */
export function sessionHarness(): { rules(): RuleSet; open(o: { strategy: Strategy; extra?: Partial<SessionOptions> }): Promise<Parts> } {
  let loaded: RuleSet | undefined;
  let opened: Parts | undefined;
  beforeAll(async () => {
    loaded = await shippedRules();
  });
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });
  const rules = (): RuleSet => {
    if (loaded === undefined) throw new Error('the shipped rules load in beforeAll: call rules() inside a test');
    return loaded;
  };
  return {
    rules,
    async open(o) {
      opened = await sessionParts({ rules: rules(), ...o });
      return opened;
    },
  };
}
