// Specs of `engine facts`: the catalog as a table or JSON, and an example snapshot that is complete and valid.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runFacts } from '../../../engine/cli/facts.ts';
import { guardFacts, planFacts } from '../../../engine/gate/fact-guard.ts';
import { exampleSnapshot, FACT_CATALOG } from '../../../engine/rules/fact-catalog.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

describe('runFacts', () => {
  it('lists every catalog fact as a row: path, type, unit, description', () => {
    const { exitCode, stdout } = runFacts({ format: 'text' });
    expect(exitCode).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PATH\s+TYPE\s+UNIT\s+DESCRIPTION$/);
    expect(lines).toHaveLength(FACT_CATALOG.size + 1);
    expect(stdout).toMatch(/\norder\.quantity\s+number\s+units\s+Quantity of the candidate order/);
    expect(stdout).toMatch(/\ncontrols\.kill_level\s+string\s+-\s+.*One of: none, pause, flatten, emergency\./);
  });

  it('lists the catalog as JSON with --format json', () => {
    const rows = JSON.parse(runFacts({ format: 'json' }).stdout) as { path: string; type: string; unit: string; description: string }[];
    expect(rows.map((r) => r.path)).toEqual([...FACT_CATALOG.keys()]);
    expect(rows.find((r) => r.path === 'feed.stale')).toMatchObject({ type: 'boolean', unit: '' });
  });

  it('prints with --example one nested snapshot holding every catalog fact, each valid for its type', () => {
    const snapshot = JSON.parse(runFacts({ example: true, format: 'text' }).stdout) as unknown;
    expect(snapshot).toEqual(exampleSnapshot());
    const guarded = guardFacts(snapshot, planFacts([...FACT_CATALOG.keys()]));
    expect(guarded.errors).toEqual([]);
  });
});

describe('engine facts (the command)', () => {
  it('runs from the command line and documents --example in --help', async () => {
    const run = promisify(execFile);
    const help = await run(process.execPath, [join(ROOT, 'engine/cli/bin.js'), 'facts', '--help'], { cwd: ROOT });
    expect(help.stdout).toContain('--example');
    const example = await run(process.execPath, [join(ROOT, 'engine/cli/bin.js'), 'facts', '--example'], { cwd: ROOT });
    expect(JSON.parse(example.stdout)).toEqual(exampleSnapshot());
  });
});
