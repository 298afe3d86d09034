// The rule-case runner: runs *.test.yaml cases through the gate, reports failures with expected versus got, and refuses cases it cannot trust.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { caseContext, caseSnapshot, isRuleTestFileName, runRuleCases } from '../../../engine/gate/rule-cases.ts';
import { exampleSnapshot } from '../../../engine/rules/fact-catalog.ts';
import { positionCapFile, ruleFolders } from '../../helpers/rule-folder.ts';

// The shared position cap, plus a one-instrument rule and a flatten that also applies at ticks: the cases below need all three.
const RULES = `${positionCapFile({ maxUsd: 100 })}  - id: btc-only-cap
    description: A cap for one instrument only.
    applies_to: [entry]
    action: reject
    filters: { instruments: [BTC-USD] }
    when:
      all:
        - fact: position.after_fill_quantity
          operator: greaterThan
          value: 1
    message: Too much BTC.
  - id: drawdown-flatten
    description: Flattens on a deep drawdown.
    applies_to: [entry, tick]
    action: flatten
    when:
      all:
        - fact: account.drawdown_fraction
          operator: greaterThanInclusive
          value: 0.05
    message: Drawdown {{account.drawdown_fraction}}.
`;

const PASSING = `cases:
  - name: a 150 USD position is rejected
    facts: { position: { after_fill_notional_usd: 150 } }
    expect: { outcome: reject, fired: [max-position-usd] }
  - name: a deep drawdown at a tick flattens
    context: { applies_to: tick }
    facts: { account: { drawdown_fraction: 0.1 } }
    expect: { outcome: flatten, fired: [drawdown-flatten] }
  - name: the BTC cap does not apply to ETH
    facts: { order: { instrument: ETH-USD }, position: { after_fill_quantity: 5 } }
    expect: { outcome: allow, fired: [] }
  - name: a missing fact fails closed
    facts: { position: { after_fill_notional_usd: null } }
    expect: { outcome: reject, errors: [FACT_MISSING] }
`;

const folders = ruleFolders();
const folder = (files: Record<string, string>): Promise<string> => folders.make(files);
afterEach(() => folders.removeAll());

