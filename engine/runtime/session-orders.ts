// Hands entries and exits to the order manager with what the session knows (market, controls, feed, bars), and follows their lifecycle.
import type { EventBus } from '../bus.ts';
import type { Logger } from '../observe/logger.ts';
import type { ExitChoice } from '../orders/exit-decision.ts';
import type { ExecuteContext, ExecuteResult, OrderManager } from '../orders/order-manager.ts';
import { isTerminal } from '../orders/order-state.ts';
import type { Signal } from '../plugins/plugin-api.ts';
import type { MarketView } from './market-view.ts';
import type { PositionTracker } from './position-tracker.ts';
import type { TradingState } from './trading-state.ts';

/** What the session counts as it goes: candidate orders handed to the gate, and what became of them. */
export interface OrderCounters {
  candidates: number;
  refused: number;
  sent: number;
}

export interface OrderDeps {
  readonly manager: Pick<OrderManager, 'execute'>;
  readonly market: MarketView;
  readonly state: TradingState;
  readonly tracker: PositionTracker;
  readonly logger: Logger;
  readonly bus?: EventBus;
  readonly counters: OrderCounters;
  /** Told of every signal the gate let through (an order exists for it), for the signal-to-order assertion. */
  readonly onAccepted?: (signal: Signal, result: ExecuteResult) => void;
}

const LIVE_RESULTS: ReadonlySet<ExecuteResult['status']> = new Set(['sent', 'unknown']);

/** The caller's facts for one order, or null when the instrument has no quote yet (nothing to price it against). */
export function executeContext(d: OrderDeps, strategy: string, instrument: string, cycleId: number): ExecuteContext | null {
  const market = d.market.input(instrument);
  if (!market) return null;
  return {
    strategy,
    cycleId,
    market,
    controls: d.state.controlsFacts(),
    feed: d.market.feed(instrument),
    barsSinceStart: d.market.bars(instrument),
    mark: d.market.mark,
  };
}

function report(d: OrderDeps, signal: Signal, strategy: string, r: ExecuteResult): void {
  const base = { strategy, instrument: signal.instrument, side: signal.side, intent: signal.intent, signal_id: signal.signalId, client_order_id: r.clientOrderId ?? null };
  if (r.decision) d.bus?.emit('decision.recorded', { decisionId: r.decisionId ?? null, clientOrderId: r.clientOrderId ?? null, decision: r.decision });
  if (r.status === 'refused') {
    d.counters.refused += 1;
    const rules = r.decision?.violations.map((v) => v.ruleId) ?? [];
    const errors = r.decision?.errors.map((e) => e.code) ?? [];
    d.logger.info({ event: 'order.refused', ...base, rules, errors, retryable: r.retryable === true }, `gate refused ${signal.intent} ${signal.signalId}`);
    return;
  }
  if (r.status === 'duplicate') return;
  if (r.status === 'invalid' || r.status === 'failed' || r.status === 'rejected') {
    d.logger.warn({ event: `order.${r.status}`, ...base, error: r.error?.message ?? null }, `${signal.intent} ${signal.signalId} ${r.status}`);
    return;
  }
  d.counters.sent += 1;
  // order.updated and fill.applied come from the ledger's own trail (engine/runtime/ledger-tail.ts), once per change.
  d.logger.info({ event: r.status === 'dry_run' ? 'order.dry_run' : `order.${r.status}`, ...base, quantity: r.request?.quantity ?? signal.quantity, limit_price: r.request?.limitPrice ?? null, state: r.order?.state ?? null }, `${signal.intent} ${r.clientOrderId ?? signal.signalId} ${r.status}`);
}

const NOT_ACCEPTED: ReadonlySet<ExecuteResult['status']> = new Set(['refused', 'invalid']);

async function execute(d: OrderDeps, strategy: string, signal: Signal, cycleId: number): Promise<ExecuteResult | null> {
  const context = executeContext(d, strategy, signal.instrument, cycleId);
  if (!context) {
    d.logger.warn({ event: 'order.no_quote', strategy, instrument: signal.instrument, signal_id: signal.signalId }, 'no quote for the instrument yet; signal dropped');
    return null;
  }
  d.counters.candidates += 1;
  d.bus?.emit('signal.emitted', { strategy, signalId: signal.signalId, instrument: signal.instrument, side: signal.side, quantity: signal.quantity, intent: signal.intent, reason: signal.reason });
  const result = await d.manager.execute(signal, context);
  report(d, signal, strategy, result);
  if (!NOT_ACCEPTED.has(result.status)) d.onAccepted?.(signal, result);
  return result;
}

/** An entry goes to the gate unless the position has an exit in flight (nothing may touch it then). */
export async function sendEntry(d: OrderDeps, strategy: string, signal: Signal, cycleId: number): Promise<ExecuteResult | null> {
  if (d.tracker.get(signal.instrument)?.state === 'exit_pending') {
    d.logger.info({ event: 'order.entry_held', strategy, instrument: signal.instrument, signal_id: signal.signalId }, 'entry not sent: the position has an exit in flight');
    return null;
  }
  const result = await execute(d, strategy, signal, cycleId);
  const live = result && (LIVE_RESULTS.has(result.status) || (result.status === 'duplicate' && result.order && !isTerminal(result.order.state)));
  const move = live ? d.tracker.beginEntry(signal.instrument) : null;
  if (move) d.logger.info({ event: 'position.lifecycle', instrument: move.instrument, from: move.from, to: move.to, on: 'entry_sent' }, `${move.instrument} ${move.from} -> entry`);
  return result;
}

/**
 * The exit the decision chose: the lifecycle moves to exit_pending first (so nothing else acts on the
 * position meanwhile), and back to monitoring when the order never got to the venue.
 */
export async function sendExit(d: OrderDeps, strategy: string, signal: Signal, choice: ExitChoice, cycleId: number): Promise<ExecuteResult | null> {
  d.tracker.beginExit(signal.instrument, choice.reason);
  d.logger.info({ event: 'position.exit_triggered', strategy, instrument: signal.instrument, reason: choice.reason, rule: choice.ruleId ?? null, urgent: choice.urgent, triggers: choice.triggers.map((t) => t.reason) }, `exit ${signal.instrument}: ${choice.reason}`);
  const result = await execute(d, strategy, signal, cycleId);
  const live = result && (LIVE_RESULTS.has(result.status) || (result.status === 'duplicate' && result.order && !isTerminal(result.order.state)));
  if (!live) d.tracker.abandonExit(signal.instrument);
  return result;
}
