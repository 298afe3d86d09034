// Specs of the kill file: its content read as a level and a reason, failing closed to pause, and each version of the file applied once.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KillEventRepository } from '../../../engine/ledger/kill-event-repository.ts';
import { killFilePath, parseKillFile, readKillFile } from '../../../engine/runtime/kill-file.ts';
import { KILL_POLL_MS } from '../../../engine/runtime/kill-switch.ts';
import { controlsOf, killRig } from '../../helpers/kill-fixture.ts';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let dir = '';
let env: TempLedgers | undefined;
afterEach(() => {
  env?.cleanup();
  env = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('parseKillFile', () => {
  it('reads a level and the rest of its line as the reason, skipping blank and comment lines', () => {
    expect(parseKillFile('\n# stopping for the night\nflatten end of week\n')).toEqual({ level: 'flatten', reason: 'end of week' });
    expect(parseKillFile('EMERGENCY')).toEqual({ level: 'emergency', reason: 'kill file asks for emergency' });
    expect(parseKillFile('none')).toEqual({ level: 'none', reason: 'kill file asks for none' });
  });

  it('pauses on an empty file (touch KILL) or a word that is not a level, rather than ignoring it', () => {
    expect(parseKillFile('').level).toBe('pause');
    expect(parseKillFile('   \n# only a comment\n').level).toBe('pause');
    const odd = parseKillFile('stop everything');
    expect(odd.level).toBe('pause');
    expect(odd.reason).toContain('"stop everything", not a level');
  });
});

describe('readKillFile', () => {
  it('answers null when there is no file, and a new identity for each version of the file', () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-killfile-'));
    const path = killFilePath(dir);
    expect(readKillFile(path)).toBeNull();
    writeFileSync(path, 'pause\n');
    const first = readKillFile(path);
    expect(first?.level).toBe('pause');
    expect(readKillFile(path)?.identity).toBe(first?.identity);
    writeFileSync(path, 'emergency\n');
    const second = readKillFile(path);
    expect(second?.level).toBe('emergency');
    expect(second?.identity).not.toBe(first?.identity);
  });

  it('pauses when the path exists but is not a readable file', () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-killfile-'));
    const path = killFilePath(dir);
    // A folder named KILL: stat works, reading it does not.
    mkdirSync(path);
    expect(readKillFile(path)?.level).toBe('pause');
  });
});

describe('the kill file through the kill switch', () => {
  it('raises the level, persists it with the file as actor, and applies that version once (an operator resume sticks)', () => {
    env = tempLedgers();
    const ledger = env.open();
    const rig = killRig(ledger, env.clock);
    rig.killSwitch.start();
    rig.file = { level: 'flatten', reason: 'end of week', identity: 'v1' };
    rig.timers.advance(KILL_POLL_MS);
    expect(rig.killSwitch.level()).toBe('flatten');
    expect(ledger.controls.get('kill_level')).toMatchObject({ value: 'flatten', updatedBy: 'kill-file' });
    expect(new KillEventRepository(ledger.db, env.clock).fileApplied('v1')).toBe(true);
    controlsOf(env.open(), env.clock).change({ kill_level: 'none' }, 'cli:alice');
    rig.timers.advance(4 * KILL_POLL_MS);
    expect(rig.killSwitch.level()).toBe('none');
    // A restarted switch on the same ledger does not apply the same version again.
    const restarted = killRig(ledger, env.clock);
    restarted.file = rig.file;
    restarted.killSwitch.start();
    expect(restarted.killSwitch.level()).toBe('none');
    // A new version of the file does.
    rig.file = { level: 'pause', reason: 'again', identity: 'v2' };
    rig.timers.advance(KILL_POLL_MS);
    expect(rig.killSwitch.level()).toBe('pause');
  });

  it('never lowers the level with a file that says none', () => {
    env = tempLedgers();
    const ledger = env.open();
    const rig = killRig(ledger, env.clock);
    rig.killSwitch.start();
    rig.killSwitch.raise('pause', { source: 'cli', actor: 'cli:a', reason: 'r' });
    rig.file = { level: 'none', reason: 'resume please', identity: 'n1' };
    rig.timers.advance(KILL_POLL_MS);
    expect(rig.killSwitch.level()).toBe('pause');
  });
});
