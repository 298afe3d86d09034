// Feeds the event-driven metrics (orders, decisions, fills, rejections by rule, reloads) from the bus; the runner calls it once.
import type { EventBus } from '../bus.ts';
import { type Action, type OrderState, severityOf } from '../types.ts';
import type { EngineMetrics } from './metrics.ts';

/** States an order ends in (unknown included: it is an outcome an operator must see, even if reconciled later). */
export const ORDER_OUTCOMES: ReadonlySet<OrderState> = new Set(['filled', 'canceled', 'rejected', 'expired', 'failed', 'unknown']);

/** A fired rule counts as a rejection when its action refuses risk, not when it only trims or exits. */
export function isRejecting(action: Action): boolean {
  return severityOf(action) >= severityOf('reject');
}

/** Subscribes the metrics to the bus; returns the function that unsubscribes them all. */
export function wireMetrics(bus: EventBus, metrics: EngineMetrics): () => void {
  const offs = [
    bus.on('decision.recorded', ({ decision }) => {
      metrics.decisionsTotal.inc({ outcome: decision.outcome });
      for (const v of decision.violations) if (isRejecting(v.action)) metrics.rejectionsTotal.inc({ rule_id: v.ruleId });
    }),
    bus.on('order.updated', ({ state, fromState }) => {
      if (state !== fromState && ORDER_OUTCOMES.has(state)) metrics.ordersTotal.inc({ outcome: state });
    }),
    bus.on('fill.applied', ({ instrument }) => {
      metrics.fillsTotal.inc({ instrument });
    }),
    bus.on('rules.reloaded', ({ version }) => {
      metrics.setRuleSetVersion(version);
    }),
    bus.on('rules.reload_failed', () => {
      metrics.ruleReloadFailuresTotal.inc();
    }),
    bus.on('breaker.tripped', () => {
      metrics.breakerTripped.set(1);
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
