// Specs for `engine report` beside a run's venue that may still be in use: it reads the venue's counts and never writes to its folder.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runReport } from '../../../engine/cli/report.ts';
import { endedPid, holdSave } from '../../helpers/paper-saves.ts';
import { CANARY, type SessionEnv, sessionEnv } from '../../helpers/session-env.ts';

let env: SessionEnv;
afterEach(() => env.cleanup());

/** A backtest run of the canary on data folder `books`; returns the paper venue's state folder. */
async function ranBacktest(): Promise<string> {
  env = sessionEnv();
  const config = env.config((c) => {
    c['strategies'] = [CANARY];
  });
  await env.run({ config, mode: 'backtest', runDir: 'run', dataDir: 'books', durationS: 3600 });
  return join(env.dir, 'books', 'plugins', 'backtest', 'venues', 'paper');
}

/** Every file under `dir` with its size, mtime and content: what a write of any kind would change. */
function folderState(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = join(entry.parentPath, entry.name);
    const stat = statSync(file);
    out[file] = entry.isFile() ? `${stat.size} ${stat.mtimeMs} ${readFileSync(file, 'base64')}` : `folder ${stat.mtimeMs}`;
  }
  return out;
}

async function venueCounts(): Promise<Record<string, unknown>> {
  const out = await runReport({ runDir: 'run', format: 'json' }, env.dir);
  expect(out).toMatchObject({ exitCode: 0, stderr: '' });
  const report = JSON.parse(out.stdout) as Record<string, unknown>;
  return { orders: report['venue_orders_received'], fills: report['venue_fills'], ledgerOrders: report['ledger_orders'], ledgerFills: report['ledger_fills'] };
}

describe('engine report beside a running session', () => {
  it("reads the venue's counts while the session is midway through a venue save, and that save still lands", async () => {
    const venueDir = await ranBacktest();
    const path = join(venueDir, 'paper-venue.json');
    const book = readFileSync(path, 'utf8');
    const save = await holdSave(path, book);
    const counts = await venueCounts();
    const tempAfterReport = existsSync(save.temp);
    const done = await save.finish();
    expect(tempAfterReport).toBe(true);
    expect(done).toEqual({ line: { saved: true, pid: save.pid }, code: 0 });
    expect(counts['fills']).toBeGreaterThan(0);
    expect(counts).toEqual({ orders: counts['ledgerOrders'], fills: counts['ledgerFills'], ledgerOrders: counts['ledgerOrders'], ledgerFills: counts['ledgerFills'] });
    expect(readdirSync(venueDir)).toEqual(['paper-venue.json']);
    expect(readFileSync(path, 'utf8')).toBe(book);
  });

  it("writes nothing to the venue's folder: not even the clean-up a normal open does of a crashed save's leftover", async () => {
    const venueDir = await ranBacktest();
    const leftover = join(venueDir, `paper-venue.json.tmp-${endedPid()}-3`);
    writeFileSync(leftover, '{"version":1,"cash');
    const pluginsDir = join(env.dir, 'books', 'plugins');
    const before = folderState(pluginsDir);
    await new Promise((r) => setTimeout(r, 20)); // a rewrite of the same bytes within the same millisecond could keep its mtime
    const counts = await venueCounts();
    expect(counts['orders']).toBe(counts['ledgerOrders']);
    expect(folderState(pluginsDir)).toEqual(before);
    expect(existsSync(leftover)).toBe(true);
  });

  it('creates no venue folder for a run whose venue has none, and counts an empty book', async () => {
    const venueDir = await ranBacktest();
    rmSync(venueDir, { recursive: true });
    const counts = await venueCounts();
    expect(counts).toMatchObject({ orders: 0, fills: 0 });
    expect(existsSync(venueDir)).toBe(false);
  });
});
