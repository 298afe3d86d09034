// `engine test [DIR]`: runs every rule test case (*.test.yaml) against the rules beside it and prints each result.
import { relative, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { formatProblem } from '../errors.ts';
import { type RuleCaseResult, type RuleCasesReport, runRuleCases } from '../gate/rule-cases.ts';
import { EVALUATOR_NAMES, type EvaluatorName } from '../rules/evaluator.ts';
import { type CommandModule, EXIT } from './command.ts';

export interface TestOptions {
  readonly format: 'text' | 'json';
  readonly evaluator: EvaluatorName;
  /** Fail when an enabled rule is fired by no passing case. */
  readonly requireCoverage?: boolean;
}

export interface TestOutput {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const DEFAULT_RULES_DIR = 'rules';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function caseLines(r: RuleCaseResult, rel: (f: string) => string): string[] {
  if (r.passed) return [`  ✓ ${r.name}`];
  return [`  ✗ ${r.name}`, `      at ${rel(r.file)}:${r.line}:${r.col}`, ...r.mismatches.map((m) => `      ${m}`)];
}

/**
 * Cases grouped under their file, then problems, uncovered rules and the closing count. With
 * `failuresOnly`, passing cases are left out (for summaries such as `engine start`).
 */
export function formatTestReport(report: RuleCasesReport, o: TestOptions, rel: (f: string) => string, failuresOnly = false): string {
  const lines: string[] = [];
  if (report.ruleSet) lines.push(`rule set ${report.ruleSet.version}: ${plural(report.ruleSet.rules.length, 'rule')}, evaluator ${o.evaluator}`);
  let file: string | undefined;
  for (const r of report.results) {
    if (failuresOnly && r.passed) continue;
    if (r.file !== file) {
      file = r.file;
      lines.push('', rel(file));
    }
    lines.push(...caseLines(r, rel));
  }
  if (report.problems.length > 0) {
    lines.push('', `${plural(report.problems.length, 'problem')}:`);
    lines.push(...report.problems.map((p) => `  ${formatProblem({ ...p, file: rel(p.file) })}`));
  }
  if (report.uncovered.length > 0) {
    const label = o.requireCoverage ? 'error' : 'warning';
    lines.push('', `${label}: no passing case fires ${plural(report.uncovered.length, 'rule')}: ${report.uncovered.join(', ')}`);
  }
  lines.push('', `${report.passed} passed, ${report.failed} failed`);
  return `${lines.join('\n')}\n`;
}

function jsonReport(report: RuleCasesReport, ok: boolean, rel: (f: string) => string): string {
  const out = {
    ok,
    ruleSetVersion: report.ruleSet?.version ?? null,
    files: report.files.map(rel),
    passed: report.passed,
    failed: report.failed,
    uncovered: report.uncovered,
    problems: report.problems.map((p) => ({ file: rel(p.file), line: p.line, col: p.col, code: p.code, ruleId: p.ruleId ?? null, pointer: p.pointer, message: p.message })),
    cases: report.results.map((r) => ({
      name: r.name,
      file: rel(r.file),
      line: r.line,
      col: r.col,
      passed: r.passed,
      expected: r.expected,
      got: r.got,
      mismatches: r.mismatches,
    })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** Paths as the operator typed them: relative to the working folder. */
export function relativeTo(cwd: string): (file: string) => string {
  return (file) => relative(cwd, resolve(cwd, file)) || '.';
}

/** The whole command without the process: run, format, pick the exit code. `cwd` anchors relative paths. */
export async function runTest(dir: string | undefined, o: TestOptions, cwd: string = process.cwd()): Promise<TestOutput> {
  const report = await runRuleCases(resolve(cwd, dir ?? DEFAULT_RULES_DIR), { evaluator: o.evaluator });
  const ok = report.ok && !(o.requireCoverage && report.uncovered.length > 0);
  const rel = relativeTo(cwd);
  const stdout = o.format === 'json' ? jsonReport(report, ok, rel) : formatTestReport(report, o, rel);
  return { exitCode: ok ? EXIT.ok : EXIT.problems, stdout, stderr: '' };
}

export const testCommand: CommandModule = {
  register(program: Command): void {
    program
      .command('test')
      .description('Run every rule test case (*.test.yaml) against the rules in DIR. Exit 0 all pass, 1 a case failed or a problem, 2 usage error.')
      .argument('[dir]', 'rules folder holding the rule files and their *.test.yaml cases', DEFAULT_RULES_DIR)
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
      .addOption(new Option('--evaluator <name>', 'compiled (the default hot path) or json-rules-engine (the reference semantics)').choices([...EVALUATOR_NAMES]).default('compiled'))
      .option('--require-coverage', 'also fail when an enabled rule is fired by no passing case')
      .action(async (dir: string, opts: TestOptions) => {
        const out = await runTest(dir, opts);
        process.stdout.write(out.stdout);
        process.stderr.write(out.stderr);
        process.exitCode = out.exitCode;
      });
  },
};
