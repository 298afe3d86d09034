// Specs for structural validation of operator files: strict ajv, every error at once, one clear located Problem per mistake.
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../../engine/config/source-map.ts';
import { createAjv, readSchema, schemaValidator, validateAgainstSchema } from '../../../engine/config/validator.ts';
import type { Problem } from '../../../engine/errors.ts';
import { ruleText } from '../../helpers/operator-fixtures.ts';

function check(text: string, schema = 'rule-file.schema.json'): Problem[] {
  const parsed = parseYaml(text, 'r.yaml');
  if (!parsed.ok) throw new Error(`fixture does not parse: ${JSON.stringify(parsed.problems)}`);
  return validateAgainstSchema(parsed.value, schema, { file: 'r.yaml', locate: parsed.locate });
}

/** Every schema node under `properties` (and `items` of those), with its path. */
function fields(schema: unknown, path = '#'): [string, Record<string, unknown>][] {
  if (schema === null || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const out: [string, Record<string, unknown>][] = [];
  for (const [key, child] of Object.entries(node)) {
    if ((key === 'properties' || key === 'definitions') && child && typeof child === 'object') {
      for (const [name, sub] of Object.entries(child)) {
        if (sub && typeof sub === 'object') out.push([`${path}/${key}/${name}`, sub as Record<string, unknown>]);
      }
    }
    if (child && typeof child === 'object') out.push(...fields(child, `${path}/${key}`));
  }
  return out;
}

describe('the schemas', () => {
  it.each(['rule-file.schema.json', 'rule-test.schema.json', 'engine-config.schema.json'])('%s compiles under strict mode', (file) => {
    expect(() => createAjv().compile(readSchema(file))).not.toThrow();
  });

  it.each(['rule-file.schema.json', 'engine-config.schema.json'])('%s describes every field and closes every object', (file) => {
    const schema = readSchema(file);
    const undescribed = fields(schema).filter(([, s]) => typeof s['description'] !== 'string').map(([p]) => p);
    expect(undescribed).toEqual([]);
    const open = fields(schema).filter(([, s]) => s['type'] === 'object' && s['additionalProperties'] === undefined).map(([p]) => p);
    expect(open.filter((p) => !p.endsWith('/node'))).toEqual([]);
  });

  it('compiles each schema once per process', () => {
    expect(schemaValidator('rule-file.schema.json')).toBe(schemaValidator('rule-file.schema.json'));
  });
});

describe('validateAgainstSchema on a rule file', () => {
  it('accepts a valid rule file', () => {
    expect(check(ruleText())).toEqual([]);
  });

  it('reports a misspelt key once, with did-you-mean, at the key', () => {
    const problems = check(ruleText().replace('applies_to:', 'applies_too:'));
    expect(problems).toEqual([
      {
        code: 'SCHEMA_UNKNOWN_KEY',
        file: 'r.yaml',
        line: 5,
        col: 5,
        pointer: '/rules/0/applies_too',
        ruleId: 'max-position-usd',
        message: expect.stringMatching(/^rule max-position-usd: unknown key "applies_too"; did you mean "applies_to"\? \(allowed here: id, description, applies_to/),
      },
    ]);
  });

  it('reports a misspelt key inside a condition once', () => {
    const problems = check(ruleText().replace('operator:', 'operatr:'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'SCHEMA_UNKNOWN_KEY', line: 10, col: 11, pointer: '/rules/0/when/all/0/operatr' });
    expect(problems[0]!.message).toContain('did you mean "operator"?');
  });

  it('reports a misspelt all/any/not as one unknown key, not as a leaf missing its fact', () => {
    const text = ruleText().replace('      all:\n', '      alll:\n');
    const problems = check(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'SCHEMA_UNKNOWN_KEY', line: 8, col: 7 });
    expect(problems[0]!.message).toContain('did you mean "all"?');
  });

  it('never passes on the if/then wrapper errors of the condition schema', () => {
    const text = ruleText({ value: '{ parm: max_usd }', action: 'rejct' }).replace('fact:', 'fakt:');
    const problems = check(text);
    expect(problems.map((p) => p.message).join('\n')).not.toMatch(/must match|"then"|"else"/);
    expect(problems.map((p) => p.code)).toEqual(['SCHEMA_ENUM', 'SCHEMA_UNKNOWN_KEY', 'SCHEMA_UNKNOWN_KEY']);
    expect(problems[2]!.message).toContain('did you mean "param"?');
  });

  it('reports a list where the file map belongs as SCHEMA_TYPE at /', () => {
    expect(check('- id: a\n- id: b\n')).toEqual([
      { code: 'SCHEMA_TYPE', file: 'r.yaml', line: 1, col: 1, pointer: '/', message: 'the file must be a map, got a list ([{"id":"a"},{"id":"b"}])' },
    ]);
  });

  it('reports a bare scalar where the file map belongs', () => {
    expect(check('just some words\n')).toEqual([expect.objectContaining({ code: 'SCHEMA_TYPE', pointer: '/', message: 'the file must be a map, got "just some words"' })]);
  });

  it('reports a list where a rule map belongs, naming the place', () => {
    const problems = check('rules:\n  - [a, b]\n');
    expect(problems).toEqual([expect.objectContaining({ code: 'SCHEMA_TYPE', line: 2, col: 5, pointer: '/rules/0', message: 'rules[0] must be a map, got a list (["a","b"])' })]);
  });

  it('lists the allowed values of an enum, with the bad value and a suggestion', () => {
    const [p] = check(ruleText({ action: 'rejct' }));
    expect(p).toMatchObject({ code: 'SCHEMA_ENUM', line: 6, col: 13, pointer: '/rules/0/action' });
    expect(p!.message).toBe(
      'rule max-position-usd: action is "rejct", expected one of: reject, reduce_only, exit_position, pause, flatten, emergency, gate_fail; did you mean "reject"?',
    );
  });

  it('reports a missing required key at the key of the map that lacks it, with what the key is for', () => {
    const text = ruleText().replace(/ {4}message: .*\n/, '');
    const [p] = check(text);
    expect(p).toMatchObject({ code: 'SCHEMA_REQUIRED', line: 3, col: 5, pointer: '/rules/0' });
    expect(p!.message).toMatch(/missing required key "message" in rules\[0\]: Shown when the rule fires/);
  });

  it('does not coerce types: a quoted number is a string', () => {
    const [p] = check(ruleText().replace('    message:', '    cooldown_ms: "5000"\n    message:'));
    expect(p).toMatchObject({ code: 'SCHEMA_TYPE', pointer: '/rules/0/cooldown_ms', message: 'rule max-position-usd: cooldown_ms must be a whole number, got "5000"' });
  });

  it('refuses NaN and Infinity where a number belongs', () => {
    const problems = check(ruleText({ params: '      max_usd: { type: number, value: .nan, description: d, min: -.inf }' }));
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([
      ['SCHEMA_TYPE', '/rules/0/params/max_usd/value'],
      ['SCHEMA_TYPE', '/rules/0/params/max_usd/min'],
    ]);
    expect(problems[0]!.message).toContain('got NaN');
  });

  it('reports the form a pattern expects', () => {
    const [p] = check(ruleText({ id: 'Max_Position' }));
    expect(p).toMatchObject({ code: 'SCHEMA_PATTERN', line: 3, col: 9, pointer: '/rules/0/id', ruleId: 'Max_Position' });
    expect(p!.message).toContain('"Max_Position", which does not have the form ^[a-z0-9]+(-[a-z0-9]+)*$');
  });

  it('reports a bad param name at its key', () => {
    const [p] = check(ruleText({ params: '      max_usd: { type: number, value: 1, description: d }\n      MaxUsd: { type: number, value: 1, description: d }' }));
    expect(p).toMatchObject({ code: 'SCHEMA_PATTERN', line: 14, col: 7, pointer: '/rules/0/params/MaxUsd' });
  });

  it('reports out-of-range sizes and values as SCHEMA_RANGE', () => {
    const problems = check(ruleText({ appliesTo: '[]' }).replace('    message:', '    cooldown_ms: -1\n    message:'));
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([
      ['SCHEMA_RANGE', '/rules/0/applies_to'],
      ['SCHEMA_RANGE', '/rules/0/cooldown_ms'],
    ]);
    expect(problems[1]!.message).toBe('rule max-position-usd: cooldown_ms must be >= 0, got -1');
  });

  it('reports duplicate list items as SCHEMA_INVALID', () => {
    expect(check(ruleText({ appliesTo: '[entry, entry]' }))[0]).toMatchObject({ code: 'SCHEMA_INVALID', pointer: '/rules/0/applies_to' });
  });

  it('explains a comma that split a flow-map value into an extra key', () => {
    const [p] = check(ruleText({ params: '      max_usd: { type: number, value: 1, description: Largest value, in USD. }' }));
    expect(p).toMatchObject({ code: 'SCHEMA_UNKNOWN_KEY', pointer: '/rules/0/params/max_usd/in USD.' });
    expect(p!.message).toContain('quote text that contains commas');
  });

  it('reports every problem of the file in one pass, in document order', () => {
    const text = `${ruleText({ action: 'rejct' })}  - id: second\n    description: d\n    applies_to: [entry]\n    action: reject\n    when: { fact: a.b, operator: equal, value: 1 }\n    mesage: m\n`;
    const problems = check(text);
    expect(problems.map((p) => [p.code, p.line, p.ruleId])).toEqual([
      ['SCHEMA_ENUM', 6, 'max-position-usd'],
      ['SCHEMA_UNKNOWN_KEY', 20, 'second'],
    ]);
  });
});

describe('validateAgainstSchema on the engine config', () => {
  it('reports an unknown section with a suggestion', () => {
    const sessionSections = 'venue: { name: paper, config: {} }\nstrategies: [{ name: canary, instruments: [BTC-USD], config: {} }]\n' +
      'market_data: { path: d, instrument: BTC-USD, synth_spread_bps: 2, stale_after_ms: 180000, volatile_return_bps: 60 }\n' +
      'session: { duration_s: null, speed: max, seed: 1, run_dir: runs, progress_every_ms: 1000, exit_offset_bps: 20, exit_ttl_s: 60 }\n';
    const text = `mode: paper\nrules_dir: rules\nevaluator: compiled\nreload: { debounce_ms: 100 }\ndata_dir: data\naccount: { starting_cash_usd: 1 }\nscopes: { instruments: [], strategies: [] }\n${sessionSections}`;
    const problems = check(text, 'engine-config.schema.json');
    expect(problems).toEqual([expect.objectContaining({ code: 'SCHEMA_UNKNOWN_KEY', line: 7, col: 1, message: expect.stringContaining('did you mean "scope"?') })]);
    expect(problems[0]!.ruleId).toBeUndefined();
  });
});
