// `engine start` (what `npm start` runs): check config, plugins and rules, run every rule case, then a paper session on the shipped data at full speed.
import { basename, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../config/load-config.ts';
import { type RuleCasesReport, runRuleCases } from '../gate/rule-cases.ts';
import type { RuleSet } from '../rules/rule-set.ts';
import { type CommandModule, EXIT } from './command.ts';
import { executeSession } from './session-cli.ts';
import { formatTestReport, relativeTo } from './test.ts';
import { runValidate } from './validate.ts';

export interface StartOptions {
  /** Engine config file; default config/engine.yaml. */
  readonly config?: string;
  readonly output?: 'auto' | 'text' | 'json';
}

export interface PreflightOutput {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The preflight as one JSON record, for JSON output. */
  readonly record?: Readonly<Record<string, unknown>>;
}

function rulesByFile(ruleSet: RuleSet): string[] {
  const counts = new Map<string, number>(ruleSet.files.map((f) => [f, 0]));
  for (const rule of ruleSet.rules) counts.set(rule.source.file, (counts.get(rule.source.file) ?? 0) + 1);
  const width = Math.max(...[...counts.keys()].map((f) => basename(f).length));
  return [...counts].map(([file, n]) => `  ${basename(file).padEnd(width)}  ${n} rule${n === 1 ? '' : 's'}`);
}

function summary(configFile: string, rulesDir: string, report: RuleCasesReport): string {
  const rs = report.ruleSet!;
  const coverage = report.uncovered.length === 0 ? 'every rule fired by a case' : `warning: no case fires ${report.uncovered.join(', ')}`;
  return [
    `Tradegate: paper session, config ${configFile}`,
    `rule set ${rs.version} from ${rulesDir}/: ${rs.rules.length} rules in ${rs.files.length} files`,
    ...rulesByFile(rs),
    `cases: ${report.passed} passed, ${report.failed} failed in ${report.files.length} files; ${coverage}`,
    'ready: config, plugins and rules are valid and every rule case passes.',
    '',
  ].join('\n');
}

/**
 * Validates exactly as `engine validate` does (the same function: config, plugins, rules), then runs
 * the rule cases of the configured rules folder with the configured evaluator. Any problem or failing
 * case means no start: the go/no-go an operator would run by hand, run every time.
 */
export async function startPreflight(o: StartOptions, cwd: string = process.cwd()): Promise<PreflightOutput> {
  const configFile = o.config ?? DEFAULT_CONFIG_PATH;
  const validated = await runValidate({ config: configFile, format: 'text' }, cwd);
  const refuse = (detail: string): PreflightOutput => ({ exitCode: EXIT.problems, stdout: '', stderr: `${detail}not started: fix the problems above and run again.\n` });
  if (validated.exitCode !== EXIT.ok) return refuse(validated.stdout + validated.stderr);
  const loaded = await loadConfig(resolve(cwd, configFile));
  // runValidate has just accepted this file; a change in between is still refused rather than assumed.
  if (!loaded.ok) return refuse('the config changed while starting\n');
  const { config } = loaded;
  const report = await runRuleCases(resolve(cwd, config.rules_dir), { evaluator: config.evaluator });
  const rel = relativeTo(cwd);
  if (!report.ok) return refuse(formatTestReport(report, { format: 'text', evaluator: config.evaluator }, rel, true));
  const record = { event: 'start.preflight', config: rel(resolve(cwd, configFile)), rule_set: report.ruleSet!.version, rules: report.ruleSet!.rules.length, cases_passed: report.passed };
  return { exitCode: EXIT.ok, stdout: summary(rel(resolve(cwd, configFile)), rel(resolve(cwd, config.rules_dir)), report), stderr: '', record };
}

export const startCommand: CommandModule = {
  register(program: Command): void {
    program
      .command('start')
      .description(
        'What `npm start` runs: validate config, plugins and rules, run every rule case, then a paper session on the configured (shipped) market data as fast as possible, ' +
          'its books and files in a fresh run directory. Exit 0 done, 1 problems, 2 usage error.',
      )
      .option('--config <file>', `engine config file (default: ${DEFAULT_CONFIG_PATH})`)
      .addOption(new Option('--output <kind>', 'auto: progress and a readable summary on a terminal, JSON logs otherwise').choices(['auto', 'text', 'json']).default('auto'))
      .action(async (opts: StartOptions) => {
        const io = { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr };
        const text = opts.output === 'text' || (opts.output !== 'json' && process.stdout.isTTY === true);
        const pre = await startPreflight(opts);
        process.stderr.write(pre.stderr);
        if (pre.exitCode !== EXIT.ok) {
          process.exitCode = pre.exitCode;
          return;
        }
        process.stdout.write(text ? pre.stdout : `${JSON.stringify(pre.record)}\n`);
        const flags = { mode: 'paper' as const, speed: 'max' as const, output: opts.output ?? 'auto', ...(opts.config ? { config: opts.config } : {}) };
        process.exitCode = await executeSession(flags, io, { selfContained: true });
      });
  },
};
