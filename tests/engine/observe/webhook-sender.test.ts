// Specs of one webhook POST with retries against a real local receiver: back-off, Retry-After capped, redirects refused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { advancingSleep } from '../../../engine/market/sleep.ts';
import { postWebhook } from '../../../engine/observe/webhook-sender.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.ts';

let receiver: WebhookReceiver;
let clock: ManualClock;
beforeEach(async () => {
  clock = new ManualClock(0);
  receiver = await startWebhookReceiver(clock);
});
afterEach(async () => {
  await receiver.close();
});

function options(extra: { retryCapMs?: number } = {}) {
  const sleep = advancingSleep(clock);
  return { sleep, o: { sleep, nowMs: () => clock.now(), maxAttempts: 4, retryBaseMs: 1_000, timeoutMs: 5_000, ...extra } };
}

describe('postWebhook', () => {
  it('returns at the first 2xx', async () => {
    const { o } = options();
    expect(await postWebhook(`${receiver.url}/h`, { text: 'x' }, o)).toEqual({ ok: true, attempts: 1, status: 200, error: null });
    expect(receiver.requests[0]?.body).toEqual({ text: 'x' });
  });

  it('caps a long Retry-After and the exponential back-off', async () => {
    receiver.script({ status: 429, headers: { 'retry-after': '3600' } }, 502, 502);
    const { o, sleep } = options({ retryCapMs: 1_500 });
    const result = await postWebhook(`${receiver.url}/h`, {}, o);
    expect(result).toMatchObject({ ok: true, attempts: 4 });
    expect(sleep.calls).toEqual([1_500, 1_500, 1_500]);
  });

  it('treats a redirect as a failure instead of following it elsewhere', async () => {
    receiver.script({ status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } });
    const { o } = options();
    expect(await postWebhook(`${receiver.url}/h`, {}, o)).toEqual({ ok: false, attempts: 1, status: 302, error: null });
  });
});
