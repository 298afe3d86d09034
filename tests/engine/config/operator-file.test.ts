// Specs for reading any operator file against its schema: the shared entry point of rules, rule tests and the engine config.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseOperatorFile } from '../../../engine/config/operator-file.ts';
import { tempFolder } from '../../helpers/operator-fixtures.ts';

let cleanup = (): void => {};
afterEach(() => cleanup());

function folder(files: Record<string, string | Uint8Array>): string {
  const made = tempFolder(files);
  cleanup = made.cleanup;
  return made.dir;
}

const CASES = `cases:
  - name: a position over the cap is rejected
    facts: { position: { after_fill_notional_usd: 101 } }
    expect: { outcome: reject, fired: [max-position-usd] }
`;

describe('parseOperatorFile', () => {
  it('returns the value and a locator for a valid file', async () => {
    const dir = folder({ 'p.test.yaml': CASES });
    const file = await parseOperatorFile<{ cases: { name: string }[] }>(join(dir, 'p.test.yaml'), 'rule-test.schema.json');
    expect(file.ok).toBe(true);
    expect(file.problems).toEqual([]);
    expect(file.value?.cases[0]?.name).toBe('a position over the cap is rejected');
    expect(file.locate('/cases/0/expect/outcome')).toEqual({ line: 4, col: 24 });
  });

  it('keeps the value when the schema finds problems, so callers can use the valid parts', async () => {
    const dir = folder({ 'p.test.yaml': CASES.replace('outcome: reject', 'outcome: rejected') });
    const file = await parseOperatorFile(join(dir, 'p.test.yaml'), 'rule-test.schema.json');
    expect(file.ok).toBe(false);
    expect(file.value).toBeDefined();
    expect(file.problems).toEqual([expect.objectContaining({ code: 'SCHEMA_ENUM', line: 4, col: 24, pointer: '/cases/0/expect/outcome' })]);
    expect(file.problems[0]!.message).toContain('did you mean "reject"?');
  });

  it('returns problems, no value and a locator at 1:1 when the file does not parse', async () => {
    const dir = folder({ 'bad.yaml': 'cases: [\n' });
    const file = await parseOperatorFile(join(dir, 'bad.yaml'), 'rule-test.schema.json');
    expect(file).toMatchObject({ ok: false, value: undefined, file: join(dir, 'bad.yaml') });
    expect(file.problems[0]!.code).toBe('YAML_SYNTAX');
    expect(file.locate('/cases/0')).toEqual({ line: 1, col: 1 });
  });
});
