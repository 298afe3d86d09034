// Specs of the evidence facts: burn-in hours for one config hash (overlaps once), the latest drills, read from the rehearsal ledgers only.
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ledgerFileFor } from '../../../engine/ledger/database.ts';
import { type EvidenceRecord, EvidenceRepository, HOUR_MS } from '../../../engine/ledger/evidence-repository.ts';
import { MIGRATIONS } from '../../../engine/ledger/migrations.ts';
import { burnInHours, evidenceFacts, killDrillPassed, readEvidence, restartDrillPassed } from '../../../engine/runtime/go-live-evidence.ts';
import { ledgerContents } from '../../helpers/ledger-file-state.ts';
import { T0, type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
beforeEach(() => {
  env = tempLedgers();
});
afterEach(() => env.cleanup());

function session(id: number, configHash: string, fromH: number, toH: number): EvidenceRecord {
  return {
    id, kind: 'dry_run_session', runId: `r${id}`, tsMs: T0 + toH * HOUR_MS, configHash, startedAtMs: T0 + fromH * HOUR_MS, endedAtMs: T0 + toH * HOUR_MS,
    hours: toH - fromH, passed: null, level: null, latencyMs: null, duplicates: null, details: null,
  };
}

function drill(id: number, over: Partial<EvidenceRecord>): EvidenceRecord {
  return { ...session(id, '', 0, 0), kind: 'kill_drill', runId: null, configHash: null, startedAtMs: null, endedAtMs: null, hours: null, tsMs: T0 + id, ...over };
}

describe('burnInHours', () => {
  it('adds the sessions of the same config hash and nothing else', () => {
    const sessions = [session(1, 'cfg-a', 0, 10), session(2, 'cfg-b', 10, 40), session(3, 'cfg-a', 50, 64)];
    expect(burnInHours(sessions, 'cfg-a')).toBe(24);
    expect(burnInHours(sessions, 'cfg-b')).toBe(30);
    expect(burnInHours(sessions, 'cfg-c')).toBe(0);
  });

  it('counts overlapping sessions once', () => {
    expect(burnInHours([session(1, 'cfg-a', 0, 10), session(2, 'cfg-a', 5, 12), session(3, 'cfg-a', 6, 7)], 'cfg-a')).toBe(12);
  });
});

describe('drill facts', () => {
  it('passes the kill drill only when the latest drill of every level passed within 2 s', () => {
    const all = drill(1, { level: 'all', passed: true, latencyMs: 300 });
    expect(killDrillPassed([all])).toBe(true);
    expect(killDrillPassed([drill(1, { level: 'pause', passed: true, latencyMs: 300 })])).toBe(false);
    expect(killDrillPassed([all, drill(2, { level: 'flatten', passed: false, latencyMs: 300 })])).toBe(false);
    expect(killDrillPassed([drill(1, { level: 'all', passed: true, latencyMs: 2_500 })])).toBe(false);
    expect(killDrillPassed([])).toBe(false);
  });

  it('passes the restart drill only when the latest one passed with no duplicate', () => {
    const restart = (id: number, passed: boolean, duplicates: number) => drill(id, { kind: 'restart_drill', passed, duplicates });
    expect(restartDrillPassed([restart(1, false, 1), restart(2, true, 0)])).toBe(true);
    expect(restartDrillPassed([restart(1, true, 0), restart(2, false, 0)])).toBe(false);
    expect(restartDrillPassed([restart(1, true, 2)])).toBe(false);
    expect(restartDrillPassed([])).toBe(false);
  });
});

describe('readEvidence', () => {
  it('reads the dry-run and paper ledgers of a data directory, creating none', () => {
    expect(readEvidence(env.dir, env.clock)).toEqual({ sessions: [], killDrills: [], restartDrills: [], files: [] });
    expect(existsSync(ledgerFileFor(env.dir, 'dry_run'))).toBe(false);
    new EvidenceRepository(env.open({ mode: 'dry_run' }).db, env.clock).recordDryRunSession({ runId: 'd1', configHash: 'cfg-a', startedAtMs: T0, endedAtMs: T0 + 30 * HOUR_MS });
    new EvidenceRepository(env.open({ mode: 'paper' }).db, env.clock).recordKillDrill({ passed: true, level: 'all', latencyMs: 250 });
    const evidence = readEvidence(env.dir, env.clock);
    expect(evidence.files).toEqual([ledgerFileFor(env.dir, 'dry_run'), ledgerFileFor(env.dir, 'paper')]);
    expect(evidenceFacts(evidence, 'cfg-a')).toEqual({ burn_in_hours: 30, kill_switch_drill_passed: true, restart_drill_passed: false });
  });

  it("reads read-only beside a dry run recording evidence: no wait for its open write transaction, no migration of an older engine's ledger", () => {
    const session = env.open({ mode: 'dry_run', migrations: MIGRATIONS.slice(0, 2) });
    const repo = new EvidenceRepository(session.db, env.clock);
    repo.recordDryRunSession({ runId: 'd1', configHash: 'cfg-a', startedAtMs: T0, endedAtMs: T0 + 2 * HOUR_MS });
    session.db.exec('BEGIN IMMEDIATE');
    repo.recordDryRunSession({ runId: 'd2', configHash: 'cfg-a', startedAtMs: T0 + 2 * HOUR_MS, endedAtMs: T0 + 5 * HOUR_MS });
    // A reader that needed the write lock would wait out the busy timeout, then fail with SQLITE_BUSY.
    const evidence = readEvidence(env.dir, env.clock);
    expect(evidence.sessions.map((s) => s.runId)).toEqual(['d1']);
    session.db.exec('COMMIT');
    expect(ledgerContents(ledgerFileFor(env.dir, 'dry_run')).versions).toEqual([1, 2]);
  });
});
