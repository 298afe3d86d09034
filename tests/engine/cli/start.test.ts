// `engine start` (what `npm start` runs): the preflight (config, plugins, rules, every rule case), then a paper session with a summary.
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPreflight } from '../../../engine/cli/start.ts';
import { engine } from '../../helpers/engine-child.ts';
import { positionCapFile, ruleFolders } from '../../helpers/rule-folder.ts';
import { sessionEnv } from '../../helpers/session-env.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const CONFIG = readFileSync(join(ROOT, 'config/engine.yaml'), 'utf8');

const folders = ruleFolders();
const folder = (files: Record<string, string>): Promise<string> => folders.make(files);
afterAll(() => folders.removeAll());

/** The shipped config pointed at another rules folder. */
function configFor(rulesDir: string): string {
  const text = CONFIG.replace(/^rules_dir: .*$/m, `rules_dir: ${JSON.stringify(rulesDir)}`);
  expect(text).not.toBe(CONFIG);
  return text;
}

const RULES = positionCapFile({ maxUsd: 100 });

describe('engine start', () => {
  it('checks everything, then runs a paper session over the shipped data to its end and prints the summary (child process, exit 0)', async () => {
    const env = sessionEnv();
    folders.track(env.dir);
    const config = env.config((c) => {
      (c['session'] as Record<string, unknown>)['run_dir'] = join(env.dir, 'runs');
    }, 'engine.yaml');
    const run = await engine(ROOT, ['start', '--config', config, '--output', 'text']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Tradegate: paper session, config ');
    expect(run.stdout).toMatch(/rule set rs-[0-9a-f]{12} from .*rules\/: \d+ rules in 9 files/);
    expect(run.stdout).toMatch(/ {2}position-limits\.yaml +7 rules/);
    expect(run.stdout).toMatch(/cases: \d+ passed, 0 failed in 9 files; every rule fired by a case/);
    expect(run.stdout).toMatch(/100% 2018-04-07 00:00 UTC/);
    expect(run.stdout).toContain('stopped: end of data');
    expect(run.stdout).toMatch(/run paper-\S+ \(paper\): 259,200 s of market time/);
    const [runDir] = readdirSync(join(env.dir, 'runs'));
    // Self-contained: the books live in the run directory, so `npm start` can be run again and again.
    expect(readdirSync(join(env.dir, 'runs', runDir!)).sort()).toEqual(['audit.jsonl', 'data', 'metrics.csv', 'run.json', 'summary.json']);
  }, 120_000);

  it('refuses to start when a rule case fails, showing only the failure', async () => {
    const rules = await folder({
      'limits.yaml': RULES,
      'limits.test.yaml': `cases:
  - name: 150 USD is rejected
    facts: { position: { after_fill_notional_usd: 150 } }
    expect: { outcome: reject, fired: [max-position-usd] }
  - name: wrongly expects 150 USD to pass
    facts: { position: { after_fill_notional_usd: 150 } }
    expect: { outcome: allow }
`,
    });
    const config = join(await folder({ 'engine.yaml': configFor(rules) }), 'engine.yaml');
    const out = await startPreflight({ config }, ROOT);
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('✗ wrongly expects 150 USD to pass');
    expect(out.stderr).not.toContain('✓');
    expect(out.stderr).toContain('outcome: expected allow, got reject');
    expect(out.stderr).toContain('not started');
  });

  it('refuses to start on a config problem, naming the file, line and key', async () => {
    const config = join(await folder({ 'engine.yaml': `${CONFIG}\nevaluater: compiled\n` }), 'engine.yaml');
    const out = await startPreflight({ config }, ROOT);
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toMatch(/engine\.yaml:\d+:\d+ {2}SCHEMA_UNKNOWN_KEY/);
    expect(out.stderr).toContain('not started');
  });

  it('refuses to start on a plugin problem, located in the config', async () => {
    const config = join(await folder({ 'engine.yaml': CONFIG.replace('participation: 0.1', 'participation: 2') }), 'engine.yaml');
    const out = await startPreflight({ config }, ROOT);
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toMatch(/engine\.yaml:\d+:\d+ {2}PLUGIN_CONFIG_INVALID {2}venue plugin 'paper' config: participation/);
  });

  it('refuses to start on a rule problem', async () => {
    const rules = await folder({ 'limits.yaml': RULES.replace('greaterThan', 'greaterThen'), 'limits.test.yaml': 'cases:\n  - name: x\n    expect: { outcome: allow }\n' });
    const config = join(await folder({ 'engine.yaml': configFor(rules) }), 'engine.yaml');
    const out = await startPreflight({ config }, ROOT);
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toMatch(/limits\.yaml:\d+:\d+ {2}RULE_UNKNOWN_OPERATOR/);
  });

  it('refuses to start when the config file does not exist', async () => {
    const out = await startPreflight({ config: join(tmpdir(), 'tradegate-h3-no-such-config.yaml') }, ROOT);
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toContain('not started');
  });
});
