// Specs of the go/no-go evidence store: dry-run sessions extended forward only, drills appended, every row checked, nothing rewritten.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EvidenceRepository, HOUR_MS } from '../../../engine/ledger/evidence-repository.ts';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { T0, type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
let ledger: Ledger;
let repo: EvidenceRepository;
beforeEach(() => {
  env = tempLedgers();
  ledger = env.open({ mode: 'dry_run' });
  repo = new EvidenceRepository(ledger.db, env.clock);
});
afterEach(() => env.cleanup());

describe('EvidenceRepository dry-run sessions', () => {
  it('records a session with its hours and extends it as it runs, one row per run', () => {
    const first = repo.recordDryRunSession({ runId: 'r1', configHash: 'cfg-a', startedAtMs: T0, endedAtMs: T0 + HOUR_MS });
    expect(first).toMatchObject({ kind: 'dry_run_session', runId: 'r1', configHash: 'cfg-a', hours: 1, endedAtMs: T0 + HOUR_MS });
    const later = repo.recordDryRunSession({ runId: 'r1', configHash: 'cfg-a', startedAtMs: T0, endedAtMs: T0 + 5 * HOUR_MS });
    expect(later.hours).toBe(5);
    expect(repo.list('dry_run_session')).toHaveLength(1);
  });

  it('never moves a session end backwards (a late, stale checkpoint changes nothing)', () => {
    repo.recordDryRunSession({ runId: 'r1', configHash: 'cfg-a', startedAtMs: T0, endedAtMs: T0 + 3 * HOUR_MS });
    const stale = repo.recordDryRunSession({ runId: 'r1', configHash: 'cfg-a', startedAtMs: T0, endedAtMs: T0 + HOUR_MS });
    expect(stale.hours).toBe(3);
  });

  it('refuses to rewrite a run with another config hash or start, and impossible times', () => {
    repo.recordDryRunSession({ runId: 'r1', configHash: 'cfg-a', startedAtMs: T0, endedAtMs: T0 + HOUR_MS });
    expect(() => repo.recordDryRunSession({ runId: 'r1', configHash: 'cfg-b', startedAtMs: T0, endedAtMs: T0 + 2 * HOUR_MS })).toThrow(expect.objectContaining({ code: 'LEDGER_ORDER_CONFLICT' }));
    expect(() => repo.recordDryRunSession({ runId: 'r2', configHash: 'cfg-a', startedAtMs: T0, endedAtMs: T0 - 1 })).toThrow(expect.objectContaining({ code: 'LEDGER_INVALID_AMOUNT' }));
    expect(() => repo.recordDryRunSession({ runId: 'r3', configHash: 'cfg-a', startedAtMs: Number.NaN, endedAtMs: T0 })).toThrow(expect.objectContaining({ code: 'LEDGER_INVALID_AMOUNT' }));
  });
});

describe('EvidenceRepository drills', () => {
  it('appends kill and restart drills with their details', () => {
    const kill = repo.recordKillDrill({ passed: true, level: 'emergency', latencyMs: 412.6, details: { trigger: 'file' } });
    expect(kill).toMatchObject({ kind: 'kill_drill', passed: true, level: 'emergency', latencyMs: 413, details: { trigger: 'file' } });
    const restart = repo.recordRestartDrill({ runId: 'r9', passed: false, duplicates: 1, details: { kills: 50 } });
    expect(restart).toMatchObject({ kind: 'restart_drill', runId: 'r9', passed: false, duplicates: 1 });
    expect(repo.list('kill_drill')).toHaveLength(1);
  });

  it('refuses bad drills, and any edit or deletion of evidence', () => {
    expect(() => repo.recordKillDrill({ passed: true, level: 'halt' as 'pause', latencyMs: 1 })).toThrow(expect.objectContaining({ code: 'LEDGER_INVALID_AMOUNT' }));
    expect(() => repo.recordRestartDrill({ passed: true, duplicates: -1 })).toThrow(expect.objectContaining({ code: 'LEDGER_INVALID_AMOUNT' }));
    repo.recordKillDrill({ passed: false, level: 'pause', latencyMs: 3000 });
    expect(() => ledger.db.prepare('UPDATE evidence SET passed = 1').run()).toThrow(/append-only/);
    expect(() => ledger.db.prepare('DELETE FROM evidence').run()).toThrow(/append-only/);
  });
});
