// The end of a session: wind down (cancel, bounded wait), mark once more if anything filled, summarize from the ledger, write the run files.
import { messageOf } from '../errors.ts';
import type { MarkLookup } from '../ledger/equity.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Logger } from '../observe/logger.ts';
import { auditJsonl } from './audit-export.ts';
import { metricsCsv } from './metrics-csv.ts';
import { LIVE_ORDER_STATES } from './position-tracker.ts';
import { writeRunOutputs } from './run-files.ts';
import type { RunKey } from './run-records.ts';
import { computeRunSummary, type RunSummary } from './run-summary.ts';
import type { StopReason } from './session.ts';
import type { SessionPlan } from './session-plan.ts';
import { type WindDownDeps, type WindDownReport, windDown } from './shutdown.ts';

export interface RunResult {
  readonly runId: string;
  readonly runDir: string;
  readonly reason: StopReason | 'already_complete';
  readonly summary: RunSummary;
  readonly files: readonly string[];
  /** Candidate orders handed to the gate in this process. */
  readonly candidates: number;
  /** Market events processed in this process. */
  readonly events: number;
}

export interface FinishInput {
  readonly key: RunKey;
  readonly ledger: Ledger;
  readonly plan: SessionPlan;
  readonly logger: Logger;
  readonly reason: RunResult['reason'];
  /** The run is over (end of data, duration, emergency): its ledger row is closed. A signal leaves it resumable. */
  readonly ended: boolean;
  readonly candidates: number;
  readonly events: number;
  /** Absent for a run that was already complete: nothing to wind down. */
  readonly windDown?: WindDownDeps;
  readonly mark?: MarkLookup;
}

async function settle(input: FinishInput): Promise<WindDownReport | null> {
  const { ledger, windDown: deps, logger } = input;
  if (!deps) return null;
  const fillsBefore = ledger.fills.count();
  let report: WindDownReport;
  try {
    report = await windDown(deps);
  } catch (error) {
    // A venue that cannot answer must not cost the run its summary or its stop reason (an emergency's exit 99): say loudly what is left.
    const left = deps.orders.inStates(LIVE_ORDER_STATES).map((o) => o.clientOrderId);
    logger.error({ event: 'session.wind_down_failed', code: (error as { code?: string }).code ?? null, message: messageOf(error), orders_left_live: left }, 'the wind-down failed; orders may be left live at the venue: the next start reconciles them');
    return { requested: [], failed: [], stillLive: left, waitedMs: 0 };
  }
  if (report.stillLive.length > 0) {
    logger.warn({ event: 'session.orders_left_live', orders: report.stillLive, waited_ms: report.waitedMs }, 'orders still live after the bounded wait; the next start reconciles them');
  }
  if (input.mark && ledger.fills.count() > fillsBefore) {
    try {
      ledger.observeEquity(input.mark, { snapshot: true });
    } catch (error) {
      logger.warn({ event: 'equity.unavailable', message: (error as Error).message }, 'no final mark');
    }
  }
  return report;
}

/** Everything written is recomputed from the ledger: the files of a resumed run describe the whole run, once. */
export async function finishRun(input: FinishInput): Promise<RunResult> {
  const { key, ledger, plan, logger } = input;
  const report = await settle(input);
  const run = ledger.runs.require(key.runId);
  const summary = computeRunSummary(key, run);
  if (input.ended && run.endedAtMs === null) ledger.runs.end(key.runId, summary);
  const files = writeRunOutputs(plan.runDir, { summary, metricsCsv: metricsCsv(key, run.startEquityMicros), auditJsonl: auditJsonl(key) });
  logger.info({
    event: 'session.stopped', reason: input.reason, ended: input.ended, canceled: report?.requested ?? [], files,
    summary,
  }, `session stopped (${input.reason})`);
  return { runId: key.runId, runDir: plan.runDir, reason: input.reason, summary, files, candidates: input.candidates, events: input.events };
}
