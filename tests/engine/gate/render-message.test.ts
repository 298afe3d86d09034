// Specs of message rendering: parameters and facts filled in one pass as plain text, numbers printed plainly.
import { afterEach, describe, expect, it } from 'vitest';
import { formatNumber, formatValue, renderMessage } from '../../../engine/gate/render-message.ts';
import type { ParamSpec } from '../../../engine/rules/rule.ts';

const params: Record<string, ParamSpec> = {
  max_usd: { type: 'number', value: 100, description: 'cap' },
  allowed: { type: 'string[]', value: ['BTC-USD', 'ETH-USD'], description: 'scope' },
  strict: { type: 'boolean', value: true, description: 'flag' },
};

describe('renderMessage', () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>)['__tradegatePwned'];
  });

  it('fills {{param}} from the rule parameters and {{ns.fact}} from the facts', () => {
    const rule = { message: 'Position {{position.after_fill_notional_usd}} USD is over {{max_usd}} USD (scope {{allowed}}, strict {{strict}})', params };
    expect(renderMessage(rule, { 'position.after_fill_notional_usd': 120.5 })).toBe('Position 120.5 USD is over 100 USD (scope BTC-USD, ETH-USD, strict true)');
  });

  it('allows spaces inside the braces', () => {
    expect(renderMessage({ message: '{{ max_usd }} / {{  order.quantity}}', params }, { 'order.quantity': 2 })).toBe('100 / 2');
  });

  it('leaves a placeholder that names nothing as written, and shows a missing fact as ?', () => {
    const facts = { 'order.quantity': undefined };
    expect(renderMessage({ message: '{{nope}} {{order.nope}} {{order.quantity}}', params }, facts)).toBe('{{nope}} {{order.nope}} ?');
  });

  it('does not look parameters or facts up through the prototype', () => {
    expect(renderMessage({ message: '{{constructor}} {{toString}} {{__proto__}}', params }, {})).toBe('{{constructor}} {{toString}} {{__proto__}}');
  });

  it('renders in one pass: a value that contains a placeholder or code stays text', () => {
    const payload = '{{max_usd}} $' + '{globalThis.__tradegatePwned = 1} <b>x</b>';
    const facts = { 'order.instrument': payload };
    expect(renderMessage({ message: 'on {{order.instrument}}', params }, facts)).toBe(`on ${payload}`);
    expect((globalThis as Record<string, unknown>)['__tradegatePwned']).toBeUndefined();
  });
});

describe('formatNumber and formatValue', () => {
  it('prints numbers plainly, never in exponent form', () => {
    expect(formatNumber(100)).toBe('100');
    expect(formatNumber(0.02)).toBe('0.02');
    expect(formatNumber(-3.5)).toBe('-3.5');
    expect(formatNumber(1e21)).toBe('1000000000000000000000');
    expect(formatNumber(1e-7)).toBe('0.0000001');
    expect(formatNumber(1.5e-10)).toBe('0.00000000015');
    expect(formatNumber(1_522_886_400_000)).toBe('1522886400000');
    expect(formatNumber(Number.NaN)).toBe('NaN');
  });

  it('shows lists comma-separated and anything unexpected by its kind only', () => {
    expect(formatValue(['a', 1])).toBe('a, 1');
    expect(formatValue([{}])).toBe('?');
    expect(formatValue({ toString: () => 'evil' })).toBe('(object)');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(false)).toBe('false');
  });
});
