// Specs for the kill drill's failure path: a rehearsal that cannot run is a failed drill, recorded as such (the full drill runs in tests/engine/cli/drill.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../engine/clock.ts';
import { DEFAULT_DRILL_LIMITS } from '../../../engine/runtime/drills.ts';
import { killDrillPassed, readEvidence } from '../../../engine/runtime/go-live-evidence.ts';
import { DRILL_TRIGGERS, drillKillLevel, KILL_DRILL_LEVELS } from '../../../engine/runtime/kill-drill.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tg-kill-drill-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('drillKillLevel', () => {
  it('fails a level whose session never starts, naming why, and records the failure with the bound it waited', async () => {
    const setup = { cwd: dir, mode: 'paper' as const, configFile: 'no-such-config.yaml', evidenceDir: join(dir, 'data'), speed: 600, limits: DEFAULT_DRILL_LIMITS, clock: systemClock, scratchRoot: dir };
    const result = await drillKillLevel(setup, 'pause');
    expect(result.passed).toBe(false);
    expect(result.latencyMs).toBeNull();
    expect(result.reasons[0]).toMatch(/^the rehearsal session did not start: .*CONFIG_INVALID/);
    const [drill] = readEvidence(join(dir, 'data'), systemClock).killDrills;
    expect(drill).toMatchObject({ level: 'pause', passed: false, latencyMs: DEFAULT_DRILL_LIMITS.inForceMs, id: result.evidenceId });
    expect(killDrillPassed(readEvidence(join(dir, 'data'), systemClock).killDrills)).toBe(false);
  });
});

describe('DRILL_TRIGGERS', () => {
  it('pulls every level by an operator path, the stored controls and the kill file both', () => {
    expect(Object.keys(DRILL_TRIGGERS)).toEqual([...KILL_DRILL_LEVELS]);
    expect(new Set(Object.values(DRILL_TRIGGERS))).toEqual(new Set(['engine kill', 'kill file']));
  });
});
