// `engine report --run-dir DIR`: the run's summary recomputed from its ledger, with the venue's own counts beside the ledger's.
import { type Command, Option } from 'commander';
import { TradegateError } from '../errors.ts';
import { type RunReport, reportRun } from '../main.ts';
import { formatSummary } from '../runtime/format-summary.ts';
import { type CommandModule, EXIT } from './command.ts';

export interface ReportOptions {
  readonly runDir: string;
  readonly format: 'text' | 'json';
}

export interface ReportOutput {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The JSON form: exactly summary.json's keys, then the counts (a duplicate submission or a lost fill shows as a difference). */
export function reportJson(report: RunReport): Record<string, unknown> {
  return { ...report.summary, ...report.counts };
}

export async function runReport(o: ReportOptions, cwd: string = process.cwd()): Promise<ReportOutput> {
  try {
    const report = await reportRun(cwd, o.runDir);
    const stdout = o.format === 'json' ? `${JSON.stringify(reportJson(report), null, 2)}\n` : formatSummary(report.summary, report.counts);
    return { exitCode: EXIT.ok, stdout, stderr: '' };
  } catch (error) {
    if (error instanceof TradegateError) return { exitCode: EXIT.problems, stdout: '', stderr: `${error.code}: ${error.message}\n` };
    throw error;
  }
}

export const reportCommand: CommandModule = {
  register(program: Command): void {
    program
      .command('report')
      .description('Print a run\'s summary recomputed from the ledger, with the venue\'s own counts (orders received, distinct client order ids, fills) beside the ledger\'s. Exit 0 ok, 1 no such run, 2 usage error.')
      .requiredOption('--run-dir <dir>', 'the run directory (it holds run.json)')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
      .action(async (opts: ReportOptions) => {
        const out = await runReport(opts);
        process.stdout.write(out.stdout);
        process.stderr.write(out.stderr);
        process.exitCode = out.exitCode;
      });
  },
};