describe('runRuleCases', () => {
  it('passes cases whose decision matches, naming the file and line of each case', async () => {
    const dir = await folder({ 'limits.yaml': RULES, 'limits.test.yaml': PASSING });
    const report = await runRuleCases(dir);
    expect(report.problems).toEqual([]);
    expect(report.results.map((r) => [r.name, r.passed, r.line, r.col])).toEqual([
      ['a 150 USD position is rejected', true, 2, 5],
      ['a deep drawdown at a tick flattens', true, 5, 5],
      ['the BTC cap does not apply to ETH', true, 9, 5],
      ['a missing fact fails closed', true, 12, 5],
    ]);
    expect(report.results[0]!.file).toBe(join(dir, 'limits.test.yaml'));
    expect({ ok: report.ok, passed: report.passed, failed: report.failed, files: report.files }).toEqual({ ok: true, passed: 4, failed: 0, files: [join(dir, 'limits.test.yaml')] });
  });

  it('fails a case whose outcome differs, with expected versus got', async () => {
    const dir = await folder({
      'limits.yaml': RULES,
      'limits.test.yaml': `cases:\n  - name: wrongly expects 150 USD to pass\n    facts: { position: { after_fill_notional_usd: 150 } }\n    expect: { outcome: allow, fired: [] }\n`,
    });
    const report = await runRuleCases(dir);
    expect({ ok: report.ok, passed: report.passed, failed: report.failed }).toEqual({ ok: false, passed: 0, failed: 1 });
    const r = report.results[0]!;
    expect(r.passed).toBe(false);
    expect(r.expected).toEqual({ outcome: 'allow', fired: [] });
    expect(r.got).toEqual({ outcome: 'reject', fired: ['max-position-usd'], errors: [] });
    expect(r.mismatches).toEqual([
      'outcome: expected allow, got reject',
      'fired: expected [], got [max-position-usd] (unexpected [max-position-usd])',
    ]);
  });

  it('checks fired as an exact set: a rule that fires but was not expected fails the case', async () => {
    const dir = await folder({
      'limits.yaml': RULES,
      'limits.test.yaml': `cases:\n  - name: expects only the cap\n    facts: { position: { after_fill_notional_usd: 150 }, account: { drawdown_fraction: 0.06 } }\n    expect: { outcome: flatten, fired: [max-position-usd] }\n`,
    });
    const [r] = (await runRuleCases(dir)).results;
    expect(r!.mismatches).toEqual(['fired: expected [max-position-usd], got [drawdown-flatten, max-position-usd] (unexpected [drawdown-flatten])']);
  });

  it('checks only the outcome when fired is omitted', async () => {
    const dir = await folder({
      'limits.yaml': RULES,
      'limits.test.yaml': `cases:\n  - name: any reject will do\n    facts: { position: { after_fill_notional_usd: 150 } }\n    expect: { outcome: reject }\n`,
    });
    expect((await runRuleCases(dir)).results[0]!.passed).toBe(true);
  });

  it('requires errors to be stated: a fail-closed reject does not pass as an ordinary one', async () => {
    const dir = await folder({
      'limits.yaml': RULES,
      'limits.test.yaml': `cases:\n  - name: a reject for the wrong reason\n    facts: { position: { after_fill_notional_usd: null } }\n    expect: { outcome: reject }\n`,
    });
    const [r] = (await runRuleCases(dir)).results;
    expect(r!.passed).toBe(false);
    expect(r!.mismatches).toEqual(['errors: expected [], got [FACT_MISSING] (unexpected [FACT_MISSING])']);
  });

  it('reports a case naming an unknown rule id as RULE_CASE_UNKNOWN_RULE at its position, and does not run it', async () => {
    const expectLine = '    expect: { outcome: reject, fired: [max-position-usd, max-postion-usd] }';
    const dir = await folder({
      'limits.yaml': RULES,
      'limits.test.yaml': `cases:\n  - name: names a misspelt rule\n    facts: { position: { after_fill_notional_usd: 150 } }\n${expectLine}\n`,
    });
    const report = await runRuleCases(dir);
    expect(report.ok).toBe(false);
    expect(report.results).toEqual([]);
    const col = expectLine.indexOf('max-postion-usd') + 1;
    expect(report.problems).toEqual([
      expect.objectContaining({ code: 'RULE_CASE_UNKNOWN_RULE', file: join(dir, 'limits.test.yaml'), line: 4, col, pointer: '/cases/0/expect/fired/1' }),
    ]);
    expect(report.problems[0]!.message).toContain('"max-postion-usd"');
  });

  it('reports a case that sets a fact the catalog lacks, since the misspelt override would test nothing', async () => {
    const dir = await folder({
      'limits.yaml': RULES,
      'limits.test.yaml': `cases:\n  - name: misspelt fact\n    facts: { position: { after_fill_notional: 150 }, markets: { bid: 1 } }\n    expect: { outcome: allow }\n`,
    });
    const report = await runRuleCases(dir);
    expect(report.results).toEqual([]);
    expect(report.problems.map((p) => [p.code, p.line, p.pointer])).toEqual([
      ['RULE_CASE_UNKNOWN_FACT', 3, '/cases/0/facts/position/after_fill_notional'],
      ['RULE_CASE_UNKNOWN_FACT', 3, '/cases/0/facts/markets'],
    ]);
  });

  it('reports a malformed test file with file:line:col and still runs the cases of the other files', async () => {
    const dir = await folder({
      'limits.yaml': RULES,
      'a-broken.test.yaml': 'cases:\n  - name: x\n    expect: { outcome: allow\n',
      'b-schema.test.yaml': 'cases:\n  - name: uses expected instead of expect\n    expected: { outcome: allow }\n',
      'c-good.test.yaml': PASSING,
    });
    const report = await runRuleCases(dir);
    expect(report.ok).toBe(false);
    expect(report.passed).toBe(4);
    const byFile = report.problems.map((p) => [p.file.split('/').pop(), p.code]);
    expect(byFile).toContainEqual(['a-broken.test.yaml', 'YAML_SYNTAX']);
    expect(byFile).toContainEqual(['b-schema.test.yaml', 'SCHEMA_UNKNOWN_KEY']);
    expect(report.problems.every((p) => p.line >= 1 && p.col >= 1)).toBe(true);
    expect(report.problems.find((p) => p.code === 'SCHEMA_UNKNOWN_KEY')!.line).toBe(3);
  });

  it('runs no case against a rule set that does not load, and reports the rule problems', async () => {
    const dir = await folder({ 'limits.yaml': RULES.replace('greaterThan\n', 'greaterThen\n'), 'limits.test.yaml': PASSING });
    const report = await runRuleCases(dir);
    expect(report.ok).toBe(false);
    expect(report.ruleSet).toBeUndefined();
    expect(report.results).toEqual([]);
    expect(report.problems.map((p) => p.code)).toContain('RULE_UNKNOWN_OPERATOR');
  });

  it('reports a rules folder with no test files, and a folder that does not exist', async () => {
    const empty = await runRuleCases(await folder({ 'limits.yaml': RULES }));
    expect(empty.problems.map((p) => p.code)).toEqual(['RULE_CASES_NOT_FOUND']);
    expect(empty.ok).toBe(false);
    const missing = await runRuleCases(join(tmpdir(), 'tradegate-h3-no-such-folder'));
    expect(missing.problems.map((p) => p.code)).toEqual(['RULES_DIR_NOT_FOUND']);
  });

  it('lists enabled rules that no passing case fires', async () => {
    const dir = await folder({
      'limits.yaml': RULES,
      'limits.test.yaml': `cases:\n  - name: only the cap\n    facts: { position: { after_fill_notional_usd: 150 } }\n    expect: { outcome: reject, fired: [max-position-usd] }\n  - name: a failing flatten case covers nothing\n    expect: { outcome: flatten, fired: [drawdown-flatten] }\n`,
    });
    const report = await runRuleCases(dir);
    expect(report.uncovered).toEqual(['btc-only-cap', 'drawdown-flatten']);
  });

  it('gives the same results with the json-rules-engine evaluator', async () => {
    const dir = await folder({ 'limits.yaml': RULES, 'limits.test.yaml': PASSING });
    const compiled = await runRuleCases(dir, { evaluator: 'compiled' });
    const reference = await runRuleCases(dir, { evaluator: 'json-rules-engine' });
    expect(reference.results.map((r) => r.got)).toEqual(compiled.results.map((r) => r.got));
    expect(reference.ok).toBe(true);
  });
});

