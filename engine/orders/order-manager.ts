// The order manager: one `execute(signal, context)` for every mode, from the size check to the booked fill, restart-safe.
import type { Clock } from '../clock.ts';
import { TradegateError } from '../errors.ts';
import type { OrderRecord } from '../ledger/order-repository.ts';
import type { Sleep } from '../market/sleep.ts';
import type { InstrumentInfo, Signal, Venue, VenueOrderRequest } from '../plugins/plugin-api.ts';
import type { Decision, DecisionContext, Mode } from '../types.ts';
import { type ActivityOptions, ActivityTracker } from './activity.ts';
import { type BuiltFacts, buildOrderFacts, type ExecuteContext, guardDecision } from './build-facts.ts';
import { clientOrderId, intentKey, type OrderIntent } from './client-order-id.ts';
import { FillSync } from './fill-sync.ts';
import { FundingSync } from './funding-sync.ts';
import { SettlementSync } from './settlement-sync.ts';
import { DEFAULT_MARKET_SLIPPAGE_BPS } from './market-facts.ts';
import { flattenSnapshot } from './order-facts.ts';
import { type MoveContext, moveOrder } from './order-moves.ts';
import type { OrderGate, OrderLedger } from './order-ports.ts';
import { type SizedOrder, sizeOrder, venueRequest } from './order-size.ts';
import { type ReconcileOptions, Reconciler, type ReconcileReport } from './reconcile.ts';
import { SendOrder } from './send-order.ts';
import { DEFAULT_ACK_TIMEOUT_MS } from './submit.ts';
import { TickSteps } from './tick-steps.ts';
import { cancelExpired, type TtlReport } from './ttl.ts';
import { markUnconfirmed } from './unknown-timeout.ts';

export type { ExecuteContext } from './build-facts.ts';

export interface OrderManagerOptions {
  readonly ledger: OrderLedger;
  readonly venue: Venue;
  readonly gate: OrderGate;
  readonly clock: Clock;
  /** Bounds the wait for the venue's answer; the wall clock in production, a test's own in tests. */
  readonly sleep: Sleep;
  /** No confirmation within this long makes an order unknown (default 5 s). */
  readonly ackTimeoutMs?: number;
  readonly marketSlippageBps?: number;
  readonly activity?: Partial<ActivityOptions>;
  readonly reconcile?: Partial<ReconcileOptions>;
  /** How often tick() runs a full reconciliation (default 30 s; as often as the not-found back-off while orders are unknown). */
  readonly reconcileEveryMs?: number;
  readonly fillPageLimit?: number;
}

export type ExecuteStatus = 'invalid' | 'duplicate' | 'refused' | 'dry_run' | 'sent' | 'unknown' | 'rejected' | 'failed';

export interface ExecuteResult {
  /**
   * invalid: no order (bad intent or size). duplicate: the intent already has an order, returned as is.
   * refused: the gate said no (nothing recorded but the decision; a later attempt may pass).
   * dry_run: recorded, never sent. sent: the venue acknowledged it (see order.state for fills).
   * unknown: no confirmation; reconciliation resolves it. rejected / failed: the venue refused it / it could not be sent.
   */
  readonly status: ExecuteStatus;
  readonly clientOrderId?: string;
  readonly order?: OrderRecord;
  readonly decision?: Decision;
  readonly decisionId?: number;
  /** A refusal only on price-dependent facts (drift, edge, slippage): the same intent may pass a moment later. */
  readonly retryable?: boolean;
  readonly request?: VenueOrderRequest;
  readonly error?: Error;
}

export interface TickReport {
  readonly fillsApplied: number;
  /** Funding payments booked (perpetuals). */
  readonly fundingApplied: number;
  /** Binary markets whose settlement was booked. */
  readonly marketsSettled: number;
  readonly ttl: TtlReport;
  readonly unconfirmed: readonly string[];
  readonly reconciled: ReconcileReport | null;
}

const RETRYABLE_FACTS: ReadonlySet<string> = new Set(['market.drift_bps', 'market.edge_bps', 'market.slippage_bps']);
export const DEFAULT_RECONCILE_EVERY_MS = 30_000;

function isRetryable(d: Decision): boolean {
  return d.errors.length === 0 && d.violations.length > 0 && d.violations.every((v) => Object.keys(v.facts).every((f) => RETRYABLE_FACTS.has(f)));
}

/**
 * Every call runs one at a time, in arrival order: counters read for one order's facts include
 * every order before it, a duplicate signal always finds the first one's record, and no sweep or
 * reconciliation runs while a send is in flight.
 */
