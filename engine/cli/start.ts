// `engine start` (what `npm start` runs until the session runner exists): validate config and rules, run the rule cases, print a summary.
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../config/load-config.ts';
import { type RuleCasesReport, runRuleCases } from '../gate/rule-cases.ts';
import type { RuleSet } from '../rules/rule-set.ts';
import { type CommandModule, EXIT } from './command.ts';
import { formatTestReport, relativeTo } from './test.ts';
import { runValidate } from './validate.ts';

export interface StartOptions {
  /** Engine config file; default config/engine.yaml. */
  readonly config?: string;
}

export interface StartOutput {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

function rulesByFile(ruleSet: RuleSet): string[] {
  const counts = new Map<string, number>(ruleSet.files.map((f) => [f, 0]));
  for (const rule of ruleSet.rules) counts.set(rule.source.file, (counts.get(rule.source.file) ?? 0) + 1);
  const width = Math.max(...[...counts.keys()].map((f) => basename(f).length));
  return [...counts].map(([file, n]) => `  ${basename(file).padEnd(width)}  ${n} rule${n === 1 ? '' : 's'}`);
}

function summary(mode: string, configFile: string, rulesDir: string, report: RuleCasesReport): string {
  const rs = report.ruleSet!;
  const coverage = report.uncovered.length === 0 ? 'every rule fired by a case' : `warning: no case fires ${report.uncovered.join(', ')}`;
  return [
    `Tradegate: ${mode} mode, config ${configFile}`,
    `rule set ${rs.version} from ${rulesDir}/: ${rs.rules.length} rules in ${rs.files.length} files`,
    ...rulesByFile(rs),
    `cases: ${report.passed} passed, ${report.failed} failed in ${report.files.length} files; ${coverage}`,
    'ready: config and rules are valid and every rule case passes.',
    'The session runner is not built yet, so start stops here; nothing traded.',
    '',
  ].join('\n');
}

/**
 * Validates exactly as `engine validate` does (the same function), then runs the rule cases of the
 * configured rules folder with the configured evaluator. Any problem or failing case means no start.
 */
export async function runStart(o: StartOptions, cwd: string = process.cwd()): Promise<StartOutput> {
  const configFile = o.config ?? DEFAULT_CONFIG_PATH;
  const validated = await runValidate({ config: configFile, format: 'text' }, cwd);
  const refuse = (detail: string): StartOutput => ({ exitCode: EXIT.problems, stdout: '', stderr: `${detail}not started: fix the problems above and run again.\n` });
  if (validated.exitCode !== EXIT.ok) return refuse(validated.stdout + validated.stderr);
  const loaded = await loadConfig(resolve(cwd, configFile));
  // runValidate has just accepted this file; a change in between is still refused rather than assumed.
  if (!loaded.ok) return refuse('the config changed while starting\n');
  const { config } = loaded;
  const report = await runRuleCases(resolve(cwd, config.rules_dir), { evaluator: config.evaluator });
  const rel = relativeTo(cwd);
  if (!report.ok) return refuse(formatTestReport(report, { format: 'text', evaluator: config.evaluator }, rel, true));
  return { exitCode: EXIT.ok, stdout: summary(config.mode, rel(resolve(cwd, configFile)), rel(resolve(cwd, config.rules_dir)), report), stderr: '' };
}

export const startCommand: CommandModule = {
  register(program: Command): void {
    program
      .command('start')
      .description('What `npm start` runs for now: validate the config and rules, run every rule case, print a summary. Exit 0 ready, 1 problems, 2 usage error.')
      .option('--config <file>', `engine config file (default: ${DEFAULT_CONFIG_PATH})`)
      .action(async (opts: StartOptions) => {
        const out = await runStart(opts);
        process.stdout.write(out.stdout);
        process.stderr.write(out.stderr);
        process.exitCode = out.exitCode;
      });
  },
};
