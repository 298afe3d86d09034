// Specs for semantic rule validation: facts, operators, params, types, actions, placeholders and ids, all problems in one pass.
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../../engine/config/source-map.ts';
import { validateAgainstSchema } from '../../../engine/config/validator.ts';
import type { Problem } from '../../../engine/errors.ts';
import type { RuleSource } from '../../../engine/rules/rule.ts';
import { type LocatedRule, type RuleValidation, validateRules } from '../../../engine/rules/validate-rules.ts';
import { type RuleTextOptions, ruleText } from '../../helpers/operator-fixtures.ts';

/** Parses and schema-checks each file (which must be structurally valid), then validates them together. */
function validate(files: Record<string, string>): RuleValidation {
  const located: LocatedRule[] = [];
  for (const [file, text] of Object.entries(files)) {
    const parsed = parseYaml(text, file);
    if (!parsed.ok) throw new Error(`fixture does not parse: ${JSON.stringify(parsed.problems)}`);
    const structural = validateAgainstSchema(parsed.value, 'rule-file.schema.json', { file, locate: parsed.locate });
    if (structural.length > 0) throw new Error(`fixture is not structurally valid: ${JSON.stringify(structural)}`);
    const rules = (parsed.value as { rules: RuleSource[] }).rules;
    for (const [index, source] of rules.entries()) located.push({ source, file, index, locate: parsed.locate });
  }
  return validateRules(located);
}

function problemsFor(o: RuleTextOptions): readonly Problem[] {
  return validate({ 'r.yaml': ruleText(o) }).problems;
}

function codes(problems: readonly Problem[]): string[] {
  return problems.map((p) => p.code);
}

describe('validateRules: a valid rule', () => {
  const result = validate({ 'r.yaml': ruleText() });

  it('resolves with no problems', () => {
    expect(result.problems).toEqual([]);
    expect(result.rules).toHaveLength(1);
  });

  it('substitutes params into the conditions, keeping the param name', () => {
    expect(result.rules[0]!.when).toEqual({
      all: [{ fact: 'position.after_fill_notional_usd', operator: 'greaterThan', value: { kind: 'literal', value: 100, param: 'max_usd' } }],
    });
  });

  it('fills defaults and records where the rule is', () => {
    const rule = result.rules[0]!;
    expect(rule).toMatchObject({ id: 'max-position-usd', appliesTo: ['entry'], action: 'reject', enabled: true, filters: {} });
    expect(rule.source).toEqual({ file: 'r.yaml', line: 3, col: 5 });
    expect(rule.factsRead).toEqual(['position.after_fill_notional_usd']);
    expect(rule.cooldownMs).toBeUndefined();
  });

  it('keeps enabled, filters and cooldown_ms as written', () => {
    const text = ruleText({ action: 'pause' }).replace('    message:', '    enabled: false\n    cooldown_ms: 60000\n    filters: { modes: [live] }\n    message:');
    const rule = validate({ 'r.yaml': text }).rules[0]!;
    expect(rule).toMatchObject({ enabled: false, cooldownMs: 60000, filters: { modes: ['live'] } });
  });
});

describe('validateRules: facts and values', () => {
  it('reads {fact: PATH} values as fact references and lists every fact read once, in first-use order', () => {
    const text = `rules:
  - id: balance
    description: d
    applies_to: [entry]
    action: reject
    when:
      any:
        - { fact: order.notional_usd, operator: greaterThan, value: { fact: account.cash_usd } }
        - not: { fact: order.notional_usd, operator: lessThanInclusive, value: { fact: account.venue_balance_usd } }
        - { fact: order.instrument, operator: notIn, value: { fact: controls.allowed_instruments } }
    message: "{{order.notional_usd}} > {{account.cash_usd}}"
`;
    const { rules, problems } = validate({ 'r.yaml': text });
    expect(problems).toEqual([]);
    expect(rules[0]!.factsRead).toEqual(['order.notional_usd', 'account.cash_usd', 'account.venue_balance_usd', 'order.instrument', 'controls.allowed_instruments']);
    const any = (rules[0]!.when as { any: unknown[] }).any;
    expect(any[0]).toEqual({ fact: 'order.notional_usd', operator: 'greaterThan', value: { kind: 'fact', path: 'account.cash_usd' } });
    expect(any[1]).toEqual({ not: { fact: 'order.notional_usd', operator: 'lessThanInclusive', value: { kind: 'fact', path: 'account.venue_balance_usd' } } });
  });

  it('reports an unknown fact with did-you-mean at the fact', () => {
    const problems = problemsFor({ fact: 'position.after_fill_notional', message: 'over the {{max_usd}} USD cap' });
    expect(problems).toEqual([
      {
        code: 'RULE_UNKNOWN_FACT',
        file: 'r.yaml',
        line: 9,
        col: 17,
        pointer: '/rules/0/when/all/0/fact',
        ruleId: 'max-position-usd',
        message: 'rule max-position-usd: unknown fact "position.after_fill_notional"; did you mean "position.after_fill_notional_usd"? (`engine facts` lists them all)',
      },
    ]);
  });

  it('reports an unknown fact used as a value', () => {
    const problems = problemsFor({ value: '{ fact: account.cash }', params: '      {}' , message: 'm' });
    expect(problems).toEqual([expect.objectContaining({ code: 'RULE_UNKNOWN_FACT', pointer: '/rules/0/when/all/0/value/fact', message: expect.stringContaining('did you mean "account.cash_usd"?') })]);
  });

  it('reports an unknown operator with did-you-mean and the list of operators', () => {
    const [p, ...rest] = problemsFor({ operator: 'greaterThen' });
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ code: 'RULE_UNKNOWN_OPERATOR', line: 10, col: 21, pointer: '/rules/0/when/all/0/operator' });
    expect(p!.message).toContain('unknown operator "greaterThen"; did you mean "greaterThan"? (operators: equal, notEqual, lessThan');
  });
});

