// Specs for `engine run` as a real process: SIGKILL and restart resume one consistent run, SIGTERM shuts down gracefully, exit codes.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { engine, startEngine } from '../../helpers/engine-child.ts';
import { CANARY, type SessionEnv, sessionEnv } from '../../helpers/session-env.ts';

let env: SessionEnv;
afterEach(() => env.cleanup());

const canary = (c: Record<string, unknown>) => {
  c['strategies'] = [CANARY];
};

/** A session slow enough to be caught mid-run: 600x is one minute bar every 100 ms. */
function sessionArgs(config: string, extra: readonly string[] = []): string[] {
  return ['run', '--config', config, '--mode', 'paper', '--run-dir', 'run', '--data-dir', 'books', '--duration', '10800', '--speed', '600', '--output', 'json', ...extra];
}

async function reportJson(cwd: string): Promise<Record<string, unknown>> {
  const out = await engine(cwd, ['report', '--run-dir', 'run', '--format', 'json']);
  expect(out.code).toBe(0);
  return JSON.parse(out.stdout) as Record<string, unknown>;
}

const isOrderSent = (r: Record<string, unknown>) => r['event'] === 'order.sent';

describe('engine run', () => {
  it('resumes after a SIGKILL into one run: no client order id sent twice, venue and ledger counts equal, summary = report', async () => {
    env = sessionEnv();
    const config = env.config(canary);
    const first = startEngine(env.dir, sessionArgs(config));
    let sent = 0;
    await first.waitFor((r) => isOrderSent(r) && ++sent === 2);
    first.child.kill('SIGKILL');
    const killed = await first.finished;
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(join(env.dir, 'run', 'summary.json'))).toBe(false);
    const second = await engine(env.dir, ['run', '--run-dir', 'run', '--speed', 'max', '--output', 'json']);
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('"event":"session.resumed"');
    const report = await reportJson(env.dir);
    expect(report['venue_orders_received']).toBe(report['venue_distinct_client_order_ids']);
    expect(report['venue_fills']).toBe(report['ledger_fills']);
    expect((report['ledger_orders'] as number) - (report['ledger_orders_not_sent'] as number)).toBe(report['venue_distinct_client_order_ids']);
    expect(report).toMatchObject({ duration_s: 10_800, open_orders: 0 });
    const summary = JSON.parse(readFileSync(join(env.dir, 'run', 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.fromEntries(Object.keys(summary).map((k) => [k, report[k]]))).toEqual(summary);
  }, 120_000);

  it('shuts down gracefully on SIGTERM: open orders canceled, files written, exit 0, the run left resumable', async () => {
    env = sessionEnv();
    const running = startEngine(env.dir, sessionArgs(env.config(canary)));
    await running.waitFor(isOrderSent);
    running.child.kill('SIGTERM');
    const done = await running.finished;
    expect(done.code).toBe(0);
    expect(done.stderr).toContain('SIGTERM: stopping gracefully');
    const stopped = done.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r['event'] === 'session.stopped');
    expect(stopped).toMatchObject({ reason: 'signal', ended: false });
    for (const f of ['summary.json', 'metrics.csv', 'audit.jsonl']) expect(existsSync(join(env.dir, 'run', f))).toBe(true);
    const summary = JSON.parse(readFileSync(join(env.dir, 'run', 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(summary['open_orders']).toBe(0);
    expect(summary['duration_s']).toBeLessThan(10_800);
    expect(await reportJson(env.dir)).toMatchObject({ open_orders: 0, venue_fills: summary['total_trades'] });
  }, 120_000);

  it('prints progress and a readable summary with --output text', async () => {
    env = sessionEnv();
    const out = await engine(env.dir, ['run', '--config', env.config(), '--mode', 'backtest', '--duration', '3600', '--run-dir', 'run', '--output', 'text']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/100% 2018-04-04 01:00 UTC {2}equity [\d,.]+ USD {2}drawdown [\d.]+% {2}trades \d+ {2}rejections \d+/);
    expect(out.stdout).toContain('stopped: duration');
    expect(out.stdout).toMatch(/run backtest-\S+ \(backtest\): 3,600 s of market time/);
    expect(out.stdout).toContain('engine report --run-dir run');
  });

  it('exits 2 on usage errors', async () => {
    env = sessionEnv();
    for (const args of [['--mode', 'simulation'], ['--duration', '0'], ['--duration', 'ten'], ['--speed', 'fast'], ['--seed', '1.5'], ['--output', 'xml'], ['--http-port', '65536'], ['--http-port', 'any'], ['--no-such-flag']]) {
      const out = await engine(env.dir, ['run', ...args]);
      expect({ args, code: out.code }).toEqual({ args, code: 2 });
    }
  }, 120_000);

  it('exits 1 and names file:line:col for a config problem, and refuses live mode by name', async () => {
    env = sessionEnv();
    const config = env.config(canary);
    writeFileSync(config, readFileSync(config, 'utf8').replace('speed: max', 'speed: fastest'));
    const bad = await engine(env.dir, ['run', '--config', config]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/engine-1\.yaml:\d+:\d+ {2}SCHEMA_PATTERN/);
    expect(bad.stderr).toContain('not started');
    const live = await engine(env.dir, ['run', '--config', env.config(), '--mode', 'live']);
    expect(live.code).toBe(1);
    expect(live.stderr).toContain('SESSION_LIVE_UNAVAILABLE');
  });
});
