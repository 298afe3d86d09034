// Specs of the bus-fed metrics: decisions by outcome, rejections by rule, orders by outcome, fills, reload failures.
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../engine/bus.ts';
import { EngineMetrics } from '../../../engine/observe/metrics.ts';
import { isRejecting, wireMetrics } from '../../../engine/observe/metrics-wiring.ts';
import { decision } from '../../helpers/http-fixture.ts';

const ORDER = { clientOrderId: 'c', venue: 'paper', instrument: 'BTC-USD', strategy: 's', side: 'buy', mode: 'paper', qty: 1, filledQty: 1, reason: null } as const;

describe('wireMetrics', () => {
  it('counts decisions by outcome and rejecting rules by id, not trims or exits', async () => {
    const bus = new EventBus();
    const m = new EngineMetrics();
    wireMetrics(bus, m);
    const facts = {};
    bus.emit('decision.recorded', {
      decisionId: 1,
      clientOrderId: null,
      decision: decision('reject', [
        { ruleId: 'cap', action: 'reject', message: '', facts },
        { ruleId: 'trim', action: 'reduce_only', message: '', facts },
      ], 0),
    });
    bus.emit('decision.recorded', { decisionId: 2, clientOrderId: null, decision: decision('allow', [], 0) });
    const text = await m.render();
    expect(text).toContain('tradegate_decisions_total{outcome="reject"} 1');
    expect(text).toContain('tradegate_decisions_total{outcome="allow"} 1');
    expect(text).toContain('tradegate_rejections_total{rule_id="cap"} 1');
    expect(text).not.toContain('rule_id="trim"');
  });

  it('counts orders reaching an outcome, fills, reloads and reload failures; unwiring stops it', async () => {
    const bus = new EventBus();
    const m = new EngineMetrics();
    const off = wireMetrics(bus, m);
    bus.emit('order.updated', { ...ORDER, fromState: 'pending_submit', state: 'submitted' });
    bus.emit('order.updated', { ...ORDER, fromState: 'submitted', state: 'filled' });
    bus.emit('fill.applied', { clientOrderId: 'c', venue: 'paper', venueFillId: 'f', instrument: 'BTC-USD', side: 'buy', qty: 1, price: 1, feeUsd: 0, realizedPnlUsd: 0, liquidity: 'maker' });
    bus.emit('rules.reload_failed', { problems: [], keptVersion: 'v1' });
    bus.emit('rules.reloaded', { version: 'v2', previousVersion: 'v1', diff: { added: [], removed: [], changed: [] } as never, ms: 3 });
    off();
    bus.emit('rules.reload_failed', { problems: [], keptVersion: 'v2' });
    const text = await m.render();
    expect(text).toContain('tradegate_orders_total{outcome="filled"} 1');
    expect(text).not.toContain('outcome="submitted"');
    expect(text).toContain('tradegate_fills_total{instrument="BTC-USD"} 1');
    expect(text).toContain('tradegate_rule_reload_failures_total 1\n');
    expect(text).toContain('tradegate_rule_set_info{version="v2"} 1');
  });

  it('treats reject and stronger as rejecting', () => {
    expect(['reduce_only', 'exit_position', 'reject', 'gate_fail', 'pause', 'flatten', 'emergency'].map((a) => isRejecting(a as never))).toEqual([
      false, false, true, true, true, true, true,
    ]);
  });
});
