// The watchdog script against the real engine server and a real webhook receiver: alerts once per incident, on stale heartbeats, silence and recovery.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HttpFixture, startHttpFixture } from '../helpers/http-fixture.ts';
import { ROOT } from '../helpers/session-env.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';

const SCRIPT = join(ROOT, 'deploy', 'watchdog.mjs');

let fx: HttpFixture;
let hook: WebhookReceiver;
let state = '';

beforeEach(async () => {
  fx = await startHttpFixture();
  hook = await startWebhookReceiver();
  state = mkdtempSync(join(tmpdir(), 'tg-watchdog-'));
});
afterEach(async () => {
  await fx.close().catch(() => undefined);
  await hook.close();
  rmSync(state, { recursive: true, force: true });
});

function watchdog(extra: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env['PATH'] ?? '',
    TRADEGATE_HEALTH_URL: fx.url,
    TRADEGATE_ALERT_WEBHOOK_URL: `${hook.url}/hook`,
    TRADEGATE_ALERT_FORMAT: 'slack',
    TRADEGATE_WATCHDOG_STATE_DIR: state,
    HOSTNAME: 'box1',
    ...extra,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT], { env }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const texts = () => hook.requests.map((r) => (r.body as { text: string }).text);

describe('deploy/watchdog.mjs', () => {
  it('is quiet while the engine is healthy', async () => {
    const run = await watchdog();
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('watchdog: healthy');
    expect(hook.requests).toEqual([]);
  });

  it('alerts once when /health answers 503, not again on the next check, and once on recovery', async () => {
    fx.status = { ...fx.status, heartbeatAtMs: fx.env.clock.now() - 120_000 };
    const first = await watchdog();
    expect(first.code).toBe(1);
    expect(texts()).toHaveLength(1);
    expect(texts()[0]).toMatch(/^\[tradegate box1\] UNHEALTHY: \/health answered 503: heartbeat is 120\.0 s old/);
    expect((await watchdog()).stdout).toContain('already alerted');
    expect(texts()).toHaveLength(1);
    fx.status = { ...fx.status, heartbeatAtMs: fx.env.clock.now() - 500 };
    expect((await watchdog()).code).toBe(0);
    expect(texts()[1]).toMatch(/^\[tradegate box1\] RECOVERED/);
  });

  it('holds the heartbeat to its own freshness limit even while /health still says ok', async () => {
    fx.status = { ...fx.status, heartbeatAtMs: fx.env.clock.now() - 5_000 };
    const run = await watchdog({ TRADEGATE_WATCHDOG_MAX_HEARTBEAT_MS: '2000', TRADEGATE_ALERT_FORMAT: 'discord' });
    expect(run.code).toBe(1);
    expect(hook.requests[0]?.body).toEqual({ content: '[tradegate box1] UNHEALTHY: heartbeat is 5.0 s old (watchdog limit 2 s)' });
  });

  it('alerts when the engine does not answer at all, and repeats after the repeat interval', async () => {
    await fx.close();
    const run = await watchdog({ TRADEGATE_WATCHDOG_REPEAT_S: '0' });
    expect(run.code).toBe(1);
    expect(texts()[0]).toContain('did not answer');
    await watchdog({ TRADEGATE_WATCHDOG_REPEAT_S: '0' });
    expect(texts()).toHaveLength(2);
  });

  it('retries an alert the webhook refused at the next check', async () => {
    fx.status = { ...fx.status, heartbeatAtMs: null };
    hook.script(500);
    const run = await watchdog();
    expect(run.stderr).toContain('alert delivery failed (webhook answered 500)');
    await watchdog();
    expect(hook.requests).toHaveLength(2);
  });
});
