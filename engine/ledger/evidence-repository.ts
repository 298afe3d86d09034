// Go/no-go evidence as stored rows: dry-run sessions (config hash and hours) and kill and restart drills, each checked before it is written.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import { TradegateError } from '../errors.ts';

export const HOUR_MS = 3_600_000;

/** The kill levels a drill can exercise; `all` is one drill that went through every level. */
export const DRILL_LEVELS = ['pause', 'flatten', 'emergency', 'all'] as const;
export type DrillLevel = (typeof DRILL_LEVELS)[number];

export interface DryRunSessionInput {
  readonly runId: string;
  /** engine/runtime/config-hash.ts: the hash of the config that matters (rules version included). */
  readonly configHash: string;
  /** Wall time (epoch ms): burn-in counts hours the engine actually ran, not replayed market time. */
  readonly startedAtMs: number;
  readonly endedAtMs: number;
}

export interface KillDrillInput {
  readonly runId?: string | null;
  readonly passed: boolean;
  readonly level: DrillLevel;
  /** From the trigger to the level being in force. */
  readonly latencyMs: number;
  readonly details?: unknown;
}

export interface RestartDrillInput {
  readonly runId?: string | null;
  readonly passed: boolean;
  /** Orders the venue received twice for one intent across the restart (0 to pass). */
  readonly duplicates: number;
  readonly details?: unknown;
}

export type EvidenceKind = 'dry_run_session' | 'kill_drill' | 'restart_drill';

export interface EvidenceRecord {
  readonly id: number;
  readonly kind: EvidenceKind;
  readonly runId: string | null;
  readonly tsMs: number;
  readonly configHash: string | null;
  readonly startedAtMs: number | null;
  readonly endedAtMs: number | null;
  readonly hours: number | null;
  readonly passed: boolean | null;
  readonly level: DrillLevel | null;
  readonly latencyMs: number | null;
  readonly duplicates: number | null;
  readonly details: unknown;
}

interface Row extends Omit<EvidenceRecord, 'passed' | 'details'> {
  passed: 0 | 1 | null;
  details: string | null;
}

const COLUMNS = `id, kind, run_id AS runId, ts_ms AS tsMs, config_hash AS configHash, started_at_ms AS startedAtMs,
  ended_at_ms AS endedAtMs, hours, passed, level, latency_ms AS latencyMs, duplicates, details_json AS details`;

function invalid(message: string, details: Record<string, unknown>): TradegateError {
  return new TradegateError('LEDGER_INVALID_AMOUNT', message, details);
}

function wholeMs(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw invalid(`${what} must be a whole, non-negative number of ms, got ${value}`, { what, value });
  return value;
}

function toRecord(row: Row): EvidenceRecord {
  return { ...row, passed: row.passed === null ? null : row.passed === 1, details: row.details === null ? null : JSON.parse(row.details) };
}

export class EvidenceRepository {
  readonly #clock: Clock;
  readonly #upsertSession;
  readonly #insertDrill;
  readonly #byKind;
  readonly #session;
  readonly #byId;

  constructor(db: Database.Database, clock: Clock) {
    this.#clock = clock;
    // A session is recorded again as it runs: its end only moves forward, its start and hash never change.
    this.#upsertSession = db.prepare(`INSERT INTO evidence (kind, run_id, ts_ms, config_hash, started_at_ms, ended_at_ms, hours)
      VALUES ('dry_run_session', @runId, @now, @configHash, @startedAtMs, @endedAtMs, @hours)
      ON CONFLICT (run_id) WHERE kind = 'dry_run_session' DO UPDATE SET
        ended_at_ms = MAX(evidence.ended_at_ms, excluded.ended_at_ms),
        hours = (MAX(evidence.ended_at_ms, excluded.ended_at_ms) - evidence.started_at_ms) / 3600000.0,
        ts_ms = excluded.ts_ms`);
    this.#insertDrill = db.prepare(`INSERT INTO evidence (kind, run_id, ts_ms, passed, level, latency_ms, duplicates, details_json)
      VALUES (@kind, @runId, @now, @passed, @level, @latencyMs, @duplicates, @details)`);
    this.#byKind = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM evidence WHERE kind = ? ORDER BY ts_ms, id`);
    this.#session = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM evidence WHERE kind = 'dry_run_session' AND run_id = ?`);
    this.#byId = db.prepare<[number], Row>(`SELECT ${COLUMNS} FROM evidence WHERE id = ?`);
  }

  /** Records (or extends) the dry-run session of one run; call it at the end and periodically while it runs. */
  recordDryRunSession(s: DryRunSessionInput): EvidenceRecord {
    const startedAtMs = wholeMs(s.startedAtMs, 'startedAtMs');
    const endedAtMs = wholeMs(s.endedAtMs, 'endedAtMs');
    if (endedAtMs < startedAtMs) throw invalid(`a dry-run session cannot end (${endedAtMs}) before it starts (${startedAtMs})`, { runId: s.runId });
    if (s.runId === '' || s.configHash === '') throw invalid('a dry-run session needs a run id and a config hash', { runId: s.runId });
    const existing = this.#session.get(s.runId);
    if (existing && (existing.configHash !== s.configHash || existing.startedAtMs !== startedAtMs)) {
      throw new TradegateError('LEDGER_ORDER_CONFLICT', `run ${s.runId} was recorded with another config hash or start; a session's evidence is never rewritten`, { runId: s.runId });
    }
    this.#upsertSession.run({ runId: s.runId, configHash: s.configHash, startedAtMs, endedAtMs, hours: (endedAtMs - startedAtMs) / HOUR_MS, now: this.#clock.now() });
    return toRecord(this.#session.get(s.runId) as Row);
  }

  recordKillDrill(d: KillDrillInput): EvidenceRecord {
    if (!DRILL_LEVELS.includes(d.level)) throw invalid(`drill level must be one of ${DRILL_LEVELS.join(', ')}, got ${String(d.level)}`, { level: d.level });
    const latencyMs = wholeMs(Math.round(d.latencyMs), 'latencyMs');
    return this.#drill({ kind: 'kill_drill', runId: d.runId ?? null, passed: d.passed ? 1 : 0, level: d.level, latencyMs, duplicates: null, details: d.details });
  }

  recordRestartDrill(d: RestartDrillInput): EvidenceRecord {
    if (!Number.isSafeInteger(d.duplicates) || d.duplicates < 0) throw invalid(`duplicates must be a whole number >= 0, got ${d.duplicates}`, {});
    return this.#drill({ kind: 'restart_drill', runId: d.runId ?? null, passed: d.passed ? 1 : 0, level: null, latencyMs: null, duplicates: d.duplicates, details: d.details });
  }

  /** Every row of one kind, oldest first. */
  list(kind: EvidenceKind): EvidenceRecord[] {
    return this.#byKind.all(kind).map(toRecord);
  }

  #drill(row: { kind: EvidenceKind; runId: string | null; passed: 0 | 1; level: string | null; latencyMs: number | null; duplicates: number | null; details: unknown }): EvidenceRecord {
    const details = row.details === undefined ? null : JSON.stringify(row.details);
    const id = Number(this.#insertDrill.run({ ...row, details, now: this.#clock.now() }).lastInsertRowid);
    return toRecord(this.#byId.get(id) as Row);
  }
}
