// The ledger of one mode: its database, repositories and the postings and equity views built on them.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import { TradegateError } from '../errors.ts';
import type { Mode } from '../types.ts';
import {
  applyFill,
  applyFunding,
  applySettlement,
  type Books,
  type FillInput,
  type FillResult,
  type FundingInput,
  type FundingResult,
  type LegSettlement,
  type SettlementInput,
} from './bookkeeping.ts';
import { atomically, commitFailure, deferCommit, flushDeferred, hasDeferred, joinTransaction, readConsistently } from './atomic.ts';
import { BreakerRepository } from './breaker-repository.ts';
import { CashRepository } from './cash-repository.ts';
import { ControlsRepository } from './controls-repository.ts';
import { type LedgerDatabaseOptions, openLedgerDatabase } from './database.ts';
import { DecisionRepository } from './decision-repository.ts';
import type { MarkLookup } from './equity.ts';
import { type EquityObservation, movesNothing, type ObserverBooks, observeEquity, recordEquity } from './equity-observation.ts';
import { EquityRepository } from './equity-repository.ts';
import { FillRepository } from './fill-repository.ts';
import { type LedgerFacts, type LedgerFactsInput, ledgerFacts } from './ledger-facts.ts';
import type { Leg } from './legs.ts';
import { LockRepository } from './lock-repository.ts';
import { e8ToQty, microsToUsd, usdToMicros } from './money.ts';
import { OrderRepository, type TransitionGuard } from './order-repository.ts';
import { type PositionRecord, PositionRepository } from './position-repository.ts';
import { type RunRecord, RunRepository, type RunStart } from './run-repository.ts';

export interface LedgerOptions extends LedgerDatabaseOptions {
  /** The order transition table (engine/orders/order-state.ts `transition`), checked on every state change. */
  readonly transitionGuard?: TransitionGuard;
}

/** A position in instrument units and USD, as reports and tests read it. */
export interface PositionView {
  readonly instrument: string;
  readonly leg: Leg;
  readonly qty: number;
  readonly costUsd: number;
  /** Average entry price of the open lots (0 when flat). */
  readonly entryPrice: number;
  readonly realizedPnlUsd: number;
  readonly feesUsd: number;
  readonly fundingUsd: number;
  readonly openedAtMs: number | null;
}

export type { EquityObservation } from './equity-observation.ts';

/** The gate's facts and the equity observation they were computed from (not yet recorded). */
export interface ObservedFacts extends LedgerFacts {
  readonly observation: EquityObservation;
}

export function positionView(p: PositionRecord): PositionView {
  return {
    instrument: p.instrument,
    leg: p.leg,
    qty: e8ToQty(p.qtyE8),
    costUsd: microsToUsd(p.costMicros),
    entryPrice: p.qtyE8 === 0 ? 0 : microsToUsd(Math.abs(p.costMicros)) / e8ToQty(Math.abs(p.qtyE8)),
    realizedPnlUsd: microsToUsd(p.realizedMicros),
    feesUsd: microsToUsd(p.feesMicros),
    fundingUsd: microsToUsd(p.fundingMicros),
    openedAtMs: p.openedAtMs,
  };
}

export class Ledger {
  readonly mode: Mode;
  /** The mode the file was created for: other than `mode` only when the live file was explicitly allowed. */
  readonly fileMode: Mode;
  readonly path: string;
  readonly db: Database.Database;
  /** Opened with `readOnly`: the repositories only prepared their statements, and every write throws SQLITE_READONLY. */
  readonly readOnly: boolean;
  readonly orders: OrderRepository;
  readonly fills: FillRepository;
  readonly positions: PositionRepository;
  readonly cash: CashRepository;
  readonly equity: EquityRepository;
  readonly runs: RunRepository;
  readonly breaker: BreakerRepository;
  readonly locks: LockRepository;
  readonly controls: ControlsRepository;
  readonly decisions: DecisionRepository;
  readonly #clock: Clock;
  readonly #books: Books;
  readonly #observer: ObserverBooks;
  readonly #close: () => void;
  #runId: string | undefined;
  #flushScheduled = false;
  #closed = false;

