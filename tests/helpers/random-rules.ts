// Test helper: fast-check generators of rule sets (type-correct random condition trees) and fact snapshots rich in boundaries and junk.
import fc from 'fast-check';
import { FACT_CATALOG, type FactSpec } from '../../engine/rules/fact-catalog.ts';
import { OPERATOR_NAMES, OPERATORS } from '../../engine/rules/operators.ts';
import type { ConditionLeaf, ConditionNode, Literal, ParamSpec, ResolvedRule } from '../../engine/rules/rule.ts';
import { createRuleSet, type RuleSet } from '../../engine/rules/rule-set.ts';
import { ACTIONS, APPLIES_TO, type DecisionContext, MODES } from '../../engine/types.ts';
import { testRule } from './resolved-rule.ts';

export const SPECS: readonly FactSpec[] = [...FACT_CATALOG.values()];

/** The next double above or below x: the tightest "just over the limit" there is. */
function nextAfter(x: number, up: boolean): number {
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigInt64(0);
  buf.setBigInt64(0, bits + ((x > 0) === up ? 1n : -1n));
  return buf.getFloat64(0);
}

/** Limits and fact values are drawn from one small pool, so rules and facts meet exactly on boundaries often. */
const NUMBER_POOL = [0, 1, -1, 0.5, 2, 3, 0.02, 0.1 + 0.2, 0.3, 68, 100, 500, 5000, 6800, 10_000, 86_400_000, 1_522_886_400_000];

export const numberArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...NUMBER_POOL) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...NUMBER_POOL), fc.boolean()).map(([x, up]) => nextAfter(x, up)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...NUMBER_POOL), fc.constantFrom(1e-9, -1e-9)).map(([x, e]) => x + e) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e7, max: 1e7 }) },
);

export const INJECTIONS = [
  '"); globalThis.__tradegatePwned = 1; ("',
  "'); globalThis.__tradegatePwned = 1; ('",
  '`; globalThis.__tradegatePwned = 1; `',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an injection payload, deliberately not a template
  '${globalThis.__tradegatePwned = 1}',
  '*/ globalThis.__tradegatePwned = 1; /*',
  'a\nglobalThis.__tradegatePwned = 1;\n',
  'a\u2028globalThis.__tradegatePwned = 1;\u2029b',
  '\\"); globalThis.__tradegatePwned = 1; //',
  '__proto__',
  'constructor',
  'toString',
  '<script>globalThis.__tradegatePwned = 1</script>',
];

const STRING_POOL = ['BTC-USD', 'ETH-USD', 'LTC-USD', '', 'paper', 'canary', 'normal', 'halted', 'none', 'limit', ...INJECTIONS];

function stringArb(spec?: FactSpec): fc.Arbitrary<string> {
  return spec?.enum ? fc.constantFrom(...spec.enum) : fc.constantFrom(...STRING_POOL);
}

export function validValueArb(spec: FactSpec): fc.Arbitrary<unknown> {
  switch (spec.type) {
    case 'number':
      return numberArb;
    case 'boolean':
      return fc.boolean();
    case 'string':
      return stringArb(spec);
    case 'string[]':
      return fc.subarray(STRING_POOL.slice(0, 10));
  }
}

/** null nine times in ten, otherwise a value: fc.option's `freq` is the chance of null, the other way round. */
function rarely<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
}

const JUNK: readonly unknown[] = [null, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '50', '', true, 5, [1, 2], {}, 'nonsense'];
const MISSING = Symbol('missing');

/** Mostly valid facts; with `junkWeight` > 0, now and then a fact is missing, null, non-finite or of the wrong type. */
export function snapshotArb(junkWeight = 1): fc.Arbitrary<Record<string, unknown>> {
  const perFact = SPECS.map((spec) =>
    junkWeight > 0
      ? fc.oneof({ weight: 60, arbitrary: validValueArb(spec) }, { weight: junkWeight, arbitrary: fc.constantFrom<unknown>(MISSING, ...JUNK) })
      : validValueArb(spec),
  );
  const extras = rarely(fc.constantFrom<[string, unknown]>(['extra', { key: 1 }], ['order', 'not-a-namespace'], ['toString', 5]));
  return fc.tuple(fc.tuple(...perFact), extras).map(([values, extra]) => {
    const out: Record<string, Record<string, unknown>> = {};
    SPECS.forEach((spec, i) => {
      const [ns, key] = spec.path.split('.') as [string, string];
      out[ns] ??= { unknown_key: 'ignored' };
      if (values[i] !== MISSING) out[ns][key] = values[i];
    });
    const snapshot: Record<string, unknown> = out;
    if (extra && extra[0] !== 'order') snapshot[extra[0]] = extra[1];
    else if (extra && junkWeight > 0) snapshot['order'] = extra[1];
    return snapshot;
  });
}

