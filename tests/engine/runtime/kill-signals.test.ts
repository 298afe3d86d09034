// Specs of the kill signals: SIGUSR1 pauses, SIGUSR2 is an emergency stop with exit code 99; checked on an emitter and on a real process.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KILL_SIGNALS, installKillSignals } from '../../../engine/runtime/kill-signals.ts';
import { killRig } from '../../helpers/kill-fixture.ts';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';
import { startTsx, type TsxChild } from '../../helpers/tsx-child.ts';

let env: TempLedgers | undefined;
let dir = '';
let child: TsxChild | undefined;
afterEach(async () => {
  env?.cleanup();
  env = undefined;
  if (child && child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
  if (child) await child.exited;
  child = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('installKillSignals', () => {
  it('maps SIGUSR1 to pause and SIGUSR2 to emergency, and removes its handlers on request', () => {
    expect(KILL_SIGNALS).toEqual({ SIGUSR1: 'pause', SIGUSR2: 'emergency' });
    env = tempLedgers();
    const rig = killRig(env.open(), env.clock);
    rig.killSwitch.start();
    const target = new EventEmitter();
    const remove = installKillSignals(rig.killSwitch, target);
    target.emit('SIGUSR1', 'SIGUSR1');
    expect(rig.killSwitch.level()).toBe('pause');
    expect(rig.changes.at(-1)).toMatchObject({ source: 'signal', actor: 'signal:SIGUSR1' });
    remove();
    expect(target.listenerCount('SIGUSR1') + target.listenerCount('SIGUSR2')).toBe(0);
  });

  it('pauses a real process on SIGUSR1, then on SIGUSR2 cancels, flattens and exits with code 99', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-kill-signals-'));
    child = startTsx('tests/helpers/kill-child.ts', [dir, 'paper']);
    expect(await child.nextLine()).toMatchObject({ event: 'ready' });
    child.child.kill('SIGUSR1');
    expect(await child.nextLine()).toMatchObject({ event: 'level', to: 'pause', source: 'signal', actor: 'signal:SIGUSR1' });
    child.child.kill('SIGUSR2');
    expect(await child.nextLine()).toMatchObject({ event: 'level', from: 'pause', to: 'emergency', source: 'signal' });
    expect(await child.nextLine()).toMatchObject({ event: 'cancelAll' });
    expect(await child.nextLine()).toMatchObject({ event: 'flattenAll' });
    expect(await child.nextLine()).toMatchObject({ event: 'stop', code: 99 });
    expect(await child.exited).toEqual({ code: 99, signal: null });
  });
});
