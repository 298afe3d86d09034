// Sends alerts to the webhook: dedup at notify time, a bounded queue drained through a token bucket, retries; never throws into the caller.
import type { Clock } from '../clock.ts';
import { RateLimiter } from '../market/rate-limiter.ts';
import type { Sleep } from '../market/sleep.ts';
import { AlertDedup } from './alert-dedup.ts';
import { webhookPayload } from './alert-formats.ts';
import { ALERT_DEFAULTS, type Alert, type AlertConfig, redactUrl, renderAlert } from './alerts.ts';
import type { Logger } from './logger.ts';
import type { EngineMetrics } from './metrics.ts';
import { postWebhook } from './webhook-sender.ts';

export interface AlertDispatcherOptions {
  readonly config: AlertConfig;
  readonly clock: Clock;
  /** Waits for the rate limiter and between retries: real time in production, an advancing manual clock in tests. */
  readonly sleep: Sleep;
  readonly logger?: Logger;
  readonly metrics?: EngineMetrics;
}

export interface AlertStats {
  readonly sent: number;
  readonly failed: number;
  readonly suppressed: number;
  readonly dropped: number;
  readonly retries: number;
  readonly queued: number;
}

interface Queued {
  readonly alert: Alert;
  readonly suppressed: number;
}

export class AlertDispatcher {
  readonly #o: AlertDispatcherOptions;
  readonly #c: Required<Omit<AlertConfig, 'telegramChatId' | 'source'>> & AlertConfig;
  readonly #dedup: AlertDedup;
  readonly #limiter: RateLimiter;
  readonly #queue: Queued[] = [];
  readonly #abort = new AbortController();
  readonly #stats = { sent: 0, failed: 0, suppressed: 0, dropped: 0, retries: 0 };
  #droppedSinceSend = 0;
  #drain: Promise<void> | undefined;

  constructor(options: AlertDispatcherOptions) {
    this.#o = options;
    this.#c = { ...ALERT_DEFAULTS, ...options.config };
    this.#dedup = new AlertDedup(this.#c.dedupWindowMs);
    this.#limiter = new RateLimiter({ clock: options.clock, sleep: options.sleep, ratePerSec: this.#c.perMinute / 60, burst: this.#c.burst });
  }

  /** Queues an alert unless its key was sent within the dedup window. Returns at once; never throws. */
  notify(alert: Alert): void {
    try {
      const verdict = this.#dedup.admit(alert.key, this.#o.clock.now());
      if (!verdict.send) {
        this.#count('suppressed');
        return;
      }
      this.#queue.push({ alert, suppressed: verdict.suppressed });
      while (this.#queue.length > this.#c.maxQueue) {
        const dropped = this.#queue.shift();
        this.#count('dropped');
        this.#droppedSinceSend++;
        this.#o.logger?.warn({ event: 'alert.dropped', key: dropped?.alert.key }, 'alert dropped: the queue is full');
      }
      this.#kick();
    } catch (error) {
      this.#o.logger?.error({ event: 'alert.notify_failed', err: (error as Error).message }, 'an alert could not be queued');
    }
  }

  /** Resolves once every queued alert has been sent or given up on (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.#drain) await this.#drain;
  }

  /** Stops sending: queued alerts are abandoned, waits end at once. */
  close(): void {
    this.#abort.abort();
    this.#queue.length = 0;
  }

  stats(): AlertStats {
    return { ...this.#stats, queued: this.#queue.length };
  }

  /** Starts the sender unless it runs; an alert queued as it was finishing starts it again. */
  #kick(): void {
    if (this.#drain || this.#abort.signal.aborted) return;
    this.#drain = this.#run().finally(() => {
      this.#drain = undefined;
      if (this.#queue.length > 0) this.#kick();
    });
  }

  async #run(): Promise<void> {
    try {
      while (this.#queue.length > 0 && !this.#abort.signal.aborted) {
        await this.#limiter.acquire(1, this.#abort.signal);
        const next = this.#queue.shift();
        if (next) await this.#send(next);
      }
    } catch (error) {
      if (!this.#abort.signal.aborted) this.#o.logger?.error({ event: 'alert.loop_failed', err: (error as Error).message }, 'the alert sender stopped');
    }
  }

  async #send(item: Queued): Promise<void> {
    const { alert } = item;
    const dropped = this.#droppedSinceSend;
    this.#droppedSinceSend = 0;
    const text = renderAlert(alert, { suppressed: item.suppressed, suppressedWindowMs: this.#c.dedupWindowMs, dropped }, this.#c.source);
    const webhook = redactUrl(this.#c.webhookUrl);
    const result = await postWebhook(this.#c.webhookUrl, webhookPayload(this.#c.format, text, this.#c.telegramChatId), {
      sleep: this.#o.sleep,
      nowMs: () => this.#o.clock.now(),
      maxAttempts: this.#c.maxAttempts,
      retryBaseMs: this.#c.retryBaseMs,
      timeoutMs: this.#c.timeoutMs,
      signal: this.#abort.signal,
      onRetry: (r) => {
        this.#stats.retries++;
        this.#o.logger?.warn({ event: 'alert.retry', key: alert.key, webhook, attempt: r.attempt, status: r.status, error: r.error, delay_ms: r.delayMs }, 'alert delivery failed; retrying');
      },
    });
    if (result.ok) {
      this.#count('sent');
      this.#o.logger?.info({ event: 'alert.sent', key: alert.key, severity: alert.severity, webhook, attempts: result.attempts }, 'alert sent');
      return;
    }
    this.#count('failed');
    this.#droppedSinceSend += dropped;
    this.#o.logger?.error(
      { event: 'alert.failed', code: 'ALERT_DELIVERY_FAILED', key: alert.key, severity: alert.severity, webhook, attempts: result.attempts, status: result.status, error: result.error },
      `alert not delivered: ${alert.title}`,
    );
  }

  #count(outcome: 'sent' | 'failed' | 'suppressed' | 'dropped'): void {
    this.#stats[outcome]++;
    this.#o.metrics?.alertsTotal.inc({ outcome });
  }
}
