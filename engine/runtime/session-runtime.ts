// What runs beside the session loop: controls, the kill switch and its actions, the breaker and assertions, the ledger's event trail, heartbeat, burn-in.
import type { EventBus } from '../bus.ts';
import type { Clock, ManualClock } from '../clock.ts';
import type { EngineConfig } from '../config/load-config.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Logger } from '../observe/logger.ts';
import type { Venue } from '../plugins/plugin-api.ts';
import type { Mode } from '../types.ts';
import { Breaker } from './breaker.ts';
import { BurnInRecorder } from './burn-in.ts';
import { ControlsService } from './controls.ts';
import { killFilePath, readKillFile } from './kill-file.ts';
import { killSwitchControlsPort, ledgerKillStore } from './kill-ports.ts';
import { installKillSignals } from './kill-signals.ts';
import { KillSwitch } from './kill-switch.ts';
import { LedgerTail } from './ledger-tail.ts';
import { LiveStatus } from './live-status.ts';
import type { MarketView } from './market-view.ts';
import { LIVE_ORDER_STATES } from './position-tracker.ts';
import { RuntimeAssertions } from './runtime-assertions.ts';
import type { Session, StopReason } from './session.ts';
import { TradingState } from './trading-state.ts';

/** An idle loop still beats this often (wall time), so a quiet feed is not mistaken for a stalled engine. */
export const HEARTBEAT_EVERY_MS = 1_000;
/** An emergency stop waits this long (wall time) for the exits it sent to fill before it winds down anyway. */
export const EMERGENCY_FLAT_WAIT_MS = 30_000;
/** A backtest checks the runtime assertions every this many events: cheap enough, and its results stay a function of the data. */
export const BACKTEST_ASSERT_EVERY = 100;

export interface SessionRuntimeInput {
  readonly mode: Mode;
  readonly runId: string;
  readonly dataDir: string;
  readonly config: EngineConfig;
  /** Market time, set by each event. */
  readonly clock: ManualClock;
  readonly wallClock: Clock;
  readonly ledger: Ledger;
  readonly venue: Pick<Venue, 'positions'>;
  readonly market: MarketView;
  /** The instruments the market data delivers (the feeds of the status). */
  readonly instruments: readonly string[];
  readonly ruleSetVersion: () => string;
  readonly cooldownOf: (ruleId: string) => number | undefined;
  readonly bus: EventBus;
  readonly logger: Logger;
  /** SIGINT/SIGTERM from the command line; the runtime adds the emergency stop to it. */
  readonly signal: AbortSignal;
}

/**
 * Built before the session (the trading state reads the kill switch through its port), attached to
 * it once it exists, started right before the loop, closed right after it. The kill switch's actions
 * run from its own promise chain under the session's step lock, never inside a step.
 */
export class SessionRuntime {
  readonly controls: ControlsService;
  readonly breaker: Breaker;
  readonly killSwitch: KillSwitch;
  readonly state: TradingState;
  readonly assertions: RuntimeAssertions;
  readonly status: LiveStatus;
  readonly tail: LedgerTail;
  readonly burnIn: BurnInRecorder | null;
  /** Aborts on SIGINT/SIGTERM or once an emergency stop gives up waiting for a flat book. */
  readonly signal: AbortSignal;
  readonly #i: SessionRuntimeInput;
  readonly #emergency = new AbortController();
  readonly #closers: (() => void)[] = [];
  #session: Session | undefined;
  #stopCode: number | null = null;
  #beatQueued = false;
  #removeSignals: (() => void) | undefined;

