// Every Prometheus metric of the engine in one place, on one registry per engine (never prom-client's global one).
import { Counter, Gauge, Registry } from 'prom-client';
import { KILL_LEVELS, type KillLevel } from '../types.ts';
import type { EngineStatus } from './engine-status.ts';

/** What the status source does not carry: read from the ledger and the controls at scrape time. */
export interface ScrapeContext {
  readonly nowMs: number;
  readonly breakerTripped: boolean;
  readonly killLevel: KillLevel;
}

type CounterOf<L extends string> = Counter<L>;

export class EngineMetrics {
  readonly registry = new Registry();
  readonly ordersTotal: CounterOf<'outcome'>;
  readonly decisionsTotal: CounterOf<'outcome'>;
  readonly fillsTotal: CounterOf<'instrument'>;
  readonly rejectionsTotal: CounterOf<'rule_id'>;
  readonly ruleReloadFailuresTotal: CounterOf<never>;
  readonly feedReconnectsTotal: CounterOf<'feed'>;
  readonly rateLimiterWaitsTotal: CounterOf<'limiter'>;
  readonly rateLimiterWaitSecondsTotal: CounterOf<'limiter'>;
  readonly alertsTotal: CounterOf<'outcome'>;
  readonly eventClientsDroppedTotal: CounterOf<never>;
  readonly feedAgeSeconds: Gauge<'feed' | 'instrument'>;
  readonly feedStale: Gauge<'feed' | 'instrument'>;
  readonly equityUsd: Gauge;
  readonly cashUsd: Gauge;
  readonly sessionPnlUsd: Gauge;
  readonly drawdownRatio: Gauge;
  readonly heartbeatAgeSeconds: Gauge;
  readonly breakerTripped: Gauge;
  readonly killLevel: Gauge;
  readonly assertionFailing: Gauge<'assertion'>;
  readonly ruleSetInfo: Gauge<'version'>;
  /** Last running totals seen per counter and label, so counters advance by deltas. */
  readonly #totals = new Map<string, number>();

  constructor() {
    const registers = [this.registry];
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
      new Counter<L>({ name, help, labelNames, registers });
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
      new Gauge<L>({ name, help, labelNames, registers });
    this.ordersTotal = counter('tradegate_orders_total', 'Orders that reached an outcome (filled, canceled, rejected, expired, failed, unknown).', ['outcome']);
    this.decisionsTotal = counter('tradegate_decisions_total', 'Gate decisions by outcome (allow or the most severe action).', ['outcome']);
    this.fillsTotal = counter('tradegate_fills_total', 'Fills applied to the ledger.', ['instrument']);
    this.rejectionsTotal = counter('tradegate_rejections_total', 'Rules that fired with a rejecting action (reject, gate_fail, pause, flatten, emergency).', ['rule_id']);
    this.ruleReloadFailuresTotal = counter('tradegate_rule_reload_failures_total', 'Rule reloads refused (the last good set stayed in force).');
    this.feedReconnectsTotal = counter('tradegate_feed_reconnects_total', 'Market data reconnect attempts.', ['feed']);
    this.rateLimiterWaitsTotal = counter('tradegate_rate_limiter_waits_total', 'Venue calls that waited for the rate limiter.', ['limiter']);
    this.rateLimiterWaitSecondsTotal = counter('tradegate_rate_limiter_wait_seconds_total', 'Time venue calls spent waiting for the rate limiter.', ['limiter']);
    this.alertsTotal = counter('tradegate_alerts_total', 'Alerts by outcome (sent, failed, suppressed, dropped).', ['outcome']);
    this.eventClientsDroppedTotal = counter('tradegate_event_clients_dropped_total', 'Event stream clients dropped for reading too slowly.');
    this.feedAgeSeconds = gauge('tradegate_feed_age_seconds', 'Seconds since the last market data message (-1 before the first).', ['feed', 'instrument']);
    this.feedStale = gauge('tradegate_feed_stale', '1 while the feed is declared stale.', ['feed', 'instrument']);
    this.equityUsd = gauge('tradegate_equity_usd', 'Cash plus open positions marked to market, USD.');
    this.cashUsd = gauge('tradegate_cash_usd', 'Cash balance, USD.');
    this.sessionPnlUsd = gauge('tradegate_session_pnl_usd', 'Equity change since the session started, USD.');
    this.drawdownRatio = gauge('tradegate_drawdown_ratio', 'Fall from the peak equity of the run, 0 to 1.');
    this.heartbeatAgeSeconds = gauge('tradegate_heartbeat_age_seconds', 'Seconds since the runner last completed a tick (-1 before the first).');
    this.breakerTripped = gauge('tradegate_breaker_tripped', '1 while the circuit breaker is tripped.');
    this.killLevel = gauge('tradegate_kill_level', 'Kill switch level: 0 none, 1 pause, 2 flatten, 3 emergency.');
    this.assertionFailing = gauge('tradegate_assertion_failing', '1 while a runtime assertion fails.', ['assertion']);
    this.ruleSetInfo = gauge('tradegate_rule_set_info', 'The rule set version in force (value always 1).', ['version']);
  }

