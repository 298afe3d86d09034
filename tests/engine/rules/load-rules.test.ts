// Specs for loading a rules folder: which files count, every bad input a located Problem, all files in one pass, never a throw.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Problem } from '../../../engine/errors.ts';
import { FACT_CATALOG } from '../../../engine/rules/fact-catalog.ts';
import { isRuleFileName, type LoadResult, loadRuleSet, parseOperatorFile } from '../../../engine/rules/load-rules.ts';
import { OPERATOR_NAMES } from '../../../engine/rules/operators.ts';
import { ruleText, tempFolder } from '../../helpers/operator-fixtures.ts';
import { orderCapFile, positionCapFile } from '../../helpers/rule-folder.ts';
import { tearingIo } from '../../helpers/torn-reads.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function folder(files: Record<string, string | Uint8Array> = {}): string {
  const made = tempFolder(files);
  cleanups.push(made.cleanup);
  return made.dir;
}

function problemsOf(result: LoadResult): readonly Problem[] {
  if (result.ok) throw new Error(`expected problems, loaded ${result.ruleSet.rules.length} rules`);
  return result.problems;
}

const BILLION_LAUGHS = `rules: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
`;

describe('isRuleFileName', () => {
  it('takes .yaml and .yml files but never test cases or hidden files', () => {
    expect(['a.yaml', 'b.yml', 'C.YAML'].every(isRuleFileName)).toBe(true);
    expect(['a.test.yaml', 'a.test.yml', '.#a.yaml', '.a.yaml', 'a.yaml.swp', 'a.json', 'README.md'].some(isRuleFileName)).toBe(false);
  });
});

