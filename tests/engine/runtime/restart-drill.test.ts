// Specs for the restart drill's failure path: a rehearsal that cannot run passes nothing and is recorded as failed (the full drill runs in tests/engine/cli/drill.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../engine/clock.ts';
import { DEFAULT_DRILL_LIMITS } from '../../../engine/runtime/drills.ts';
import { readEvidence, restartDrillPassed } from '../../../engine/runtime/go-live-evidence.ts';
import { runRestartDrill } from '../../../engine/runtime/restart-drill.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tg-restart-drill-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('runRestartDrill', () => {
  it('fails when the session never starts, with no duplicate count, and records a failed drill', async () => {
    const setup = { cwd: dir, mode: 'dry_run' as const, configFile: 'no-such-config.yaml', evidenceDir: join(dir, 'data'), speed: 600, limits: DEFAULT_DRILL_LIMITS, clock: systemClock, scratchRoot: dir };
    const result = await runRestartDrill(setup, 3600);
    expect(result).toMatchObject({ passed: false, duplicates: null, runId: null });
    expect(result.reasons[0]).toMatch(/^the rehearsal session did not start: .*CONFIG_INVALID/);
    const evidence = readEvidence(join(dir, 'data'), systemClock);
    expect(evidence.files.map((f) => f.split('/').at(-1))).toEqual(['dry_run.sqlite']);
    expect(evidence.restartDrills[0]).toMatchObject({ passed: false, duplicates: 0, id: result.evidenceId });
    expect(restartDrillPassed(evidence.restartDrills)).toBe(false);
  });
});
