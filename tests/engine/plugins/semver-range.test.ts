// Tests of the apiVersion range check: exact, caret, tilde, x-ranges, comparators, alternatives, and what is not a range.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareVersions, parseRange, parseVersion, satisfies } from '../../../engine/plugins/semver-range.ts';

describe('satisfies', () => {
  it.each([
    ['1.0.0', '1.0.0', true],
    ['1.0.1', '1.0.0', false],
    ['1.0.0', '=1.0.0', true],
    ['1.0.0', 'v1.0.0', true],
    ['1.4.2', '^1.0.0', true],
    ['2.0.0', '^1.0.0', false],
    ['0.9.9', '^1.0.0', false],
    ['0.2.5', '^0.2.3', true],
    ['0.3.0', '^0.2.3', false],
    ['0.0.3', '^0.0.3', true],
    ['0.0.4', '^0.0.3', false],
    ['0.9.0', '^0', true],
    ['1.0.0', '^0', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['1.2.2', '~1.2.3', false],
    ['1.9.0', '~1', true],
    ['2.0.0', '~1', false],
    ['1.5.0', '1.x', true],
    ['1.5.0', '1.X.x', true],
    ['2.0.0', '1.x', false],
    ['1.2.7', '1.2.x', true],
    ['1.3.0', '1.2', false],
    ['7.1.2', '*', true],
    ['7.1.2', 'x', true],
    ['1.0.0', '>=1.0.0 <2.0.0', true],
    ['2.0.0', '>=1.0.0 <2.0.0', false],
    ['1.0.0', '>1.0.0', false],
    ['1.1.0', '>1.0', true],
    ['1.0.9', '>1.0', false],
    ['1.0.9', '<=1.0', true],
    ['1.1.0', '<=1.0', false],
    ['1.0.0', '>= 1.0.0', true],
    ['1.0.0', '^0.9.0 || ^1.0.0', true],
    ['3.0.0', '^1.0.0 || ^2.0.0', false],
    ['1.0.0-beta.1', '^1.0.0', false],
    ['1.0.0-beta.1', '^1.0.0-beta.0', true],
  ])('%s in %s is %s', (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });

  it('refuses text that is not a range, saying why', () => {
    for (const bad of ['', '  ', 'latest', '1.x.3', '^^1.0.0', '1.0.0 -', '>=', '1.0.0 ||']) expect(typeof parseRange(bad)).toBe('string');
    expect(() => satisfies('1.0.0', 'latest')).toThrow(/'latest' is not a version/);
    expect(() => satisfies('one', '^1.0.0')).toThrow(/'one' is not a version/);
  });

  it('agrees with explicit bounds for every caret and tilde range (property)', () => {
    const part = fc.integer({ min: 0, max: 4 });
    fc.assert(
      fc.property(part, part, part, part, part, part, (a, b, c, x, y, z) => {
        const version = `${x}.${y}.${z}`;
        const atLeast = x > a || (x === a && (y > b || (y === b && z >= c)));
        const caretUpper = a > 0 ? x === a : b > 0 ? x === 0 && y === b : x === 0 && y === 0 && z === c;
        const tildeUpper = x === a && y === b;
        expect(satisfies(version, `^${a}.${b}.${c}`)).toBe(atLeast && caretUpper);
        expect(satisfies(version, `~${a}.${b}.${c}`)).toBe(atLeast && tildeUpper);
      }),
    );
  });
});

describe('versions', () => {
  it('parses releases and pre-releases, ignoring build metadata', () => {
    expect(parseVersion('1.2.3-rc.1+build.5')).toEqual({ major: 1, minor: 2, patch: 3, prerelease: ['rc', '1'] });
    expect(parseVersion('01.2.3')).toBeNull();
    expect(parseVersion('1.2')).toBeNull();
  });

  it('orders by semver precedence: a pre-release before its release, numeric identifiers numerically', () => {
    const sorted = ['1.0.0', '1.0.0-rc.1', '1.0.0-beta.11', '1.0.0-beta.2', '1.0.0-alpha', '0.9.9']
      .map((t) => parseVersion(t)!)
      .sort(compareVersions)
      .map((v) => `${v.major}.${v.minor}.${v.patch}${v.prerelease.length ? `-${v.prerelease.join('.')}` : ''}`);
    expect(sorted).toEqual(['0.9.9', '1.0.0-alpha', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0']);
  });
});
