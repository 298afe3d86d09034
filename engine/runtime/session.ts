// The trading session loop, one code path for every mode: per market event, sync the books, judge the tick, exit, then let strategies enter.
import type { EventBus } from '../bus.ts';
import type { ManualClock } from '../clock.ts';
import { TradegateError } from '../errors.ts';
import type { Ledger, PositionView } from '../ledger/ledger.ts';
import type { MarketEvent } from '../market/bar.ts';
import type { Logger } from '../observe/logger.ts';
import { decideExit } from '../orders/exit-decision.ts';
import type { OrderManager } from '../orders/order-manager.ts';
import type { OrderGate } from '../orders/order-ports.ts';
import type { Signal, Strategy, Venue } from '../plugins/plugin-api.ts';
import type { Mode } from '../types.ts';
import { type ExitSettings, exitSignal } from './exit-orders.ts';
import type { MarketView } from './market-view.ts';
import { LIVE_ORDER_STATES, PositionTracker } from './position-tracker.ts';
import { type FlattenLevel, type FlattenReport, flattenPositions } from './session-flatten.ts';
import { type OrderCounters, type OrderDeps, sendEntry, sendExit } from './session-orders.ts';
import { evaluateTick, type TickDeps, type TickResult } from './session-ticks.ts';
import { type CancelReport, cancelOpenOrders, type WindDownDeps } from './shutdown.ts';
import { StepLock } from './step-lock.ts';
import type { TradingState } from './trading-state.ts';

/** A strategy plugin and the instruments it alone trades. */
export interface StrategySlot {
  readonly name: string;
  readonly instruments: readonly string[];
  readonly strategy: Strategy;
}

export interface SessionOptions {
  readonly mode: Mode;
  /** Market time: set to each event's end as it arrives. */
  readonly clock: ManualClock;
  readonly ledger: Ledger;
  readonly venue: Venue;
  readonly manager: OrderManager;
  /** The gate the order manager uses, asked again for every tick decision. */
  readonly gate: OrderGate;
  readonly state: TradingState;
  readonly market: MarketView;
  readonly strategies: readonly StrategySlot[];
  readonly exits: ExitSettings;
  /** Market time after which no event is processed (the run's start plus --duration); undefined runs to the end of the data. */
  readonly stopAfterMs?: number;
  readonly windDown: Omit<WindDownDeps, 'orders' | 'venue' | 'manager'>;
  readonly logger: Logger;
  readonly bus?: EventBus;
  /** Runs after each step, still holding the step lock (runtime assertions, heartbeat, the ledger's event trail). */
  readonly afterStep?: () => Promise<void> | void;
  /** Told of every signal the gate let through, with the manager's answer. */
  readonly onAccepted?: OrderDeps['onAccepted'];
}

export type StopReason = 'end_of_data' | 'duration' | 'signal' | 'emergency' | 'failed';

export interface SessionProgress {
  readonly marketTimeMs: number;
  readonly events: number;
  readonly equityUsd: number;
  readonly drawdownFraction: number;
  readonly candidates: number;
  readonly refused: number;
  readonly sent: number;
}

export class Session {
  readonly #o: SessionOptions;
  readonly #tracker: PositionTracker;
  readonly #slots = new Map<string, StrategySlot>();
  readonly #counters: OrderCounters = { candidates: 0, refused: 0, sent: 0 };
  readonly #ticks: TickDeps;
  readonly #orders: OrderDeps;
  #events = 0;
  #equityUsd = Number.NaN;
  #drawdown = 0;
  #emergencyCanceled = false;
  #closed = false;
  /** Steps, kill switch actions and heartbeats take turns: a flatten never races the session's own exits. */
  readonly lock = new StepLock();

