// Migration 2: go/no-go evidence (dry-run burn-in, kill and restart drills) and the kill-switch trail (who raised or lowered it, and why).
import { KILL_LEVELS } from '../types.ts';

const LEVELS = KILL_LEVELS.map((l) => `'${l}'`).join(', ');

/*
 * evidence: one row per dry-run session (extended while it runs, so a crash still leaves the hours it
 * ran) and one row per drill. Only a dry-run session's end and hours may change, and only forward;
 * everything else is append-only, like the rest of the audit trail.
 * kill_events: every kill-level change made through the kill switch, the `engine kill` command, a kill
 * file, a signal or a kill rule, with the reason given; runtime_controls keeps the level in force.
 */
export const SCHEMA_002_EVIDENCE = `
CREATE TABLE evidence (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('dry_run_session', 'kill_drill', 'restart_drill')),
  run_id TEXT,
  ts_ms INTEGER NOT NULL,
  config_hash TEXT,
  started_at_ms INTEGER,
  ended_at_ms INTEGER,
  hours REAL,
  passed INTEGER CHECK (passed IS NULL OR passed IN (0, 1)),
  level TEXT CHECK (level IS NULL OR level IN ('pause', 'flatten', 'emergency', 'all')),
  latency_ms INTEGER CHECK (latency_ms IS NULL OR latency_ms >= 0),
  duplicates INTEGER CHECK (duplicates IS NULL OR duplicates >= 0),
  details_json TEXT,
  CHECK (kind <> 'dry_run_session' OR (run_id IS NOT NULL AND config_hash IS NOT NULL AND started_at_ms IS NOT NULL
    AND ended_at_ms IS NOT NULL AND ended_at_ms >= started_at_ms AND hours IS NOT NULL AND hours >= 0)),
  CHECK (kind <> 'kill_drill' OR (passed IS NOT NULL AND level IS NOT NULL AND latency_ms IS NOT NULL)),
  CHECK (kind <> 'restart_drill' OR (passed IS NOT NULL AND duplicates IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX evidence_one_session_per_run ON evidence (run_id) WHERE kind = 'dry_run_session';
CREATE INDEX evidence_by_kind ON evidence (kind, ts_ms);
CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
CREATE TRIGGER evidence_only_extends BEFORE UPDATE ON evidence
WHEN OLD.kind <> 'dry_run_session' OR NEW.kind IS NOT OLD.kind OR NEW.run_id IS NOT OLD.run_id
  OR NEW.config_hash IS NOT OLD.config_hash OR NEW.started_at_ms IS NOT OLD.started_at_ms
  OR NEW.ended_at_ms < OLD.ended_at_ms OR NEW.passed IS NOT OLD.passed OR NEW.level IS NOT OLD.level
BEGIN SELECT RAISE(ABORT, 'evidence is append-only; a dry-run session may only be extended'); END;

CREATE TABLE kill_events (
  id INTEGER PRIMARY KEY,
  level TEXT NOT NULL CHECK (level IN (${LEVELS})),
  previous_level TEXT CHECK (previous_level IS NULL OR previous_level IN (${LEVELS})),
  source TEXT NOT NULL CHECK (source IN ('api', 'cli', 'file', 'signal', 'rule', 'drill')),
  actor TEXT NOT NULL,
  reason TEXT,
  file_identity TEXT,
  ts_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX kill_events_by_file ON kill_events (file_identity) WHERE file_identity IS NOT NULL;
CREATE TRIGGER kill_events_no_update BEFORE UPDATE ON kill_events
BEGIN SELECT RAISE(ABORT, 'kill_events is append-only'); END;
CREATE TRIGGER kill_events_no_delete BEFORE DELETE ON kill_events
BEGIN SELECT RAISE(ABORT, 'kill_events is append-only'); END;
`;