  constructor(i: SessionRuntimeInput) {
    this.#i = i;
    const { ledger, bus, logger, clock, wallClock } = i;
    this.signal = AbortSignal.any([i.signal, this.#emergency.signal]);
    this.tail = new LedgerTail(ledger, bus);
    this.controls = new ControlsService({
      repository: ledger.controls, transaction: (fn) => ledger.transaction(fn), clock, logger, bus,
      defaults: { killLevel: 'none', tradingMode: i.mode, maxPositionUsd: null, maxSessionLossUsd: null, allowedInstruments: i.config.scope.instruments, allowedStrategies: i.config.scope.strategies },
    });
    this.breaker = new Breaker({ repository: ledger.breaker, bus, logger });
    this.killSwitch = new KillSwitch({
      store: ledgerKillStore(ledger, this.controls, wallClock),
      clock,
      killFile: () => readKillFile(killFilePath(i.dataDir)),
      bus,
      logger,
      actions: { cancelAll: () => this.#cancelAll(), flattenAll: () => this.#flattenAll(), stop: (code) => this.#requestStop(code) },
    });
    this.state = new TradingState(killSwitchControlsPort(this.killSwitch, this.controls), clock, i.cooldownOf);
    const backtest = i.mode === 'backtest';
    this.assertions = new RuntimeAssertions({
      ledger, venue: i.venue, mark: i.market.mark, breaker: this.breaker, clock, wallClock, logger, scope: i.config.scope.instruments,
      // The shipped venues do not lend: what is held and resting may not exceed the account's capital.
      capitalCapUsd: (equityUsd) => Math.max(i.config.account.starting_cash_usd, equityUsd),
      everySteps: backtest ? BACKTEST_ASSERT_EVERY : 1,
      deterministic: backtest,
    });
    this.status = new LiveStatus({
      mode: i.mode, runId: i.runId, bus, wallClock, feed: 'replay', instruments: i.instruments, stale: (x) => i.market.feed(x).stale,
      cashUsd: () => ledger.cashUsd(), ruleSetVersion: i.ruleSetVersion, assertions: () => this.assertions.latest(),
    });
    this.burnIn = i.mode === 'dry_run' ? new BurnInRecorder({ db: ledger.db, runId: i.runId, config: i.config, wallClock, logger }) : null;
  }

  /** The session the kill switch acts on. */
  attach(session: Session): void {
    this.#session = session;
  }

  /** Runs `fn` under the session's step lock (between market events), or at once before a session is attached. */
  async exclusive<T>(fn: () => T): Promise<T> {
    return this.#session ? this.#session.lock.run(fn) : fn();
  }

  /** Run by the session after each step, under its step lock. */
  async afterStep(): Promise<void> {
    await this.assertions.afterStep();
    this.#beat();
  }

  /** A market event reached the session (its feed's age starts again). */
  observed(instrument: string): void {
    this.status.observed(instrument);
  }

  /** Right before the loop: a level stored before a restart acts now; signals, heartbeat and burn-in start. */
  start(): void {
    const { bus, mode } = this.#i;
    this.#removeSignals ??= installKillSignals(this.killSwitch);
    this.killSwitch.start();
    this.#closers.push(() => this.killSwitch.close());
    // A change through this process's controls (the API) is read at once rather than at the next poll; after the
    // current call returns, so the switch's own writes keep the trigger's words.
    this.#closers.push(bus.on('controls.changed', ({ changes }) => {
      if ('kill_level' in changes) queueMicrotask(() => this.killSwitch.poll());
    }));
    if (this.burnIn) {
      const burnIn = this.burnIn;
      burnIn.start(this.#i.ruleSetVersion());
      this.#closers.push(bus.on('rules.reloaded', ({ version }) => burnIn.start(version)));
    }
    if (mode !== 'backtest') {
      const timer = setInterval(() => this.#idleBeat(), HEARTBEAT_EVERY_MS);
      timer.unref();
      this.#closers.push(() => clearInterval(timer));
    }
  }

  /** The session's own verdict, or `emergency` once the kill switch asked for the stop. */
  reasonOf(reason: StopReason): StopReason {
    return this.#stopCode !== null && reason !== 'failed' ? 'emergency' : reason;
  }

  /**
   * Waits for any kill action in flight, then stops the switch's polling, the timers and the bus
   * subscriptions; the books are the wind-down's. The kill signals stay handled until dispose(), so a
   * SIGUSR1 or SIGUSR2 during the wind-down is stored for the next start instead of ending the process.
   */
  async close(): Promise<void> {
    await this.#session?.close();
    // Actions queued behind the close find the session closed and return at once; a stop still records its code.
    await this.killSwitch.settled();
    for (const close of this.#closers.splice(0).reverse()) close();
    this.burnIn?.finish();
    this.tail.poll();
    this.status.close();
  }

  /** Removes the kill signal handlers: the last thing the runner does. */
  dispose(): void {
    this.#removeSignals?.();
    this.#removeSignals = undefined;
  }

  /** A beat waits for the step lock; while one waits, a stalled loop does not queue another every second. */
  #idleBeat(): void {
    const session = this.#session;
    if (!session || this.#beatQueued) return;
    this.#beatQueued = true;
    void session.lock.run(() => {
      this.#beatQueued = false;
      this.#beat();
    });
  }

  #beat(): void {
    this.assertions.beat();
    this.status.beat();
    this.tail.poll();
    this.burnIn?.tick();
  }

  async #cancelAll(): Promise<void> {
    const report = await this.#session?.cancelOpenNow();
    if (report) this.#i.logger.warn({ event: 'kill.canceled', canceled: report.requested, cancel_failed: report.failed }, `kill switch: ${report.requested.length} resting orders canceled`);
  }

  async #flattenAll(): Promise<void> {
    const level = this.killSwitch.level() === 'emergency' ? 'emergency' : 'flatten';
    const report = await this.#session?.flattenNow(level);
    if (report) this.#i.logger.warn({ event: 'kill.flattened', level, exits: report.sent, skipped: report.skipped }, `kill switch: ${report.sent.length} exits sent`);
  }

  /**
   * Emergency: the session stops once the book is flat (the loop sees it at the next event), or after
   * EMERGENCY_FLAT_WAIT_MS; either way the run ends with reason `emergency` and exit code 99.
   */
  #requestStop(code: number): void {
    this.#stopCode = code;
    const { ledger, logger } = this.#i;
    const flat = ledger.openPositions().length === 0 && ledger.orders.inStates(LIVE_ORDER_STATES).length === 0;
    logger.error({ event: 'kill.stop_requested', exit_code: code, flat, wait_ms: flat ? 0 : EMERGENCY_FLAT_WAIT_MS }, 'emergency stop: the session ends once flat');
    if (flat) {
      this.#emergency.abort();
      return;
    }
    const timer = setTimeout(() => {
      if (!this.#emergency.signal.aborted) logger.error({ event: 'kill.stop_not_flat', waited_ms: EMERGENCY_FLAT_WAIT_MS }, 'emergency stop: the book is not flat after the wait; winding down anyway');
      this.#emergency.abort();
    }, EMERGENCY_FLAT_WAIT_MS);
    timer.unref();
    this.#closers.push(() => clearTimeout(timer));
  }
}
