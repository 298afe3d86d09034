// Specs for the safe YAML parse of operator files and the pointer -> line:col map; hostile input yields Problems, never throws.
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ALIAS_COUNT, type ParsedYaml, parseYaml, parseYamlFile } from '../../../engine/config/source-map.ts';
import type { Problem } from '../../../engine/errors.ts';
import { tempFolder } from '../../helpers/operator-fixtures.ts';

function problemsOf(result: ParsedYaml): readonly Problem[] {
  if (result.ok) throw new Error(`expected problems, parsed ${JSON.stringify(result.value)}`);
  return result.problems;
}

function parsedOf(result: ParsedYaml): { value: unknown; locate: Extract<ParsedYaml, { ok: true }>['locate'] } {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.problems)}`);
  return result;
}

const BILLION_LAUGHS = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`;

describe('parseYaml', () => {
  it('turns one YAML document into a plain value', () => {
    const { value } = parsedOf(parseYaml('rules:\n  - id: a\n    when: { fact: x.y }\n', 'f.yaml'));
    expect(value).toEqual({ rules: [{ id: 'a', when: { fact: 'x.y' } }] });
  });

  it('reads YAML 1.2 core only: dates and yes/no stay strings', () => {
    const { value } = parsedOf(parseYaml('d: 2018-04-05\nb: yes\nn: 0x1F\n', 'f.yaml'));
    expect(value).toEqual({ d: '2018-04-05', b: 'yes', n: 31 });
  });

  it('reports a syntax error with its line and column, and every error the parser found', () => {
    const problems = problemsOf(parseYaml('a: [1, 2\nb: {\n', 'bad.yaml'));
    expect(problems.length).toBe(2);
    expect(problems.every((p) => p.code === 'YAML_SYNTAX' && p.file === 'bad.yaml')).toBe(true);
    expect(problems.map((p) => p.line)).toEqual([2, 3]);
  });

  it('reports tabs used as indentation as a syntax error at their position', () => {
    const [p] = problemsOf(parseYaml('a:\n\t- b\n', 'tab.yaml'));
    expect(p).toMatchObject({ code: 'YAML_SYNTAX', line: 2, col: 1 });
    expect(p!.message).toContain('Tabs');
  });

  it('reports a duplicate key naming the key, at the second occurrence', () => {
    const problems = problemsOf(parseYaml('rules:\n  - id: a\n    action: reject\n    action: pause\n', 'dup.yaml'));
    expect(problems).toEqual([expect.objectContaining({ code: 'YAML_DUPLICATE_KEY', line: 4, col: 5, message: expect.stringContaining('"action"') })]);
  });

  it('refuses an alias bomb (billion laughs) with YAML_ALIAS_LIMIT instead of expanding it', () => {
    const problems = problemsOf(parseYaml(BILLION_LAUGHS, 'bomb.yaml'));
    expect(problems).toEqual([expect.objectContaining({ code: 'YAML_ALIAS_LIMIT', line: 2, col: 8 })]);
    expect(problems[0]!.message).toContain(String(MAX_ALIAS_COUNT));
  });

  it('still expands a few ordinary anchors and aliases', () => {
    const { value } = parsedOf(parseYaml('base: &cap { type: number, value: 1 }\ncopy: *cap\n', 'a.yaml'));
    expect(value).toEqual({ base: { type: 'number', value: 1 }, copy: { type: 'number', value: 1 } });
  });

  it('reports an alias to an anchor that does not exist', () => {
    expect(problemsOf(parseYaml('a: *nowhere\n', 'a.yaml'))).toEqual([expect.objectContaining({ code: 'YAML_SYNTAX' })]);
  });

  it.each([
    ['an empty file', ''],
    ['only whitespace', '  \n\n'],
    ['only comments', '# nothing here\n# at all\n'],
    ['an empty document marker', '---\n'],
  ])('reports %s as FILE_EMPTY', (_name, text) => {
    expect(problemsOf(parseYaml(text, 'e.yaml'))).toEqual([expect.objectContaining({ code: 'FILE_EMPTY', line: 1, col: 1 })]);
  });

  it('reports a second document at the line where it starts', () => {
    const problems = problemsOf(parseYaml('rules: []\n---\nrules: []\n', 'm.yaml'));
    expect(problems).toEqual([expect.objectContaining({ code: 'YAML_MULTIPLE_DOCUMENTS', line: 2 })]);
  });

  it('accepts a single document that opens with ---', () => {
    expect(parsedOf(parseYaml('---\na: 1\n', 'a.yaml')).value).toEqual({ a: 1 });
  });

  it('reports custom and non-core tags instead of building objects from them', () => {
    const problems = problemsOf(parseYaml('a: !js/function "x"\nb: !!binary aGVsbG8=\nc: !!set {x}\n', 't.yaml'));
    expect(problems.map((p) => [p.code, p.line])).toEqual([
      ['YAML_SYNTAX', 1],
      ['YAML_SYNTAX', 2],
      ['YAML_SYNTAX', 3],
    ]);
  });

  it('reports a map or list used as a key', () => {
    expect(problemsOf(parseYaml('? [a, b]\n: 1\n', 'k.yaml'))[0]).toMatchObject({ code: 'YAML_SYNTAX', line: 1 });
  });

  it('survives pathological nesting without crashing the process', () => {
    const brackets = `a: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    expect(problemsOf(parseYaml(brackets, 'deep.yaml'))[0]).toMatchObject({ code: 'YAML_SYNTAX' });
    const blocks = Array.from({ length: 80 }, (_, i) => `${'  '.repeat(i)}k:`).join('\n');
    expect(problemsOf(parseYaml(`${blocks} 1\n`, 'deep.yaml'))[0]).toMatchObject({ code: 'YAML_SYNTAX', message: expect.stringContaining('nests deeper') });
  });

  it('keeps __proto__ as a plain key, never touching any prototype', () => {
    const { value } = parsedOf(parseYaml('__proto__: { polluted: true }\n', 'p.yaml'));
    expect(Object.keys(value as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it('caps a flood of syntax errors and says how many were left out', () => {
    const problems = problemsOf(parseYaml('a: "\\q"\n'.repeat(200).replace(/a:/g, (_m, i: number) => `k${i}:`), 'flood.yaml'));
    expect(problems.length).toBe(51);
    expect(problems[50]!.message).toBe('150 more YAML errors not shown');
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const result = parseYaml(text, 'junk.yaml');
        if (!result.ok) expect(result.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000, seed: 20240501 },
    );
  });
});

describe('locate', () => {
  const text = `rules:
  - id: max-position-usd
    when:
      all:
        - { fact: position.after_fill_notional_usd, operatr: greaterThan }
    params:
      max_usd:
        type: number
`;
  const { locate } = parsedOf(parseYaml(text, 'r.yaml'));

  it('points at a value by default and at its key when asked', () => {
    expect(locate('/rules/0/id')).toEqual({ line: 2, col: 9 });
    expect(locate('/rules/0/id', 'key')).toEqual({ line: 2, col: 5 });
    expect(locate('/rules/0/params/max_usd/type', 'key')).toEqual({ line: 8, col: 9 });
  });

  it('finds keys inside flow maps and items of lists', () => {
    expect(locate('/rules/0/when/all/0/operatr', 'key')).toEqual({ line: 5, col: 53 });
    expect(locate('/rules/0/when/all/0')).toEqual({ line: 5, col: 11 });
    expect(locate('/rules/0')).toEqual({ line: 2, col: 5 });
  });

  it('lands a pointer that runs past the document on the deepest part that exists', () => {
    expect(locate('/rules/0/params/max_usd/description', 'key')).toEqual({ line: 7, col: 7 });
    expect(locate('/rules/7/id')).toEqual({ line: 2, col: 3 });
  });

  it('maps the root to the start of the document', () => {
    expect(locate('/')).toEqual({ line: 1, col: 1 });
    expect(locate('')).toEqual({ line: 1, col: 1 });
  });

  it('follows aliases', () => {
    const parsed = parsedOf(parseYaml('base: &b\n  x: 1\nuse: *b\n', 'a.yaml'));
    expect(parsed.locate('/use/x')).toEqual({ line: 2, col: 6 });
  });
});

describe('parseYamlFile', () => {
  let cleanup = (): void => {};
  afterEach(() => cleanup());

  it('reads and parses a file, naming the file in problems', async () => {
    const made = tempFolder({ 'ok.yaml': 'a: 1\n', 'bad.yaml': 'a: [\n' });
    cleanup = made.cleanup;
    expect(parsedOf(await parseYamlFile(join(made.dir, 'ok.yaml'))).value).toEqual({ a: 1 });
    const [p] = problemsOf(await parseYamlFile(join(made.dir, 'bad.yaml')));
    expect(p).toMatchObject({ code: 'YAML_SYNTAX', file: join(made.dir, 'bad.yaml') });
  });

  it('passes the read guards through as problems', async () => {
    const made = tempFolder({ 'bin.yaml': new Uint8Array([0, 1, 2, 3]) });
    cleanup = made.cleanup;
    expect(problemsOf(await parseYamlFile(join(made.dir, 'bin.yaml')))[0]).toMatchObject({ code: 'FILE_NOT_TEXT' });
    expect(problemsOf(await parseYamlFile(join(made.dir, 'missing.yaml')))[0]).toMatchObject({ code: 'FILE_UNREADABLE' });
  });
});