describe('validateRules: params', () => {
  it('reports a reference to an undeclared param, and the misspelt declaration nobody reads', () => {
    const problems = problemsFor({ params: '      max_ud: { type: number, value: 100, description: d }', message: 'm' });
    expect(problems.map((p) => [p.code, p.pointer, p.line, p.col])).toEqual([
      ['RULE_UNKNOWN_PARAM', '/rules/0/when/all/0/value/param', 11, 27],
      ['RULE_UNUSED_PARAM', '/rules/0/params/max_ud', 13, 7],
    ]);
    expect(problems[0]!.message).toBe('rule max-position-usd: unknown param "max_usd"; did you mean "max_ud"? (declared: max_ud)');
    expect(problems[1]!.message).toContain('did you mean "max_usd"?');
  });

  it('reports a declared param that no condition reads', () => {
    const params = '      max_usd: { type: number, value: 100, description: d }\n      min_usd: { type: number, value: 1, description: d }';
    const problems = problemsFor({ params });
    expect(problems).toEqual([expect.objectContaining({ code: 'RULE_UNUSED_PARAM', line: 14, col: 7, pointer: '/rules/0/params/min_usd' })]);
  });

  it.each([
    ['integer', '1.5'],
    ['number', '"100"'],
    ['boolean', '1'],
    ['string', '7'],
    ['string[]', 'BTC-USD'],
  ])('reports a %s param whose value is %s', (type, value) => {
    const problems = problemsFor({ params: `      max_usd: { type: "${type}", value: ${value}, description: d }` });
    expect(problems.find((p) => p.pointer === '/rules/0/params/max_usd/value')).toMatchObject({ code: 'RULE_TYPE_MISMATCH' });
  });

  it('accepts a whole number for an integer param', () => {
    expect(problemsFor({ params: '      max_usd: { type: integer, value: 100, description: d }' })).toEqual([]);
  });

  it('reports a param value outside its declared min and max', () => {
    const low = problemsFor({ params: '      max_usd: { type: number, value: -1, description: d, min: 0 }' });
    expect(low).toEqual([expect.objectContaining({ code: 'RULE_PARAM_OUT_OF_RANGE', pointer: '/rules/0/params/max_usd/value', message: expect.stringContaining('max_usd = -1 is below its min 0') })]);
    const high = problemsFor({ params: '      max_usd: { type: number, value: 5000, description: d, max: 1000 }' });
    expect(high[0]!.message).toContain('max_usd = 5000 is above its max 1000');
  });

  it('accepts a value exactly on its bounds', () => {
    expect(problemsFor({ params: '      max_usd: { type: number, value: 0, description: d, min: 0, max: 0 }' })).toEqual([]);
  });

  it('reports a min above the max, and bounds on a param that is not a number', () => {
    expect(codes(problemsFor({ params: '      max_usd: { type: number, value: 5, description: d, min: 10, max: 1 }' }))).toContain('RULE_PARAM_OUT_OF_RANGE');
    const text = ruleText({ operator: 'equal', fact: 'order.side', value: '{ param: side }', params: '      side: { type: string, value: buy, description: d, min: 1 }', message: 'm' });
    expect(validate({ 'r.yaml': text }).problems).toEqual([expect.objectContaining({ code: 'RULE_TYPE_MISMATCH', pointer: '/rules/0/params/side/min' })]);
  });
});

