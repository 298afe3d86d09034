// The canary's configuration: a strict schema with a documented default for every key, resolved settings, cross-field checks.
import { describe, expect, it } from 'vitest';
import { compileConfigSchema } from '../../../../engine/plugins/plugin-config.ts';
import { CANARY_CONFIG_SCHEMA, CANARY_DEFAULTS, canaryConfigProblems, resolveCanaryConfig } from '../../../../plugins/strategies/canary/canary-config.ts';

describe('canary config schema', () => {
  it('compiles under strict ajv, closed to unknown keys, with a description and a default for every key', () => {
    const compiled = compileConfigSchema(CANARY_CONFIG_SCHEMA, 'canary');
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    expect(compiled.validate({})).toBe(true);
    expect(compiled.validate(CANARY_DEFAULTS)).toBe(true);
    expect(compiled.validate({ window_minute: 15 })).toBe(false);
    expect(compiled.validate({ quantity: '0.001' })).toBe(false);
    expect(compiled.validate({ market: 'futures' })).toBe(false);
    const properties = CANARY_CONFIG_SCHEMA['properties'] as Record<string, Record<string, unknown>>;
    for (const [key, spec] of Object.entries(properties)) {
      expect(typeof spec['description'], key).toBe('string');
      expect(spec['default'], key).toBeDefined();
    }
  });
});

describe('canary configuration', () => {
  it('fills every default and converts times to ms', () => {
    expect(resolveCanaryConfig({})).toEqual({
      quantity: 0.001,
      windowMs: 900_000,
      entryDelayMs: 0,
      entryCutoffMs: 60_000,
      market: 'spot',
      allowShort: false,
      longOnlySellLean: 'buy_anyway',
      imbalanceThreshold: 0.2,
      momentumBars: 5,
      limitOffsetBps: 0,
      orderTtlMs: 60_000,
      declaredEdgeBps: 0,
    });
  });

  it('accepts the defaults', () => {
    expect(canaryConfigProblems({})).toEqual([]);
    expect(canaryConfigProblems(undefined)).toEqual([]);
  });

  it('refuses a window that does not divide a day', () => {
    expect(canaryConfigProblems({ window_minutes: 7 })).toEqual([expect.stringContaining('does not divide a day')]);
  });

  it('refuses an entry delay and cutoff that leave no time to enter', () => {
    expect(canaryConfigProblems({ window_minutes: 15, entry_delay_seconds: 840, entry_cutoff_seconds: 60 })).toEqual([expect.stringContaining('leave no time')]);
    expect(canaryConfigProblems({ window_minutes: 15, entry_delay_seconds: 840, entry_cutoff_seconds: 0 })).toEqual([]);
  });

  it('refuses shorts on a binary market', () => {
    expect(canaryConfigProblems({ market: 'binary', allow_short: true })).toEqual([expect.stringContaining('spot only')]);
  });
});