describe('loadRuleSet', () => {
  it('loads every rule file of a folder into one versioned rule set, files sorted by name', async () => {
    const dir = folder({ 'b.yml': ruleText({ id: 'second' }), 'a.yaml': ruleText({ id: 'first' }), 'notes.md': 'not rules' });
    const result = await loadRuleSet(dir);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.problems).toEqual([]);
    expect(result.ruleSet.files).toEqual([join(dir, 'a.yaml'), join(dir, 'b.yml')]);
    expect(result.ruleSet.rules.map((r) => r.id)).toEqual(['first', 'second']);
    expect(result.ruleSet.version).toMatch(/^rs-[0-9a-f]{12}$/);
    expect(result.ruleSet.byId.get('first')?.source).toEqual({ file: join(dir, 'a.yaml'), line: 3, col: 5 });
  });

  it('never loads a test-case file as rules, even a broken one', async () => {
    const dir = folder({ 'a.yaml': ruleText(), 'a.test.yaml': 'cases: [ not valid', 'b.test.yml': '- junk' });
    const result = await loadRuleSet(dir);
    expect(result.ok).toBe(true);
    expect(result.ok && result.ruleSet.files).toEqual([join(dir, 'a.yaml')]);
  });

  it('does not look into sub-folders, even one named like a rule file', async () => {
    const dir = folder({ 'a.yaml': ruleText() });
    mkdirSync(join(dir, 'old.yaml'));
    writeFileSync(join(dir, 'old.yaml', 'broken.yaml'), 'rules: [');
    expect((await loadRuleSet(dir)).ok).toBe(true);
  });

  it('reports a rules folder that does not exist', async () => {
    const dir = join(folder(), 'nope');
    expect(problemsOf(await loadRuleSet(dir))).toEqual([
      { code: 'RULES_DIR_NOT_FOUND', file: dir, line: 1, col: 1, pointer: '/', message: `the rules folder ${dir} does not exist` },
    ]);
  });

  it('reports a file given where the rules folder belongs', async () => {
    const dir = folder({ 'a.yaml': ruleText() });
    expect(problemsOf(await loadRuleSet(join(dir, 'a.yaml')))).toEqual([expect.objectContaining({ code: 'RULES_DIR_NOT_FOUND' })]);
  });

  it('reports a folder with no rule files, since no rules means nothing is guarded', async () => {
    expect(problemsOf(await loadRuleSet(folder({ 'a.test.yaml': 'cases: []' })))).toEqual([expect.objectContaining({ code: 'RULES_DIR_EMPTY' })]);
  });

  it('turns every kind of bad file into one clear problem, all in one pass', async () => {
    const dir = folder({
      '1-syntax.yaml': 'rules:\n  - id: a\n    when: [\n',
      '2-duplicate.yaml': 'rules: []\nrules: []\n',
      '3-bomb.yaml': BILLION_LAUGHS,
      '4-empty.yaml': '',
      '5-list.yaml': '- id: a\n',
      '6-huge.yaml': `rules:\n${'  # padding\n'.repeat(1_000_000)}`,
      '7-binary.yaml': Uint8Array.from({ length: 2048 }, (_, i) => (i * 31) % 256),
      '8-ok.yaml': ruleText(),
    });
    const problems = problemsOf(await loadRuleSet(dir));
    const byFile = problems.map((p) => [p.file.slice(dir.length + 1), p.code]);
    expect(byFile).toEqual([
      ['1-syntax.yaml', 'YAML_SYNTAX'],
      ['2-duplicate.yaml', 'YAML_DUPLICATE_KEY'],
      ['3-bomb.yaml', 'YAML_ALIAS_LIMIT'],
      ['4-empty.yaml', 'FILE_EMPTY'],
      ['5-list.yaml', 'SCHEMA_TYPE'],
      ['6-huge.yaml', 'FILE_TOO_LARGE'],
      ['7-binary.yaml', 'FILE_NOT_TEXT'],
    ]);
    for (const p of problems) expect(p.message).not.toMatch(/\n\s+at /);
  });

  it('reports a misspelt key with did-you-mean at its line and column', async () => {
    const dir = folder({ 'limits.yaml': ruleText().replace('applies_to:', 'applies_too:') });
    expect(problemsOf(await loadRuleSet(dir))).toEqual([
      expect.objectContaining({ code: 'SCHEMA_UNKNOWN_KEY', file: join(dir, 'limits.yaml'), line: 5, col: 5, ruleId: 'max-position-usd', message: expect.stringContaining('did you mean "applies_to"?') }),
    ]);
  });

  it('still checks the semantics of the well-formed rules of a file that has a malformed one', async () => {
    const text = `${ruleText({ id: 'good', fact: 'position.nope', message: 'm {{max_usd}}' })}${ruleText({ id: 'bad', action: 'rejct' }).split('rules:\n')[1]}`;
    const problems = problemsOf(await loadRuleSet(folder({ 'a.yaml': text })));
    expect(problems.map((p) => [p.code, p.ruleId])).toEqual([
      ['RULE_UNKNOWN_FACT', 'good'],
      ['SCHEMA_ENUM', 'bad'],
    ]);
  });

  it('reports several problems in several files in one pass, by file then position', async () => {
    const dir = folder({
      'a.yaml': ruleText({ id: 'dup', operator: 'greaterThen' }),
      'b.yaml': ruleText({ id: 'dup' }),
      'c.yaml': ruleText({ id: 'other', appliesTo: '[tick]', value: '"100"', params: '      {}', message: 'm' }),
    });
    const problems = problemsOf(await loadRuleSet(dir));
    expect(problems.map((p) => [p.file.slice(dir.length + 1), p.line, p.code])).toEqual([
      ['a.yaml', 10, 'RULE_UNKNOWN_OPERATOR'],
      ['b.yaml', 3, 'RULE_DUPLICATE_ID'],
      ['c.yaml', 6, 'RULE_ACTION_NOT_ALLOWED'],
      ['c.yaml', 11, 'RULE_TYPE_MISMATCH'],
    ]);
    expect(problems[1]!.message).toBe('rule id dup is defined twice: a.yaml:3:9 and b.yaml:3:9; ids must be unique across the rule set');
  });

  it('re-exports the operator file parser for other operator files', async () => {
    const dir = folder({ 'a.test.yaml': 'cases:\n  - name: n\n    expect: { outcome: allow }\n' });
    expect((await parseOperatorFile(join(dir, 'a.test.yaml'), 'rule-test.schema.json')).ok).toBe(true);
  });
});

