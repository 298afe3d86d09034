// A finished or running run recomputed from its ledger, with the venue's own counts beside the ledger's (engine report).
import { copyFileSync, type Dirent, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { systemClock } from './clock.ts';
import { TradegateError } from './errors.ts';
import { ledgerFileFor } from './ledger/database.ts';
import { openLedger } from './ledger/ledger.ts';
import { createLogger } from './observe/logger.ts';
import { createPlugin, pluginStateRoot } from './plugin-instances.ts';
import type { VenueStats } from './plugins/plugin-api.ts';
import { folderOf } from './plugins/plugin-ref.ts';
import type { VenueCounts } from './runtime/format-summary.ts';
import { type RunManifest, readRunManifest, RUN_MANIFEST } from './runtime/run-files.ts';
import { ledgerCounts, type RunKey } from './runtime/run-records.ts';
import { computeRunSummary, type RunSummary } from './runtime/run-summary.ts';

export interface RunReport {
  readonly summary: RunSummary;
  readonly counts: VenueCounts & { readonly ledger_orders_not_sent: number };
}

function missing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * Copies a plugin's state folder file by file. A file that a running session renames or removes meanwhile (the
 * temp file of a save in progress) is skipped; a file renamed over is copied whole, as one save or the next left it.
 */
function copyStateFolder(from: string, to: string): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(from, { withFileTypes: true });
  } catch (err) {
    if (missing(err)) return;
    throw err;
  }
  mkdirSync(to, { recursive: true });
  for (const entry of entries) {
    try {
      if (entry.isDirectory()) copyStateFolder(join(from, entry.name), join(to, entry.name));
      else if (entry.isFile()) copyFileSync(join(from, entry.name), join(to, entry.name));
    } catch (err) {
      if (!missing(err)) throw err;
    }
  }
}

/**
 * The venue's own counts, from the venue opened on a private copy of its state folder. Opening a venue may write
 * there (the paper venue removes a crashed save's temp files, sets a corrupt book aside, saves a fresh book), and
 * that folder may be a running session's: a report must never touch it. The copy is thrown away, the venue not
 * closed (closing is where a venue writes back or disconnects; the report only reads).
 */
async function venueStats(manifest: RunManifest): Promise<VenueStats | null> {
  const ref = { kind: 'venue' as const, name: manifest.venue.name, config: manifest.venue.config, ...(manifest.venue.package ? { package: manifest.venue.package } : {}) };
  const scratch = mkdtempSync(join(tmpdir(), 'tradegate-report-'));
  try {
    const folder = join(folderOf('venue'), ref.name);
    copyStateFolder(join(pluginStateRoot(manifest.data_dir, manifest.mode), folder), join(pluginStateRoot(scratch, manifest.mode), folder));
    const venue = await createPlugin(ref, { seed: manifest.seed, dataDir: scratch, mode: manifest.mode }, systemClock, createLogger({ level: 'silent' }));
    return venue.stats ? await venue.stats() : null;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The summary of a run recomputed from its ledger, with the venue's own counts beside the ledger's.
 * Reads only, so it may run beside the run's session: the ledger is opened read-only (no migration,
 * no lock the session waits for), the venue on a copy of its state.
 */
export async function reportRun(cwd: string, runDir: string): Promise<RunReport> {
  const dir = resolve(cwd, runDir);
  const manifest = readRunManifest(dir);
  if (!manifest) throw new TradegateError('SESSION_RUN_DIR_INVALID', `${dir} holds no run: no ${RUN_MANIFEST}`, { runDir: dir });
  const file = ledgerFileFor(manifest.data_dir, manifest.mode);
  if (!existsSync(file)) throw new TradegateError('SESSION_RUN_DIR_INVALID', `the run's ledger ${file} does not exist`, { runDir: dir, file });
  const ledger = openLedger({ dataDir: manifest.data_dir, mode: manifest.mode, clock: systemClock, allowLiveFile: manifest.allow_live_database === true, readOnly: true });
  try {
    const key: RunKey = { db: ledger.db, mode: manifest.mode, runId: manifest.run_id };
    const run = ledger.runs.get(key.runId);
    if (!run) throw new TradegateError('SESSION_RUN_DIR_INVALID', `the ledger ${file} holds no run ${key.runId}`, { runDir: dir });
    const summary = computeRunSummary(key, run);
    const stats = await venueStats(manifest);
    return {
      summary,
      counts: {
        venue_orders_received: stats?.ordersReceived ?? null,
        venue_distinct_client_order_ids: stats?.distinctClientOrderIds ?? null,
        venue_fills: stats?.fills ?? null,
        ...ledgerCounts(ledger.db, manifest.mode),
      },
    };
  } finally {
    ledger.close();
  }
}
