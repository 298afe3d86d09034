// Specs for loading the engine configuration: the shipped default is valid, mistakes are located problems, the result is frozen.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../../engine/config/load-config.ts';
import { readSchema } from '../../../engine/config/validator.ts';
import { EVALUATOR_NAMES } from '../../../engine/rules/evaluator.ts';
import { DEFAULT_DEBOUNCE_MS } from '../../../engine/rules/hot-reload.ts';
import { MODES } from '../../../engine/types.ts';
import { tempFolder } from '../../helpers/operator-fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const DEFAULT = join(ROOT, DEFAULT_CONFIG_PATH);

let cleanup = (): void => {};
afterEach(() => cleanup());

function configFile(text: string): string {
  const made = tempFolder({ 'engine.yaml': text });
  cleanup = made.cleanup;
  return join(made.dir, 'engine.yaml');
}

describe('loadConfig', () => {
  it('loads the shipped config/engine.yaml as a paper session over rules/', async () => {
    const result = await loadConfig(DEFAULT);
    expect(result.problems).toEqual([]);
    expect(result.ok && result.config).toMatchObject({ mode: 'paper', rules_dir: 'rules', evaluator: 'compiled', data_dir: 'data' });
  });

  it('ships the same reload debounce as hot reload uses by default', async () => {
    const result = await loadConfig(DEFAULT);
    expect(result.ok && result.config.reload.debounce_ms).toBe(DEFAULT_DEBOUNCE_MS);
  });

  it('ships a config that points editors at its schema', () => {
    expect(readFileSync(DEFAULT, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/engine-config.schema.json');
  });

  it('returns a frozen config, so no component can change what another one read', async () => {
    const result = await loadConfig(DEFAULT);
    if (!result.ok) throw new Error('default config must load');
    expect(Object.isFrozen(result.config)).toBe(true);
    expect(Object.isFrozen(result.config.scope.instruments)).toBe(true);
  });

  it('reports every mistake with its position', async () => {
    const text = readFileSync(DEFAULT, 'utf8').replace('mode: paper', 'mode: papr').replace(/debounce_ms: \d+/, 'debounce_ms: 5000');
    const result = await loadConfig(configFile(text));
    expect(result.ok).toBe(false);
    expect(result.config).toBeUndefined();
    expect(result.problems.map((p) => [p.code, p.pointer])).toEqual([
      ['SCHEMA_ENUM', '/mode'],
      ['SCHEMA_RANGE', '/reload/debounce_ms'],
    ]);
    expect(result.problems[0]!.message).toContain('did you mean "paper"?');
    expect(result.problems[0]!.line).toBe(text.split('\n').indexOf('mode: papr') + 1);
  });

  it('requires every section: nothing that decides how money is traded is a hidden default', async () => {
    const result = await loadConfig(configFile('mode: paper\n'));
    expect(result.problems.map((p) => p.code)).toEqual(Array(10).fill('SCHEMA_REQUIRED'));
  });

  it('ships the HTTP server on loopback at the runbook port, and takes port 0 (no server) but no port out of range', async () => {
    const result = await loadConfig(DEFAULT);
    expect(result.ok && result.config.http).toEqual({ host: '127.0.0.1', port: 8787 });
    const text = readFileSync(DEFAULT, 'utf8');
    const off = await loadConfig(configFile(text.replace('port: 8787', 'port: 0')));
    expect(off.ok && off.config.http?.port).toBe(0);
    const bad = await loadConfig(configFile(text.replace('port: 8787', 'port: 70000').replace('host: 127.0.0.1', 'hots: 127.0.0.1')));
    expect(bad.problems.map((p) => [p.code, p.pointer])).toEqual([
      ['SCHEMA_UNKNOWN_KEY', '/http/hots'],
      ['SCHEMA_RANGE', '/http/port'],
    ]);
  });

  it('reports a missing config file as FILE_UNREADABLE', async () => {
    const result = await loadConfig(join(ROOT, 'config', 'no-such-config.yaml'));
    expect(result.problems).toEqual([expect.objectContaining({ code: 'FILE_UNREADABLE' })]);
  });

  it('allows exactly the modes and evaluators the engine has', () => {
    const props = readSchema('engine-config.schema.json')['properties'] as Record<string, { enum: string[] }>;
    expect([...props['mode']!.enum].sort()).toEqual([...MODES].sort());
    expect([...props['evaluator']!.enum].sort()).toEqual([...EVALUATOR_NAMES].sort());
  });
});
