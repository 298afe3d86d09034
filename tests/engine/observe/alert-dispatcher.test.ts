// Specs of alert delivery against a real local HTTP receiver: Slack, Discord and Telegram payloads, dedup, rate limit, retries, no secret in logs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { advancingSleep } from '../../../engine/market/sleep.ts';
import { AlertDispatcher } from '../../../engine/observe/alert-dispatcher.ts';
import type { Alert, AlertConfig } from '../../../engine/observe/alerts.ts';
import { LogCapture } from '../../../engine/observe/log-capture.ts';
import { createLogger } from '../../../engine/observe/logger.ts';
import { EngineMetrics } from '../../../engine/observe/metrics.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.ts';

const T0 = Date.UTC(2024, 2, 10, 12, 0, 0);
const SECRET_PATH = '/services/T000/B000/s3cr3t-w3bh00k-path';

let clock: ManualClock;
let receiver: WebhookReceiver;
let capture: LogCapture;
let metrics: EngineMetrics;
let dispatcher: AlertDispatcher | undefined;

beforeEach(async () => {
  clock = new ManualClock(T0);
  receiver = await startWebhookReceiver(clock);
  capture = new LogCapture();
  metrics = new EngineMetrics();
});
afterEach(async () => {
  dispatcher?.close();
  dispatcher = undefined;
  await receiver.close();
});

function make(config: Partial<AlertConfig> = {}): { d: AlertDispatcher; sleeps: readonly number[] } {
  const sleep = advancingSleep(clock);
  dispatcher = new AlertDispatcher({
    config: { webhookUrl: `${receiver.url}${SECRET_PATH}`, format: 'slack', source: 'tradegate paper', ...config },
    clock,
    sleep,
    logger: createLogger({ destination: capture, env: {}, clock }),
    metrics,
  });
  return { d: dispatcher, sleeps: sleep.calls };
}

const BREAKER: Alert = { key: 'breaker.tripped', severity: 'critical', title: 'circuit breaker tripped', text: 'position count mismatch' };

function alert(n: number): Alert {
  return { key: `k-${n}`, severity: 'warning', title: `alert ${n}`, text: `body ${n}` };
}

describe('AlertDispatcher payload formats', () => {
  it('posts Slack {text} as JSON to the configured URL', async () => {
    const { d } = make();
    d.notify(BREAKER);
    await d.idle();
    expect(receiver.requests).toHaveLength(1);
    const req = receiver.requests[0]!;
    expect(req).toMatchObject({ method: 'POST', path: SECRET_PATH });
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toEqual({ text: '[tradegate paper] CRITICAL: circuit breaker tripped\nposition count mismatch' });
    expect(d.stats()).toMatchObject({ sent: 1, failed: 0 });
  });

  it('posts Discord {content}', async () => {
    const { d } = make({ format: 'discord' });
    d.notify(BREAKER);
    await d.idle();
    expect(receiver.requests[0]?.body).toEqual({ content: '[tradegate paper] CRITICAL: circuit breaker tripped\nposition count mismatch' });
  });

  it('posts Telegram sendMessage {chat_id, text}', async () => {
    const { d } = make({ format: 'telegram', telegramChatId: '-100123', webhookUrl: `${receiver.url}/bot123456:ABC-secret/sendMessage` });
    d.notify(BREAKER);
    await d.idle();
    expect(receiver.requests[0]).toMatchObject({ path: '/bot123456:ABC-secret/sendMessage' });
    expect(receiver.requests[0]?.body).toEqual({ chat_id: '-100123', text: '[tradegate paper] CRITICAL: circuit breaker tripped\nposition count mismatch' });
  });
});

