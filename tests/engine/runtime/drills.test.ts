// Specs for the drills' shared parts: scratch books, bounded polling, and evidence landing where engine validate --live reads it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../engine/clock.ts';
import { DEFAULT_DRILL_LIMITS, drillEnv, type DrillSetup, makeScratch, recordKillEvidence, recordRestartEvidence, until } from '../../../engine/runtime/drills.ts';
import { killDrillPassed, readEvidence, restartDrillPassed } from '../../../engine/runtime/go-live-evidence.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tg-drills-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const setup = (over: Partial<DrillSetup> = {}): DrillSetup => ({
  cwd: dir, mode: 'paper', configFile: 'config/engine.yaml', evidenceDir: join(dir, 'evidence'), speed: 600,
  limits: DEFAULT_DRILL_LIMITS, clock: systemClock, scratchRoot: dir, ...over,
});

describe('makeScratch', () => {
  it('makes a data directory of its own and removes it all afterwards, unless asked to keep it', () => {
    const s = makeScratch(setup(), 'kill-pause');
    expect(existsSync(s.dataDir)).toBe(true);
    expect(s.runDir.startsWith(s.root)).toBe(true);
    s.remove();
    expect(existsSync(s.root)).toBe(false);
    const kept = makeScratch(setup({ keep: true }), 'restart');
    kept.remove();
    expect(existsSync(kept.dataDir)).toBe(true);
  });
});

describe('drillEnv', () => {
  it('keeps the operator environment but the alert webhook: a drilled emergency pages nobody', () => {
    const env = drillEnv({ PATH: '/usr/bin', TRADEGATE_ALERT_WEBHOOK_URL: 'https://hooks.example/x', TRADEGATE_ALERT_FORMAT: 'slack', TRADEGATE_API_TOKEN: 't' });
    expect(env).toEqual({ PATH: '/usr/bin', TRADEGATE_API_TOKEN: 't' });
  });
});

describe('until', () => {
  it('resolves true once the condition holds, false when the time is up', async () => {
    let calls = 0;
    expect(await until(() => ++calls >= 3, 10_000)).toBe(true);
    expect(calls).toBe(3);
    expect(await until(() => false, 60)).toBe(false);
  });
});

describe('drill evidence', () => {
  it('lands in <evidenceDir>/<mode>.sqlite, made if missing, where the go/no-go gate reads it', () => {
    for (const level of ['pause', 'flatten', 'emergency'] as const) recordKillEvidence(setup(), { passed: true, level, latencyMs: 120, details: { trigger: 'kill file' } });
    recordRestartEvidence(setup({ mode: 'dry_run' }), { passed: true, duplicates: 0 });
    const evidence = readEvidence(join(dir, 'evidence'), systemClock);
    expect(evidence.files.map((f) => f.split('/').at(-1))).toEqual(['dry_run.sqlite', 'paper.sqlite']);
    expect(killDrillPassed(evidence.killDrills)).toBe(true);
    expect(restartDrillPassed(evidence.restartDrills)).toBe(true);
  });
});
