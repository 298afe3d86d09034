// The vwap-reversion plugin's manifest: a strategy the engine loader accepts from plugins/strategies/vwap-reversion, refusing configs that cannot work.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TradegateError } from '../../../../engine/errors.ts';
import { inspectPlugin } from '../../../../engine/plugins/load-plugins.ts';
import { PLUGIN_API_VERSION } from '../../../../engine/plugins/plugin-api.ts';
import { satisfies } from '../../../../engine/plugins/semver-range.ts';
import manifest from '../../../../plugins/strategies/vwap-reversion/index.ts';
import { pluginContext } from '../market-event-fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');

describe('vwap-reversion manifest', () => {
  it('is a strategy named vwap-reversion that accepts this engine plugin API', () => {
    expect(manifest).toMatchObject({ name: 'vwap-reversion', kind: 'strategy', apiVersion: '^1.0.0' });
    expect(satisfies(PLUGIN_API_VERSION, manifest.apiVersion)).toBe(true);
  });

  it('loads through the engine plugin loader from plugins/strategies/vwap-reversion', async () => {
    const inspected = await inspectPlugin({ kind: 'strategy', name: 'vwap-reversion', config: { vwap_bars: 60 } }, { rootDir: ROOT });
    expect(inspected.ok).toBe(true);
    const refused = await inspectPlugin({ kind: 'strategy', name: 'vwap-reversion', config: { entry_z: 2, exit_z: 2 } }, { rootDir: ROOT });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.problems.map((p) => p.code)).toEqual(['PLUGIN_CONFIG_INVALID']);
  });

  it('creates a strategy whose warmup is the longest lookback', () => {
    expect(manifest.create(pluginContext({}))).toMatchObject({ warmupBars: 30 });
  });

  it('refuses to create a strategy from a config that cannot work, with PLUGIN_CONFIG_INVALID', () => {
    try {
      manifest.create(pluginContext({ entry_z: 1, exit_z: 1.5 }));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TradegateError);
      expect((err as TradegateError).code).toBe('PLUGIN_CONFIG_INVALID');
    }
  });
});
