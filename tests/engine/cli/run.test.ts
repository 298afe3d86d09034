// Specs for `engine run` as a real process: SIGKILL and restart resume one consistent run, SIGTERM shuts down gracefully, exit codes, --allow-live-database.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireInstanceLock } from '../../../engine/runtime/instance-lock.ts';
import { engine, startEngine } from '../../helpers/engine-child.ts';
import { liveFileDecoys, openAsLive } from '../../helpers/live-file-decoys.ts';
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

/** A ten-minute session at full speed with its books in `books/` (where the decoys are). */
function quickArgs(config: string, mode: string, runDir: string, extra: readonly string[] = []): string[] {
  return ['run', '--config', config, '--mode', mode, '--data-dir', 'books', '--run-dir', runDir, '--duration', '600', '--speed', 'max', '--output', 'json', ...extra];
}

function logLines(stdout: string): Record<string, unknown>[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

function runsIn(file: string): { latest: string | undefined; mode: string | undefined } {
  const ledger = openAsLive(file);
  try {
    const run = ledger.runs.latest();
    return { latest: run?.runId, mode: run?.mode };
  } finally {
    ledger.close();
  }
}

describe('engine run --allow-live-database', () => {
  it('refuses a paper or dry_run session whose ledger is the live file (a copy, a link): LEDGER_LIVE_FILE_REFUSED, exit 1, nothing written', async () => {
    env = sessionEnv();
    const config = env.config();
    const decoys = liveFileDecoys(join(env.dir, 'books'));
    for (const [mode, file] of [['paper', 'paper.sqlite'], ['dry_run', 'dry_run.sqlite']] as const) {
      const out = await engine(env.dir, quickArgs(config, mode, `run-${mode}`));
      expect({ mode, code: out.code }).toEqual({ mode, code: 1 });
      expect(out.stderr).toContain(`LEDGER_LIVE_FILE_REFUSED: a ${mode} process refuses to open the live database ${join(env.dir, 'books', file)}`);
      expect(out.stderr).toContain('`engine run --allow-live-database`');
      expect(out.stderr).toContain('not started: fix the problem above');
      expect(existsSync(join(env.dir, `run-${mode}`, 'run.json'))).toBe(false);
    }
    expect(runsIn(decoys.live).latest).toBeUndefined();
    expect(runsIn(decoys.paperCopy).latest).toBeUndefined();
  }, 120_000);

  it('opens the live file with the flag, books the session there and warns naming the file', async () => {
    env = sessionEnv();
    const config = env.config();
    const decoys = liveFileDecoys(join(env.dir, 'books'));
    for (const [mode, file, booked] of [['paper', decoys.paperCopy, decoys.paperCopy], ['dry_run', decoys.dryRunLink, decoys.live]] as const) {
      const out = await engine(env.dir, quickArgs(config, mode, `run-${mode}`, ['--allow-live-database']));
      expect({ mode, code: out.code, stderr: out.stderr }).toEqual({ mode, code: 0, stderr: '' });
      const lines = logLines(out.stdout);
      const warning = lines.find((l) => l['event'] === 'ledger.live_file_allowed');
      expect(warning).toMatchObject({ level: 'warn', mode, path: file, file_mode: 'live', live: true });
      expect(String(warning?.['msg'])).toContain(`into the LIVE ledger ${file}`);
      const started = lines.find((l) => l['event'] === 'session.started');
      // A copy holds the session itself; a link writes through to live.sqlite.
      expect(runsIn(booked)).toEqual({ latest: started?.['run_id'], mode });
      // run.json records the override, so the run's report may open the same books.
      expect(JSON.parse(readFileSync(join(env.dir, `run-${mode}`, 'run.json'), 'utf8'))).toMatchObject({ allow_live_database: true });
      const report = await engine(env.dir, ['report', '--run-dir', `run-${mode}`]);
      expect({ mode, code: report.code, stderr: report.stderr }).toEqual({ mode, code: 0, stderr: '' });
    }
    // The dry run booked into live.sqlite through the link: no live process writes to those books again.
    const kill = await engine(env.dir, ['kill', '--level', 'pause', '--data-dir', 'books', '--mode', 'live']);
    expect(kill.code).toBe(1);
    expect(kill.stderr).toContain('LEDGER_REHEARSED');
  }, 120_000);

  it('holds the live engine\u2019s instance lock where the live file really lives: a live engine running there refuses the start', async () => {
    env = sessionEnv();
    const config = env.config();
    const decoys = liveFileDecoys(join(env.dir, 'books'));
    const liveEngine = acquireInstanceLock(join(env.dir, 'books'), 'live', { command: 'engine run --mode live (test)' });
    try {
      const out = await engine(env.dir, quickArgs(config, 'dry_run', 'run-dry', ['--allow-live-database']));
      expect(out.code).toBe(1);
      expect(out.stderr).toContain('SESSION_LOCKED');
      expect(runsIn(decoys.live).latest).toBeUndefined();
    } finally {
      liveEngine.release();
    }
  }, 120_000);

  it('warns that the flag changed nothing when the ledger is not the live file', async () => {
    env = sessionEnv();
    const out = await engine(env.dir, quickArgs(env.config(), 'paper', 'run', ['--allow-live-database']));
    expect(out.code).toBe(0);
    const warning = logLines(out.stdout).find((l) => l['event'] === 'ledger.live_file_allowed');
    expect(warning).toMatchObject({ level: 'warn', path: join(env.dir, 'books', 'paper.sqlite'), file_mode: 'paper', live: false });
  }, 120_000);

  it('is a usage error for a live or backtest session (exit 2), and no other command takes it', async () => {
    env = sessionEnv();
    const config = env.config();
    const decoys = liveFileDecoys(join(env.dir, 'books'));
    for (const mode of ['live', 'backtest']) {
      const out = await engine(env.dir, quickArgs(config, mode, `run-${mode}`, ['--allow-live-database']));
      expect({ mode, code: out.code }).toEqual({ mode, code: 2 });
      expect(out.stderr).toContain(`USAGE: --allow-live-database is for paper and dry_run sessions, and this session is ${mode}`);
    }
    // The mode as resolved counts, not only the flag: a config saying live is refused the same way.
    const liveConfig = env.config((c) => {
      c['mode'] = 'live';
    });
    const fromConfig = await engine(env.dir, ['run', '--config', liveConfig, '--data-dir', 'books', '--allow-live-database']);
    expect(fromConfig.code).toBe(2);
    expect(fromConfig.stderr).toContain('this session is live');
    expect(runsIn(decoys.live).latest).toBeUndefined();
    for (const args of [['backtest', '--config', config], ['start', '--config', config], ['status', '--data-dir', 'books', '--mode', 'paper'], ['kill', '--level', 'pause', '--data-dir', 'books', '--mode', 'paper'], ['breaker', 'reset', '--data-dir', 'books', '--mode', 'paper'], ['report', '--run-dir', 'run']]) {
      const out = await engine(env.dir, [...args, '--allow-live-database']);
      expect({ args, code: out.code }).toEqual({ args, code: 2 });
      expect(out.stderr).toContain("unknown option '--allow-live-database'");
    }
  }, 120_000);
});
