// Tests of the paper venue's cross-field config checks and the settings built from a config file.
import { describe, expect, it } from 'vitest';
import { settingsProblems, toSettings } from '../../../../plugins/venues/paper/paper-config.ts';
import { BASE_CONFIG, PERP } from './paper-fixture.ts';

describe('paper config', () => {
  it('builds settings: instruments by id, funding terms for perpetuals only, fsync on by default', () => {
    const s = toSettings(BASE_CONFIG);
    expect(s.instruments.get(PERP)?.funding).toEqual({ rate: 0.0001, intervalMs: 8 * 3_600_000 });
    expect(s.instruments.get('BTC-USD')?.funding).toBeNull();
    expect(s.fsync).toBe(true);
    expect(settingsProblems(BASE_CONFIG)).toEqual([]);
  });

  it('lists every cross-field problem at once', () => {
    const spot = BASE_CONFIG.instruments[0]!;
    const problems = settingsProblems({
      ...BASE_CONFIG,
      latency_ms: { min: 10, max: 5 },
      instruments: [spot, { ...spot, funding_rate: 0.1 }, { ...spot, instrument: 'P', type: 'perpetual', min_quantity: 0.0001 }],
    });
    expect(problems).toEqual([
      'latency_ms.min 10 is above latency_ms.max 5',
      'instrument BTC-USD is listed twice',
      'BTC-USD: funding_rate and funding_interval_ms apply to perpetual instruments only, and it is spot',
      'P: a perpetual needs funding_rate and funding_interval_ms',
      'P: min_quantity 0.0001 is below quantity_step 0.001',
    ]);
  });
});
