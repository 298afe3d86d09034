// Specs of the go/no-go gate: config facts (scope, limits in force, dry_run, separate database) and the prelive rules' checklist.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import type { EngineConfig } from '../../../engine/config/load-config.ts';
import { loadConfig } from '../../../engine/config/load-config.ts';
import { HOUR_MS } from '../../../engine/ledger/evidence-repository.ts';
import { loadRuleSet } from '../../../engine/rules/load-rules.ts';
import { createRuleSet, type RuleSet } from '../../../engine/rules/rule-set.ts';
import { goLiveConfigHash } from '../../../engine/runtime/config-hash.ts';
import type { Evidence } from '../../../engine/runtime/go-live-evidence.ts';
import { configFacts, formatGoLive, goLiveReport, limitInForce, liveDbSeparate } from '../../../engine/runtime/go-live.ts';
import { numberParam, testRule } from '../../helpers/resolved-rule.ts';
import { SHIPPED_CONFIG, SHIPPED_RULES } from '../../helpers/session-env.ts';

let shipped: RuleSet;
let config: EngineConfig;
let dir = '';
const clock = new ManualClock(Date.UTC(2026, 0, 5));
const none: Evidence = { sessions: [], killDrills: [], restartDrills: [], files: [] };

beforeAll(async () => {
  const rules = await loadRuleSet(SHIPPED_RULES);
  if (!rules.ok) throw new Error('the shipped rules must load');
  shipped = rules.ruleSet;
  const loaded = await loadConfig(SHIPPED_CONFIG);
  if (!loaded.ok) throw new Error('the shipped config must load');
  config = { ...loaded.config, mode: 'live' };
});
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const cap = (id: string, fact: string, value: number, extra: Partial<Parameters<typeof testRule>[0]> = {}) =>
  testRule({ id, when: { all: [{ fact, operator: 'greaterThan', value: { param: 'max' } }] }, params: { max: numberParam(value) }, ...extra });

describe('limitInForce', () => {
  it('reads the shipped per-position cap and daily loss limit', () => {
    expect(limitInForce(shipped, 'position.after_fill_notional_usd', ['entry'])).toBe(100);
    expect(limitInForce(shipped, 'account.daily_loss_fraction', ['entry', 'tick'])).toBe(0.02);
  });

  it('takes the tightest cap that holds for every live order, and ignores disabled, filtered or conditional ones', () => {
    const rules = createRuleSet([
      cap('wide', 'position.after_fill_notional_usd', 400),
      cap('tight-but-off', 'position.after_fill_notional_usd', 10, { enabled: false }),
      cap('btc-only', 'position.after_fill_notional_usd', 20, { filters: { instruments: ['BTC-USD'] } }),
      cap('paper-only', 'position.after_fill_notional_usd', 30, { filters: { modes: ['paper'] } }),
      testRule({
        id: 'only-at-night',
        when: { all: [{ fact: 'position.after_fill_notional_usd', operator: 'greaterThan', value: 5 }, { fact: 'time.utc_hour', operator: 'lessThan', value: 6 }] },
      }),
      cap('live', 'position.after_fill_notional_usd', 250, { filters: { modes: ['live'] } }),
    ]);
    expect(limitInForce(rules, 'position.after_fill_notional_usd', ['entry'])).toBe(250);
  });

  it('answers 0 (not set) when no rule caps the fact', () => {
    expect(limitInForce(createRuleSet([cap('other', 'order.quantity', 5)]), 'position.after_fill_notional_usd', ['entry'])).toBe(0);
  });
});

describe('liveDbSeparate', () => {
  it('is true for the ledger-per-mode layout, false when the live file is a rehearsal file under another name', () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-golive-'));
    expect(liveDbSeparate(dir, dir)).toBe(true);
    mkdirSync(join(dir, 'rehearsal'));
    writeFileSync(join(dir, 'rehearsal', 'dry_run.sqlite'), '');
    symlinkSync(join(dir, 'rehearsal', 'dry_run.sqlite'), join(dir, 'live.sqlite'));
    expect(liveDbSeparate(dir, join(dir, 'rehearsal'))).toBe(false);
  });
});

describe('configFacts', () => {
  it('reads scope, limits, dry_run from the mode, and autonomy', () => {
    expect(configFacts(config, shipped, true)).toEqual({
      dry_run: false, autonomous: true, instruments_count: 3, strategies_count: 2, max_position_usd: 100, daily_loss_limit_fraction: 0.02, live_db_separate: true,
    });
    expect(configFacts({ ...config, mode: 'dry_run' }, shipped, true).dry_run).toBe(true);
    expect(configFacts({ ...config, scope: { instruments: [], strategies: [] } }, shipped, true)).toMatchObject({ instruments_count: 0, strategies_count: 0 });
  });
});

describe('goLiveReport', () => {
  it('fails with no evidence, naming each missing piece in the rule\'s words', async () => {
    const report = await goLiveReport({ config, ruleSet: shipped, liveDataDir: '/x', evidenceDir: '/y', clock, evidence: none });
    expect(report.passed).toBe(false);
    expect(report.lines.filter((l) => !l.passed).map((l) => l.ruleId).sort()).toEqual(['dry-run-burn-in', 'kill-switch-drill', 'restart-drill']);
    expect(report.lines.find((l) => l.ruleId === 'dry-run-burn-in')?.message).toBe('0 hours of dry-run burn-in recorded with this config; 24 are required.');
    const text = formatGoLive(report);
    expect(text).toContain('FAIL  dry-run-burn-in');
    expect(text).toContain('PASS  live-requires-scope');
    expect(text).toContain('NO-GO (3 of 8 gates failed)');
  });

  it('passes with 24 h of burn-in of this config hash and both drills passed', async () => {
    const hash = goLiveConfigHash(config, shipped.version);
    const base = { id: 1, runId: 'r', tsMs: 1, startedAtMs: 0, endedAtMs: 24 * HOUR_MS, hours: 24, passed: null, level: null, latencyMs: null, duplicates: null, details: null } as const;
    const evidence: Evidence = {
      sessions: [{ ...base, kind: 'dry_run_session', configHash: hash }],
      killDrills: [{ ...base, id: 2, kind: 'kill_drill', configHash: null, passed: true, level: 'all', latencyMs: 400 }],
      restartDrills: [{ ...base, id: 3, kind: 'restart_drill', configHash: null, passed: true, duplicates: 0 }],
      files: [],
    };
    const report = await goLiveReport({ config, ruleSet: shipped, liveDataDir: '/x', evidenceDir: '/y', clock, evidence });
    expect(report.lines.filter((l) => !l.passed)).toEqual([]);
    expect(report.passed).toBe(true);
    expect(formatGoLive(report)).toContain('go/no-go: GO (8 gates passed)');
  });
});
