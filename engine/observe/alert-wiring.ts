// Which bus events page the operator: breaker trip, assertion failure, deep drawdown, unknown order, refused rule reload, corrupt controls, kill level.
import type { EventBus } from '../bus.ts';
import { formatProblem } from '../errors.ts';
import type { Alert } from './alerts.ts';

/** Where alerts go; AlertDispatcher in production. */
export interface AlertSink {
  notify(alert: Alert): void;
}

export interface AlertWiringOptions {
  /** Drawdown from the run's peak equity (0..1) at and above which an alert goes out. */
  readonly drawdownAlertFraction?: number;
}

export const DEFAULT_DRAWDOWN_ALERT_FRACTION = 0.05;

const MAX_LISTED_PROBLEMS = 5;

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

/** Subscribes the alerts to the bus; returns the function that unsubscribes them. The runner calls it once. */
export function wireAlerts(bus: EventBus, sink: AlertSink, options: AlertWiringOptions = {}): () => void {
  const threshold = options.drawdownAlertFraction ?? DEFAULT_DRAWDOWN_ALERT_FRACTION;
  const offs = [
    bus.on('breaker.tripped', ({ reason, actor }) => {
      sink.notify({ key: 'breaker.tripped', severity: 'critical', title: 'circuit breaker tripped', text: `${reason} (tripped by ${actor}); no new risk until an operator resets it` });
    }),
    bus.on('assertion.failed', ({ name, message }) => {
      sink.notify({ key: `assertion.failed:${name}`, severity: 'critical', title: `runtime assertion ${name} failed`, text: message });
    }),
    bus.on('equity.observed', (e) => {
      if (!(e.drawdownFraction >= threshold)) return;
      sink.notify({
        key: 'drawdown',
        severity: 'warning',
        title: `drawdown ${percent(e.drawdownFraction)} (alert at ${percent(threshold)})`,
        text: `equity ${e.equityUsd.toFixed(2)} USD, session PnL ${e.sessionPnlUsd.toFixed(2)} USD, daily loss ${percent(e.dailyLossFraction)}`,
      });
    }),
    bus.on('order.unknown', ({ clientOrderId, venue, instrument, reason }) => {
      sink.notify({
        key: `order.unknown:${clientOrderId}`,
        severity: 'critical',
        title: `order ${clientOrderId} is in an unknown state`,
        text: `${venue} ${instrument}: ${reason}; entries on ${instrument} are blocked until it is reconciled`,
      });
    }),
    bus.on('rules.reload_failed', ({ problems, keptVersion }) => {
      const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map(formatProblem);
      const more = problems.length > listed.length ? [`…and ${problems.length - listed.length} more`] : [];
      sink.notify({
        key: 'rules.reload_failed',
        severity: 'warning',
        title: `rule reload refused; version ${keptVersion} stays in force`,
        text: [...listed, ...more].join('\n'),
      });
    }),
    bus.on('kill.level_changed', ({ from, to, source, actor, reason }) => {
      // Closing everything (or stopping) pages at once; a pause is worth a look; a resume is news.
      const severity = to === 'flatten' || to === 'emergency' ? 'critical' : to === 'pause' ? 'warning' : 'info';
      sink.notify({ key: `kill.level_changed:${to}`, severity, title: `kill switch ${from} -> ${to}`, text: `${reason} (${source}: ${actor})` });
    }),
    bus.on('controls.invalid', ({ problems, killLevel }) => {
      sink.notify({ key: 'controls.invalid', severity: 'critical', title: `stored runtime controls are invalid; running at kill level ${killLevel}`, text: problems.join('\n') });
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