describe('AlertDispatcher dedup and rate limit', () => {
  it('sends one alert per key per window and reports the suppressed repeats in the next one', async () => {
    const { d } = make({ dedupWindowMs: 600_000 });
    d.notify(BREAKER);
    d.notify(BREAKER);
    clock.advance(60_000);
    d.notify(BREAKER);
    await d.idle();
    expect(receiver.requests).toHaveLength(1);
    clock.advance(600_000);
    d.notify({ ...BREAKER, text: 'assertion pnl_match' });
    await d.idle();
    expect(receiver.requests).toHaveLength(2);
    expect((receiver.requests[1]!.body as { text: string }).text).toBe(
      '[tradegate paper] CRITICAL: circuit breaker tripped\nassertion pnl_match\n(2 repeats of this alert suppressed in the 10 min before)',
    );
    expect(d.stats()).toMatchObject({ sent: 2, suppressed: 2 });
    expect(await metrics.render()).toContain('tradegate_alerts_total{outcome="suppressed"} 2');
  });

  it('spaces distinct alerts by the token bucket: a burst at once, then the sustained rate', async () => {
    const { d } = make({ perMinute: 6, burst: 2 });
    for (let i = 1; i <= 4; i++) d.notify(alert(i));
    await d.idle();
    expect(receiver.requests.map((r) => (r.body as { text: string }).text.split('\n')[0])).toEqual([
      '[tradegate paper] WARNING: alert 1',
      '[tradegate paper] WARNING: alert 2',
      '[tradegate paper] WARNING: alert 3',
      '[tradegate paper] WARNING: alert 4',
    ]);
    expect(receiver.requests.map((r) => (r.atMs ?? 0) - T0)).toEqual([0, 0, 10_000, 20_000]);
  });

  it('drops the oldest alerts when the queue overflows and says so in the next message', async () => {
    const { d } = make({ maxQueue: 2, burst: 1, perMinute: 60 });
    for (let i = 1; i <= 5; i++) d.notify(alert(i));
    await d.idle();
    const texts = receiver.requests.map((r) => (r.body as { text: string }).text);
    expect(texts).toEqual([
      '[tradegate paper] WARNING: alert 4\nbody 4\n(3 other alerts were dropped: too many at once)',
      '[tradegate paper] WARNING: alert 5\nbody 5',
    ]);
    expect(d.stats()).toMatchObject({ sent: 2, dropped: 3 });
  });
});

describe('AlertDispatcher retries', () => {
  it('retries a 500 with exponential back-off until it is delivered', async () => {
    receiver.script(500, 503);
    const { d, sleeps } = make({ retryBaseMs: 1_000 });
    d.notify(BREAKER);
    await d.idle();
    expect(receiver.requests).toHaveLength(3);
    expect(sleeps).toEqual([1_000, 2_000]);
    expect(d.stats()).toMatchObject({ sent: 1, retries: 2, failed: 0 });
    expect(capture.events('alert.retry').map((r) => r['status'])).toEqual([500, 503]);
  });

  it('waits as long as a 429 Retry-After asks', async () => {
    receiver.script({ status: 429, headers: { 'retry-after': '7' } });
    const { d, sleeps } = make();
    d.notify(BREAKER);
    await d.idle();
    expect(receiver.requests).toHaveLength(2);
    expect(sleeps).toEqual([7_000]);
  });

  it('does not retry a 400 the webhook will refuse again', async () => {
    receiver.script(400);
    const { d } = make();
    d.notify(BREAKER);
    await d.idle();
    expect(receiver.requests).toHaveLength(1);
    expect(d.stats()).toMatchObject({ sent: 0, failed: 1, retries: 0 });
  });

  it('gives up after the last attempt, logs the failure without the secret URL, and never throws', async () => {
    receiver.script(500, 500, 500, 500);
    const { d } = make({ maxAttempts: 4 });
    expect(() => d.notify(BREAKER)).not.toThrow();
    await d.idle();
    expect(receiver.requests).toHaveLength(4);
    const failed = capture.events('alert.failed');
    expect(failed).toEqual([expect.objectContaining({ code: 'ALERT_DELIVERY_FAILED', status: 500, attempts: 4, webhook: `${receiver.url}/…` })]);
    expect(capture.lines().filter((l) => l.includes('s3cr3t'))).toEqual([]);
    expect(await metrics.render()).toContain('tradegate_alerts_total{outcome="failed"} 1');
  });

  it('survives a webhook that is not listening', async () => {
    const { d } = make({ maxAttempts: 2 });
    await receiver.close();
    d.notify(BREAKER);
    await d.idle();
    expect(d.stats()).toMatchObject({ failed: 1, retries: 1 });
    expect(capture.events('alert.failed')[0]).toMatchObject({ status: null, error: 'ECONNREFUSED' });
    receiver = await startWebhookReceiver(clock);
  });
});
