// Specs for `engine validate`, run as the real CLI in a child process against temporary folders: output, paths, exit codes.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ruleText, tempFolder } from '../../helpers/operator-fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const MAIN = join(ROOT, 'engine', 'cli', 'main.ts');
const DEFAULT_CONFIG = readFileSync(join(ROOT, 'config', 'engine.yaml'), 'utf8');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function engine(cwd: string, ...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [TSX, MAIN, 'validate', ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A project folder: config/engine.yaml (the shipped default unless given) and rules/ with `rules`. */
function project(rules: Record<string, string | Uint8Array>, config: string | null = DEFAULT_CONFIG): string {
  const made = tempFolder();
  cleanups.push(made.cleanup);
  mkdirSync(join(made.dir, 'rules'));
  for (const [name, text] of Object.entries(rules)) writeFileSync(join(made.dir, 'rules', name), text);
  if (config !== null) {
    mkdirSync(join(made.dir, 'config'));
    writeFileSync(join(made.dir, 'config', 'engine.yaml'), config);
  }
  return made.dir;
}

function noStackTrace(run: Run): void {
  expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

describe('engine validate', () => {
  it('exits 0 and says what it checked when config and rules are valid', async () => {
    const run = await engine(project({ 'limits.yaml': ruleText() }));
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^valid: config config\/engine\.yaml; 1 rules in 1 files, version rs-[0-9a-f]{12}\n0 problems\n$/);
  });

  it('lists every problem as path:line:col  CODE  message with paths relative to the working folder, then a count', async () => {
    const dir = project({
      'a.yaml': ruleText().replace('applies_to:', 'applies_too:'),
      'b.yaml': ruleText({ id: 'other', fact: 'position.after_fill_notional', message: 'over {{max_usd}}' }),
    });
    const run = await engine(dir);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')).toEqual([
      expect.stringMatching(/^rules\/a\.yaml:5:5 {2}SCHEMA_UNKNOWN_KEY {2}rule max-position-usd: unknown key "applies_too"; did you mean "applies_to"\?/),
      'rules/b.yaml:9:17  RULE_UNKNOWN_FACT  rule other: unknown fact "position.after_fill_notional"; did you mean "position.after_fill_notional_usd"? (`engine facts` lists them all)',
      '2 problems in 2 files',
      '',
    ]);
    noStackTrace(run);
  });

  it('prints JSON with every field of every problem under --format json', async () => {
    const dir = project({ 'a.yaml': ruleText({ operator: 'lessthan' }), 'b.yaml': '- not a map\n' });
    const run = await engine(dir, '--format', 'json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { ok: boolean; problems: Record<string, unknown>[] };
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      {
        file: 'rules/a.yaml',
        line: 10,
        col: 21,
        code: 'RULE_UNKNOWN_OPERATOR',
        ruleId: 'max-position-usd',
        pointer: '/rules/0/when/all/0/operator',
        message: expect.stringContaining('did you mean "lessThan"?'),
      },
      { file: 'rules/b.yaml', line: 1, col: 1, code: 'SCHEMA_TYPE', ruleId: null, pointer: '/', message: 'the file must be a map, got a list (["not a map"])' },
    ]);
  });

  it('prints ok JSON with the rule set it validated', async () => {
    const run = await engine(project({ 'a.yaml': ruleText() }), '--format', 'json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, problems: [], config: 'config/engine.yaml', rules: { dir: 'rules', count: 1, files: ['rules/a.yaml'] } });
  });

  it('reports config and rule problems together in one pass', async () => {
    const dir = project({ 'a.yaml': ruleText({ action: 'rejct' }) }, DEFAULT_CONFIG.replace('evaluator: compiled', 'evaluator: compiledd'));
    const run = await engine(dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^config\/engine\.yaml:\d+:12 {2}SCHEMA_ENUM {2}evaluator is "compiledd", expected one of: compiled, json-rules-engine; did you mean "compiled"\?\n/);
    expect(run.stdout).toContain('rules/a.yaml:6:13  SCHEMA_ENUM');
    expect(run.stdout).toContain('2 problems in 2 files');
  });

  it('takes the rules folder from the config, and --rules over it', async () => {
    const dir = project({ 'a.yaml': ruleText() }, DEFAULT_CONFIG.replace('rules_dir: rules', 'rules_dir: elsewhere'));
    const fromConfig = await engine(dir);
    expect(fromConfig.code).toBe(1);
    expect(fromConfig.stdout).toContain('elsewhere:1:1  RULES_DIR_NOT_FOUND');
    const overridden = await engine(dir, '--rules', 'rules');
    expect(overridden.code).toBe(0);
  });

  it('reads the config named by --config', async () => {
    const dir = project({ 'a.yaml': ruleText() }, null);
    writeFileSync(join(dir, 'live.yaml'), DEFAULT_CONFIG.replace('mode: paper', 'mode: life'));
    const run = await engine(dir, '--config', 'live.yaml');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^live\.yaml:\d+:7 {2}SCHEMA_ENUM {2}mode is "life"/);
  });

  it('loads every configured plugin and checks its settings, reporting each problem at its line in the config', async () => {
    const config = DEFAULT_CONFIG.replace('participation: 0.1', 'participation: 3').replace('- name: vwap-reversion', '- name: vwap-reversal');
    const run = await engine(project({ 'a.yaml': ruleText() }, config), '--format', 'json');
    expect(run.code).toBe(1);
    const problems = (JSON.parse(run.stdout) as { problems: { code: string; file: string; line: number; message: string }[] }).problems;
    const line = (needle: string) => config.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(problems.map((p) => p.code)).toEqual(['CONFIG_INVALID', 'PLUGIN_CONFIG_INVALID', 'PLUGIN_NOT_FOUND']);
    expect(problems[0]).toMatchObject({ file: 'config/engine.yaml', line: line('- name: vwap-reversal'), message: expect.stringContaining('not in scope.strategies') });
    expect(problems[1]).toMatchObject({ file: 'config/engine.yaml', line: line('participation: 3') });
    expect(problems[2]!.message).toContain("no strategy plugin 'vwap-reversal'");
    expect(problems[2]!.message).toContain('did you mean');
  });

  it('validates only the rules when given --rules and no config exists', async () => {
    const run = await engine(project({ 'a.yaml': ruleText() }, null), '--rules', 'rules');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('valid: no config file; 1 rules in 1 files');
  });

  it('reports a missing default config and a rules folder that does not exist, without a stack trace', async () => {
    const made = tempFolder();
    cleanups.push(made.cleanup);
    const run = await engine(made.dir);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')).toEqual([
      'config/engine.yaml:1:1  FILE_UNREADABLE  cannot read the file: no such file',
      `rules:1:1  RULES_DIR_NOT_FOUND  the rules folder ${join(made.dir, 'rules')} does not exist`,
      '2 problems in 2 files',
      '',
    ]);
    noStackTrace(run);
  });

  it('reports hostile files as problems, never a stack trace', async () => {
    const dir = project({
      'bomb.yaml': 'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
      'garbage.yaml': Uint8Array.from({ length: 1024 }, (_, i) => (i * 131) % 256),
      'huge.yaml': 'x'.repeat(10 * 1024 * 1024),
    });
    const run = await engine(dir);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n').map((l) => l.split('  ')[1])).toEqual(['YAML_ALIAS_LIMIT', 'FILE_NOT_TEXT', 'FILE_TOO_LARGE', undefined, undefined]);
    noStackTrace(run);
  });

  it('exits 2 on an unknown option or a bad --format', async () => {
    const dir = project({ 'a.yaml': ruleText() });
    const unknown = await engine(dir, '--rulez', 'rules');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--rulez'");
    const format = await engine(dir, '--format', 'xml');
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('Allowed choices are text, json');
  });

  it('shows its options under --help and exits 0', async () => {
    const run = await engine(project({}), '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: engine validate [options]');
    for (const option of ['--rules <dir>', '--config <file>', '--format <format>']) expect(run.stdout).toContain(option);
  });
});
