// Specs of `engine status`: the ledger's view and the real engine server's /health, with exit 0 only when healthy.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runStatus } from '../../../engine/cli/status.ts';
import { systemClock } from '../../../engine/clock.ts';
import { ledgerFileFor } from '../../../engine/ledger/database.ts';
import { openLedger } from '../../../engine/ledger/ledger.ts';
import { MIGRATIONS } from '../../../engine/ledger/migrations.ts';
import { acquireInstanceLock } from '../../../engine/runtime/instance-lock.ts';
import { killFilePath } from '../../../engine/runtime/kill-file.ts';
import { type HttpFixture, startHttpFixture, TEST_TOKEN } from '../../helpers/http-fixture.ts';
import { ledgerContents } from '../../helpers/ledger-file-state.ts';
import { liveFileDecoys } from '../../helpers/live-file-decoys.ts';

let fx: HttpFixture;
beforeEach(async () => {
  fx = await startHttpFixture();
});
afterEach(async () => {
  await fx.close();
});

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

const target = () => ({ dataDir: fx.env.dir, mode: 'paper' as const });

describe('engine status', () => {
  it('reports a healthy engine: exit 0 with the ledger view and /health 200', async () => {
    const out = await runStatus({ ...target(), url: fx.url });
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain(`tradegate paper: ${fx.ledger.path}`);
    expect(out.stdout).toContain('breaker     ok');
    expect(out.stdout).toContain(`${fx.url}/health: 200 ok`);
    expect(out.stdout).toContain('status: HEALTHY');
  });

  it('shows a kill level set through the API with who set it, still healthy (a kill level is a choice, not a fault)', async () => {
    const response = await fetch(`${fx.url}/api/controls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json', 'x-operator': 'alice' },
      body: JSON.stringify({ kill_level: 'pause' }),
    });
    expect(response.status).toBe(200);
    const out = await runStatus({ ...target(), url: fx.url, format: 'json' });
    const body = JSON.parse(out.stdout) as { healthy: boolean; kill: { level: string; setBy: string } };
    expect(body.kill.level).toBe('pause');
    expect(body.kill.setBy).toMatch(/^http:alice/);
    expect(out.exitCode).toBe(0);
  });

  it('exits 1 naming the reasons when /health answers 503', async () => {
    fx.status = { ...fx.status, heartbeatAtMs: fx.env.clock.now() - 60_000 };
    const out = await runStatus({ ...target(), url: fx.url });
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain('status: UNHEALTHY');
    expect(out.stdout).toMatch(/\/health answered 503: heartbeat is 60\.0 s old/);
  });

  it('exits 1 on a tripped breaker even with no server answering, which is reported but not a fault by itself', async () => {
    const url = await closedPort();
    expect((await runStatus({ ...target(), url })).exitCode).toBe(0);
    fx.ledger.breaker.trip('assertion pnl_consistency failed: off by 5', 'assertion:pnl_consistency');
    const out = await runStatus({ ...target(), url });
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain('not answering');
    expect(out.stdout).toContain('TRIPPED: assertion pnl_consistency failed: off by 5');
    expect(out.stdout).toContain('engine breaker reset');
  });

  it('names the running engine from its instance lock, and a kill file waiting in the data directory', async () => {
    const lock = acquireInstanceLock(fx.env.dir, 'paper', { command: 'engine run' });
    writeFileSync(killFilePath(fx.env.dir), 'flatten end of week\n');
    try {
      const out = await runStatus({ ...target(), url: await closedPort() });
      expect(out.stdout).toContain(`running: pid ${process.pid}`);
      expect(out.stdout).toContain('present: flatten (end of week)');
    } finally {
      lock.release();
    }
  });

  it('exits 1 when the mode has no ledger in the data directory, and 2 when it cannot tell which ledger', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tg-status-'));
    try {
      const none = await runStatus({ dataDir: empty, mode: 'live' });
      expect(none.exitCode).toBe(1);
      expect(none.stderr).toContain('no live ledger');
      const usage = await runStatus({ dataDir: empty }, empty);
      expect(usage.exitCode).toBe(2);
      expect(usage.stderr).toContain('pass --data-dir and --mode');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('never reads the live ledger for --mode paper or dry_run (a copy or a link of it is refused, exit 1); --mode live reads live.sqlite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-status-'));
    try {
      const decoys = liveFileDecoys(dir, (live) => live.breaker.trip('venue mismatch', 'reconcile'));
      for (const [mode, file] of [['paper', decoys.paperCopy], ['dry_run', decoys.dryRunLink]] as const) {
        const out = await runStatus({ dataDir: dir, mode, url: await closedPort() });
        expect({ mode, exitCode: out.exitCode, stdout: out.stdout }).toEqual({ mode, exitCode: 1, stdout: '' });
        expect(out.stderr).toContain(`LEDGER_LIVE_FILE_REFUSED: a ${mode} process refuses to open the live database ${file}`);
        expect(out.stderr).toContain('status, kill and breaker act on the live ledger with --mode live');
      }
      const live = await runStatus({ dataDir: dir, mode: 'live', url: await closedPort() });
      expect(live.stdout).toContain(`tradegate live: ${decoys.live}`);
      expect(live.stdout).toContain('TRIPPED: venue mismatch');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads the ledger read-only beside its engine: no wait for the engine's open write transaction, no migration of an older engine's ledger", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-status-'));
    const engine = openLedger({ dataDir: dir, mode: 'paper', clock: systemClock, migrations: MIGRATIONS.slice(0, 2) });
    try {
      engine.breaker.trip('venue mismatch', 'reconcile');
      engine.db.exec('BEGIN IMMEDIATE');
      engine.breaker.reset('not yet committed');
      // A status that needed the write lock would wait out the busy timeout, then fail with SQLITE_BUSY.
      const out = await runStatus({ dataDir: dir, mode: 'paper', url: await closedPort() });
      expect(out.stdout).toContain('TRIPPED: venue mismatch');
      engine.db.exec('COMMIT');
      expect(ledgerContents(ledgerFileFor(dir, 'paper')).versions).toEqual([1, 2]);
    } finally {
      engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