describe('validateRules: types', () => {
  it('reports a string literal compared with lessThan on a number fact, at the value', () => {
    const problems = problemsFor({ operator: 'lessThan', value: '"100"', params: '      {}', message: 'm' });
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'RULE_TYPE_MISMATCH',
        line: 11,
        col: 18,
        pointer: '/rules/0/when/all/0/value',
        message: 'rule max-position-usd: position.after_fill_notional_usd lessThan expects a number as value, got the literal "100", which is a string',
      }),
    ]);
  });

  it('reports a number operator on a string fact, at the operator', () => {
    const problems = problemsFor({ fact: 'order.instrument', operator: 'greaterThan', value: '3', params: '      {}', message: 'm' });
    expect(problems).toEqual([expect.objectContaining({ code: 'RULE_TYPE_MISMATCH', pointer: '/rules/0/when/all/0/operator', message: expect.stringContaining('operator greaterThan compares a number, but order.instrument is a string') })]);
  });

  it('reports a param whose type does not fit the comparison', () => {
    const problems = problemsFor({ params: '      max_usd: { type: string, value: "100", description: d }' });
    expect(problems).toEqual([expect.objectContaining({ code: 'RULE_TYPE_MISMATCH', message: expect.stringContaining('got param max_usd (string)') })]);
  });

  it('reports a fact value of another type', () => {
    const problems = problemsFor({ value: '{ fact: order.instrument }', params: '      {}', message: 'm' });
    expect(codes(problems)).toEqual(['RULE_TYPE_MISMATCH']);
  });

  it.each([
    ['order.instrument', 'in', '[BTC-USD, ETH-USD]'],
    ['order.instrument', 'in', '[]'],
    ['order.quantity', 'notIn', '[1, 2]'],
    ['controls.allowed_instruments', 'contains', 'BTC-USD'],
    ['order.is_entry', 'equal', 'true'],
    ['order.side', 'notEqual', 'buy_yes'],
    ['controls.kill_level', 'in', '[pause, flatten]'],
  ])('accepts %s %s %s', (fact, operator, value) => {
    expect(problemsFor({ fact, operator, value, params: '      {}', message: 'm' })).toEqual([]);
  });

  it.each([
    ['order.instrument', 'in', '[1, 2]'],
    ['order.instrument', 'in', '[BTC-USD, 2]'],
    ['order.instrument', 'in', 'BTC-USD'],
    ['controls.allowed_instruments', 'contains', '[BTC-USD]'],
    ['controls.allowed_instruments', 'equal', 'BTC-USD'],
    ['order.is_entry', 'equal', '1'],
    ['order.quantity', 'equal', '"1"'],
  ])('reports %s %s %s as a type mismatch', (fact, operator, value) => {
    expect(codes(problemsFor({ fact, operator, value, params: '      {}', message: 'm' }))).toEqual(['RULE_TYPE_MISMATCH']);
  });

  it('reports a literal that is never a value of an enum fact, with a suggestion', () => {
    const [p] = problemsFor({ fact: 'order.side', operator: 'equal', value: 'buyy', params: '      {}', message: 'm' });
    expect(p).toMatchObject({ code: 'RULE_TYPE_MISMATCH', pointer: '/rules/0/when/all/0/value' });
    expect(p!.message).toContain('"buyy" is never a value of order.side; did you mean "buy"?');
    expect(codes(problemsFor({ fact: 'controls.kill_level', operator: 'in', value: '[pause, flaten]', params: '      {}', message: 'm' }))).toEqual(['RULE_TYPE_MISMATCH']);
  });

  it('checks a string param against an enum fact too', () => {
    const text = ruleText({ fact: 'controls.kill_level', operator: 'equal', value: '{ param: level }', params: '      level: { type: string, value: halt, description: d }', message: 'm' });
    expect(validate({ 'r.yaml': text }).problems).toEqual([expect.objectContaining({ code: 'RULE_TYPE_MISMATCH', message: expect.stringContaining('"halt" is never a value of controls.kill_level') })]);
  });
});

