// The kill-switch drill: per level, a rehearsal session in a child process, the level pulled as an operator does, its effects timed and recorded.
import { renameSync, writeFileSync } from 'node:fs';
import { entriesAllowedUnderKill, isFlat } from './book-probe.ts';
import { bookOf, type DrillSetup, makeScratch, recordKillEvidence, type Scratch, startDrillSession, stderrTail, stopProcess, until } from './drills.ts';
import { type EngineProcess, lineTimeMs, type LogLine, runEngineCommand } from './engine-process.ts';
import { KILL_DRILL_MAX_LATENCY_MS } from './go-live-evidence.ts';
import { killFilePath } from './kill-file.ts';
import { EMERGENCY_EXIT_CODE } from './kill-switch.ts';

export const KILL_DRILL_LEVELS = ['pause', 'flatten', 'emergency'] as const;
export type KillDrillLevel = (typeof KILL_DRILL_LEVELS)[number];

/** Each level by an operator's path: `engine kill` (the stored controls every engine polls) and the kill file. */
export const DRILL_TRIGGERS: Readonly<Record<KillDrillLevel, 'engine kill' | 'kill file'>> = { pause: 'engine kill', flatten: 'kill file', emergency: 'engine kill' };

export interface KillDrillResult {
  readonly level: KillDrillLevel;
  readonly passed: boolean;
  /** From the trigger to the level in force (the session's kill.level_changed line); null when it never was. */
  readonly latencyMs: number | null;
  readonly runId: string | null;
  /** Why it failed; empty when it passed. */
  readonly reasons: readonly string[];
  readonly details: Readonly<Record<string, unknown>>;
  readonly evidenceId: number;
}

interface Trial {
  readonly setup: DrillSetup;
  readonly level: KillDrillLevel;
  readonly scratch: Scratch;
  readonly child: EngineProcess;
  readonly reasons: string[];
  readonly details: Record<string, unknown>;
}

const recordTime = (r: Readonly<Record<string, unknown>>) => lineTimeMs({ record: r, receivedAtMs: Number.NaN });

/** Pulls the level the way an operator would; returns when it was pulled (wall ms) or why it could not be. */
async function pull(t: Trial): Promise<number | string> {
  const { setup, level, scratch } = t;
  if (DRILL_TRIGGERS[level] === 'kill file') {
    const path = killFilePath(scratch.dataDir);
    writeFileSync(`${path}.tmp`, `${level} kill drill\n`);
    const atMs = setup.clock.now();
    renameSync(`${path}.tmp`, path);
    return atMs;
  }
  const out = await runEngineCommand(['kill', '--level', level, '--mode', setup.mode, '--data-dir', scratch.dataDir, '--reason', 'kill drill', '--format', 'json'], setup.cwd, setup.limits.startMs);
  if (out.code !== 0) return `engine kill --level ${level} exited ${out.code}: ${out.stderr.trim()}`;
  try {
    const atMs = (JSON.parse(out.stdout) as { atMs?: unknown }).atMs;
    return typeof atMs === 'number' ? atMs : 'engine kill printed no atMs';
  } catch {
    return `engine kill printed no JSON: ${out.stdout.slice(0, 200)}`;
  }
}

/** Waits for a flat book; the ms after `sinceMs` it was first seen flat, or null. */
async function timeToFlat(t: Trial, sinceMs: number): Promise<number | null> {
  let flatAt: number | null = null;
  await until(() => {
    if (!isFlat(bookOf(t.setup, t.scratch))) return false;
    flatAt ??= t.setup.clock.now();
    return true;
  }, t.setup.limits.flatMs, t.child);
  return flatAt === null ? null : Math.max(0, flatAt - sinceMs);
}

/** Pause and flatten: entries refused from then on, a flat book after flatten; then a graceful stop. */
async function whileRunning(t: Trial, triggeredAt: number): Promise<void> {
  const { setup, level, child, details, reasons } = t;
  if (level === 'flatten') {
    const flatMs = await timeToFlat(t, triggeredAt);
    details['flat_ms'] = flatMs;
    if (flatMs === null) reasons.push(`the book was not flat within ${setup.limits.flatMs} ms of flatten`);
  }
  const refused: LogLine | null = await child.waitFor(
    (r) => r['event'] === 'order.refused' && r['intent'] === 'entry' && recordTime(r) >= triggeredAt,
    setup.limits.entryMs,
  );
  details['first_refused_entry_ms'] = refused ? Math.max(0, lineTimeMs(refused) - triggeredAt) : null;
  details['refused_by'] = refused ? refused.record['rules'] : null;
  const exit = await stopProcess(child, setup.limits.exitMs, 'SIGTERM');
  details['exit_code'] = exit.code;
  if (exit.code !== 0) reasons.push(`the session did not stop cleanly on SIGTERM (exit ${exit.code ?? exit.signal})${stderrTail(child)}`);
}

