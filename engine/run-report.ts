// A finished or running run recomputed from its ledger, with the venue's own counts beside the ledger's (engine report).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { systemClock } from './clock.ts';
import { TradegateError } from './errors.ts';
import { ledgerFileFor } from './ledger/database.ts';
import { openLedger } from './ledger/ledger.ts';
import { createLogger } from './observe/logger.ts';
import { createPlugin } from './plugin-instances.ts';
import type { VenueCounts } from './runtime/format-summary.ts';
import { readRunManifest, RUN_MANIFEST } from './runtime/run-files.ts';
import { ledgerCounts, type RunKey } from './runtime/run-records.ts';
import { computeRunSummary, type RunSummary } from './runtime/run-summary.ts';

export interface RunReport {
  readonly summary: RunSummary;
  readonly counts: VenueCounts & { readonly ledger_orders_not_sent: number };
}

/**
 * The summary of a run recomputed from its ledger, with the venue's own counts beside the ledger's.
 * Reads only: the venue is opened for its counts and never closed, since closing a simulated venue
 * writes its book back, which would race a session still running on it.
 */
export async function reportRun(cwd: string, runDir: string): Promise<RunReport> {
  const dir = resolve(cwd, runDir);
  const manifest = readRunManifest(dir);
  if (!manifest) throw new TradegateError('SESSION_RUN_DIR_INVALID', `${dir} holds no run: no ${RUN_MANIFEST}`, { runDir: dir });
  const file = ledgerFileFor(manifest.data_dir, manifest.mode);
  if (!existsSync(file)) throw new TradegateError('SESSION_RUN_DIR_INVALID', `the run's ledger ${file} does not exist`, { runDir: dir, file });
  const ledger = openLedger({ dataDir: manifest.data_dir, mode: manifest.mode, clock: systemClock });
  try {
    const key: RunKey = { db: ledger.db, mode: manifest.mode, runId: manifest.run_id };
    const run = ledger.runs.get(key.runId);
    if (!run) throw new TradegateError('SESSION_RUN_DIR_INVALID', `the ledger ${file} holds no run ${key.runId}`, { runDir: dir });
    const summary = computeRunSummary(key, run);
    const silent = createLogger({ level: 'silent' });
    const ref = { kind: 'venue' as const, name: manifest.venue.name, config: manifest.venue.config, ...(manifest.venue.package ? { package: manifest.venue.package } : {}) };
    const venue = await createPlugin(ref, { seed: manifest.seed, dataDir: manifest.data_dir, mode: manifest.mode }, systemClock, silent);
    const stats = venue.stats ? await venue.stats() : null;
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
