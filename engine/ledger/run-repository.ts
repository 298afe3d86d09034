// Runs (sessions): when each started and ended, with what config and rules, and its equity baseline and peak.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import { TradegateError } from '../errors.ts';
import type { Mode } from '../types.ts';
import type { Micros } from './money.ts';

export interface RunStart {
  readonly runId: string;
  readonly configHash?: string | null;
  readonly ruleSetVersion?: string | null;
}

export interface RunRecord {
  readonly runId: string;
  readonly mode: Mode;
  readonly startedAtMs: number;
  readonly endedAtMs: number | null;
  readonly configHash: string | null;
  readonly ruleSetVersion: string | null;
  readonly startEquityMicros: Micros | null;
  readonly peakEquityMicros: Micros | null;
  readonly summary: unknown;
}

interface Row extends Omit<RunRecord, 'summary'> {
  summary: string | null;
}

export class RunRepository {
  readonly #clock: Clock;
  readonly #mode: Mode;
  readonly #insert;
  readonly #get;
  readonly #end;
  readonly #equity;
  readonly #setStart;
  readonly #raisePeak;
  readonly #latest;

  constructor(db: Database.Database, clock: Clock, mode: Mode) {
    this.#clock = clock;
    this.#mode = mode;
    this.#insert = db.prepare(`INSERT INTO runs (run_id, mode, started_at_ms, config_hash, rule_set_version)
      VALUES (?, ?, ?, ?, ?)`);
    const cols = `run_id AS runId, mode, started_at_ms AS startedAtMs, ended_at_ms AS endedAtMs, config_hash AS configHash,
      rule_set_version AS ruleSetVersion, start_equity_micros AS startEquityMicros, peak_equity_micros AS peakEquityMicros,
      summary_json AS summary`;
    this.#get = db.prepare<[string], Row>(`SELECT ${cols} FROM runs WHERE run_id = ?`);
    this.#latest = db.prepare<[], Row>(`SELECT ${cols} FROM runs ORDER BY started_at_ms DESC, rowid DESC LIMIT 1`);
    this.#end = db.prepare('UPDATE runs SET ended_at_ms = ?, summary_json = ? WHERE run_id = ?');
    // The session start is set once; the peak only ever rises.
    this.#equity = db.prepare(`UPDATE runs SET start_equity_micros = COALESCE(start_equity_micros, @equity),
      peak_equity_micros = MAX(COALESCE(peak_equity_micros, @equity), @equity) WHERE run_id = @runId`);
    this.#setStart = db.prepare('UPDATE runs SET start_equity_micros = ? WHERE run_id = ? AND start_equity_micros IS NULL');
    this.#raisePeak = db.prepare(`UPDATE runs SET peak_equity_micros = @equity
      WHERE run_id = @runId AND (peak_equity_micros IS NULL OR peak_equity_micros < @equity)`);
  }

  start(r: RunStart): RunRecord {
    this.#insert.run(r.runId, this.#mode, this.#clock.now(), r.configHash ?? null, r.ruleSetVersion ?? null);
    return this.require(r.runId);
  }

  get(runId: string): RunRecord | undefined {
    const row = this.#get.get(runId);
    return row ? { ...row, summary: row.summary === null ? null : JSON.parse(row.summary) } : undefined;
  }

  latest(): RunRecord | undefined {
    const row = this.#latest.get();
    return row ? this.get(row.runId) : undefined;
  }

  require(runId: string): RunRecord {
    const run = this.get(runId);
    if (!run) throw new TradegateError('LEDGER_RUN_NOT_STARTED', `no run ${runId} in the ledger`, { runId });
    return run;
  }

  /** Records an equity observation against the run: the first one is the session start. */
  observeEquity(runId: string, equityMicros: Micros): RunRecord {
    this.#equity.run({ runId, equity: equityMicros });
    return this.require(runId);
  }

  /** Sets the session start equity unless the run has one; true when this call set it. */
  setStartIfUnset(runId: string, equityMicros: Micros): boolean {
    return this.#setStart.run(equityMicros, runId).changes === 1;
  }

  /** Raises the run's peak to `equityMicros` when it is higher (or the first); never lowers it. */
  raisePeak(runId: string, equityMicros: Micros): void {
    this.#raisePeak.run({ runId, equity: equityMicros });
  }

  end(runId: string, summary: unknown): void {
    this.#end.run(this.#clock.now(), JSON.stringify(summary ?? null), runId);
  }
}