  constructor(opts: LedgerOptions) {
    const handle = openLedgerDatabase(opts);
    const { db } = handle;
    const clock = opts.clock;
    this.mode = handle.mode;
    this.fileMode = handle.fileMode;
    this.path = handle.path;
    this.db = db;
    this.readOnly = handle.readOnly;
    this.#clock = clock;
    this.#close = handle.close;
    this.orders = new OrderRepository(db, clock, handle.mode, opts.transitionGuard);
    this.fills = new FillRepository(db, handle.mode);
    this.positions = new PositionRepository(db, clock, handle.mode);
    this.cash = new CashRepository(db, clock, handle.mode);
    this.equity = new EquityRepository(db, clock, handle.mode);
    this.runs = new RunRepository(db, clock, handle.mode);
    this.breaker = new BreakerRepository(db, clock);
    this.locks = new LockRepository(db, clock);
    this.controls = new ControlsRepository(db, clock);
    this.decisions = new DecisionRepository(db, clock);
    this.#books = { db, clock, orders: this.orders, fills: this.fills, positions: this.positions, cash: this.cash };
    this.#observer = { clock, positions: this.positions, cash: this.cash, equity: this.equity, runs: this.runs };
  }

  /** Runs `fn` in one transaction (nested calls become savepoints), so callers can join a fill and a state change. */
  transaction<T>(fn: () => T): T {
    this.#throwIfBroken();
    return atomically(this.db, fn);
  }

  /**
   * Runs `fn` as one all-or-nothing unit whose commit waits for the next ordinary transaction (the
   * next order's pending_submit, say) or the end of this event-loop turn, whichever comes first: one
   * disk sync instead of two per order. Only for what a venue already reported (an acknowledgement,
   * fills): lost in a crash, the startup reconciliation learns it again. See engine/ledger/atomic.ts.
   */
  deferred<T>(fn: () => T): T {
    this.#throwIfBroken();
    const result = deferCommit(this.db, fn);
    this.#scheduleFlush();
    return result;
  }

  /** Commits deferred writes now. Called before anything leaves the process that must not outrun the books. */
  flush(): void {
    this.#throwIfBroken();
    flushDeferred(this.db);
  }

  /** The group commit that failed on this connection, if any: every later posting is refused with it until a restart. */
  get commitFailure(): TradegateError | null {
    return commitFailure(this.db);
  }