  constructor(options: SessionOptions) {
    this.#o = options;
    this.#tracker = new PositionTracker(options.clock);
    for (const slot of options.strategies) for (const i of slot.instruments) this.#slots.set(i, slot);
    const { mode, clock, ledger, gate, market, state, logger, bus, manager } = options;
    const common = { logger, ...(bus ? { bus } : {}) };
    this.#ticks = { mode, clock, venue: options.venue.name, ledger, gate, market, state, ...common, strategyOf: (i) => this.#slots.get(i)?.name };
    this.#orders = { manager, market, state, tracker: this.#tracker, counters: this.#counters, ...common, ...(options.onAccepted ? { onAccepted: options.onAccepted } : {}) };
  }

  progress(): SessionProgress {
    return { marketTimeMs: this.#o.clock.now(), events: this.#events, equityUsd: this.#equityUsd, drawdownFraction: this.#drawdown, ...this.#counters };
  }

  /**
   * Processes events until the data ends, the duration is reached, `signal` aborts, or an emergency
   * has closed everything. A `deny` or `retry` error of one event is logged and the next event goes on
   * (a `halt` has already tripped the breaker, which refuses entries while exits still go); anything
   * else, or any error once the ledger lost a commit, is a fault: the breaker trips and the session stops.
   */
  async run(events: AsyncIterable<MarketEvent>, signal: AbortSignal): Promise<StopReason> {
    for await (const event of events) {
      if (signal.aborted) return 'signal';
      if (this.#o.stopAfterMs !== undefined && event.endTs > this.#o.stopAfterMs) return 'duration';
      try {
        await this.step(event);
      } catch (error) {
        if (!this.#survivable(error, event)) return 'failed';
      }
      if (this.#emergencyDone()) return 'emergency';
    }
    return signal.aborted ? 'signal' : 'end_of_data';
  }

  /** One market event, start to end, under the step lock. Public so tests and benchmarks can drive the loop event by event. */
  step(event: MarketEvent): Promise<void> {
    return this.lock.run(async () => {
      await this.#step(event);
      await this.#o.afterStep?.();
    });
  }

  /** The kill switch's cancel: every resting order, between market events. A no-op once the session has ended. */
  cancelOpenNow(): Promise<CancelReport> {
    return this.lock.run(async () => {
      if (this.#closed) return { requested: [], failed: [] };
      const { ledger, venue, manager } = this.#o;
      return cancelOpenOrders({ ...this.#o.windDown, orders: ledger.orders, venue, manager });
    });
  }

  /**
   * The kill switch's flatten, between market events: the books are synced first (a fill or a cancel
   * the venue confirmed since), then every monitored position gets a closing exit; one already exiting
   * is left alone. A no-op once the session has ended.
   */
  flattenNow(level: FlattenLevel): Promise<FlattenReport> {
    return this.lock.run(async () => {
      if (this.#closed) return { sent: [], skipped: [] };
      await this.#o.manager.tick();
      const positions = this.#syncLifecycles();
      const report = await flattenPositions({
        orders: this.#orders, exits: this.#o.exits, positions, level, atMs: this.#o.windDown.wallClock.now(),
        ownerOf: (i) => this.#slots.get(i)?.name ?? 'engine',
      });
      await this.#o.afterStep?.();
      return report;
    });
  }

  /** Waits for whatever holds the lock, then refuses every later kill action: the wind-down owns the books from here. */
  close(): Promise<void> {
    return this.lock.run(() => {
      this.#closed = true;
    });
  }

  async #step(event: MarketEvent): Promise<void> {
    const { clock, venue, market, manager, ledger } = this.#o;
    clock.set(Math.max(clock.now(), event.endTs));
    venue.onMarketEvent?.(event);
    market.observe(event);
    await manager.tick();
    let positions = this.#syncLifecycles();
    const ticks = await this.#evaluateTicks(event.instrument, positions);
    // The cancel's reconciliation books what the venue filled before it: exits are sized from the books after it.
    if (this.#o.state.level() === 'emergency' && (await this.#cancelAllOnce())) positions = this.#syncLifecycles();
    const signal = this.#evaluateStrategy(event, ticks.get(event.instrument));
    await this.#exits(event, positions, ticks, signal);
    if (signal?.intent === 'entry' && this.#o.state.level() !== 'emergency') {
      await sendEntry(this.#orders, this.#slots.get(event.instrument)!.name, signal, event.endTs);
    }
    this.#events += 1;
    this.#markEquity(ledger);
  }

  /** The books after the sync: each traded or held instrument's lifecycle follows the ledger. */
  #syncLifecycles(): PositionView[] {
    const { ledger } = this.#o;
    const positions = ledger.openPositions();
    const live = ledger.orders.inStates(LIVE_ORDER_STATES);
    const instruments = new Set<string>([...this.#slots.keys(), ...positions.map((p) => p.instrument)]);
    for (const instrument of instruments) {
      const held = positions.find((p) => p.instrument === instrument);
      const moves = this.#tracker.sync({ instrument, quantity: held?.qty ?? 0, liveOrders: live.filter((o) => o.instrument === instrument) });
      for (const m of moves) this.#o.logger.info({ event: 'position.lifecycle', instrument, from: m.from, to: m.to, on: m.on, market_ts: this.#o.clock.now() }, `${instrument} ${m.from} -> ${m.to}`);
    }
    return positions;
  }

  /**
   * The event's instrument is judged on its own bar, when its data is fresh. A position in another
   * instrument is judged at its own bars, unless its feed has gone stale: then at every event, so a
   * silent feed pauses entries and the position's stops are still watched at its last price.
   */
  async #evaluateTicks(eventInstrument: string, positions: readonly PositionView[]): Promise<Map<string, TickResult>> {
    const out = new Map<string, TickResult>();
    const held = positions.find((p) => p.instrument === eventInstrument);
    out.set(eventInstrument, await evaluateTick(this.#ticks, eventInstrument, held?.leg ?? 'outright'));
    for (const p of positions) {
      if (out.has(p.instrument) || !this.#o.market.feed(p.instrument).stale) continue;
      out.set(p.instrument, await evaluateTick(this.#ticks, p.instrument, p.leg));
    }
    return out;
  }

  #evaluateStrategy(event: MarketEvent, tick: TickResult | undefined): Signal | null {
    const slot = this.#slots.get(event.instrument);
    const { market, ledger, clock } = this.#o;
    if (!slot || this.#o.state.level() === 'emergency' || market.bars(event.instrument) < slot.strategy.warmupBars) return null;
    const position = ledger.position(event.instrument);
    const signal = slot.strategy.evaluate({
      now: clock.now(),
      event,
      // A copy: a strategy that keeps it sees this tick's bars, never later ones appended under it.
      history: market.history(event.instrument).slice(),
      position: { instrument: event.instrument, quantity: position.qty, entryPrice: position.entryPrice, unrealizedPnlUsd: tick?.unrealizedPnlUsd ?? Number.NaN },
      account: { cashUsd: tick?.cashUsd ?? ledger.cashUsd(), equityUsd: tick?.equityUsd ?? Number.NaN },
    });
    if (signal && signal.instrument !== event.instrument) {
      this.#o.logger.warn({ event: 'strategy.signal_dropped', strategy: slot.name, instrument: signal.instrument, reason: `a signal for another instrument than ${event.instrument}` }, 'signal dropped');
      return null;
    }
    return signal;
  }

  /** Every held position: one exit decision from its tick, the strategy's exit, and the lifecycle; at most one exit each. */
  async #exits(event: MarketEvent, positions: readonly PositionView[], ticks: ReadonlyMap<string, TickResult>, signal: Signal | null): Promise<void> {
    for (const p of positions) {
      const lifecycle = this.#tracker.get(p.instrument);
      const tick = ticks.get(p.instrument);
      if (!lifecycle || !tick) continue;
      const strategyExit = signal?.intent === 'exit' && signal.instrument === p.instrument ? signal : null;
      const choice = decideExit({ instrument: p.instrument, state: lifecycle.state, quantity: p.qty, now: this.#o.clock.now(), tick: tick.decision, strategyExit });
      if (choice?.method !== 'order') continue;
      const latest = this.#o.market.latest(p.instrument);
      if (!latest) continue;
      const order = exitSignal(choice, { instrument: p.instrument, leg: p.leg, quantity: p.qty }, latest, this.#o.exits, strategyExit, event.ts);
      const owner = this.#slots.get(p.instrument)?.name ?? 'engine';
      await sendExit(this.#orders, owner, order, choice, event.endTs);
    }
  }

  /** True when it canceled now (the books may have moved), false when it had already. */
  async #cancelAllOnce(): Promise<boolean> {
    if (this.#emergencyCanceled) return false;
    this.#emergencyCanceled = true;
    const { ledger, venue, manager, logger } = this.#o;
    const report = await cancelOpenOrders({ ...this.#o.windDown, orders: ledger.orders, venue, manager });
    logger.error({ event: 'trading.emergency', canceled: report.requested, cancel_failed: report.failed }, 'emergency: every open order canceled, positions are being closed, the session stops once flat');
    return true;
  }

  #emergencyDone(): boolean {
    const { ledger, state } = this.#o;
    return state.level() === 'emergency' && ledger.openPositions().length === 0 && ledger.orders.inStates(LIVE_ORDER_STATES).length === 0;
  }

  /** The event is done: its mark is the run's time series, and where a restart resumes. */
  #markEquity(ledger: Ledger): void {
    try {
      const { equityUsd, cashUsd, sessionPnlUsd, dailyLossFraction, drawdownFraction } = ledger.observeEquity(this.#o.market.mark, { snapshot: true }).metrics;
      this.#equityUsd = equityUsd;
      this.#drawdown = drawdownFraction;
      this.#o.bus?.emit('equity.observed', { equityUsd, cashUsd, sessionPnlUsd, dailyLossFraction, drawdownFraction });
    } catch (error) {
      if (!(error instanceof TradegateError) || error.kind === 'halt') throw error;
      this.#o.logger.warn({ event: 'equity.unavailable', code: error.code, message: error.message }, 'equity not marked this event');
    }
  }

  #survivable(error: unknown, event: MarketEvent): boolean {
    const { logger, ledger } = this.#o;
    const at = { market_ts: event.endTs, instrument: event.instrument };
    // After a lost commit every later write, exits included, is refused: going on would leave positions unwatched; a restart reconciles.
    const broken = ledger.commitFailure !== null;
    if (!broken && error instanceof TradegateError && error.kind !== 'config') {
      const level = error.kind === 'halt' ? 'error' : 'warn';
      logger[level]({ event: 'session.event_failed', code: error.code, kind: error.kind, message: error.message, ...at }, 'a market event could not be processed in full');
      if (error.kind === 'halt' && !ledger.breaker.isTripped()) ledger.breaker.trip(`${error.code}: ${error.message}`, 'session');
      return true;
    }
    if (!broken && isLedgerBusy(error)) {
      // Another process (engine kill, engine breaker) wrote the ledger under this step: its transaction rolled back whole, and the next event retries.
      logger.warn({ event: 'session.event_failed', code: 'LEDGER_BUSY', kind: 'retry', sqlite: (error as { code: string }).code, message: (error as Error).message, ...at }, 'the ledger was busy; the next event retries');
      return true;
    }
    const message = error instanceof Error ? error.message : String(error);
    logger.error({ event: 'session.fault', message, stack: error instanceof Error ? error.stack : null, ...at }, 'engine fault: the breaker trips and the session stops');
    ledger.breaker.trip(`session fault: ${message}`, 'session');
    return false;
  }
}

/** SQLITE_BUSY and its extended codes (BUSY_SNAPSHOT: another connection wrote after this transaction read). */
function isLedgerBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
