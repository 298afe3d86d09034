// Specs of reportRun beside the run's ledger: read-only, so it neither waits for a running session, nor migrates or marks its books, nor leaves files by them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ManualClock } from '../../engine/clock.ts';
import type { PluginSection } from '../../engine/config/load-config.ts';
import { ledgerFileFor } from '../../engine/ledger/database.ts';
import { openLedger } from '../../engine/ledger/ledger.ts';
import { MIGRATIONS } from '../../engine/ledger/migrations.ts';
import { reportRun } from '../../engine/run-report.ts';
import { writeRunManifest } from '../../engine/runtime/run-files.ts';
import { fileDigest, ledgerContents, ledgerFiles } from '../helpers/ledger-file-state.ts';
import { type LedgerWriter, startLedgerWriter } from '../helpers/ledger-writer.ts';
import { SHIPPED_CONFIG } from '../helpers/session-env.ts';
import { fill, T0 } from '../helpers/temp-ledger.ts';

let dir: string;
const writers: LedgerWriter[] = [];
afterEach(() => {
  for (const w of writers.splice(0)) w.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function runningSession(...args: Parameters<typeof startLedgerWriter>): Promise<LedgerWriter> {
  const writer = await startLedgerWriter(...args);
  writers.push(writer);
  return writer;
}

/**
 * Run `run-1` in `<dir>/books/paper.sqlite`, written by an engine that knows `migrations` (all of them unless
 * told): 10,000 USD in, one order bought and filled; its run folder is `<dir>/run`. Returns the ledger file.
 */
function paperRun(migrations = MIGRATIONS): string {
  dir = mkdtempSync(join(tmpdir(), 'tg-run-report-'));
  const dataDir = join(dir, 'books');
  const ledger = openLedger({ dataDir, mode: 'paper', clock: new ManualClock(T0), synchronous: 'NORMAL', migrations });
  ledger.deposit(10_000, 'opening');
  ledger.startRun({ runId: 'run-1' });
  ledger.orders.insertPending({ clientOrderId: 'buy-1', intentKey: 'buy-1', venue: 'paper', instrument: 'BTC-USD', side: 'buy', orderType: 'limit', qty: 1, limitPrice: 100, strategy: 'canary', runId: 'run-1' });
  ledger.applyFill(fill('BTC-USD', 'buy', 1, 100, { clientOrderId: 'buy-1', tsMs: T0 }));
  ledger.close();
  const venue = (parse(readFileSync(SHIPPED_CONFIG, 'utf8')) as { venue: PluginSection }).venue;
  writeRunManifest(join(dir, 'run'), {
    run_id: 'run-1', mode: 'paper', data_dir: dataDir, market_data: join(dir, 'no-market-data'), seed: 1, duration_s: null,
    config_file: join(dir, 'engine.yaml'), venue, created_at: new Date(T0).toISOString(),
  });
  return ledgerFileFor(dataDir, 'paper');
}

describe('reportRun on the ledger of its run', () => {
  it('reads a ledger no session has open and leaves it as it found it: the same files, bytes, schema and ledger_meta', async () => {
    const file = paperRun();
    const before = { files: ledgerFiles(file), digest: fileDigest(file), contents: ledgerContents(file) };
    const report = await reportRun(dir, 'run');
    expect(report.counts).toMatchObject({ ledger_orders: 1, ledger_fills: 1 });
    expect(ledgerFiles(file)).toEqual(['paper.sqlite']);
    expect({ files: ledgerFiles(file), digest: fileDigest(file), contents: ledgerContents(file) }).toEqual(before);
  });

  it("does not wait for a session's open write transaction, and sees only what that session has committed", async () => {
    const file = paperRun();
    const before = ledgerContents(file);
    const session = await runningSession(join(dir, 'books'), 'paper', 'hold');
    // A report that needed the write lock would wait out the busy timeout, then fail with SQLITE_BUSY.
    const report = await reportRun(dir, 'run');
    expect(report.counts).toMatchObject({ ledger_orders: 1, ledger_fills: 1 });
    expect(ledgerFiles(file)).toEqual(['paper.sqlite', 'paper.sqlite-shm', 'paper.sqlite-wal']);
    expect(await session.finish()).toEqual({ line: { committed: 1, pid: session.pid }, code: 0 });
    expect((await reportRun(dir, 'run')).counts).toMatchObject({ ledger_orders: 2 });
    expect(ledgerContents(file)).toEqual(before);
  });

  it("runs beside an older engine's session that keeps committing, and leaves its books at that engine's schema version 2", async () => {
    const file = paperRun(MIGRATIONS.slice(0, 2));
    const before = ledgerContents(file);
    expect(before.versions).toEqual([1, 2]);
    const session = await runningSession(join(dir, 'books'), 'paper', 'stream', 2);
    const first = await reportRun(dir, 'run');
    const second = await reportRun(dir, 'run');
    expect(second.counts).toEqual(first.counts);
    expect(ledgerContents(file)).toEqual(before);
    expect(ledgerFiles(file)).toEqual(['paper.sqlite', 'paper.sqlite-shm', 'paper.sqlite-wal']);
    const done = await session.finish();
    expect(done.code).toBe(0);
    expect(done.line['commits']).toBeGreaterThan(0);
    expect(ledgerFiles(file)).toEqual(['paper.sqlite']);
    expect(ledgerContents(file)).toEqual(before);
  });
});
