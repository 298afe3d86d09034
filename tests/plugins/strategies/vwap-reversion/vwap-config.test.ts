// The vwap-reversion configuration: a strict schema with a documented default for every key, resolved settings, cross-field checks.
import { describe, expect, it } from 'vitest';
import { compileConfigSchema } from '../../../../engine/plugins/plugin-config.ts';
import {
  VWAP_REVERSION_CONFIG_SCHEMA,
  VWAP_REVERSION_DEFAULTS,
  resolveVwapReversionConfig,
  vwapReversionConfigProblems,
} from '../../../../plugins/strategies/vwap-reversion/vwap-config.ts';

describe('vwap-reversion config schema', () => {
  it('compiles under strict ajv, closed to unknown keys, with a description and a default for every key', () => {
    const compiled = compileConfigSchema(VWAP_REVERSION_CONFIG_SCHEMA, 'vwap-reversion');
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    expect(compiled.validate({})).toBe(true);
    expect(compiled.validate(VWAP_REVERSION_DEFAULTS)).toBe(true);
    expect(compiled.validate({ vwap_bar: 30 })).toBe(false);
    expect(compiled.validate({ vwap_bars: 2 })).toBe(false);
    expect(compiled.validate({ vwap_bars: 30.5 })).toBe(false);
    expect(compiled.validate({ reversion_share: 0 })).toBe(false);
    const properties = VWAP_REVERSION_CONFIG_SCHEMA['properties'] as Record<string, Record<string, unknown>>;
    for (const [key, spec] of Object.entries(properties)) {
      expect(typeof spec['description'], key).toBe('string');
      expect(spec['default'], key).toBeDefined();
    }
  });
});

describe('vwap-reversion configuration', () => {
  it('fills every default and converts times to ms', () => {
    expect(resolveVwapReversionConfig({})).toEqual({
      quantity: 0.001,
      vwapBars: 30,
      atrBars: 14,
      entryZ: 2,
      exitZ: 0,
      allowShort: false,
      stopAtr: 2,
      targetAtr: 3,
      feeBps: 10,
      reversionShare: 1,
      minEdgeBps: 0,
      coolOffBars: 15,
      limitOffsetBps: 0,
      orderTtlMs: 60_000,
    });
    expect(resolveVwapReversionConfig({ vwap_bars: 60, order_ttl_seconds: 5 })).toMatchObject({ vwapBars: 60, orderTtlMs: 5000 });
  });

  it('refuses exit_z at or above entry_z', () => {
    expect(vwapReversionConfigProblems({ entry_z: 2, exit_z: 2 })).toEqual([expect.stringContaining('must be below entry_z')]);
    expect(vwapReversionConfigProblems({ entry_z: 1, exit_z: 1.5 })).toHaveLength(1);
    expect(vwapReversionConfigProblems({})).toEqual([]);
    expect(vwapReversionConfigProblems(undefined)).toEqual([]);
  });
});
