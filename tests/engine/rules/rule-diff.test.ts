// Specs for the rule set diff that hot reload logs: added, removed and changed rules with each parameter's old and new value.
import { afterEach, describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../../engine/rules/load-rules.ts';
import { diffRuleSets, isEmptyDiff } from '../../../engine/rules/rule-diff.ts';
import type { RuleSet } from '../../../engine/rules/rule-set.ts';
import { ruleText, tempFolder } from '../../helpers/operator-fixtures.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function ruleSetOf(files: Record<string, string>): Promise<RuleSet> {
  const made = tempFolder(files);
  cleanups.push(made.cleanup);
  const result = await loadRuleSet(made.dir);
  if (!result.ok) throw new Error(`fixture does not load: ${JSON.stringify(result.problems)}`);
  return result.ruleSet;
}

const cap = (usd: number, extra = ''): string =>
  ruleText({ params: `      max_usd: { type: number, value: ${usd}, unit: usd, description: "Largest position, in USD."${extra} }` });

describe('diffRuleSets', () => {
  it('finds nothing between two loads of the same rules', async () => {
    const diff = diffRuleSets(await ruleSetOf({ 'a.yaml': cap(100) }), await ruleSetOf({ 'a.yaml': cap(100) }));
    expect(diff).toEqual({ added: [], removed: [], changed: [] });
    expect(isEmptyDiff(diff)).toBe(true);
  });

  it('reports a changed parameter with its old and new value', async () => {
    const diff = diffRuleSets(await ruleSetOf({ 'a.yaml': cap(100) }), await ruleSetOf({ 'a.yaml': cap(250) }));
    expect(diff.changed).toEqual([{ ruleId: 'max-position-usd', fields: ['params'], params: [{ name: 'max_usd', before: 100, after: 250 }] }]);
    expect(isEmptyDiff(diff)).toBe(false);
  });

  it('lists a changed bound in fields without a value change', async () => {
    const diff = diffRuleSets(await ruleSetOf({ 'a.yaml': cap(100) }), await ruleSetOf({ 'a.yaml': cap(100, ', max: 1000') }));
    expect(diff.changed).toEqual([{ ruleId: 'max-position-usd', fields: ['params'], params: [] }]);
  });

  it('reports added and removed rules by id, sorted', async () => {
    const before = await ruleSetOf({ 'a.yaml': ruleText({ id: 'old-rule' }), 'b.yaml': ruleText({ id: 'kept' }) });
    const after = await ruleSetOf({ 'b.yaml': ruleText({ id: 'kept' }), 'c.yaml': ruleText({ id: 'new-b' }), 'd.yaml': ruleText({ id: 'new-a' }) });
    expect(diffRuleSets(before, after)).toEqual({ added: ['new-a', 'new-b'], removed: ['old-rule'], changed: [] });
  });

  it('names every changed field of a rule', async () => {
    const before = await ruleSetOf({ 'a.yaml': ruleText() });
    const after = await ruleSetOf({ 'a.yaml': ruleText({ action: 'pause', operator: 'greaterThanInclusive' }).replace('    message:', '    enabled: false\n    message:') });
    expect(diffRuleSets(before, after).changed).toEqual([{ ruleId: 'max-position-usd', fields: ['action', 'when', 'enabled'], params: [] }]);
  });

  it('reports parameters added and removed, with undefined on the missing side', async () => {
    const two = ruleText({
      value: '{ param: cap_usd }',
      params: '      cap_usd: { type: number, value: 5, description: d }',
      message: 'over {{cap_usd}}',
    });
    const diff = diffRuleSets(await ruleSetOf({ 'a.yaml': cap(100) }), await ruleSetOf({ 'a.yaml': two }));
    expect(diff.changed[0]?.params).toEqual([
      { name: 'cap_usd', before: undefined, after: 5 },
      { name: 'max_usd', before: 100, after: undefined },
    ]);
    expect(diff.changed[0]?.fields).toEqual(['when', 'params', 'message']);
  });

  it('ignores moving a rule to another file or line, and reordering keys', async () => {
    const moved = `# moved\n\n${ruleText({ params: '      max_usd: { value: 100, type: number, description: "Largest position, in USD.", unit: usd }' })}`;
    const diff = diffRuleSets(await ruleSetOf({ 'a.yaml': cap(100) }), await ruleSetOf({ 'z.yaml': moved }));
    expect(isEmptyDiff(diff)).toBe(true);
  });
});