function literalArb(valueType: string, spec: FactSpec): fc.Arbitrary<Literal> {
  switch (valueType) {
    case 'number':
      return numberArb;
    case 'boolean':
      return fc.boolean();
    case 'string':
      return fc.oneof(stringArb(spec), stringArb());
    case 'number[]':
      return fc.array(numberArb, { maxLength: 4 });
    default:
      return fc.array(fc.oneof(stringArb(spec), stringArb()), { maxLength: 4 });
  }
}

function leafArb(): fc.Arbitrary<ConditionLeaf> {
  return fc.constantFrom(...SPECS).chain((spec) => {
    const ops = OPERATOR_NAMES.filter((op) => OPERATORS.get(op)!.factTypes.includes(spec.type));
    return fc.constantFrom(...ops).chain((operator) => {
      const valueType = OPERATORS.get(operator)!.valueType(spec.type);
      // For `contains`, the literal is an element of the fact's list; draw it from the same pool.
      const elementSpec = spec.type === 'string[]' ? { ...spec, enum: undefined } : spec;
      const factRefs = SPECS.filter((s) => s.type === valueType && s.path !== spec.path);
      const literal = literalArb(valueType, elementSpec);
      const value: fc.Arbitrary<ConditionLeaf['value']> =
        factRefs.length > 0 ? fc.oneof({ weight: 3, arbitrary: literal }, { weight: 1, arbitrary: fc.constantFrom(...factRefs).map((s) => ({ fact: s.path })) }) : literal;
      return value.map((v) => ({ fact: spec.path, operator, value: v }));
    });
  });
}

export function nodeArb(depth: number): fc.Arbitrary<ConditionNode> {
  if (depth <= 0) return leafArb();
  const child = nodeArb(depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: leafArb() },
    { weight: 2, arbitrary: fc.array(child, { maxLength: 4 }).map((all) => ({ all })) },
    { weight: 2, arbitrary: fc.array(child, { maxLength: 4 }).map((any) => ({ any })) },
    { weight: 1, arbitrary: child.map((not) => ({ not })) },
  );
}

/** Moves every other literal into a parameter, so resolved values carry `param` as the loader's do. */
function withParams(node: ConditionNode, params: Record<string, ParamSpec>, seen = { literals: 0 }): ConditionNode {
  if ('all' in node) return { all: node.all.map((c) => withParams(c, params, seen)) };
  if ('any' in node) return { any: node.any.map((c) => withParams(c, params, seen)) };
  if ('not' in node) return { not: withParams(node.not, params, seen) };
  const v = node.value;
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return node;
  seen.literals += 1;
  if (seen.literals % 2 === 1) return node;
  const name = `p${Object.keys(params).length}`;
  const type = Array.isArray(v) ? 'string[]' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'string';
  params[name] = { type, value: v as Literal, description: 'a generated limit' };
  return { ...node, value: { param: name } };
}

export const contextArb: fc.Arbitrary<DecisionContext> = fc.record(
  {
    appliesTo: fc.constantFrom(...APPLIES_TO),
    mode: fc.constantFrom(...MODES),
    venue: fc.constantFrom('paper', 'kalshi'),
    instrument: fc.constantFrom('BTC-USD', 'ETH-USD'),
    strategy: fc.constantFrom('canary', 'vwap-reversion'),
  },
  { requiredKeys: ['appliesTo', 'mode'] },
);

function ruleArb(index: number): fc.Arbitrary<ResolvedRule> {
  return fc
    .record({
      when: nodeArb(3),
      appliesTo: fc.oneof(fc.constant([...APPLIES_TO]), fc.subarray([...APPLIES_TO], { minLength: 1 })),
      action: fc.constantFrom(...ACTIONS),
      enabled: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      modes: rarely(fc.subarray([...MODES], { minLength: 1 })),
      venues: rarely(fc.constantFrom(['paper'], ['kalshi'], ['paper', 'kalshi'])),
      instruments: rarely(fc.constantFrom(['BTC-USD'], ['ETH-USD'])),
    })
    .map(({ when, appliesTo, action, enabled, modes, venues, instruments }) => {
      const params: Record<string, ParamSpec> = {};
      const resolvedWhen = withParams(when, params);
      const firstParam = Object.keys(params)[0];
      const factOf = (n: ConditionNode): string | undefined => ('fact' in n ? n.fact : undefined);
      const message = `rule ${index}${firstParam ? ` limit {{${firstParam}}}` : ''}${factOf(when) ? ` saw {{${factOf(when)}}}` : ''}`;
      return testRule({
        id: `r${String(index).padStart(2, '0')}`,
        when: resolvedWhen,
        appliesTo,
        action,
        enabled,
        params,
        message,
        filters: { ...(modes ? { modes } : {}), ...(venues ? { venues } : {}), ...(instruments ? { instruments } : {}) },
      });
    });
}

export function ruleSetArb(maxRules = 8): fc.Arbitrary<RuleSet> {
  return fc.noBias(fc.integer({ min: 1, max: maxRules })).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => ruleArb(i))).map((rules) => createRuleSet(rules)));
}