describe('caseSnapshot', () => {
  it('lays overrides over the example, replaces lists whole and removes a fact set to null', () => {
    const { snapshot, unknown } = caseSnapshot({
      position: { after_fill_notional_usd: 150, has_position_in_market: null },
      controls: { allowed_instruments: ['ETH-USD'] },
    });
    expect(unknown).toEqual([]);
    expect(snapshot['position']!['after_fill_notional_usd']).toBe(150);
    expect(Object.hasOwn(snapshot['position']!, 'has_position_in_market')).toBe(false);
    expect(snapshot['controls']!['allowed_instruments']).toEqual(['ETH-USD']);
    expect(snapshot['market']).toEqual(exampleSnapshot()['market']);
  });

  it('never changes the example for the next case', () => {
    caseSnapshot({ position: { after_fill_notional_usd: 999 } });
    expect(caseSnapshot(undefined).snapshot).toEqual(exampleSnapshot());
  });

  it('returns unknown paths instead of merging them, prototype keys included', () => {
    const overrides = JSON.parse('{"position": {"__proto__": {"polluted": 1}, "nope": 1}, "__proto__": {"x": 1}}');
    const { snapshot, unknown } = caseSnapshot(overrides);
    expect(unknown.sort()).toEqual(['__proto__', 'position.__proto__', 'position.nope'].sort());
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(snapshot['position'])).toBe(Object.prototype);
  });
});

describe('caseContext', () => {
  it('defaults to an entry in paper mode for the case order venue, instrument and strategy', () => {
    const { snapshot } = caseSnapshot({ order: { instrument: 'ETH-USD' } });
    expect(caseContext(undefined, snapshot)).toEqual({ appliesTo: 'entry', mode: 'paper', venue: 'paper', instrument: 'ETH-USD', strategy: 'canary' });
  });

  it('lets the case context win, and leaves out what the order no longer names', () => {
    const { snapshot } = caseSnapshot({ order: { strategy: null } });
    expect(caseContext({ applies_to: 'tick', mode: 'live', instrument: 'LTC-USD' }, snapshot)).toEqual({ appliesTo: 'tick', mode: 'live', venue: 'paper', instrument: 'LTC-USD' });
  });
});

describe('isRuleTestFileName', () => {
  it('takes *.test.yaml and *.test.yml, not rule files or hidden editor files', () => {
    expect(['a.test.yaml', 'b.test.yml', 'a.yaml', '.#a.test.yaml', 'a.test.yaml.swp'].filter(isRuleTestFileName)).toEqual(['a.test.yaml', 'b.test.yml']);
  });
});