export class OrderManager {
  readonly mode: Mode;
  readonly #o: OrderManagerOptions;
  readonly #ctx: MoveContext;
  readonly #activity: ActivityTracker;
  readonly #fills: FillSync;
  readonly #funding: FundingSync;
  readonly #settlements: SettlementSync;
  readonly #reconciler: Reconciler;
  readonly #send: SendOrder;
  #instruments: Map<string, InstrumentInfo> | null = null;
  #tail: Promise<unknown> = Promise.resolve();
  #started = false;
  #lastReconcileMs = Number.NEGATIVE_INFINITY;

  constructor(options: OrderManagerOptions) {
    this.#o = options;
    this.mode = options.ledger.mode;
    this.#activity = new ActivityTracker(options.activity);
    this.#ctx = { ledger: options.ledger, venue: options.venue.name, clock: options.clock, activity: this.#activity };
    this.#fills = new FillSync(this.#ctx, options.venue, { pageLimit: options.fillPageLimit ?? 200 });
    this.#funding = new FundingSync(options.ledger, options.venue, { pageLimit: options.fillPageLimit ?? 200 });
    this.#settlements = new SettlementSync(options.ledger, options.venue);
    this.#reconciler = new Reconciler(this.#ctx, options.venue, { fills: this.#fills, funding: this.#funding, settlements: this.#settlements }, options.reconcile);
    this.#send = new SendOrder({
      ctx: this.#ctx, venue: options.venue, fills: this.#fills, sleep: options.sleep,
      ackTimeoutMs: options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS,
      enqueue: (job) => void this.#serial(job),
    });
  }

  get activity(): ActivityTracker {
    return this.#activity;
  }

  /** Open the ledger, reconcile, then trade: at startup and after a crash alike. */
  start(): Promise<ReconcileReport> {
    return this.#serial(() => this.#start());
  }

  execute(signal: Signal, context: ExecuteContext): Promise<ExecuteResult> {
    return this.#serial(async () => {
      if (!this.#started) await this.#start();
      return this.#execute(signal, context);
    });
  }

  /** Housekeeping between signals: new fills, funding and settlements, TTL cancels, unconfirmed orders, scheduled reconciliation. */
  tick(): Promise<TickReport> {
    return this.#serial(() => this.#tick());
  }

  reconcile(): Promise<ReconcileReport> {
    return this.#serial(() => this.#reconcileNow(false));
  }

  /** Resolves once everything queued so far (late acknowledgements included) has run. */
  async idle(): Promise<void> {
    let tail: Promise<unknown>;
    do {
      tail = this.#tail;
      await tail;
    } while (tail !== this.#tail);
  }

  /** Every job, late acknowledgements included, runs after those before it and under #haltOnError. */
  #serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(() => this.#haltOnError(job));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /**
   * A `halt` error means our books may be wrong: the breaker trips before the error goes on up. After
   * a failed commit (writes acted on, lost from disk) nothing more runs, exits included, until a restart reconciles.
   */
  async #haltOnError<T>(job: () => Promise<T>): Promise<T> {
    const { ledger } = this.#o;
    const failed = ledger.commitFailure;
    if (failed !== null) {
      // Failed at the end of a turn, with no call of ours on the stack to hear it: this is the first to.
      if (!ledger.breaker.isTripped()) ledger.breaker.trip(`${failed.code}: ${failed.message}`, 'orders');
      throw failed;
    }
    try {
      return await job();
    } catch (error) {
      if (error instanceof TradegateError && error.kind === 'halt') ledger.breaker.trip(`${error.code}: ${error.message}`, 'orders');
      throw error;
    }
  }

  async #start(): Promise<ReconcileReport> {
    const report = await this.#reconcileNow(true);
    this.#activity.rebuild(this.#o.ledger, this.#o.clock.now());
    this.#started = true;
    return report;
  }

  async #reconcileNow(startup: boolean): Promise<ReconcileReport> {
    this.#lastReconcileMs = this.#o.clock.now();
    return this.#reconciler.run({ startup });
  }

  async #tick(): Promise<TickReport> {
    const { ledger, clock } = this.#o;
    const steps = new TickSteps();
    const fillsApplied = await steps.run(async () => (await this.#fills.sync('venue')).applied, 0);
    const fundingApplied = await steps.run(async () => (await this.#funding.sync()).applied, 0);
    const marketsSettled = await steps.run(async () => (await this.#settlements.sync()).settled.length, 0);
    const ttl = await steps.run(() => cancelExpired(this.#ctx, this.#o.venue, this.#fills), { canceled: [], pending: [] });
    const unconfirmed = markUnconfirmed(this.#ctx, this.#o.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS).map((o) => o.clientOrderId);
    const every = ledger.orders.countInState('unknown') > 0 ? this.#reconciler.options.notFoundBackoffMs : (this.#o.reconcileEveryMs ?? DEFAULT_RECONCILE_EVERY_MS);
    const reconciled = clock.now() - this.#lastReconcileMs >= every ? await steps.run(() => this.#reconcileNow(false), null) : null;
    steps.finish();
    return { fillsApplied, fundingApplied, marketsSettled, ttl, unconfirmed, reconciled };
  }

  async #execute(signal: Signal, context: ExecuteContext): Promise<ExecuteResult> {
    const intent: OrderIntent = { strategy: context.strategy, instrument: signal.instrument, windowOrSignalId: signal.signalId, side: signal.side };
    let cid: string;
    try {
      cid = clientOrderId(intent);
    } catch (error) {
      return { status: 'invalid', error: error as Error };
    }
    // Only an existing order short-circuits: refusals leave none, so a later attempt of the intent may pass.
    const existing = this.#o.ledger.orders.idOf(cid) === undefined ? undefined : this.#o.ledger.orders.get(cid);
    if (existing) return { status: 'duplicate', clientOrderId: cid, order: existing };
    let sized: SizedOrder;
    try {
      sized = sizeOrder(signal, await this.#instrument(signal.instrument));
    } catch (error) {
      if (error instanceof TradegateError && error.kind === 'deny') return { status: 'invalid', clientOrderId: cid, error };
      throw error;
    }
    const { decision, built } = await this.#decide(signal, sized, context);
    const facts = flattenSnapshot(built.snapshot);
    const runId = this.#o.ledger.runId ?? null;
    const { ledger } = this.#o;
    // The equity observation behind the account facts (day-start baseline, peaks) commits with the decision judged on it.
    const recordDecision = (): number => {
      if (built.observation) ledger.recordObservation(built.observation);
      return ledger.decisions.record(decision, { facts, clientOrderId: cid, runId });
    };
    if (decision.outcome !== 'allow' && !(decision.outcome === 'reduce_only' && !built.isEntry)) {
      const decisionId = ledger.transaction(recordDecision);
      return { status: 'refused', clientOrderId: cid, decision, decisionId, retryable: isRetryable(decision) };
    }
    const request = venueRequest(cid, signal, sized);
    const sentPrice = sized.limitPrice ?? built.executionPrice;
    // The decision and pending_submit commit together, before the venue hears of the order.
    const { order, decisionId } = ledger.transaction(() => ({
      decisionId: recordDecision(),
      order: ledger.orders.insertPending({
        clientOrderId: cid, intentKey: intentKey(intent), venue: this.#o.venue.name, instrument: signal.instrument, side: signal.side,
        orderType: signal.orderType, qty: sized.quantity, limitPrice: sized.limitPrice ?? null, strategy: context.strategy,
        ttlMs: signal.ttlMs ?? null, runId, sent: { price: sentPrice, qty: sized.quantity },
      }),
    }));
    this.#activity.onOrderCreated({
      clientOrderId: cid, instrument: signal.instrument, createdAtMs: order.createdAtMs, notionalUsd: sized.quantity * sentPrice,
      isEntry: built.isEntry, cycleId: context.cycleId,
    });
    if (this.mode === 'dry_run') {
      const kept = moveOrder(this.#ctx, order, { to: 'canceled', event: 'dry_run_not_sent', source: 'engine', reason: 'dry_run', payload: request });
      return { status: 'dry_run', clientOrderId: cid, order: kept, decision, decisionId, request };
    }
    return { ...(await this.#send.send(order, request)), decision, decisionId, request };
  }

  async #decide(signal: Signal, sized: SizedOrder, context: ExecuteContext): Promise<{ decision: Decision; built: BuiltFacts }> {
    const built = buildOrderFacts({
      signal, sized, context, ledger: this.#o.ledger, activity: this.#activity, venue: this.#o.venue.name,
      venueBalanceUsd: context.venueBalanceUsd ?? (await this.#venueCash()),
      marketSlippageBps: this.#o.marketSlippageBps ?? DEFAULT_MARKET_SLIPPAGE_BPS,
      nowMs: this.#o.clock.now(),
    });
    const decisionContext: DecisionContext = {
      appliesTo: signal.intent, mode: this.mode, venue: this.#o.venue.name, instrument: signal.instrument, strategy: context.strategy,
    };
    return { decision: guardDecision(await this.#o.gate.evaluate(built.snapshot, decisionContext), built, this.#o.ledger.breaker.state()), built };
  }

  async #instrument(instrument: string): Promise<InstrumentInfo> {
    let info = this.#instruments?.get(instrument);
    if (!info) {
      this.#instruments = new Map((await this.#o.venue.instruments()).map((i) => [i.instrument, i]));
      info = this.#instruments.get(instrument);
    }
    if (!info) throw new TradegateError('ORDER_SIZE_INVALID', `venue ${this.#o.venue.name} does not list instrument ${instrument}`, { instrument });
    return info;
  }

  async #venueCash(): Promise<number> {
    if (this.mode !== 'live') return this.#o.ledger.cashUsd();
    try {
      return (await this.#o.venue.balance()).cashUsd;
    } catch {
      return Number.NaN;
    }
  }
}

