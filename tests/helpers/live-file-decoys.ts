// Test helper: a data directory whose rehearsal ledgers are the live file in disguise (a copy named paper.sqlite, a symlink named dry_run.sqlite).
import { copyFileSync, symlinkSync } from 'node:fs';
import { ManualClock } from '../../engine/clock.ts';
import { ledgerFileFor } from '../../engine/ledger/database.ts';
import { type Ledger, openLedger } from '../../engine/ledger/ledger.ts';
import { T0 } from './temp-ledger.ts';

export interface LiveFileDecoys {
  /** `<dir>/live.sqlite`, a real live ledger. */
  readonly live: string;
  /** `<dir>/paper.sqlite`: a byte copy of the live file (its stored mode stays live). */
  readonly paperCopy: string;
  /** `<dir>/dry_run.sqlite`: a symlink to live.sqlite, the same file. */
  readonly dryRunLink: string;
}

/** Creates the live ledger in `dir` (empty, or as `seed` leaves it), then the two disguises of it. */
export function liveFileDecoys(dir: string, seed: (live: Ledger) => void = () => {}): LiveFileDecoys {
  const ledger = openLedger({ dataDir: dir, mode: 'live', clock: new ManualClock(T0) });
  try {
    seed(ledger);
  } finally {
    ledger.close();
  }
  const live = ledgerFileFor(dir, 'live');
  const paperCopy = ledgerFileFor(dir, 'paper');
  const dryRunLink = ledgerFileFor(dir, 'dry_run');
  copyFileSync(live, paperCopy);
  symlinkSync(live, dryRunLink);
  return { live, paperCopy, dryRunLink };
}

/** Opens a decoy or the live file read-only, as what it is, a live ledger (the caller closes it): a rehearsal marks it, so a read-write live open would be refused. */
export function openAsLive(path: string): Ledger {
  return openLedger({ path, mode: 'live', clock: new ManualClock(T0), readOnly: true });
}
