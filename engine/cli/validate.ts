// `engine validate`: checks the engine config, its plugins and every rule file, listing every problem as file:line:col  CODE  message.
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../config/load-config.ts';
import { configConsistencyProblems, pluginRefs, REPOSITORY_PLUGINS } from '../config/plugin-refs.ts';
import { formatProblem, type Problem } from '../errors.ts';
import { validatePlugins } from '../plugins/load-plugins.ts';
import { loadRuleSet } from '../rules/load-rules.ts';
import type { RuleSet } from '../rules/rule-set.ts';
import { type CommandModule, EXIT } from './command.ts';
import { appendGoLive } from './validate-live.ts';

export interface ValidateOptions {
  /** Rules folder; default: `rules_dir` of the config. */
  readonly rules?: string;
  /** Engine config file; default: config/engine.yaml when it exists. */
  readonly config?: string;
  readonly format: 'text' | 'json';
  /** Also judge the go/no-go gate (prelive rules) against the recorded evidence. */
  readonly live?: boolean;
  readonly evidenceDir?: string;
}

export interface ValidateOutput {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface Findings {
  readonly problems: readonly Problem[];
  readonly configFile: string | undefined;
  readonly rulesDir: string;
  readonly ruleSet: RuleSet | undefined;
}

/** Which config to read: the one asked for, else the default if present; with only --rules, none is required. */
function configToRead(o: ValidateOptions, cwd: string): string | undefined {
  if (o.config !== undefined) return o.config;
  if (existsSync(resolve(cwd, DEFAULT_CONFIG_PATH)) || o.rules === undefined) return DEFAULT_CONFIG_PATH;
  return undefined;
}

async function findProblems(o: ValidateOptions, cwd: string): Promise<Findings> {
  const problems: Problem[] = [];
  const configFile = configToRead(o, cwd);
  let rulesDir = o.rules;
  if (configFile !== undefined) {
    const loaded = await loadConfig(resolve(cwd, configFile));
    problems.push(...loaded.problems);
    if (loaded.ok) {
      rulesDir ??= loaded.config.rules_dir;
      // Every configured plugin is imported and its settings checked, so a session never fails on one at start.
      problems.push(...configConsistencyProblems(loaded.config, loaded));
      problems.push(...(await validatePlugins(pluginRefs(loaded.config, loaded), REPOSITORY_PLUGINS)));
    }
  }
  rulesDir ??= 'rules';
  const rules = await loadRuleSet(resolve(cwd, rulesDir));
  problems.push(...rules.problems);
  return { problems, configFile, rulesDir, ruleSet: rules.ok ? rules.ruleSet : undefined };
}

function relativeTo(cwd: string): (file: string) => string {
  return (file) => relative(cwd, resolve(cwd, file)) || '.';
}

function textReport(f: Findings, shown: readonly Problem[]): string {
  const lines = shown.map(formatProblem);
  if (shown.length > 0) {
    const files = new Set(shown.map((p) => p.file)).size;
    lines.push(`${shown.length} problem${shown.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`);
    return `${lines.join('\n')}\n`;
  }
  const rs = f.ruleSet;
  const rules = rs ? `${rs.rules.length} rules in ${rs.files.length} files, version ${rs.version}` : 'no rules';
  const config = f.configFile === undefined ? 'no config file' : `config ${f.configFile}`;
  return `valid: ${config}; ${rules}\n0 problems\n`;
}

function jsonReport(f: Findings, shown: readonly Problem[], rel: (file: string) => string): string {
  const rs = f.ruleSet;
  const report = {
    ok: shown.length === 0,
    problems: shown.map((p) => ({ file: p.file, line: p.line, col: p.col, code: p.code, ruleId: p.ruleId ?? null, pointer: p.pointer, message: p.message })),
    config: f.configFile === undefined ? null : rel(f.configFile),
    rules: rs ? { dir: rel(f.rulesDir), version: rs.version, count: rs.rules.length, files: rs.files.map(rel) } : null,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The whole command without the process: read, check, format. `cwd` anchors relative paths in and out. */
export async function runValidate(o: ValidateOptions, cwd: string = process.cwd()): Promise<ValidateOutput> {
  const findings = await findProblems(o, cwd);
  const rel = relativeTo(cwd);
  const shown = findings.problems.map((p) => ({ ...p, file: rel(p.file) }));
  const stdout = o.format === 'json' ? jsonReport(findings, shown, rel) : textReport(findings, shown);
  const out = { exitCode: shown.length === 0 ? EXIT.ok : EXIT.problems, stdout, stderr: '' };
  return o.live ? appendGoLive(out, o, findings.configFile, findings.ruleSet, cwd) : out;
}

export const validateCommand: CommandModule = {
  register(program: Command): void {
    program
      .command('validate')
      .description('Validate the engine config, load every configured plugin and check its settings, validate every rule file (schema and semantics); list every problem. Exit 0 valid, 1 problems, 2 usage error.')
      .option('--rules <dir>', 'rules folder (default: rules_dir of the config, else rules)')
      .option('--config <file>', `engine config file (default: ${DEFAULT_CONFIG_PATH})`)
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
      .option('--live', 'also evaluate the go/no-go gate (prelive rules) against the recorded evidence and print its checklist; exit 1 if any gate fails')
      .option('--evidence-dir <dir>', 'with --live: data directory of the dry-run and paper ledgers holding the evidence (default: data_dir of the config)')
      .action(async (opts: ValidateOptions) => {
        const out = await runValidate(opts);
        process.stdout.write(out.stdout);
        process.stderr.write(out.stderr);
        process.exitCode = out.exitCode;
      });
  },
};
