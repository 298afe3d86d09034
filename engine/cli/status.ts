// `engine status`: the ledger's view (engine process, kill level, breaker, controls, open orders and positions, last run) and, if it answers, /health.
import { existsSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { systemClock } from '../clock.ts';
import { ledgerFileFor } from '../ledger/database.ts';
import { openLedger } from '../ledger/ledger.ts';
import { ControlsService } from '../runtime/controls.ts';
import { type LedgerStatus, ledgerProblems, readLedgerStatus } from '../runtime/ledger-status.ts';
import { type CommandModule, EXIT } from './command.ts';
import { errorOutput, resolveTarget, type TargetFlags, targetOptions } from './ledger-target.ts';

export const DEFAULT_STATUS_URL = 'http://127.0.0.1:8787';
const HEALTH_TIMEOUT_MS = 2_000;

export interface StatusOptions extends TargetFlags {
  readonly url?: string;
  readonly format?: 'text' | 'json';
}

export type HealthProbe =
  | { readonly answered: true; readonly url: string; readonly status: number; readonly body: Record<string, unknown> }
  | { readonly answered: false; readonly url: string; readonly error: string };

/** GET <url>/health; a server that does not answer is reported, not counted as unhealthy (it may be off on purpose). */
export async function probeHealth(base: string): Promise<HealthProbe> {
  const url = `${base.replace(/\/+$/, '')}/health`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS), headers: { accept: 'application/json' } });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    return { answered: true, url, status: response.status, body };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { answered: false, url, error: cause?.code ?? cause?.message ?? (error as Error).message };
  }
}

function healthProblems(h: HealthProbe): string[] {
  if (!h.answered || h.status === 200) return [];
  const reasons = Array.isArray(h.body['reasons']) ? (h.body['reasons'] as unknown[]).map(String) : [];
  return [`/health answered ${h.status}${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`];
}

const iso = (ms: number | null): string => (ms === null ? '?' : new Date(ms).toISOString());

function engineLine(s: LedgerStatus): string {
  const h = s.engine.holder;
  if (s.engine.running && h) return `running: pid ${h.pid} on ${h.host}, started ${h.startedAt}`;
  return h ? `not running (last holder pid ${h.pid} is gone)` : 'not running';
}

function killLine(s: LedgerStatus): string {
  const k = s.kill;
  const why = k.lastEvent ? `; last trigger ${k.lastEvent.source} ${k.lastEvent.actor}: ${k.lastEvent.reason ?? ''}` : '';
  const by = k.setBy ? ` (set by ${k.setBy} at ${iso(k.setAtMs)}${why})` : '';
  const file = k.file ? `\n              kill file ${k.file.path} present: ${k.file.level} (${k.file.reason})` : '';
  return `${k.level}${by}${file}`;
}

function textStatus(s: LedgerStatus, health: HealthProbe | null, problems: readonly string[]): string {
  const b = s.breaker;
  const run = s.lastRun;
  const lines = [
    `tradegate ${s.mode}: ${s.ledgerPath}`,
    `  engine      ${engineLine(s)}`,
    `  kill level  ${killLine(s)}`,
    `  breaker     ${b.tripped ? `TRIPPED: ${b.reason ?? '?'} (by ${b.trippedBy ?? '?'} at ${iso(b.trippedAtMs)}); reset with: engine breaker reset` : 'ok'}`,
    `  controls    ${s.controlsProblems.length > 0 ? `INVALID (running paused): ${s.controlsProblems.join('; ')}` : `ok; instruments ${s.controls.allowedInstruments.join(', ') || '(default scope)'}`}`,
    `  orders      ${s.openOrders.length} open${s.openOrders.map((o) => `\n                ${o.clientOrderId} ${o.state} ${o.instrument} ${o.side} ${o.filledQty}/${o.qty}`).join('')}`,
    `  positions   ${s.positions.length} open${s.positions.map((p) => `\n                ${p.instrument} ${p.leg} ${p.qty} @ ${p.entryPrice.toFixed(2)}`).join('')}`,
    `  last run    ${run ? `${run.runId}, started ${iso(run.startedAtMs)}, ${run.endedAtMs === null ? 'not ended' : `ended ${iso(run.endedAtMs)}`}` : 'none'}`,
    `  health      ${health === null ? 'not asked' : health.answered ? `${health.url}: ${health.status} ${String(health.body['status'] ?? '')}` : `${health.url}: not answering (${health.error})`}`,
    problems.length === 0 ? 'status: HEALTHY' : `status: UNHEALTHY\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  ];
  return `${lines.join('\n')}\n`;
}

export async function runStatus(o: StatusOptions, cwd: string = process.cwd()): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  try {
    const target = await resolveTarget(o, cwd);
    const file = ledgerFileFor(target.dataDir, target.mode);
    if (!existsSync(file)) {
      return { exitCode: EXIT.problems, stdout: '', stderr: `no ${target.mode} ledger in ${target.dataDir} (${file}): the engine has not run there\n` };
    }
    // Read-only: status is what an operator runs beside a session, which must never wait for it.
    const ledger = openLedger({ dataDir: target.dataDir, mode: target.mode, clock: systemClock, readOnly: true });
    let status: LedgerStatus;
    try {
      const scope = target.config?.scope;
      const controls = new ControlsService({
        repository: ledger.controls, transaction: (fn) => ledger.transaction(fn), clock: systemClock,
        defaults: { killLevel: 'none', tradingMode: target.mode, maxPositionUsd: null, maxSessionLossUsd: null, allowedInstruments: scope?.instruments ?? [], allowedStrategies: scope?.strategies ?? [] },
      });
      status = readLedgerStatus(ledger, controls, target.dataDir);
    } finally {
      ledger.close();
    }
    const health = await probeHealth(o.url ?? DEFAULT_STATUS_URL);
    const problems = [...ledgerProblems(status), ...healthProblems(health)];
    const exitCode = problems.length === 0 ? EXIT.ok : EXIT.problems;
    const stdout = o.format === 'json' ? `${JSON.stringify({ healthy: problems.length === 0, problems, ...status, health }, null, 2)}\n` : textStatus(status, health, problems);
    return { exitCode, stdout, stderr: '' };
  } catch (error) {
    return errorOutput(error);
  }
}

export const statusCommand: CommandModule = {
  register(program: Command): void {
    const command = program
      .command('status')
      .description('Show one ledger\'s state (engine process, kill level and why, breaker, controls, open orders and positions, last run) and the running engine\'s /health if it answers. Exit 0 healthy, 1 unhealthy or breaker tripped, 2 usage error.');
    targetOptions(command)
      .option('--url <url>', `base URL of the engine's HTTP server (default: ${DEFAULT_STATUS_URL})`)
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
      .action(async (opts: StatusOptions) => {
        const out = await runStatus(opts);
        process.stdout.write(out.stdout);
        process.stderr.write(out.stderr);
        process.exitCode = out.exitCode;
      });
  },
};
