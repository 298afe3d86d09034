// An immutable, versioned set of validated rules: the unit the gate evaluates against and hot reload swaps.
import { createHash } from 'node:crypto';
import type { ResolvedRule } from './rule.ts';

export interface RuleSet {
  /** Content hash of the rules: the same rules give the same version, on any machine. */
  readonly version: string;
  readonly rules: readonly ResolvedRule[];
  readonly byId: ReadonlyMap<string, ResolvedRule>;
  /** Rule files (not test files) the set was built from. */
  readonly files: readonly string[];
}

/** Rules are hashed without their source positions: moving a rule within a file is not a change. */
function canonical(rule: ResolvedRule): unknown {
  const { source: _source, ...rest } = rule;
  return rest;
}

export function createRuleSet(rules: readonly ResolvedRule[], files: readonly string[] = []): RuleSet {
  const sorted = [...rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const hash = createHash('sha256').update(JSON.stringify(sorted.map(canonical))).digest('hex');
  const frozen = Object.freeze(sorted.map((r) => deepFreeze(r)));
  return Object.freeze({
    version: `rs-${hash.slice(0, 12)}`,
    rules: frozen,
    byId: new Map(frozen.map((r) => [r.id, r])),
    files: Object.freeze([...files].sort()),
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
