// Specs for the closest-name suggestion behind every "unknown X; did you mean Y?" message.
import { describe, expect, it } from 'vitest';
import { closestName, didYouMean, editDistance } from '../../../engine/rules/did-you-mean.ts';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', 'abc')).toBe(0);
  });

  it('counts a swap of two adjacent letters as one edit', () => {
    expect(editDistance('applies_ot', 'applies_to')).toBe(1);
  });
});

describe('closestName', () => {
  it('suggests the catalog name one typo away', () => {
    expect(closestName('applies_too', ['id', 'applies_to', 'action'])).toBe('applies_to');
    expect(closestName('position.after_fil_notional_usd', ['position.quantity', 'position.after_fill_notional_usd'])).toBe('position.after_fill_notional_usd');
  });

  it('ignores case when measuring, so a wrongly cased operator is still found', () => {
    expect(closestName('lessthan', ['lessThan', 'greaterThan'])).toBe('lessThan');
  });

  it('suggests nothing when no candidate is a plausible typo', () => {
    expect(closestName('volume', ['id', 'action', 'message'])).toBeUndefined();
    expect(closestName('x', [])).toBeUndefined();
  });

  it('prefers the earlier candidate on a tie', () => {
    expect(closestName('ab', ['ax', 'ay'])).toBe('ax');
  });
});

describe('didYouMean', () => {
  it('is a ready-to-append clause, or empty', () => {
    expect(didYouMean('rejct', ['reject', 'pause'])).toBe('; did you mean "reject"?');
    expect(didYouMean('zzzzzz', ['reject', 'pause'])).toBe('');
  });
});