/** Emergency: the process cancels, flattens and exits with 99 by itself, leaving a flat book. */
async function emergencyStop(t: Trial, triggeredAt: number): Promise<void> {
  const { setup, child, details, reasons } = t;
  const flatMs = timeToFlat(t, triggeredAt);
  const exit = await stopProcess(child, setup.limits.exitMs);
  details['flat_ms'] = await flatMs;
  details['exit_code'] = exit.code;
  details['exit_ms'] = Math.max(0, exit.atMs - triggeredAt);
  if (exit.code !== EMERGENCY_EXIT_CODE) reasons.push(`the session exited with ${exit.code ?? exit.signal}, not ${EMERGENCY_EXIT_CODE}${stderrTail(child)}`);
  if (!isFlat(bookOf(setup, t.scratch))) reasons.push('positions or live orders were left after the emergency stop');
}

/** Start, arm, pull, measure. Returns the latency to the level in force and the session's run id. */
async function exercise(t: Trial): Promise<{ latencyMs: number | null; runId: string | null }> {
  const { setup, level, child, details, reasons } = t;
  const started = await child.waitFor((r) => r['event'] === 'session.started', setup.limits.startMs);
  if (!started) {
    reasons.push(`the rehearsal session did not start${stderrTail(child)}`);
    return { latencyMs: null, runId: null };
  }
  const runId = typeof started.record['run_id'] === 'string' ? started.record['run_id'] : null;
  setup.progress?.(`kill drill ${level}: session ${runId} started; waiting for ${setup.mode === 'paper' ? 'an open position' : 'an order'}`);
  const exposed = (b: ReturnType<typeof bookOf>) => (setup.mode === 'paper' ? (b?.openPositions ?? 0) > 0 : (b?.orders ?? 0) > 0);
  details['armed'] = await until(() => exposed(bookOf(setup, t.scratch)), setup.limits.armMs, child);
  details['book_at_trigger'] = bookOf(setup, t.scratch);
  if (child.done()) {
    reasons.push(`the session ended before the trigger${stderrTail(child)}`);
    return { latencyMs: null, runId };
  }
  const triggeredAt = await pull(t);
  if (typeof triggeredAt === 'string') {
    reasons.push(triggeredAt);
    return { latencyMs: null, runId };
  }
  setup.progress?.(`kill drill ${level}: pulled by ${DRILL_TRIGGERS[level]}`);
  const inForce = await child.waitFor((r) => r['event'] === 'kill.level_changed' && r['to'] === level, setup.limits.inForceMs);
  const latencyMs = inForce ? Math.max(0, lineTimeMs(inForce) - triggeredAt) : null;
  if (latencyMs === null && child.done()) {
    reasons.push(`the session ended before kill level ${level} was in force${stderrTail(child)}`);
    return { latencyMs, runId };
  }
  if (latencyMs === null) reasons.push(`kill level ${level} was not in force within ${setup.limits.inForceMs} ms`);
  else if (latencyMs > KILL_DRILL_MAX_LATENCY_MS) reasons.push(`kill level ${level} took ${latencyMs} ms to be in force (at most ${KILL_DRILL_MAX_LATENCY_MS})`);
  if (level === 'emergency') await emergencyStop(t, triggeredAt);
  else await whileRunning(t, triggeredAt);
  const allowed = entriesAllowedUnderKill(t.scratch.dataDir, setup.mode);
  details['entries_allowed_under_kill'] = allowed;
  if (allowed > 0) reasons.push(`${allowed} entr${allowed === 1 ? 'y was' : 'ies were'} allowed while the gate saw the kill level`);
  return { latencyMs, runId };
}

/** One level: a fresh scratch session, the level pulled and checked, the result recorded as evidence. */
export async function drillKillLevel(setup: DrillSetup, level: KillDrillLevel): Promise<KillDrillResult> {
  const scratch = makeScratch(setup, `kill-${level}`);
  const child = startDrillSession(setup, scratch);
  const details: Record<string, unknown> = { trigger: DRILL_TRIGGERS[level], mode: setup.mode, speed: setup.speed };
  if (setup.keep) details['scratch'] = scratch.root;
  const t: Trial = { setup, level, scratch, child, reasons: [], details };
  let outcome: { latencyMs: number | null; runId: string | null } = { latencyMs: null, runId: null };
  try {
    outcome = await exercise(t);
  } catch (error) {
    t.reasons.push(`the drill failed: ${(error as Error).message}`);
  } finally {
    if (!child.done()) await stopProcess(child, setup.limits.exitMs, 'SIGTERM');
    scratch.remove();
  }
  details['in_force_ms'] = outcome.latencyMs;
  details['reasons'] = t.reasons;
  const passed = t.reasons.length === 0;
  const evidence = recordKillEvidence(setup, { runId: outcome.runId, passed, level, latencyMs: outcome.latencyMs ?? setup.limits.inForceMs, details });
  return { level, passed, latencyMs: outcome.latencyMs, runId: outcome.runId, reasons: t.reasons, details, evidenceId: evidence.id };
}

/** The levels one after the other (each on its own scratch books), each recorded as it ends. */
export async function runKillDrill(setup: DrillSetup, levels: readonly KillDrillLevel[] = KILL_DRILL_LEVELS): Promise<KillDrillResult[]> {
  const results: KillDrillResult[] = [];
  for (const level of levels) results.push(await drillKillLevel(setup, level));
  return results;
}
