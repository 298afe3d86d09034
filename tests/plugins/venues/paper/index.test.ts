// Tests of the paper venue's manifest as the engine's loader sees it: kind, API range, strict closed schema, config problems.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validatePlugins } from '../../../../engine/plugins/load-plugins.ts';
import { PLUGIN_API_VERSION } from '../../../../engine/plugins/plugin-api.ts';
import { compileConfigSchema } from '../../../../engine/plugins/plugin-config.ts';
import { satisfies } from '../../../../engine/plugins/semver-range.ts';
import manifest from '../../../../plugins/venues/paper/index.ts';
import { BASE_CONFIG } from './paper-fixture.ts';

const search = { rootDir: resolve(import.meta.dirname, '../../../..') };

describe('the paper venue manifest', () => {
  it('is a venue named paper for this plugin API, with a schema strict ajv compiles and that closes every object', () => {
    expect(manifest).toMatchObject({ name: 'paper', kind: 'venue' });
    expect(satisfies(PLUGIN_API_VERSION, manifest.apiVersion)).toBe(true);
    expect(compileConfigSchema(manifest.configSchema, 'index.ts').ok).toBe(true);
  });

  it('loads with the fixture config', async () => {
    expect(await validatePlugins([{ kind: 'venue', name: 'paper', config: BASE_CONFIG }], search)).toEqual([]);
  });

  it('reports every schema problem of a config in one pass', async () => {
    const config = { ...BASE_CONFIG, participation: 0, fees: { maker_bps: -1, taker: 5 }, latencyMs: 5 };
    const problems = await validatePlugins([{ kind: 'venue', name: 'paper', config }], search);
    expect(problems.map((p) => `${p.code} ${p.pointer} ${p.message.replace(/^venue plugin 'paper' config: /, '')}`).sort()).toEqual([
      'PLUGIN_CONFIG_INVALID /fees missing required key "taker_bps" in fees [SCHEMA_REQUIRED]',
      expect.stringMatching(/^PLUGIN_CONFIG_INVALID \/fees\/taker unknown key "taker"/),
      expect.stringMatching(/^PLUGIN_CONFIG_INVALID \/latencyMs unknown key "latencyMs"/),
      'PLUGIN_CONFIG_INVALID /participation participation must be > 0, got 0 [SCHEMA_RANGE]',
    ]);
  });

  it('reports what the schema cannot say through validateConfig', async () => {
    const problems = await validatePlugins([{ kind: 'venue', name: 'paper', config: { ...BASE_CONFIG, latency_ms: { min: 300, max: 100 } } }], search);
    expect(problems.map((p) => p.message)).toEqual(["venue plugin 'paper' config: latency_ms.min 300 is above latency_ms.max 100"]);
  });
});