describe('validateRules: actions and messages', () => {
  it('reports an action that cannot be taken at a moment the rule applies to, listing what can', () => {
    const problems = problemsFor({ appliesTo: '[entry, tick]' });
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'RULE_ACTION_NOT_ALLOWED',
        line: 6,
        col: 13,
        pointer: '/rules/0/action',
        message: 'rule max-position-usd: action reject cannot be taken at tick; allowed at tick: exit_position, pause, flatten, emergency',
      }),
    ]);
  });

  it('allows gate_fail only for prelive', () => {
    expect(problemsFor({ appliesTo: '[prelive]', action: 'gate_fail' })).toEqual([]);
    expect(codes(problemsFor({ appliesTo: '[prelive]' }))).toEqual(['RULE_ACTION_NOT_ALLOWED']);
  });

  it('reports a placeholder that names neither a param nor a fact the rule reads', () => {
    const problems = problemsFor({ message: 'over {{max_usdd}} with {{ position.after_fill_notional_usd }} and {{account.cash_usd}}' });
    expect(problems.map((p) => [p.code, p.pointer, p.line, p.col])).toEqual([
      ['RULE_UNKNOWN_PLACEHOLDER', '/rules/0/message', 14, 14],
      ['RULE_UNKNOWN_PLACEHOLDER', '/rules/0/message', 14, 14],
    ]);
    expect(problems[0]!.message).toContain('message placeholder {{max_usdd}} names neither a param of this rule nor a catalog fact; did you mean "max_usd"?');
    expect(problems[1]!.message).toContain('message placeholder {{account.cash_usd}} names the catalog fact account.cash_usd, which no condition of this rule reads');
    expect(problems[1]!.message).toContain('(this message can show: max_usd, position.after_fill_notional_usd)');
  });

  it('never suggests a misspelt fact a condition reads for a placeholder: the condition and the placeholder are reported apart', () => {
    const problems = problemsFor({
      fact: 'position.after_fill_notional',
      message: 'position would be {{position.after_fill_notional_usd}} USD, over the {{max_usd}} USD cap',
    });
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([
      ['RULE_UNKNOWN_FACT', '/rules/0/when/all/0/fact'],
      ['RULE_UNKNOWN_PLACEHOLDER', '/rules/0/message'],
    ]);
    expect(problems[0]!.message).toContain('unknown fact "position.after_fill_notional"; did you mean "position.after_fill_notional_usd"?');
    const placeholder = problems[1]!.message;
    expect(placeholder).toBe(
      'rule max-position-usd: message placeholder {{position.after_fill_notional_usd}} names the catalog fact position.after_fill_notional_usd, ' +
        'which no condition of this rule reads; a message shows only params and the facts its conditions read, the values recorded with a decision ' +
        '(this message can show: max_usd)',
    );
    expect(placeholder).not.toContain('"position.after_fill_notional"');
  });

  it('reports a placeholder naming the same misspelt fact as its condition, suggesting the catalog fact', () => {
    const problems = problemsFor({ fact: 'position.after_fill_notional', message: 'position would be {{position.after_fill_notional}} USD over {{max_usd}}' });
    expect(codes(problems)).toEqual(['RULE_UNKNOWN_FACT', 'RULE_UNKNOWN_PLACEHOLDER']);
    expect(problems[1]!.message).toContain(
      'message placeholder {{position.after_fill_notional}} names neither a param of this rule nor a catalog fact; did you mean the catalog fact "position.after_fill_notional_usd"?',
    );
  });
});

describe('validateRules: across rules and files', () => {
  it('reports a duplicate id across two files, naming both places', () => {
    const { problems, rules } = validate({ 'a.yaml': ruleText(), 'b.yaml': ruleText() });
    expect(problems).toEqual([
      {
        code: 'RULE_DUPLICATE_ID',
        file: 'b.yaml',
        line: 3,
        col: 9,
        pointer: '/rules/0/id',
        ruleId: 'max-position-usd',
        message: 'rule id max-position-usd is defined twice: a.yaml:3:9 and b.yaml:3:9; ids must be unique across the rule set',
      },
    ]);
    expect(rules.map((r) => r.source.file)).toEqual(['a.yaml']);
  });

  it('reports every problem of every rule in one pass, and resolves the rules that have none', () => {
    const { problems, rules } = validate({
      'a.yaml': ruleText({ id: 'one', operator: 'greaterThen', appliesTo: '[tick]', action: 'pause' }),
      'b.yaml': ruleText({ id: 'two', fact: 'position.nope', message: 'm {{max_usd}}' }),
      'c.yaml': ruleText({ id: 'three' }),
    });
    expect(problems.map((p) => [p.file, p.code, p.ruleId])).toEqual([
      ['a.yaml', 'RULE_UNKNOWN_OPERATOR', 'one'],
      ['b.yaml', 'RULE_UNKNOWN_FACT', 'two'],
    ]);
    expect(rules.map((r) => r.id)).toEqual(['three']);
  });

  it('reports several problems of one rule together', () => {
    const problems = problemsFor({ appliesTo: '[tick]', fact: 'position.nope', operator: 'bigger', params: '      cap: { type: number, value: 1, description: d }', message: '{{x}}' });
    expect(codes(problems).sort()).toEqual(['RULE_ACTION_NOT_ALLOWED', 'RULE_UNKNOWN_FACT', 'RULE_UNKNOWN_OPERATOR', 'RULE_UNKNOWN_PARAM', 'RULE_UNKNOWN_PLACEHOLDER', 'RULE_UNUSED_PARAM']);
  });
});
