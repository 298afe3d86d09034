// Specs for operating `engine run` as a real process: health and metrics over HTTP, the kill switch by API, CLI, signal and kill file, exit 99, the instance lock.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../engine/clock.ts';
import { openLedger } from '../../../engine/ledger/ledger.ts';
import { engine, type Running, startEngine } from '../../helpers/engine-child.ts';
import { CANARY, type SessionEnv, sessionEnv } from '../../helpers/session-env.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.ts';

const TOKEN = 'e2e-token-0123456789-abcdef';

let env: SessionEnv;
let receiver: WebhookReceiver | undefined;
let running: Running | undefined;
afterEach(async () => {
  if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
  await running?.finished;
  running = undefined;
  await receiver?.close();
  receiver = undefined;
  env.cleanup();
});

/** A port nothing listens on now (the engine takes it a moment later; 0 would turn its server off). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The canary at 600x (a minute bar every 100 ms), long enough never to end by itself before the test stops it. */
function runArgs(config: string, port: number): string[] {
  return ['run', '--config', config, '--mode', 'paper', '--run-dir', 'run', '--data-dir', 'books', '--duration', '36000', '--speed', '600', '--output', 'json', '--http-port', String(port)];
}

const is = (event: string, extra: Record<string, unknown> = {}) => (r: Record<string, unknown>) => r['event'] === event && Object.entries(extra).every(([k, v]) => r[k] === v);

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function post(base: string, body: unknown, token?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  return json(`${base}/api/controls`, { method: 'POST', headers, body: JSON.stringify(body) });
}

function stoppedLine(stdout: string): Record<string, unknown> | undefined {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r['event'] === 'session.stopped');
}

/** Polls the API until no position is open (fills need the next bars of the replay). */
async function untilFlat(base: string): Promise<void> {
  for (;;) {
    const { body } = await json(`${base}/api/positions`);
    if ((body['positions'] as unknown[]).length === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('engine run, operated', () => {
  it('serves health and metrics, pauses over the API (the next entry refused), refuses a second engine, and exits 99 on engine kill --level emergency', async () => {
    env = sessionEnv();
    const config = env.config((c) => {
      c['strategies'] = [CANARY];
    });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    running = startEngine(env.dir, runArgs(config, port), { TRADEGATE_API_TOKEN: TOKEN });
    expect(await running.waitFor(is('http.listening'))).toMatchObject({ url: base, controls_api: 'enabled' });
    let sent = 0;
    await running.waitFor((r) => r['event'] === 'order.sent' && ++sent === 2);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^tradegate_orders_total\{outcome="filled"\} [1-9]/m);
    expect(metrics).toMatch(/^tradegate_fills_total\{instrument="BTC-USD"\} [1-9]/m);
    expect(metrics).toMatch(/^tradegate_equity_usd \d+(\.\d+)?$/m);

    expect((await post(base, { kill_level: 'pause' })).status).toBe(401);
    const refused = running.waitFor((r) => r['event'] === 'order.refused' && (r['rules'] as string[]).includes('kill-switch'));
    const paused = await post(base, { kill_level: 'pause' }, TOKEN);
    expect(paused).toMatchObject({ status: 200, body: { changed: ['kill_level'] } });
    await refused;
    expect((await json(`${base}/api/state`)).body).toMatchObject({ controls: { killLevel: 'pause' }, breaker: { tripped: false } });
    const decisions = (await json(`${base}/api/decisions?rule=kill-switch`)).body['decisions'] as { violations: { ruleId: string }[] }[];
    expect(decisions.length).toBeGreaterThan(0);

    const second = await engine(env.dir, ['run', '--config', config, '--mode', 'paper', '--run-dir', 'run-2', '--data-dir', 'books', '--http-port', '0', '--output', 'json']);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/SESSION_LOCKED: process \d+ on .+ \(engine run --mode paper --data-dir .+books, run paper-/);

    const kill = await engine(env.dir, ['kill', '--level', 'emergency', '--mode', 'paper', '--data-dir', 'books', '--reason', 'e2e']);
    expect(kill.code).toBe(0);
    const done = await running.finished;
    expect(done.code).toBe(99);
    expect(stoppedLine(done.stdout)).toMatchObject({ reason: 'emergency', ended: true });
    expect(done.stdout).not.toContain(TOKEN);
  }, 120_000);

  it('pauses on SIGUSR1, flattens the book on a kill file, exits 99 flat on an emergency kill file, and alerts each level', async () => {
    env = sessionEnv();
    const config = env.config((c) => {
      c['strategies'] = [CANARY];
    });
    receiver = await startWebhookReceiver();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const hook = `${receiver.url}/services/T000/B000/secret-path`;
    running = startEngine(env.dir, runArgs(config, port), { TRADEGATE_API_TOKEN: TOKEN, TRADEGATE_ALERT_WEBHOOK_URL: hook, TRADEGATE_ALERT_FORMAT: 'slack' });
    await running.waitFor(is('position.lifecycle', { to: 'monitoring' }));

    running.child.kill('SIGUSR1');
    await running.waitFor(is('kill.level_changed', { to: 'pause', source: 'signal' }));

    const flattened = running.waitFor(is('kill.flattened'));
    writeFileSync(join(env.dir, 'books', 'KILL'), 'flatten e2e drill\n');
    expect(await running.waitFor(is('kill.level_changed', { to: 'flatten', source: 'file' }))).toMatchObject({ reason: 'e2e drill' });
    await flattened;
    await untilFlat(base);

    writeFileSync(join(env.dir, 'books', 'KILL'), 'emergency e2e drill\n');
    const done = await running.finished;
    expect(done.code).toBe(99);
    expect(stoppedLine(done.stdout)).toMatchObject({ reason: 'emergency', summary: { open_orders: 0 } });
    const ledger = openLedger({ dataDir: join(env.dir, 'books'), mode: 'paper', clock: systemClock });
    try {
      expect(ledger.openPositions()).toEqual([]);
      expect(ledger.controls.get('kill_level')).toMatchObject({ value: 'emergency', updatedBy: 'kill-file' });
    } finally {
      ledger.close();
    }
    const texts = receiver.requests.map((r) => String((r.body as { text?: string }).text));
    for (const change of ['kill switch none -> pause', 'kill switch pause -> flatten', 'kill switch flatten -> emergency']) {
      expect(texts.some((t) => t.includes(change))).toBe(true);
    }
    expect(done.stdout).not.toContain('secret-path');
  }, 120_000);
});
