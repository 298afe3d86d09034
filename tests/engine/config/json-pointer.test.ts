// Specs for JSON pointers into operator files: parsing, joining with escapes, and the root written as `/`.
import { describe, expect, it } from 'vitest';
import { joinPointer, normalizePointer, parsePointer } from '../../../engine/config/json-pointer.ts';

describe('json pointers', () => {
  it('split into unescaped segments', () => {
    expect(parsePointer('/rules/3/when/all/0/fact')).toEqual(['rules', '3', 'when', 'all', '0', 'fact']);
    expect(parsePointer('/a~1b/c~0d')).toEqual(['a/b', 'c~d']);
  });

  it('treat both `` and `/` as the whole document', () => {
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/')).toEqual([]);
    expect(normalizePointer('')).toBe('/');
  });

  it('join segments onto the root or a deeper pointer, escaping keys', () => {
    expect(joinPointer('/', 'rules', 0)).toBe('/rules/0');
    expect(joinPointer('/rules/0', 'params', 'a/b')).toBe('/rules/0/params/a~1b');
    expect(joinPointer('/')).toBe('/');
  });
});
