// Tests of plugin config schemas: strict compilation, the closed-object rule, and config problems located in the operator file.
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../../engine/config/source-map.ts';
import { compileConfigSchema, configProblems, frozenCopy, openObjectSchemas } from '../../../engine/plugins/plugin-config.ts';

describe('openObjectSchemas', () => {
  it('finds every object shape that would silently accept a misspelt key', () => {
    const schema = {
      type: 'object',
      properties: {
        closed: { type: 'object', additionalProperties: false, properties: {} },
        map: { type: 'object', additionalProperties: { type: 'number' } },
        list: { type: 'array', items: { type: 'object', properties: {} } },
        either: { oneOf: [{ type: 'object', additionalProperties: false }, { type: 'object' }] },
      },
      definitions: { shared: { type: 'object' } },
      if: { type: 'object', properties: { x: { const: 1 } } },
    };
    expect(openObjectSchemas(schema)).toEqual(['/', '/properties/list/items', '/properties/either/oneOf/1', '/definitions/shared']);
  });
});

describe('compileConfigSchema', () => {
  it('compiles a strict, closed schema', () => {
    const compiled = compileConfigSchema({ type: 'object', additionalProperties: false, properties: { n: { type: 'integer', minimum: 1 } } }, 'p.ts');
    expect(compiled.ok).toBe(true);
  });

  it('refuses a schema that is not about an object, or that strict ajv refuses, naming the plugin file', () => {
    const compiled = compileConfigSchema({ type: 'array', items: { type: 'number', maximun: 3 } }, '/x/p.ts');
    expect(compiled.ok).toBe(false);
    if (compiled.ok) return;
    expect(compiled.problems.map((p) => [p.code, p.file])).toEqual([
      ['PLUGIN_CONFIG_SCHEMA_INVALID', '/x/p.ts'],
      ['PLUGIN_CONFIG_SCHEMA_INVALID', '/x/p.ts'],
    ]);
    expect(compiled.problems[1]!.message).toContain('maximun');
  });
});

describe('configProblems', () => {
  const compiled = compileConfigSchema(
    { type: 'object', additionalProperties: false, required: ['window'], properties: { window: { type: 'integer', minimum: 2 }, mode: { enum: ['fast', 'slow'] } } },
    'p.ts',
  );
  if (!compiled.ok) throw new Error('fixture schema must compile');

  it('is empty for a valid config and does not coerce "5" into 5', () => {
    expect(configProblems(compiled.validate, { kind: 'strategy', name: 's', config: { window: 5 } }, 'p.ts')).toEqual([]);
    expect(configProblems(compiled.validate, { kind: 'strategy', name: 's', config: { window: '5' } }, 'p.ts').map((p) => p.message)).toEqual([
      "strategy plugin 's' config: window must be a whole number, got \"5\" [SCHEMA_TYPE]",
    ]);
  });

  it('lists every problem, pointing into the operator file when the origin is known', () => {
    const parsed = parseYaml('venues:\n  - name: s\n    config:\n      window: 1\n      mode: fsat\n', 'engine.yaml');
    if (!parsed.ok) throw new Error('fixture must parse');
    const config = (parsed.value as { venues: { config: unknown }[] }).venues[0]!.config;
    const problems = configProblems(compiled.validate, { kind: 'venue', name: 's', config, origin: { file: 'engine.yaml', pointer: '/venues/0/config', locate: parsed.locate } }, 'p.ts');
    expect(problems.map((p) => [p.file, p.line, p.col, p.pointer])).toEqual([
      ['engine.yaml', 4, 15, '/venues/0/config/window'],
      ['engine.yaml', 5, 13, '/venues/0/config/mode'],
    ]);
    expect(problems[1]!.message).toContain('did you mean "fast"');
  });

  it('names the plugin file at 0:0 when the config has no known origin', () => {
    const [p] = configProblems(compiled.validate, { kind: 'strategy', name: 's', config: {} }, '/x/p.ts');
    expect(p).toMatchObject({ code: 'PLUGIN_CONFIG_INVALID', file: '/x/p.ts', line: 0, col: 0, pointer: '/' });
  });
});

describe('frozenCopy', () => {
  it('copies deeply and freezes, so a plugin cannot change what the operator configured', () => {
    const original = { a: { b: [1, 2] } };
    const copy = frozenCopy(original);
    expect(copy).toEqual(original);
    expect(Object.isFrozen(copy.a.b)).toBe(true);
    expect(Object.isFrozen(original.a)).toBe(false);
  });
});
