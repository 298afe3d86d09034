// Specs of `engine breaker`: an operator resets a tripped breaker (or trips one), recorded with who; the kill level is left alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBreaker } from '../../../engine/cli/breaker.ts';
import { runKill } from '../../../engine/cli/kill.ts';
import { systemClock } from '../../../engine/clock.ts';
import { openLedger } from '../../../engine/ledger/ledger.ts';
import { liveFileDecoys, openAsLive } from '../../helpers/live-file-decoys.ts';

let dir = '';
const ENV = { SUDO_USER: 'bob' };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tg-breaker-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function ledgerState() {
  const ledger = openLedger({ dataDir: dir, mode: 'paper', clock: systemClock });
  try {
    return { breaker: ledger.breaker.state(), history: ledger.breaker.history(), kill: ledger.controls.get('kill_level')?.value };
  } finally {
    ledger.close();
  }
}

describe('engine breaker', () => {
  it('trips by hand with a reason, then resets, each recorded with the operator', async () => {
    const trip = await runBreaker('trip', { dataDir: dir, mode: 'paper', reason: 'drill' }, dir, ENV);
    expect(trip.exitCode).toBe(0);
    expect(trip.stdout).toMatch(/breaker of paper tripped by cli:bob@\S+: drill/);
    expect(ledgerState().breaker).toMatchObject({ tripped: true, reason: 'drill' });
    const reset = await runBreaker('reset', { dataDir: dir, mode: 'paper' }, dir, ENV);
    expect(reset.stdout).toContain('reset by cli:bob@');
    expect(ledgerState().breaker.tripped).toBe(false);
    expect(ledgerState().history.map((e) => e.action)).toEqual(['trip', 'reset']);
  });

  it('says there is nothing to reset when the breaker is closed or the ledger does not exist', async () => {
    expect((await runBreaker('reset', { dataDir: dir, mode: 'paper' }, dir, ENV)).stderr).toContain('no paper ledger');
    await runKill({ level: 'pause', dataDir: dir, mode: 'paper' }, dir, ENV);
    const out = await runBreaker('reset', { dataDir: dir, mode: 'paper' }, dir, ENV);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('was not tripped; nothing to reset');
  });

  it('leaves the kill level as it is: a reset is not a resume', async () => {
    await runKill({ level: 'pause', dataDir: dir, mode: 'paper' }, dir, ENV);
    await runBreaker('trip', { dataDir: dir, mode: 'paper' }, dir, ENV);
    await runBreaker('reset', { dataDir: dir, mode: 'paper' }, dir, ENV);
    expect(ledgerState().kill).toBe('pause');
  });

  it('never resets or trips the live breaker for --mode paper or dry_run (a copy or a link of it is refused, exit 1); --mode live does', async () => {
    const decoys = liveFileDecoys(dir, (live) => live.breaker.trip('venue mismatch', 'reconcile'));
    const trippedIn = (file: string) => {
      const ledger = openAsLive(file);
      try {
        return ledger.breaker.state().tripped;
      } finally {
        ledger.close();
      }
    };
    for (const mode of ['paper', 'dry_run'] as const) {
      const out = await runBreaker('reset', { dataDir: dir, mode }, dir, ENV);
      expect({ mode, exitCode: out.exitCode }).toEqual({ mode, exitCode: 1 });
      expect(out.stderr).toContain(`LEDGER_LIVE_FILE_REFUSED: a ${mode} process refuses to open the live database`);
    }
    expect([trippedIn(decoys.live), trippedIn(decoys.paperCopy)]).toEqual([true, true]);
    const reset = await runBreaker('reset', { dataDir: dir, mode: 'live' }, dir, ENV);
    expect(reset.stdout).toContain('breaker of live reset');
    expect(trippedIn(decoys.live)).toBe(false);
  });
});
