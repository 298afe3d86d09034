// The small semver subset a plugin's apiVersion range is written in: exact, caret, tilde, x-ranges, comparators and `||`.

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Dot-separated pre-release identifiers (`1.0.0-beta.2` -> ['beta', '2']); empty for a release. */
  readonly prerelease: readonly string[];
}

type Op = '>=' | '>' | '<' | '<=' | '=';
interface Comparator {
  readonly op: Op;
  readonly version: Version;
}
/** Alternatives (`||`), each a conjunction of comparators; an empty conjunction accepts every version. */
export type Range = readonly (readonly Comparator[])[];

const NUM = '0|[1-9]\\d*';
const IDENT = '[0-9A-Za-z-]+';
const VERSION = new RegExp(`^v?(${NUM})\\.(${NUM})\\.(${NUM})(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+${IDENT}(?:\\.${IDENT})*)?$`);
const PART = `(${NUM}|[xX*])`;
const PARTIAL = new RegExp(`^v?${PART}(?:\\.${PART}(?:\\.${PART}(?:-(${IDENT}(?:\\.${IDENT})*))?)?)?$`);
const COMPARATOR = /^(\^|~|>=|<=|>|<|=)?\s*(\S+)$/;

/** A full version (`1.2.3`, `1.2.3-rc.1`, build metadata ignored), or null when the text is not one. */
export function parseVersion(text: string): Version | null {
  const m = VERSION.exec(text.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), prerelease: m[4] ? m[4].split('.') : [] };
}

/** Semver precedence: < 0 when a comes first. A pre-release sorts before its release. */
export function compareVersions(a: Version, b: Version): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return Math.sign(core);
  if (a.prerelease.length === 0 || b.prerelease.length === 0) return Math.sign(b.prerelease.length - a.prerelease.length);
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) return Math.sign(Number(x) - Number(y));
    if (xn !== yn) return xn ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

const v = (major: number, minor: number, patch: number, prerelease: readonly string[] = []): Version => ({ major, minor, patch, prerelease });

interface Partial {
  readonly parts: readonly number[];
  readonly prerelease: readonly string[];
}

function parsePartial(text: string): Partial | null {
  const m = PARTIAL.exec(text);
  if (!m) return null;
  const parts: number[] = [];
  for (const p of [m[1], m[2], m[3]]) {
    if (p === undefined || /^[xX*]$/.test(p)) break;
    parts.push(Number(p));
  }
  // `1.x.3` says nothing sensible: a wildcard may only be followed by wildcards.
  const given = [m[1], m[2], m[3]].filter((p) => p !== undefined).length;
  if ([m[1], m[2], m[3]].slice(parts.length, given).some((p) => !/^[xX*]$/.test(p ?? 'x'))) return null;
  return { parts, prerelease: m[4] && parts.length === 3 ? m[4].split('.') : [] };
}

/** The version just past everything the partial names: `1` -> 2.0.0, `1.2` -> 1.3.0, `1.2.3` -> 1.2.4. */
function nextAfter(parts: readonly number[]): Version {
  const [a = 0, b = 0, c = 0] = parts;
  if (parts.length === 1) return v(a + 1, 0, 0);
  if (parts.length === 2) return v(a, b + 1, 0);
  return v(a, b, c + 1);
}

function floor(p: Partial): Version {
  const [a = 0, b = 0, c = 0] = p.parts;
  return v(a, b, c, p.prerelease);
}

function caret(p: Partial): Comparator[] {
  const [a = 0, b = 0, c = 0] = p.parts;
  if (p.parts.length === 0) return [];
  let upper: Version;
  if (a > 0 || p.parts.length === 1) upper = v(a + 1, 0, 0);
  else if (b > 0 || p.parts.length === 2) upper = v(0, b + 1, 0);
  else upper = v(0, 0, c + 1);
  return [{ op: '>=', version: floor(p) }, { op: '<', version: upper }];
}

function tilde(p: Partial): Comparator[] {
  if (p.parts.length === 0) return [];
  const upper = p.parts.length === 1 ? nextAfter(p.parts) : nextAfter(p.parts.slice(0, 2));
  return [{ op: '>=', version: floor(p) }, { op: '<', version: upper }];
}

function comparators(op: string | undefined, p: Partial): Comparator[] {
  const whole = p.parts.length === 3;
  switch (op) {
    case '^':
      return caret(p);
    case '~':
      return tilde(p);
    case '>=':
      return p.parts.length === 0 ? [] : [{ op: '>=', version: floor(p) }];
    case '>':
      if (p.parts.length === 0) return [{ op: '<', version: v(0, 0, 0) }];
      return whole ? [{ op: '>', version: floor(p) }] : [{ op: '>=', version: nextAfter(p.parts) }];
    case '<':
      return p.parts.length === 0 ? [{ op: '<', version: v(0, 0, 0) }] : [{ op: '<', version: floor(p) }];
    case '<=':
      if (p.parts.length === 0) return [];
      return whole ? [{ op: '<=', version: floor(p) }] : [{ op: '<', version: nextAfter(p.parts) }];
    default:
      if (whole) return [{ op: '=', version: floor(p) }];
      return p.parts.length === 0 ? [] : [{ op: '>=', version: floor(p) }, { op: '<', version: nextAfter(p.parts) }];
  }
}

/** Parses a range, or returns why it is not one. */
export function parseRange(text: string): Range | string {
  if (typeof text !== 'string' || text.trim() === '') return 'the range is empty';
  const alternatives: Comparator[][] = [];
  for (const alternative of text.split('||')) {
    // `>= 1.0.0` is one comparator: glue an operator to the version that follows it.
    const tokens = alternative.trim().replace(/(\^|~|>=|<=|>|<|=)\s+/g, '$1').split(/\s+/).filter(Boolean);
    if (tokens.length === 0) return `'${text}' has an empty alternative around '||'`;
    const set: Comparator[] = [];
    for (const token of tokens) {
      const m = COMPARATOR.exec(token);
      const partial = m ? parsePartial(m[2]!) : null;
      if (!m || !partial) return `'${token}' is not a version, a partial version (1, 1.2, 1.x) or an operator (^ ~ >= > <= < =) before one`;
      set.push(...comparators(m[1], partial));
    }
    alternatives.push(set);
  }
  return alternatives;
}

function test(version: Version, c: Comparator): boolean {
  const cmp = compareVersions(version, c.version);
  switch (c.op) {
    case '>=':
      return cmp >= 0;
    case '>':
      return cmp > 0;
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
    case '=':
      return cmp === 0;
  }
}

/** True when `version` is inside `range`. Throws a RangeError on text that is not a version or a range. */
export function satisfies(version: string, range: string): boolean {
  const parsedVersion = parseVersion(version);
  if (!parsedVersion) throw new RangeError(`'${version}' is not a version (MAJOR.MINOR.PATCH)`);
  const parsed = parseRange(range);
  if (typeof parsed === 'string') throw new RangeError(parsed);
  return parsed.some((set) => set.every((c) => test(parsedVersion, c)));
}
