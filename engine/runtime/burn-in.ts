// Dry-run burn-in evidence: the wall-clock span a dry-run session ran under one config hash, recorded as it runs and at its end.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import { EvidenceRepository } from '../ledger/evidence-repository.ts';
import type { Logger } from '../observe/logger.ts';
import { goLiveConfigHash } from './config-hash.ts';

/** A crash loses at most this much burn-in: the row is extended this often while the session runs. */
export const BURN_IN_RECORD_EVERY_MS = 5 * 60_000;

export interface BurnInOptions {
  readonly db: Database.Database;
  readonly runId: string;
  /** The engine config as loaded; hashed with the rules version (engine/runtime/config-hash.ts). */
  readonly config: object;
  /** Wall time: burn-in counts hours the engine actually ran, not replayed market time. */
  readonly wallClock: Clock;
  readonly logger?: Pick<Logger, 'info' | 'warn'>;
}

interface Segment {
  readonly key: string;
  readonly configHash: string;
  readonly startedAtMs: number;
  lastRecordedMs: number;
}

/**
 * One evidence row per stretch of one config hash: a rules reload ends the stretch and starts another
 * under the new hash, so hours count only for the behaviour that actually ran. A resumed run gets a
 * new row (`<run id>#2`, ...): a recorded session is never rewritten, only extended.
 */
export class BurnInRecorder {
  readonly #o: BurnInOptions;
  readonly #repo: EvidenceRepository;
  #segment: Segment | null = null;

  constructor(options: BurnInOptions) {
    this.#o = options;
    this.#repo = new EvidenceRepository(options.db, options.wallClock);
  }

  get configHash(): string | null {
    return this.#segment?.configHash ?? null;
  }

  /** Starts a stretch under the rules version in force now (and ends the one before, if any). */
  start(ruleSetVersion: string): void {
    this.finish();
    const now = this.#o.wallClock.now();
    const configHash = goLiveConfigHash(this.#o.config, ruleSetVersion);
    this.#segment = { key: this.#freeKey(), configHash, startedAtMs: now, lastRecordedMs: now };
    this.#record(now);
    this.#o.logger?.info({ event: 'burn_in.started', evidence_run_id: this.#segment.key, config_hash: configHash, rule_set: ruleSetVersion }, 'dry-run burn-in evidence recording');
  }

  /** Extends the row when BURN_IN_RECORD_EVERY_MS has passed since the last write; cheap to call often. */
  tick(): void {
    const s = this.#segment;
    const now = this.#o.wallClock.now();
    if (s && now - s.lastRecordedMs >= BURN_IN_RECORD_EVERY_MS) this.#record(now);
  }

  /** Records the end of the stretch now; later calls do nothing until start() again. */
  finish(): void {
    if (!this.#segment) return;
    this.#record(this.#o.wallClock.now());
    this.#segment = null;
  }

  #record(now: number): void {
    const s = this.#segment;
    if (!s) return;
    try {
      this.#repo.recordDryRunSession({ runId: s.key, configHash: s.configHash, startedAtMs: s.startedAtMs, endedAtMs: Math.max(now, s.startedAtMs) });
      s.lastRecordedMs = now;
    } catch (error) {
      this.#o.logger?.warn({ event: 'burn_in.record_failed', evidence_run_id: s.key, message: (error as Error).message }, 'burn-in evidence could not be recorded');
    }
  }

  #freeKey(): string {
    const taken = new Set(this.#repo.list('dry_run_session').map((r) => r.runId));
    if (!taken.has(this.#o.runId)) return this.#o.runId;
    let n = 2;
    while (taken.has(`${this.#o.runId}#${n}`)) n++;
    return `${this.#o.runId}#${n}`;
  }
}
