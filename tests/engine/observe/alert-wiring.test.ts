// Specs of which bus events become alerts, with what key and words; a real bus and a collecting sink.
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../engine/bus.ts';
import type { Alert } from '../../../engine/observe/alerts.ts';
import { wireAlerts } from '../../../engine/observe/alert-wiring.ts';

function wired(drawdownAlertFraction?: number): { bus: EventBus; alerts: Alert[]; off: () => void } {
  const bus = new EventBus();
  const alerts: Alert[] = [];
  const off = wireAlerts(bus, { notify: (a) => alerts.push(a) }, drawdownAlertFraction === undefined ? {} : { drawdownAlertFraction });
  return { bus, alerts, off };
}

const EQUITY = { equityUsd: 9_400, cashUsd: 9_000, sessionPnlUsd: -600, dailyLossFraction: 0.06 };

describe('wireAlerts', () => {
  it('pages on a breaker trip and on each failed assertion by name', () => {
    const { bus, alerts } = wired();
    bus.emit('breaker.tripped', { reason: 'position count mismatch', actor: 'assertions' });
    bus.emit('assertion.failed', { name: 'pnl_match', message: 'ledger 10 vs venue 12' });
    expect(alerts).toEqual([
      { key: 'breaker.tripped', severity: 'critical', title: 'circuit breaker tripped', text: 'position count mismatch (tripped by assertions); no new risk until an operator resets it' },
      { key: 'assertion.failed:pnl_match', severity: 'critical', title: 'runtime assertion pnl_match failed', text: 'ledger 10 vs venue 12' },
    ]);
  });

  it('alerts on a drawdown at or over the threshold only', () => {
    const { bus, alerts } = wired(0.05);
    bus.emit('equity.observed', { ...EQUITY, drawdownFraction: 0.049 });
    expect(alerts).toEqual([]);
    bus.emit('equity.observed', { ...EQUITY, drawdownFraction: 0.06 });
    expect(alerts).toEqual([
      { key: 'drawdown', severity: 'warning', title: 'drawdown 6.00% (alert at 5.00%)', text: 'equity 9400.00 USD, session PnL -600.00 USD, daily loss 6.00%' },
    ]);
  });

  it('never alerts on a NaN drawdown it cannot compare (that is the health check’s job)', () => {
    const { bus, alerts } = wired();
    bus.emit('equity.observed', { ...EQUITY, drawdownFraction: Number.NaN });
    expect(alerts).toEqual([]);
  });

  it('alerts on an unknown order, keyed by its client order id', () => {
    const { bus, alerts } = wired();
    bus.emit('order.unknown', { clientOrderId: 'c-7', venue: 'kalshi', instrument: 'KXBTC-24', reason: 'no ack in 5 s' });
    expect(alerts[0]).toMatchObject({ key: 'order.unknown:c-7', severity: 'critical', text: 'kalshi KXBTC-24: no ack in 5 s; entries on KXBTC-24 are blocked until it is reconciled' });
  });

  it('alerts on a refused reload with the first problems located', () => {
    const { bus, alerts } = wired();
    const problem = { code: 'SCHEMA_ENUM', file: 'rules/a.yaml', line: 3, col: 9, pointer: '/rules/0/action', message: 'action is "rejct"' } as const;
    bus.emit('rules.reload_failed', { problems: Array.from({ length: 7 }, () => problem), keptVersion: 'rs-1' });
    expect(alerts[0]?.title).toBe('rule reload refused; version rs-1 stays in force');
    expect(alerts[0]?.text.split('\n')).toEqual([...Array.from({ length: 5 }, () => 'rules/a.yaml:3:9  SCHEMA_ENUM  action is "rejct"'), '…and 2 more']);
  });

  it('alerts on every kill level change: critical to flatten or emergency, a warning to pause, news on a resume', () => {
    const { bus, alerts } = wired();
    bus.emit('kill.level_changed', { from: 'none', to: 'pause', source: 'signal', actor: 'signal:SIGUSR1', reason: 'SIGUSR1 received' });
    bus.emit('kill.level_changed', { from: 'pause', to: 'flatten', source: 'file', actor: 'kill-file', reason: 'venue maintenance' });
    bus.emit('kill.level_changed', { from: 'flatten', to: 'emergency', source: 'api', actor: 'http:alice', reason: 'stored kill level set to emergency by http:alice' });
    bus.emit('kill.level_changed', { from: 'emergency', to: 'none', source: 'operator', actor: 'cli:bob@host', reason: 'maintenance over' });
    expect(alerts.map((a) => [a.key, a.severity, a.title])).toEqual([
      ['kill.level_changed:pause', 'warning', 'kill switch none -> pause'],
      ['kill.level_changed:flatten', 'critical', 'kill switch pause -> flatten'],
      ['kill.level_changed:emergency', 'critical', 'kill switch flatten -> emergency'],
      ['kill.level_changed:none', 'info', 'kill switch emergency -> none'],
    ]);
    expect(alerts[1]?.text).toBe('venue maintenance (file: kill-file)');
  });

  it('alerts when stored controls fail closed, and stops listening when unwired', () => {
    const { bus, alerts, off } = wired();
    bus.emit('controls.invalid', { problems: ['kill_level: the stored value is not valid JSON'], killLevel: 'pause' });
    expect(alerts[0]).toMatchObject({ key: 'controls.invalid', title: 'stored runtime controls are invalid; running at kill level pause' });
    off();
    bus.emit('breaker.tripped', { reason: 'x', actor: 'y' });
    expect(alerts).toHaveLength(1);
    expect(bus.listenerCount('breaker.tripped')).toBe(0);
  });
});
