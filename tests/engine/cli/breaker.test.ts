// Specs of `engine breaker`: an operator resets a tripped breaker (or trips one), recorded with who; the kill level is left alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBreaker } from '../../../engine/cli/breaker.ts';
import { runKill } from '../../../engine/cli/kill.ts';
import { systemClock } from '../../../engine/clock.ts';
import { openLedger } from '../../../engine/ledger/ledger.ts';

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
});
