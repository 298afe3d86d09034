// `engine test` as an operator runs it: a child process, its output and its exit codes.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { positionCapFile, ruleFolders } from '../../helpers/rule-folder.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const MAIN = join(ROOT, 'engine/cli/main.ts');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function engine(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

const RULES = positionCapFile({ maxUsd: 100 });

const folders = ruleFolders();
const folder = (files: Record<string, string>): Promise<string> => folders.make(files);
afterAll(() => folders.removeAll());

const caseCount = (dir: string, names: readonly string[]): number =>
  names.reduce((n, name) => n + (readFileSync(join(dir, name), 'utf8').match(/^ {2}- name:/gm)?.length ?? 0), 0);

describe('engine test', () => {
  it('runs every case of the shipped rules/ by default, prints a tick per case and exits 0', async () => {
    const run = await engine('test');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('rules/position-limits.test.yaml');
    expect(run.stdout).toContain('  ✓ max-position-usd boundary - a position of exactly 100 USD after the fill is allowed');
    expect(run.stdout).not.toContain('✗');
    const files = ['execution-quality', 'exits', 'go-live', 'kill-switch', 'loss-limits', 'market-conditions', 'order-flow', 'position-limits', 'scope'];
    const total = caseCount(join(ROOT, 'rules'), files.map((f) => `${f}.test.yaml`));
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(`${total} passed, 0 failed`);
  });

  it('shows a failing case with expected versus got and where it is, and exits 1', async () => {
    const dir = await folder({
      'limits.yaml': RULES,
      'limits.test.yaml': `cases:
  - name: 150 USD is rejected
    facts: { position: { after_fill_notional_usd: 150 } }
    expect: { outcome: reject, fired: [max-position-usd] }
  - name: wrongly expects 150 USD to pass
    facts: { position: { after_fill_notional_usd: 150 } }
    expect: { outcome: allow, fired: [] }
`,
    });
    const run = await engine('test', dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  ✓ 150 USD is rejected');
    expect(run.stdout).toContain('  ✗ wrongly expects 150 USD to pass');
    expect(run.stdout).toMatch(/at .*limits\.test\.yaml:5:5/);
    expect(run.stdout).toContain('outcome: expected allow, got reject');
    expect(run.stdout).toContain('fired: expected [], got [max-position-usd] (unexpected [max-position-usd])');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed');
  });

  it('lists a problem with file:line:col and its code, and exits 1 even when no case failed', async () => {
    const dir = await folder({
      'limits.yaml': RULES,
      'limits.test.yaml': 'cases:\n  - name: names a rule that does not exist\n    expect: { outcome: allow, fired: [no-such-rule] }\n',
    });
    const run = await engine('test', dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/limits\.test\.yaml:3:\d+ {2}RULE_CASE_UNKNOWN_RULE {2}case "names a rule that does not exist": expects rule "no-such-rule"/);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 0 failed');
  });

  it('prints a JSON report with --format json', async () => {
    const dir = await folder({
      'limits.yaml': RULES,
      'limits.test.yaml': 'cases:\n  - name: 150 USD is rejected\n    facts: { position: { after_fill_notional_usd: 150 } }\n    expect: { outcome: reject, fired: [max-position-usd] }\n',
    });
    const run = await engine('test', dir, '--format', 'json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ ok: true, passed: 1, failed: 0, uncovered: [], problems: [] });
    expect(report.cases).toEqual([
      expect.objectContaining({ name: '150 USD is rejected', line: 2, passed: true, got: { outcome: 'reject', fired: ['max-position-usd'], errors: [] } }),
    ]);
  });

  it('warns about a rule no case fires, and fails on it with --require-coverage', async () => {
    const dir = await folder({ 'limits.yaml': RULES, 'limits.test.yaml': 'cases:\n  - name: the example is allowed\n    expect: { outcome: allow, fired: [] }\n' });
    const lenient = await engine('test', dir);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain('warning: no passing case fires 1 rule: max-position-usd');
    const strict = await engine('test', dir, '--require-coverage');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('error: no passing case fires 1 rule: max-position-usd');
  });

  it('runs the shipped cases with the json-rules-engine evaluator too', async () => {
    const run = await engine('test', '--evaluator', 'json-rules-engine');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('evaluator json-rules-engine');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^\d+ passed, 0 failed$/);
  });

  it('exits 1 for a rules folder that does not exist', async () => {
    const run = await engine('test', join(tmpdir(), 'tradegate-h3-no-such-folder'));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('RULES_DIR_NOT_FOUND');
  });

  it('exits 2 on a usage error: an unknown format or a second folder', async () => {
    const format = await engine('test', '--format', 'xml');
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("argument 'xml' is invalid");
    const extra = await engine('test', 'rules', 'more-rules');
    expect(extra.code).toBe(2);
  });
});
