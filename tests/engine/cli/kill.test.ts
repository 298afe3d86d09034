// Specs of `engine kill`: sets the stored kill level of one ledger with who, when and why; none is the operator's resume.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runKill } from '../../../engine/cli/kill.ts';
import { systemClock } from '../../../engine/clock.ts';
import { ledgerFileFor } from '../../../engine/ledger/database.ts';
import { KillEventRepository } from '../../../engine/ledger/kill-event-repository.ts';
import { openLedger } from '../../../engine/ledger/ledger.ts';
import { killFilePath } from '../../../engine/runtime/kill-file.ts';
import { engine } from '../../helpers/engine-child.ts';
import { liveFileDecoys, openAsLive } from '../../helpers/live-file-decoys.ts';
import { SHIPPED_CONFIG } from '../../helpers/session-env.ts';

let dir = '';
const ENV = { SUDO_USER: 'alice' };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tg-kill-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function stored(mode: 'paper' | 'live' = 'paper') {
  const ledger = openLedger({ dataDir: dir, mode, clock: systemClock });
  try {
    return { control: ledger.controls.get('kill_level'), events: new KillEventRepository(ledger.db, systemClock).latest(5), history: ledger.controls.history('kill_level') };
  } finally {
    ledger.close();
  }
}

describe('engine kill', () => {
  it('stores the level with the operator and the reason, and says what it means', async () => {
    const out = await runKill({ level: 'flatten', dataDir: dir, mode: 'paper', reason: 'venue maintenance' }, dir, ENV);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('none -> flatten: resting orders are canceled and every position is closed');
    expect(out.stdout).toMatch(/set by cli:alice@\S+ at \d{4}-\d\d-\d\dT/);
    const s = stored();
    expect(s.control).toMatchObject({ value: 'flatten', updatedBy: expect.stringMatching(/^cli:alice@/) });
    expect(s.events[0]).toMatchObject({ level: 'flatten', previousLevel: 'none', source: 'cli', reason: 'venue maintenance' });
  });

  it('resumes with none, recorded as an operator resume, and notes a breaker still tripped and a kill file left behind', async () => {
    await runKill({ level: 'emergency', dataDir: dir, mode: 'live' }, dir, ENV);
    const ledger = openLedger({ dataDir: dir, mode: 'live', clock: systemClock });
    ledger.breaker.trip('assertion heartbeat failed', 'assertion:heartbeat');
    ledger.close();
    writeFileSync(killFilePath(dir), 'emergency\n');
    const out = await runKill({ level: 'none', dataDir: dir, mode: 'live' }, dir, ENV);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('emergency -> none: trading resumes');
    expect(out.stdout).toContain('the circuit breaker is tripped (assertion heartbeat failed)');
    expect(out.stdout).toContain('a KILL file is present');
    expect(stored('live').history.map((c) => c.newValue)).toEqual(['emergency', 'none']);
    expect(stored('live').events[0]).toMatchObject({ level: 'none', reason: 'operator resume' });
  });

  it('takes the data directory and mode from the config when not given', async () => {
    const out = await runKill({ level: 'pause', config: SHIPPED_CONFIG, dataDir: dir, format: 'json' }, dir, ENV);
    expect(JSON.parse(out.stdout)).toMatchObject({ mode: 'paper', dataDir: dir, previous: 'none', level: 'pause' });
    expect(existsSync(ledgerFileFor(dir, 'paper'))).toBe(true);
  });

  it('is a usage error without a level, or with no config and no --data-dir/--mode (a child process, as an operator runs it)', async () => {
    const noLevel = await engine(dir, ['kill', '--data-dir', dir, '--mode', 'paper']);
    expect(noLevel.code).toBe(2);
    expect(noLevel.stderr).toContain("required option '--level <level>' not specified");
    const noTarget = await engine(dir, ['kill', '--level', 'pause']);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain('pass --data-dir and --mode');
  });

  it('never sets the level of the live ledger for --mode paper or dry_run (a copy or a link of it is refused, exit 1, nothing written); --mode live does', async () => {
    const decoys = liveFileDecoys(dir);
    const levelIn = (file: string) => {
      const ledger = openAsLive(file);
      try {
        return ledger.controls.get('kill_level')?.value;
      } finally {
        ledger.close();
      }
    };
    for (const mode of ['paper', 'dry_run'] as const) {
      const out = await runKill({ level: 'emergency', dataDir: dir, mode }, dir, ENV);
      expect({ mode, exitCode: out.exitCode }).toEqual({ mode, exitCode: 1 });
      expect(out.stderr).toMatch(/^LEDGER_LIVE_FILE_REFUSED: .*--mode live\)\n$/);
    }
    expect([levelIn(decoys.live), levelIn(decoys.paperCopy)]).toEqual([undefined, undefined]);
    expect((await runKill({ level: 'pause', dataDir: dir, mode: 'live' }, dir, ENV)).exitCode).toBe(0);
    expect(levelIn(decoys.live)).toBe('pause');
  });
});