  /** True while deferred writes wait for their commit. */
  get hasDeferred(): boolean {
    return hasDeferred(this.db);
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled || !hasDeferred(this.db)) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      if (this.#closed || commitFailure(this.db) !== null) return;
      try {
        flushDeferred(this.db);
      } catch {
        // Kept by the connection (engine/ledger/atomic.ts): every later write throws it, so the next caller hears of it.
      }
    });
  }

  /** A failed group commit stops every later write until a restart: see commitFailure in engine/ledger/atomic.ts. */
  #throwIfBroken(): void {
    const failed = commitFailure(this.db);
    if (failed !== null) throw failed;
  }

  /**
   * Runs `fn` in its own transaction, or as part of the one already open without a savepoint (the
   * postings of an order nest several deep). A throw inside rolls back the whole open transaction,
   * even if a caller catches it: see engine/ledger/atomic.ts.
   */
  joinTransaction<T>(fn: () => T): T {
    return joinTransaction(this.db, fn);
  }

  deposit(usd: number, reference?: string, note?: string): void {
    this.#throwIfBroken();
    const amount = usdToMicros(usd, 'deposit');
    if (amount <= 0) throw new TradegateError('LEDGER_INVALID_AMOUNT', `a deposit must be > 0, got ${usd}`, { usd });
    this.cash.append({ kind: 'deposit', amountMicros: amount, reference: reference ?? null, note: note ?? null });
  }

  withdraw(usd: number, reference?: string, note?: string): void {
    this.#throwIfBroken();
    const amount = usdToMicros(usd, 'withdrawal');
    if (amount <= 0) throw new TradegateError('LEDGER_INVALID_AMOUNT', `a withdrawal must be > 0, got ${usd}`, { usd });
    this.cash.append({ kind: 'withdrawal', amountMicros: -amount, reference: reference ?? null, note: note ?? null });
  }

  applyFill(fill: FillInput): FillResult {
    return applyFill(this.#books, fill);
  }

  applySettlement(settlement: SettlementInput): LegSettlement[] {
    return applySettlement(this.#books, settlement);
  }

  applyFunding(funding: FundingInput): FundingResult {
    return applyFunding(this.#books, funding);
  }

  cashUsd(): number {
    return microsToUsd(this.cash.balanceMicros());
  }

  position(instrument: string, leg: Leg = 'outright'): PositionView {
    return positionView(this.positions.get(instrument, leg) ?? this.positions.empty(instrument, leg));
  }

  openPositions(): PositionView[] {
    return this.positions.open().map(positionView);
  }

  startRun(run: RunStart): RunRecord {
    const record = this.runs.start(run);
    this.#runId = record.runId;
    return record;
  }

  /** Continues an earlier run after a restart, keeping its session baseline and peak. */
  resumeRun(runId: string): RunRecord {
    const record = this.runs.require(runId);
    this.#runId = record.runId;
    return record;
  }

  get runId(): string | undefined {
    return this.#runId;
  }

  #requireRun(): string {
    const runId = this.#runId;
    if (runId === undefined) throw new TradegateError('LEDGER_RUN_NOT_STARTED', 'start or resume a run before observing equity', {});
    return runId;
  }

  /**
   * Marks everything to market and records what the baselines need: the first observation of a
   * UTC day becomes its day-start baseline, the first of a run its session start, and the run's
   * peak and each position's peak only ever move in the favourable direction.
   */
  observeEquity(mark: MarkLookup, opts: { snapshot?: boolean } = {}): EquityObservation {
    const runId = this.#requireRun();
    return this.transaction(() => {
      const observation = observeEquity(this.#observer, runId, mark);
      recordEquity(this.#observer, observation, opts);
      return observation;
    });
  }

  /**
   * Records an observation taken earlier by facts(): only what it moved (usually nothing), with its
   * own commit, or inside the caller's transaction, e.g. with the decision that was judged on it.
   */
  recordObservation(observation: EquityObservation, opts: { snapshot?: boolean } = {}): void {
    if (movesNothing(observation.moves) && opts.snapshot !== true) return;
    this.transaction(() => recordEquity(this.#observer, observation, opts));
  }

  /**
   * The gate's account.* and position.* facts for one instrument leg, from the books and current
   * marks. Reads only: the observation they rest on comes back with them, for the caller to record
   * (recordObservation) in the transaction that acts on them.
   */
  facts(input: Omit<LedgerFactsInput, 'metrics' | 'positions'>): ObservedFacts {
    const runId = this.#requireRun();
    // One read transaction: cash, positions and baselines from one snapshot of the books.
    const observation = readConsistently(this.db, () => observeEquity(this.#observer, runId, input.mark));
    return { ...ledgerFacts({ ...input, metrics: observation.metrics, positions: observation.positions }), observation };
  }

  /** Commits what was deferred, then closes: a clean shutdown loses nothing (a read-only ledger has nothing to commit). */
  close(): void {
    if (this.#closed) return;
    try {
      if (!this.readOnly && commitFailure(this.db) === null) flushDeferred(this.db);
    } finally {
      this.#closed = true;
      this.#close();
    }
  }
}

/** Opens (creating and migrating as needed) the ledger of one mode; with `readOnly`, only reads an existing one. */
export function openLedger(opts: LedgerOptions): Ledger {
  return new Ledger(opts);
}