describe('loadRuleSet never throws', () => {
  const facts = [...FACT_CATALOG.keys()];
  // Mostly well-formed pieces, so that many files get past the schema into the semantic checks.
  const factName = fc.oneof(fc.constantFrom(...facts), fc.constantFrom('order.qty', 'a.b', 'position.nope'));
  const paramName = fc.constantFrom('max_usd', 'max_ud', 'cap', 'limit');
  const literal = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constantFrom('buy', 'BTC-USD', 'pause', '100'), fc.array(fc.constantFrom('buy', 'BTC-USD'), { maxLength: 2 }), fc.array(fc.integer(), { maxLength: 2 }));
  const value = fc.oneof(literal, fc.record({ param: paramName }), fc.record({ fact: factName }));
  const leaf = fc.record({ fact: factName, operator: fc.oneof(fc.constantFrom(...OPERATOR_NAMES), fc.constantFrom('greaterThen', 'is')), value });
  const node = fc.oneof(leaf, fc.record({ all: fc.array(leaf, { minLength: 1, maxLength: 3 }) }), fc.record({ any: fc.array(fc.record({ not: leaf }), { minLength: 1, maxLength: 2 }) }));
  const param = fc.record(
    { type: fc.constantFrom('number', 'integer', 'string', 'string[]', 'boolean'), value: literal, description: fc.constant('d'), min: fc.integer({ min: -5, max: 5 }), max: fc.integer({ min: -5, max: 500 }) },
    { requiredKeys: ['type', 'value', 'description'] },
  );
  const rule = fc.record(
    {
      id: fc.constantFrom('a', 'b', 'max-usd'),
      description: fc.constant('d'),
      applies_to: fc.uniqueArray(fc.constantFrom('entry', 'exit', 'tick', 'prelive'), { minLength: 1, maxLength: 3 }),
      action: fc.constantFrom('reject', 'pause', 'gate_fail', 'exit_position', 'reduce_only'),
      when: node,
      params: fc.dictionary(paramName, param, { maxKeys: 2 }),
      message: fc.constantFrom('m', '{{max_usd}}', '{{order.quantity}} {{cap}}', '{{ a.b }}'),
      enabled: fc.boolean(),
      cooldown_ms: fc.nat(),
    },
    { requiredKeys: ['id', 'description', 'applies_to', 'action', 'when', 'message'] },
  );
  const ruleFile = fc.oneof(
    { weight: 4, arbitrary: fc.record({ rules: fc.array(rule, { minLength: 1, maxLength: 3 }) }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.record({ rules: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 2 }) }) },
  );

  it('for arbitrary JSON-ish and rule-shaped values written as YAML', async () => {
    const dir = folder();
    await fc.assert(
      fc.asyncProperty(fc.array(ruleFile, { minLength: 1, maxLength: 3 }), async (docs) => {
        for (const [i, doc] of docs.entries()) writeFileSync(join(dir, `f${i}.yaml`), stringify(doc));
        for (let i = docs.length; i < 3; i++) writeFileSync(join(dir, `f${i}.yaml`), 'rules: [');
        const result = await loadRuleSet(dir);
        if (!result.ok) expect(result.problems.length).toBeGreaterThan(0);
        for (const p of result.problems) expect(Number.isInteger(p.line) && p.line >= 1 && p.col >= 1).toBe(true);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('for arbitrary strings and bytes', async () => {
    const dir = folder();
    const content = fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.uint8Array({ maxLength: 400 }));
    await fc.assert(
      fc.asyncProperty(content, async (c) => {
        writeFileSync(join(dir, 'junk.yaml'), c);
        const result = await loadRuleSet(dir);
        expect(result.ok).toBe(false);
        expect(result.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});

describe('loadRuleSet on a file caught mid-save', () => {
  const full = positionCapFile({ maxUsd: 60 });
  /** What an in-place save of `full` had written when a read began: valid YAML, valid rules, a cut message. */
  const half = full.slice(0, full.indexOf('the cap is'));

  it('never takes the half-saved text as rules: it loads again and gets the whole file', async () => {
    const dir = folder({ 'limits.yaml': full, 'flow.yaml': orderCapFile() });
    const halfAlone = await loadRuleSet(folder({ 'limits.yaml': half, 'flow.yaml': orderCapFile() }));
    if (!halfAlone.ok) throw new Error('the half-saved text should load on its own, which is what makes a torn read dangerous');
    let first = true;
    const torn = tearingIo((path) => {
      if (!path.endsWith('limits.yaml') || !first) return undefined;
      first = false;
      return half;
    });
    const result = await loadRuleSet(dir, { io: torn.io, retryDelayMs: 0 });
    const whole = await loadRuleSet(dir);
    expect(torn.tears()).toBe(1);
    expect(result.ok && whole.ok && result.ruleSet.version === whole.ruleSet.version).toBe(true);
    expect(result.ok && result.ruleSet.version).not.toBe(halfAlone.ruleSet.version);
  });

  it('fails with FILE_CHANGED_WHILE_READ at file 1:1 when every read is torn, after unstableRetries more loads', async () => {
    const dir = folder({ 'limits.yaml': full, 'flow.yaml': orderCapFile() });
    const torn = tearingIo((path) => (path.endsWith('limits.yaml') ? half : undefined));
    const result = await loadRuleSet(dir, { io: torn.io, unstableRetries: 2, retryDelayMs: 0 });
    expect(torn.tears()).toBe(3);
    expect(problemsOf(result)).toEqual([expect.objectContaining({ code: 'FILE_CHANGED_WHILE_READ', file: join(dir, 'limits.yaml'), line: 1, col: 1 })]);
  });

  it('with unstableRetries 0 reads once and hands the torn read back as a problem, for hot reload to retry', async () => {
    const dir = folder({ 'limits.yaml': full, 'flow.yaml': orderCapFile() });
    const torn = tearingIo((path) => (path.endsWith('limits.yaml') ? half : undefined));
    const result = await loadRuleSet(dir, { io: torn.io, unstableRetries: 0 });
    expect(torn.tears()).toBe(1);
    expect(problemsOf(result).map((p) => p.code)).toEqual(['FILE_CHANGED_WHILE_READ']);
  });
});
