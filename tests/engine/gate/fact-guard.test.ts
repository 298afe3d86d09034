// Specs of the fact guard: exactly the planned facts, typed against the catalog, every bad one named with a stable code.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeValue, guardFacts, planFacts } from '../../../engine/gate/fact-guard.ts';
import { exampleSnapshot, FACT_CATALOG } from '../../../engine/rules/fact-catalog.ts';

const plan = planFacts(['order.quantity', 'order.side', 'feed.stale', 'controls.allowed_instruments', 'order.instrument']);

function snapshotWith(ns: string, key: string, value: unknown): Record<string, Record<string, unknown>> {
  const s = exampleSnapshot();
  s[ns]![key] = value;
  return s;
}

function errorFor(ns: string, key: string, value: unknown): { code: string; message: string } | undefined {
  const g = guardFacts(snapshotWith(ns, key, value), plan);
  const e = g.errors.find((x) => x.fact === `${ns}.${key}`);
  return e && { code: e.code, message: e.message };
}

describe('guardFacts', () => {
  it('returns exactly the planned facts, flat, when all are valid', () => {
    const g = guardFacts(exampleSnapshot(), plan);
    expect(g.errors).toEqual([]);
    expect(g.invalid.size).toBe(0);
    expect(g.facts).toEqual({
      'order.quantity': 0.01,
      'order.side': 'buy',
      'feed.stale': false,
      'controls.allowed_instruments': ['BTC-USD', 'ETH-USD', 'LTC-USD'],
      'order.instrument': 'BTC-USD',
    });
  });

  it('accepts every catalog fact of the example snapshot', () => {
    const g = guardFacts(exampleSnapshot(), planFacts([...FACT_CATALOG.keys()]));
    expect(g.errors).toEqual([]);
    expect(Object.keys(g.facts).length).toBe(FACT_CATALOG.size);
  });

  it('calls a missing fact and a null fact FACT_MISSING', () => {
    const s = exampleSnapshot();
    delete s['order']!['quantity'];
    expect(guardFacts(s, plan).errors).toEqual([{ code: 'FACT_MISSING', fact: 'order.quantity', message: 'fact order.quantity is missing from the snapshot' }]);
    expect(errorFor('order', 'quantity', null)).toEqual({ code: 'FACT_MISSING', message: 'fact order.quantity is null' });
  });

  it('calls NaN and both infinities FACT_NOT_FINITE', () => {
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(errorFor('order', 'quantity', v)).toEqual({ code: 'FACT_NOT_FINITE', message: `fact order.quantity must be a finite number, got ${v}` });
    }
  });

  it('refuses a numeric string where a number belongs, where json-rules-engine would coerce it', () => {
    expect(errorFor('order', 'quantity', '50')).toEqual({ code: 'FACT_WRONG_TYPE', message: 'fact order.quantity must be a number, got string "50"' });
    expect(errorFor('order', 'quantity', true)?.code).toBe('FACT_WRONG_TYPE');
    expect(errorFor('order', 'quantity', [1])?.code).toBe('FACT_WRONG_TYPE');
    expect(errorFor('order', 'quantity', { valueOf: () => 1 })?.code).toBe('FACT_WRONG_TYPE');
  });

  it('checks booleans, strings, enums and lists of strings', () => {
    expect(errorFor('feed', 'stale', 'false')?.code).toBe('FACT_WRONG_TYPE');
    expect(errorFor('feed', 'stale', 0)?.code).toBe('FACT_WRONG_TYPE');
    expect(errorFor('order', 'instrument', 5)?.code).toBe('FACT_WRONG_TYPE');
    expect(errorFor('order', 'side', 'BUY')).toEqual({ code: 'FACT_WRONG_TYPE', message: 'fact order.side must be one of buy, sell, buy_yes, buy_no, sell_yes, sell_no, got string "BUY"' });
    expect(errorFor('controls', 'allowed_instruments', ['BTC-USD', 7])?.code).toBe('FACT_WRONG_TYPE');
    expect(errorFor('controls', 'allowed_instruments', 'BTC-USD')?.code).toBe('FACT_WRONG_TYPE');
  });

  it('keeps valid facts and the values seen when others are bad', () => {
    const s = snapshotWith('order', 'quantity', Number.NaN);
    s['feed']!['stale'] = null;
    const g = guardFacts(s, plan);
    expect([...g.invalid].sort()).toEqual(['feed.stale', 'order.quantity']);
    expect(g.facts).toEqual({ 'order.side': 'buy', 'controls.allowed_instruments': ['BTC-USD', 'ETH-USD', 'LTC-USD'], 'order.instrument': 'BTC-USD' });
    expect(g.seen['order.quantity']).toBeNaN();
    expect(g.seen['feed.stale']).toBeNull();
  });

  it('ignores facts and namespaces the plan does not name, known or not', () => {
    const s: Record<string, unknown> = { ...exampleSnapshot(), mystery: { x: 1 }, market: 'not even an object' };
    (s['order'] as Record<string, unknown>)['extra_key'] = Number.NaN;
    expect(guardFacts(s, plan).errors).toEqual([]);
  });

  it('reads own properties only: an inherited value is missing, and __proto__ keys do nothing', () => {
    const s = exampleSnapshot();
    s['order'] = Object.create({ quantity: 1, side: 'buy', instrument: 'BTC-USD' }) as Record<string, unknown>;
    expect(guardFacts(s, plan).errors.map((e) => `${e.code} ${e.fact}`)).toEqual(['FACT_MISSING order.quantity', 'FACT_MISSING order.side', 'FACT_MISSING order.instrument']);
    const polluted = JSON.parse('{"__proto__": {"order": {"quantity": 1}}}') as unknown;
    expect(guardFacts(polluted, planFacts(['order.quantity'])).errors[0]?.code).toBe('FACT_MISSING');
    expect(({} as Record<string, unknown>)['order']).toBeUndefined();
  });

  it('reports a planned path outside the catalog as FACT_UNKNOWN, even __proto__', () => {
    const g = guardFacts(exampleSnapshot(), planFacts(['order.qty', '__proto__']));
    expect(g.errors.map((e) => [e.code, e.fact])).toEqual([
      ['FACT_UNKNOWN', 'order.qty'],
      ['FACT_UNKNOWN', '__proto__'],
    ]);
    expect(Object.getPrototypeOf(g.seen)).toBe(Object.prototype);
  });

  it('copies list facts, so the caller reusing its array cannot change what is evaluated', () => {
    const s = exampleSnapshot();
    const g = guardFacts(s, plan);
    (s['controls']!['allowed_instruments'] as string[]).push('DOGE-USD');
    expect(g.facts['controls.allowed_instruments']).toEqual(['BTC-USD', 'ETH-USD', 'LTC-USD']);
  });

  it('never throws, whatever the snapshot is', () => {
    const all = planFacts([...FACT_CATALOG.keys()]);
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true }), (snapshot) => {
        const g = guardFacts(snapshot, all);
        expect(g.errors.length + Object.keys(g.facts).length).toBe(FACT_CATALOG.size);
      }),
      { seed: 7, numRuns: 2000 },
    );
  });
});

describe('describeValue', () => {
  it('describes bad values briefly and safely', () => {
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue('x'.repeat(500))).toBe(`string "${'x'.repeat(60)}..."`);
    expect(describeValue([1, 2])).toBe('a list of 2');
    expect(describeValue({ a: 1 })).toBe('an object');
    expect(describeValue(10n)).toBe('bigint');
  });
});