  /** Sets the gauges (and advances the running-total counters) from the live status; called on every scrape. */
  observeStatus(status: EngineStatus, ctx: ScrapeContext): void {
    this.cashUsd.set(status.balanceUsd);
    setOrReset(this.equityUsd, status.equityUsd);
    setOrReset(this.sessionPnlUsd, status.sessionPnlUsd);
    setOrReset(this.drawdownRatio, status.drawdownFraction);
    this.heartbeatAgeSeconds.set(status.heartbeatAtMs === null ? -1 : Math.max(0, ctx.nowMs - status.heartbeatAtMs) / 1000);
    this.breakerTripped.set(ctx.breakerTripped ? 1 : 0);
    this.killLevel.set(KILL_LEVELS.indexOf(ctx.killLevel));
    if (status.ruleSetVersion !== null) this.setRuleSetVersion(status.ruleSetVersion);
    this.feedAgeSeconds.reset();
    this.feedStale.reset();
    for (const f of status.feeds) {
      const labels = { feed: f.feed, instrument: f.instrument };
      this.feedAgeSeconds.set(labels, f.ageMs === null ? -1 : f.ageMs / 1000);
      this.feedStale.set(labels, f.stale ? 1 : 0);
    }
    const reconnects = new Map<string, number>();
    for (const f of status.feeds) reconnects.set(f.feed, Math.max(reconnects.get(f.feed) ?? 0, f.reconnects));
    for (const [feed, total] of reconnects) this.#advance(this.feedReconnectsTotal, 'reconnects', { feed }, total);
    for (const l of status.rateLimiters) {
      this.#advance(this.rateLimiterWaitsTotal, 'waits', { limiter: l.name }, l.waits);
      this.#advance(this.rateLimiterWaitSecondsTotal, 'wait_seconds', { limiter: l.name }, l.totalWaitMs / 1000);
    }
    this.assertionFailing.reset();
    for (const a of status.assertions) this.assertionFailing.set({ assertion: a.name }, a.ok ? 0 : 1);
  }

  setRuleSetVersion(version: string): void {
    this.ruleSetInfo.reset();
    this.ruleSetInfo.set({ version }, 1);
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** A source reports running totals; a counter may only go up, so it advances by the increase (a restart of the source resets the base). */
  #advance<L extends string>(counter: Counter<L>, kind: string, labels: Record<L, string>, total: number): void {
    if (!Number.isFinite(total)) return;
    const key = `${kind}\u0000${JSON.stringify(labels)}`;
    const before = this.#totals.get(key) ?? 0;
    this.#totals.set(key, total);
    const delta = total >= before ? total - before : total;
    if (delta > 0) counter.inc(labels as Partial<Record<L, string | number>>, delta);
  }
}

/** An unknown value is exported as NaN: a 0 would read as a real (and alarming) equity. */
function setOrReset(gauge: Gauge, value: number | null): void {
  gauge.set(value === null || !Number.isFinite(value) ? Number.NaN : value);
}
