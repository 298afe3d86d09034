// Specs of `engine validate --live`: the go/no-go checklist against evidence recorded through the repository, exit 1 on any failed gate.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../engine/clock.ts';
import { runValidate } from '../../../engine/cli/validate.ts';
import { loadConfig } from '../../../engine/config/load-config.ts';
import { EvidenceRepository, HOUR_MS } from '../../../engine/ledger/evidence-repository.ts';
import { openLedger } from '../../../engine/ledger/ledger.ts';
import { loadRuleSet } from '../../../engine/rules/load-rules.ts';
import { goLiveConfigHash } from '../../../engine/runtime/config-hash.ts';
import type { Mode } from '../../../engine/types.ts';
import { liveFileDecoys } from '../../helpers/live-file-decoys.ts';
import { type SessionEnv, sessionEnv } from '../../helpers/session-env.ts';

let env: SessionEnv;
let configFile: string;
const T = Date.UTC(2026, 0, 5);

beforeEach(() => {
  env = sessionEnv();
  configFile = env.config((c) => {
    c['mode'] = 'live';
    c['data_dir'] = join(env.dir, 'data');
  }, 'live.yaml');
});
afterEach(() => env.cleanup());

async function hashOf(file: string): Promise<string> {
  const loaded = await loadConfig(file);
  const rules = await loadRuleSet(loaded.ok ? loaded.config.rules_dir : '');
  if (!loaded.ok || !rules.ok) throw new Error('config and rules must load');
  return goLiveConfigHash(loaded.config, rules.ruleSet.version);
}

function record(mode: Mode, write: (repo: EvidenceRepository) => void): void {
  const ledger = openLedger({ dataDir: join(env.dir, 'data'), mode, clock: systemClock });
  try {
    write(new EvidenceRepository(ledger.db, systemClock));
  } finally {
    ledger.close();
  }
}

function drills(): void {
  record('paper', (repo) => {
    repo.recordKillDrill({ passed: true, level: 'all', latencyMs: 380, details: { trigger: 'file' } });
    repo.recordRestartDrill({ passed: true, duplicates: 0 });
  });
}

describe('engine validate --live', () => {
  it('fails with no evidence, one line per gate with the reason, and exit 1', async () => {
    const out = await runValidate({ config: configFile, format: 'text', live: true }, env.dir);
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain('0 problems');
    expect(out.stdout).toMatch(/FAIL {2}dry-run-burn-in +0 hours of dry-run burn-in recorded with this config; 24 are required\./);
    expect(out.stdout).toMatch(/FAIL {2}kill-switch-drill +The last kill-switch drill did not pass \(false\)\./);
    expect(out.stdout).toMatch(/FAIL {2}restart-drill +The last restart drill did not pass \(false\)\./);
    expect(out.stdout).toMatch(/PASS {2}live-requires-dry-run-off +config\.dry_run = false/);
    expect(out.stdout).toContain('go/no-go: NO-GO (3 of 8 gates failed)');
  });

  it('passes once 24 h of dry-run with this config hash and both drills are recorded', async () => {
    const hash = await hashOf(configFile);
    record('dry_run', (repo) => {
      repo.recordDryRunSession({ runId: 'dry-1', configHash: hash, startedAtMs: T, endedAtMs: T + 10 * HOUR_MS });
      repo.recordDryRunSession({ runId: 'dry-2', configHash: hash, startedAtMs: T + 12 * HOUR_MS, endedAtMs: T + 26 * HOUR_MS });
    });
    drills();
    const out = await runValidate({ config: configFile, format: 'text', live: true }, env.dir);
    expect(out.stdout).toContain(`config hash ${hash}`);
    expect(out.stdout).toMatch(/PASS {2}dry-run-burn-in +evidence\.burn_in_hours = 24/);
    expect(out.stdout).toContain('go/no-go: GO (8 gates passed)');
    expect(out.exitCode).toBe(0);
  });

  it('does not count burn-in recorded with another config hash (a changed limit starts the clock again)', async () => {
    const other = env.config((c) => {
      c['mode'] = 'dry_run';
      c['data_dir'] = join(env.dir, 'data');
      (c['session'] as Record<string, unknown>)['exit_offset_bps'] = 30;
    }, 'dry.yaml');
    const otherHash = await hashOf(other);
    expect(otherHash).not.toBe(await hashOf(configFile));
    record('dry_run', (repo) => repo.recordDryRunSession({ runId: 'dry-1', configHash: otherHash, startedAtMs: T, endedAtMs: T + 48 * HOUR_MS }));
    drills();
    const out = await runValidate({ config: configFile, format: 'json', live: true }, env.dir);
    const body = JSON.parse(out.stdout) as { ok: boolean; goLive: { passed: boolean; facts: { evidence: { burn_in_hours: number } }; lines: { ruleId: string; passed: boolean }[] } };
    expect(out.exitCode).toBe(1);
    expect(body.ok).toBe(false);
    expect(body.goLive.facts.evidence.burn_in_hours).toBe(0);
    expect(body.goLive.lines.filter((l) => !l.passed).map((l) => l.ruleId)).toEqual(['dry-run-burn-in']);
  });

  it('counts a dry-run config for the live one: only mode and paths differ', async () => {
    const dry = env.config((c) => {
      c['mode'] = 'dry_run';
      c['data_dir'] = join(env.dir, 'elsewhere');
    }, 'dry.yaml');
    expect(await hashOf(dry)).toBe(await hashOf(configFile));
  });

  it('is not evaluated, and fails, when the config does not load', async () => {
    const broken = env.config((c) => {
      c['mode'] = 'sideways';
    }, 'broken.yaml');
    const out = await runValidate({ config: broken, format: 'text', live: true }, env.dir);
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain('go/no-go: NO-GO, not evaluated: the engine config does not load');
  });

  it('is not evaluated, and fails with the code, when a rehearsal ledger of the evidence is the live file (never read as evidence, never a crash)', async () => {
    const evidenceDir = join(env.dir, 'evidence');
    liveFileDecoys(evidenceDir);
    const out = await runValidate({ config: configFile, format: 'text', live: true, evidenceDir }, env.dir);
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toMatch(/go\/no-go: NO-GO, not evaluated: LEDGER_LIVE_FILE_REFUSED: a (dry_run|paper) process refuses to open the live database /);
    const json = await runValidate({ config: configFile, format: 'json', live: true, evidenceDir }, env.dir);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, goLive: { passed: false, notEvaluated: expect.stringMatching(/^LEDGER_LIVE_FILE_REFUSED: /) } });
  });
});
