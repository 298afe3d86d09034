// Specs of `engine drill` against an evidence directory whose rehearsal ledger is the live file: refused before any rehearsal, never recorded into the live books.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDrillKill, runDrillRestart } from '../../../engine/cli/drill.ts';
import { type LiveFileDecoys, liveFileDecoys, openAsLive } from '../../helpers/live-file-decoys.ts';
import { CANARY, type SessionEnv, sessionEnv } from '../../helpers/session-env.ts';

let env: SessionEnv;
let config: string;
let decoys: LiveFileDecoys;
beforeEach(() => {
  env = sessionEnv();
  config = env.config((c) => {
    c['strategies'] = [CANARY];
  });
  decoys = liveFileDecoys(join(env.dir, 'data'));
});
afterEach(() => env.cleanup());

function evidenceRows(file: string): number {
  const ledger = openAsLive(file);
  try {
    return (ledger.db.prepare('SELECT COUNT(*) AS n FROM evidence').get() as { n: number }).n;
  } finally {
    ledger.close();
  }
}

describe('engine drill on an evidence ledger that is the live file', () => {
  it('refuses at once with LEDGER_LIVE_FILE_REFUSED (exit 1): no rehearsal started, nothing recorded', async () => {
    const progress: string[] = [];
    const io = { cwd: env.dir, scratchRoot: env.dir, progress: (l: string) => void progress.push(l) };
    const dataDir = join(env.dir, 'data');
    const kill = await runDrillKill({ mode: 'paper', config, dataDir }, io);
    const restart = await runDrillRestart({ mode: 'dry_run', config, dataDir }, io);
    for (const [out, mode, file] of [[kill, 'paper', decoys.paperCopy], [restart, 'dry_run', decoys.dryRunLink]] as const) {
      expect({ mode, exitCode: out.exitCode, stdout: out.stdout }).toEqual({ mode, exitCode: 1, stdout: '' });
      expect(out.stderr).toContain(`LEDGER_LIVE_FILE_REFUSED: a ${mode} process refuses to open the live database ${file}`);
    }
    expect(progress).toEqual([]);
    expect([evidenceRows(decoys.live), evidenceRows(decoys.paperCopy)]).toEqual([0, 0]);
  });
});
