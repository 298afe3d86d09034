// Specs of `engine explain`: the decision, every rule with the facts it read and its message, per-condition results under json-rules-engine.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { type ExplainOptions, runExplain } from '../../../engine/cli/explain.ts';
import { exampleSnapshot } from '../../../engine/rules/fact-catalog.ts';
import type { Decision } from '../../../engine/types.ts';
import { positionCapFile } from '../../helpers/rule-folder.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

// The shared position cap, plus a pause that reads two facts under `any`/`not` and a rule filtered to live mode.
const RULES = `${positionCapFile({ maxUsd: 100 })}  - id: stale-feed-pause
    description: Pauses on a stale feed.
    applies_to: [entry, tick]
    action: pause
    when:
      any:
        - fact: feed.stale
          operator: equal
          value: true
        - not:
            fact: feed.age_ms
            operator: lessThanInclusive
            value: 5000
    message: The feed is {{feed.age_ms}} ms old.
  - id: live-only-cap
    description: Only in live mode.
    applies_to: [entry]
    action: reject
    filters: { modes: [live] }
    when:
      all:
        - fact: order.quantity
          operator: greaterThan
          value: 1000
    message: Too big for live.
`;

let dir: string;
let rulesDir: string;

async function factsFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

function options(facts: string, extra: Partial<ExplainOptions> = {}): ExplainOptions {
  return { facts, rules: rulesDir, context: 'entry', evaluator: 'compiled', format: 'text', ...extra };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tradegate-explain-'));
  rulesDir = join(dir, 'rules');
  await mkdir(rulesDir);
  await writeFile(join(rulesDir, 'test-rules.yaml'), RULES);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runExplain', () => {
  const clock = new ManualClock(42);

  it('prints the decision, then every rule with the facts it read and its rendered message', async () => {
    const s = exampleSnapshot();
    s['position']!['after_fill_notional_usd'] = 150;
    const out = await runExplain(options(await factsFile('big.json', JSON.stringify(s))), clock);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toMatch(/^decision: reject\n/);
    expect(out.stdout).toContain('entry in paper mode (venue paper, instrument BTC-USD, strategy canary), evaluator compiled');
    expect(out.stdout).toContain('violations:\n  reject  max-position-usd: Position would be 150 USD; the cap is 100 USD.');
    expect(out.stdout).toContain('  FIRED  max-position-usd  (reject)\n      position.after_fill_notional_usd = 150\n      message: Position would be 150 USD; the cap is 100 USD.');
    expect(out.stdout).toContain('  pass   stale-feed-pause  (pause)\n      feed.stale = false\n      feed.age_ms = 500\n      message: The feed is 500 ms old.');
    expect(out.stdout).not.toContain('live-only-cap');
  });

  it('prints the Decision itself as JSON with --format json', async () => {
    const out = await runExplain(options(await factsFile('ok.json', JSON.stringify(exampleSnapshot())), { format: 'json', mode: 'live' }), clock);
    const decision = JSON.parse(out.stdout) as Decision;
    expect(decision).toMatchObject({ outcome: 'allow', violations: [], errors: [], evaluatedAt: 42, context: { appliesTo: 'entry', mode: 'live' } });
    expect(decision.evaluated.map((v) => v.ruleId)).toEqual(['live-only-cap', 'max-position-usd', 'stale-feed-pause']);
  });

  it('shows each condition with fact value, compared value and result under json-rules-engine', async () => {
    const s = exampleSnapshot();
    s['feed']!['age_ms'] = 9000;
    const out = await runExplain(options(await factsFile('stale.json', JSON.stringify(s)), { evaluator: 'json-rules-engine', context: 'tick' }), clock);
    expect(out.stdout).toMatch(/^decision: pause\n/);
    expect(out.stdout).toContain(
      [
        '      conditions:',
        '        any -> true',
        '          feed.stale equal true: fact false, value true -> false',
        '          not -> true',
        '            feed.age_ms lessThanInclusive 5000: fact 9000, value 5000 -> false',
      ].join('\n'),
    );
  });

  it('explains a fail-closed decision from a YAML snapshot with a NaN fact', async () => {
    const yaml = Object.entries(exampleSnapshot())
      .map(([ns, facts]) => `${ns}:\n${Object.entries(facts).map(([k, v]) => `  ${k}: ${k === 'age_ms' && ns === 'feed' ? '.nan' : JSON.stringify(v)}`).join('\n')}`)
      .join('\n');
    const out = await runExplain(options(await factsFile('nan.yaml', yaml), { evaluator: 'json-rules-engine' }), clock);
    expect(out.stdout).toMatch(/^decision: reject\n/);
    expect(out.stdout).toContain('errors:\n  FACT_NOT_FINITE  fact feed.age_ms must be a finite number, got NaN; read by stale-feed-pause');
    expect(out.stdout).toContain('  skip   stale-feed-pause  (pause)  not evaluated: see errors\n      feed.stale = false\n      feed.age_ms = NaN');
  });

  it('reports an unreadable facts file or rules folder as problems, exit 1', async () => {
    const missing = await runExplain(options(join(dir, 'nope.json')), clock);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/nope\.json:1:1 {2}FILE_UNREADABLE/);
    const noRules = await runExplain({ ...options(await factsFile('ok2.json', '{}')), rules: join(dir, 'no-rules') }, clock);
    expect(noRules.exitCode).toBe(1);
    expect(noRules.stderr).toContain('RULES_DIR_NOT_FOUND');
  });
});

describe('engine explain (the command)', () => {
  const engine = (args: string[]): Promise<{ stdout: string; stderr: string; code: number }> =>
    run(process.execPath, [join(ROOT, 'engine/cli/bin.js'), ...args], { cwd: ROOT }).then(
      (r) => ({ ...r, code: 0 }),
      (e: { stdout: string; stderr: string; code: number }) => ({ stdout: e.stdout, stderr: e.stderr, code: e.code }),
    );

  it('finds the example snapshot allowed by the shipped rules', async () => {
    const example = await engine(['facts', '--example']);
    const file = await factsFile('example.json', example.stdout);
    const out = await engine(['explain', '--facts', file]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^decision: allow\n/);
  });

  it('exits 2 on a usage error and documents its options in --help', async () => {
    const bad = await engine(['explain', '--facts', 'x.json', '--context', 'lunch']);
    expect(bad.code).toBe(2);
    const help = await engine(['explain', '--help']);
    expect(help.code).toBe(0);
    for (const option of ['--facts', '--rules', '--context', '--mode', '--evaluator', '--format']) expect(help.stdout).toContain(option);
  });
});
