// Go/no-go evidence as facts: burn-in hours with the same config hash, the last kill and restart drills, read from the dry-run and paper ledgers.
import { existsSync } from 'node:fs';
import type { Clock } from '../clock.ts';
import { ledgerFileFor } from '../ledger/database.ts';
import { type EvidenceRecord, EvidenceRepository, HOUR_MS } from '../ledger/evidence-repository.ts';
import { openLedger } from '../ledger/ledger.ts';
import type { Mode } from '../types.ts';

/** Where rehearsals record their evidence; the live ledger never holds any. */
export const EVIDENCE_MODES: readonly Mode[] = ['dry_run', 'paper'];
/** A kill drill passes only if the level was in force within this bound (SPEC R6.2). */
export const KILL_DRILL_MAX_LATENCY_MS = 2_000;
const DRILLED_LEVELS = ['pause', 'flatten', 'emergency'] as const;

export interface Evidence {
  readonly sessions: readonly EvidenceRecord[];
  readonly killDrills: readonly EvidenceRecord[];
  readonly restartDrills: readonly EvidenceRecord[];
  /** The ledger files read. */
  readonly files: readonly string[];
}

export interface EvidenceFacts {
  readonly burn_in_hours: number;
  readonly kill_switch_drill_passed: boolean;
  readonly restart_drill_passed: boolean;
}

/** Reads the evidence of every rehearsal ledger that exists in `dataDir`, read-only (none is created, migrated or locked). */
export function readEvidence(dataDir: string, clock: Clock): Evidence {
  const sessions: EvidenceRecord[] = [];
  const killDrills: EvidenceRecord[] = [];
  const restartDrills: EvidenceRecord[] = [];
  const files: string[] = [];
  for (const mode of EVIDENCE_MODES) {
    const file = ledgerFileFor(dataDir, mode);
    if (!existsSync(file)) continue;
    const ledger = openLedger({ dataDir, mode, clock, readOnly: true });
    try {
      const repo = new EvidenceRepository(ledger.db, clock);
      sessions.push(...repo.list('dry_run_session'));
      killDrills.push(...repo.list('kill_drill'));
      restartDrills.push(...repo.list('restart_drill'));
      files.push(file);
    } finally {
      ledger.close();
    }
  }
  const byTime = (a: EvidenceRecord, b: EvidenceRecord) => a.tsMs - b.tsMs || a.id - b.id;
  return { sessions: sessions.sort(byTime), killDrills: killDrills.sort(byTime), restartDrills: restartDrills.sort(byTime), files };
}

/**
 * Wall-clock hours covered by dry-run sessions of this config hash, overlaps counted once (two
 * processes, or one session recorded from two ledgers, never double the burn-in).
 */
export function burnInHours(sessions: readonly EvidenceRecord[], configHash: string): number {
  const spans = sessions
    .filter((s) => s.kind === 'dry_run_session' && s.configHash === configHash && s.startedAtMs !== null && s.endedAtMs !== null)
    .map((s) => [s.startedAtMs as number, s.endedAtMs as number] as const)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const [start, stop] of spans) {
    const from = Math.max(start, end);
    if (stop > from) total += stop - from;
    end = Math.max(end, stop);
  }
  return Math.round((total / HOUR_MS) * 100) / 100;
}

/** Passed when the latest drill of every level (a drill of `all` covers each) passed within 2 s. */
export function killDrillPassed(drills: readonly EvidenceRecord[]): boolean {
  return DRILLED_LEVELS.every((level) => {
    const last = drills.filter((d) => d.kind === 'kill_drill' && (d.level === level || d.level === 'all')).at(-1);
    return last !== undefined && last.passed === true && last.latencyMs !== null && last.latencyMs <= KILL_DRILL_MAX_LATENCY_MS;
  });
}

/** Passed when the latest restart drill passed with no duplicate submission. */
export function restartDrillPassed(drills: readonly EvidenceRecord[]): boolean {
  const last = drills.filter((d) => d.kind === 'restart_drill').at(-1);
  return last !== undefined && last.passed === true && last.duplicates === 0;
}

export function evidenceFacts(evidence: Evidence, configHash: string): EvidenceFacts {
  return {
    burn_in_hours: burnInHours(evidence.sessions, configHash),
    kill_switch_drill_passed: killDrillPassed(evidence.killDrills),
    restart_drill_passed: restartDrillPassed(evidence.restartDrills),
  };
}
