// `engine validate --live`: after the usual validation, the go/no-go checklist of the prelive rules against the recorded evidence.
import { relative, resolve } from 'node:path';
import { systemClock } from '../clock.ts';
import { loadConfig } from '../config/load-config.ts';
import { TradegateError } from '../errors.ts';
import type { RuleSet } from '../rules/rule-set.ts';
import { formatGoLive, type GoLiveReport, goLiveReport } from '../runtime/go-live.ts';
import { EXIT } from './command.ts';

export interface LiveOptions {
  readonly format: 'text' | 'json';
  /** Where the dry-run and paper ledgers holding the evidence are; default: data_dir of the config. */
  readonly evidenceDir?: string;
}

export interface Output {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function report(o: LiveOptions, configFile: string | undefined, ruleSet: RuleSet | undefined, cwd: string): Promise<GoLiveReport | string> {
  if (configFile === undefined) return 'no engine config to judge (pass --config)';
  const loaded = await loadConfig(resolve(cwd, configFile));
  if (!loaded.ok) return 'the engine config does not load';
  if (ruleSet === undefined) return 'the rules do not load';
  const liveDataDir = resolve(cwd, loaded.config.data_dir);
  const evidenceDir = resolve(cwd, o.evidenceDir ?? loaded.config.data_dir);
  try {
    return await goLiveReport({ config: loaded.config, ruleSet, liveDataDir, evidenceDir, clock: systemClock, evaluator: loaded.config.evaluator });
  } catch (error) {
    // An evidence ledger that cannot be read (the live file under a rehearsal name: LEDGER_LIVE_FILE_REFUSED) is a NO-GO with its code, not a crash.
    if (error instanceof TradegateError) return `${error.code}: ${error.message}`;
    throw error;
  }
}

/**
 * Adds the checklist to a validation's output. Any failed gate, or a gate that could not be judged
 * (config or rules with problems), makes the exit code 1 even when validation found nothing.
 */
export async function appendGoLive(out: Output, o: LiveOptions, configFile: string | undefined, ruleSet: RuleSet | undefined, cwd: string): Promise<Output> {
  const r = await report(o, configFile, ruleSet, cwd);
  const rel = (f: string) => relative(cwd, f) || '.';
  const exitCode = typeof r !== 'string' && r.passed ? out.exitCode : EXIT.problems;
  if (o.format === 'json') {
    const body = JSON.parse(out.stdout) as Record<string, unknown>;
    const goLive = typeof r === 'string' ? { passed: false, notEvaluated: r } : { ...r, evidenceFiles: r.evidenceFiles.map(rel) };
    return { ...out, exitCode, stdout: `${JSON.stringify({ ...body, ok: body['ok'] === true && exitCode === EXIT.ok, goLive }, null, 2)}\n` };
  }
  const text = typeof r === 'string' ? `go/no-go: NO-GO, not evaluated: ${r}\n` : formatGoLive(r, rel);
  return { ...out, exitCode, stdout: `${out.stdout}${text}` };
}
