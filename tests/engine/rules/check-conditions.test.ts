// Specs for checking one condition tree: resolution of params and fact references, and problems reported at the right pointer.
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../engine/errors.ts';
import { type ConditionScope, checkConditions } from '../../../engine/rules/check-conditions.ts';
import type { ConditionNode, ParamSpec } from '../../../engine/rules/rule.ts';

function scopeWith(params: Record<string, ParamSpec> = {}): ConditionScope & { reported: [ErrorCode, string][] } {
  const reported: [ErrorCode, string][] = [];
  return { params, report: (code, pointer) => reported.push([code, pointer]), factsRead: [], paramsUsed: new Set(), reported };
}

describe('checkConditions', () => {
  it('resolves nested all/any/not trees with literals, params and fact references', () => {
    const scope = scopeWith({ cap: { type: 'number', value: 5, description: 'd' } });
    const node: ConditionNode = {
      all: [
        { any: [{ fact: 'order.quantity', operator: 'greaterThan', value: { param: 'cap' } }] },
        { not: { fact: 'order.price', operator: 'lessThan', value: { fact: 'market.bid' } } },
        { fact: 'order.side', operator: 'in', value: ['buy', 'sell'] },
      ],
    };
    expect(checkConditions(node, '/rules/0/when', scope)).toEqual({
      all: [
        { any: [{ fact: 'order.quantity', operator: 'greaterThan', value: { kind: 'literal', value: 5, param: 'cap' } }] },
        { not: { fact: 'order.price', operator: 'lessThan', value: { kind: 'fact', path: 'market.bid' } } },
        { fact: 'order.side', operator: 'in', value: { kind: 'literal', value: ['buy', 'sell'] } },
      ],
    });
    expect(scope.reported).toEqual([]);
    expect(scope.factsRead).toEqual(['order.quantity', 'order.price', 'market.bid', 'order.side']);
    expect([...scope.paramsUsed]).toEqual(['cap']);
  });

  it('returns nothing and reports every bad leaf with its pointer', () => {
    const scope = scopeWith();
    const node: ConditionNode = {
      any: [
        { fact: 'order.qty', operator: 'equal', value: 1 },
        { not: { fact: 'order.quantity', operator: 'approx', value: 1 } },
        { fact: 'order.quantity', operator: 'equal', value: { param: 'nope' } },
      ],
    };
    expect(checkConditions(node, '/rules/2/when', scope)).toBeUndefined();
    expect(scope.reported).toEqual([
      ['RULE_UNKNOWN_FACT', '/rules/2/when/any/0/fact'],
      ['RULE_UNKNOWN_OPERATOR', '/rules/2/when/any/1/not/operator'],
      ['RULE_UNKNOWN_PARAM', '/rules/2/when/any/2/value/param'],
    ]);
  });

  it('does not mistake an inherited property for a param', () => {
    const scope = scopeWith();
    checkConditions({ fact: 'order.quantity', operator: 'equal', value: { param: 'toString' } }, '/w', scope);
    expect(scope.reported).toEqual([['RULE_UNKNOWN_PARAM', '/w/value/param']]);
  });
});
