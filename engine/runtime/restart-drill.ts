// The restart drill: a rehearsal session killed hard (SIGKILL) mid-run, resumed on the same books, then judged by `engine report`: nothing sent twice, nothing lost.
import { type DrillSetup, bookOf, makeScratch, recordRestartEvidence, type Scratch, startDrillSession, stderrTail, stopProcess, until } from './drills.ts';
import { type EngineProcess, runEngineCommand } from './engine-process.ts';

/** Simulated seconds of the rehearsal run: at the default speed, about 36 s of wall time for both halves. */
export const DEFAULT_RESTART_DURATION_S = 6 * 3600;
/** Orders the first process must have sent before it is killed, so the restart has something to repeat. */
export const ORDERS_BEFORE_KILL = 2;

export interface RestartDrillResult {
  readonly passed: boolean;
  /** Orders the venue received more than once for one client order id (0 to pass); null when unknown. */
  readonly duplicates: number | null;
  readonly runId: string | null;
  readonly reasons: readonly string[];
  readonly details: Readonly<Record<string, unknown>>;
  readonly evidenceId: number;
}

/** The counts `engine report --format json` prints that the drill judges by. */
interface ReportCounts {
  readonly venue_orders_received: number | null;
  readonly venue_distinct_client_order_ids: number | null;
  readonly venue_fills: number | null;
  readonly ledger_orders: number;
  readonly ledger_fills: number;
  readonly total_orders: number;
}

async function firstHalf(setup: DrillSetup, scratch: Scratch, durationS: number, reasons: string[], details: Record<string, unknown>): Promise<string | null> {
  const first = startDrillSession(setup, scratch, ['--duration', String(durationS)]);
  try {
    const started = await first.waitFor((r) => r['event'] === 'session.started', setup.limits.startMs);
    if (!started) {
      reasons.push(`the rehearsal session did not start${stderrTail(first)}`);
      return null;
    }
    const runId = typeof started.record['run_id'] === 'string' ? started.record['run_id'] : null;
    setup.progress?.(`restart drill: session ${runId} started; killing it after ${ORDERS_BEFORE_KILL} orders`);
    await until(() => (bookOf(setup, scratch)?.orders ?? 0) >= ORDERS_BEFORE_KILL, setup.limits.armMs, first);
    details['book_at_kill'] = bookOf(setup, scratch);
    if (first.done()) reasons.push(`the session ended before it could be killed${stderrTail(first)}`);
    else if ((bookOf(setup, scratch)?.orders ?? 0) === 0) reasons.push(`no order was sent within ${setup.limits.armMs} ms: the restart would test nothing (use a config whose strategy trades, such as the canary)`);
    return runId;
  } finally {
    // SIGKILL: no graceful shutdown, no summary; the books are as the crash left them.
    const exit = await stopProcess(first, setup.limits.exitMs, 'SIGKILL');
    details['killed'] = exit.signal === 'SIGKILL';
  }
}

async function secondHalf(setup: DrillSetup, scratch: Scratch, reasons: string[], details: Record<string, unknown>): Promise<void> {
  // Same run and data directories, no duration: the run resumes with the duration it started with.
  const second: EngineProcess = startDrillSession(setup, scratch);
  const resumed = await second.waitFor((r) => r['event'] === 'session.resumed' || r['event'] === 'session.started', setup.limits.startMs);
  details['resumed'] = resumed?.record['event'] === 'session.resumed';
  if (!resumed) reasons.push(`the session did not start again${stderrTail(second)}`);
  else if (resumed.record['event'] !== 'session.resumed') reasons.push('the second session started a new run instead of resuming the killed one');
  else setup.progress?.('restart drill: resumed; running to the end of the duration');
  const timer = setTimeout(() => second.kill('SIGTERM'), setup.limits.runMs);
  const exit = await stopProcess(second, setup.limits.runMs + setup.limits.exitMs);
  clearTimeout(timer);
  details['exit_code'] = exit.code;
  if (exit.code !== 0) reasons.push(`the resumed session exited with ${exit.code ?? exit.signal}${stderrTail(second)}`);
}

/** Judges by the venue's own counts: one order per client order id, and every venue fill booked. */
async function judge(setup: DrillSetup, scratch: Scratch, reasons: string[], details: Record<string, unknown>): Promise<number | null> {
  const out = await runEngineCommand(['report', '--run-dir', scratch.runDir, '--format', 'json'], setup.cwd, setup.limits.startMs);
  let report: ReportCounts;
  try {
    report = JSON.parse(out.stdout) as ReportCounts;
  } catch {
    reasons.push(`engine report exited ${out.code} without a report: ${out.stderr.trim()}`);
    return null;
  }
  const { venue_orders_received: received, venue_distinct_client_order_ids: distinct, venue_fills: venueFills, ledger_fills: ledgerFills } = report;
  details['report'] = { venue_orders_received: received, venue_distinct_client_order_ids: distinct, venue_fills: venueFills, ledger_orders: report.ledger_orders, ledger_fills: ledgerFills, total_orders: report.total_orders };
  if (received === null || distinct === null || venueFills === null) {
    reasons.push('the venue keeps no counts of what it received: duplicates cannot be ruled out');
    return null;
  }
  const duplicates = received - distinct;
  if (duplicates !== 0) reasons.push(`the venue received ${received} orders for ${distinct} client order ids: ${duplicates} submitted twice`);
  if (venueFills !== ledgerFills) reasons.push(`the venue filled ${venueFills} times, the ledger booked ${ledgerFills} fills`);
  return duplicates;
}

/** Kill hard, resume, judge, record. */
export async function runRestartDrill(setup: DrillSetup, durationS: number = DEFAULT_RESTART_DURATION_S): Promise<RestartDrillResult> {
  const scratch = makeScratch(setup, 'restart');
  const reasons: string[] = [];
  const details: Record<string, unknown> = { mode: setup.mode, speed: setup.speed, duration_s: durationS };
  if (setup.keep) details['scratch'] = scratch.root;
  let runId: string | null = null;
  let duplicates: number | null = null;
  try {
    runId = await firstHalf(setup, scratch, durationS, reasons, details);
    if (reasons.length === 0) await secondHalf(setup, scratch, reasons, details);
    if (runId !== null) duplicates = await judge(setup, scratch, reasons, details);
  } catch (error) {
    reasons.push(`the drill failed: ${(error as Error).message}`);
  } finally {
    scratch.remove();
  }
  details['reasons'] = reasons;
  const passed = reasons.length === 0 && duplicates === 0;
  // A drill that could not count records the failure with duplicates 0: it passed nothing, and `passed` says so.
  const evidence = recordRestartEvidence(setup, { runId, passed, duplicates: duplicates !== null && duplicates > 0 ? duplicates : 0, details });
  return { passed, duplicates, runId, reasons, details, evidenceId: evidence.id };
}
