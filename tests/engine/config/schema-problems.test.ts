// Specs for the pieces of schema-error conversion: how values are shown, which rule a pointer is in, problem order.
import { describe, expect, it } from 'vitest';
import { describeValue, ruleIdAt, sortProblems } from '../../../engine/config/schema-problems.ts';
import type { Problem } from '../../../engine/errors.ts';

describe('describeValue', () => {
  it('shows scalars as JSON, non-finite numbers by name, and says what a collection is', () => {
    expect(describeValue('rejct')).toBe('"rejct"');
    expect(describeValue(101)).toBe('101');
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue(null)).toBe('nothing (null)');
    expect(describeValue([1, 2])).toBe('a list ([1,2])');
    expect(describeValue({ a: 1 })).toBe('a map ({"a":1})');
  });

  it('cuts long values short', () => {
    expect(describeValue('x'.repeat(500)).length).toBeLessThanOrEqual(60);
  });
});

describe('ruleIdAt', () => {
  const doc = { rules: [{ id: 'first' }, { id: 42 }, {}] };

  it('names the rule a pointer is inside', () => {
    expect(ruleIdAt(doc, '/rules/0/when/all/0/fact')).toBe('first');
    expect(ruleIdAt(doc, '/rules/0')).toBe('first');
  });

  it('names no rule outside /rules/N or when the rule has no usable id', () => {
    expect(ruleIdAt(doc, '/rules')).toBeUndefined();
    expect(ruleIdAt(doc, '/rules/1/action')).toBeUndefined();
    expect(ruleIdAt(doc, '/rules/2/action')).toBeUndefined();
    expect(ruleIdAt(doc, '/rules/9/action')).toBeUndefined();
    expect(ruleIdAt(['x'], '/rules/0')).toBeUndefined();
    expect(ruleIdAt(null, '/rules/0')).toBeUndefined();
  });
});

describe('sortProblems', () => {
  it('orders by line, then column, then pointer', () => {
    const p = (line: number, col: number, pointer: string): Problem => ({ code: 'SCHEMA_TYPE', file: 'f', line, col, pointer, message: '' });
    const sorted = sortProblems([p(3, 1, '/a'), p(1, 5, '/b'), p(1, 2, '/d'), p(1, 2, '/c')]);
    expect(sorted.map((x) => x.pointer)).toEqual(['/c', '/d', '/b', '/a']);
  });
});
