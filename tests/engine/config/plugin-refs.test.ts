// Specs for the plugins a config names: refs that locate each plugin's settings in the file, and the checks across sections.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../engine/config/load-config.ts';
import { configConsistencyProblems, pluginRefs, REPOSITORY_PLUGINS } from '../../../engine/config/plugin-refs.ts';
import { validatePlugins } from '../../../engine/plugins/load-plugins.ts';
import { tempFolder } from '../../helpers/operator-fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const SHIPPED = readFileSync(join(ROOT, 'config', 'engine.yaml'), 'utf8');

let cleanup = (): void => {};
afterEach(() => cleanup());

async function load(text: string) {
  const made = tempFolder({ 'engine.yaml': text });
  cleanup = made.cleanup;
  const loaded = await loadConfig(join(made.dir, 'engine.yaml'));
  if (!loaded.ok) throw new Error(`config must load: ${loaded.problems.map((p) => p.message).join('; ')}`);
  return { loaded, text };
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('pluginRefs', () => {
  it('names the venue, then each strategy, with where its settings are in the file', async () => {
    const { loaded } = await load(SHIPPED);
    const refs = pluginRefs(loaded.config, loaded);
    expect(refs.map((r) => [r.kind, r.name, r.origin?.pointer])).toEqual([
      ['venue', 'paper', '/venue/config'],
      ['strategy', 'vwap-reversion', '/strategies/0/config'],
    ]);
    expect(REPOSITORY_PLUGINS.rootDir).toBe(`${ROOT}/`);
    expect(await validatePlugins(refs, REPOSITORY_PLUGINS)).toEqual([]);
  });

  it("lets a plugin's own schema point at the bad setting's line in the engine config", async () => {
    const { loaded, text } = await load(SHIPPED.replace('fee_bps: 5', 'fee_bps: -5'));
    const problems = await validatePlugins(pluginRefs(loaded.config, loaded), REPOSITORY_PLUGINS);
    expect(problems).toEqual([expect.objectContaining({ code: 'PLUGIN_CONFIG_INVALID', file: loaded.file, line: lineOf(text, 'fee_bps: -5'), pointer: '/strategies/0/config/fee_bps' })]);
  });
});

describe('configConsistencyProblems', () => {
  it('finds none in the shipped config', async () => {
    const { loaded } = await load(SHIPPED);
    expect(configConsistencyProblems(loaded.config, loaded)).toEqual([]);
  });

  it('refuses two strategies on one instrument, at the second one, naming the first', async () => {
    const text = SHIPPED.replace('strategies:\n', 'strategies:\n  - name: canary\n    instruments: [BTC-USD]\n    config: {}\n');
    const { loaded } = await load(text);
    const problems = configConsistencyProblems(loaded.config, loaded);
    const second = text.split('\n').findIndex((l, i, all) => l.includes('instruments: [BTC-USD]') && all.slice(0, i).some((x) => x.includes('instruments: [BTC-USD]'))) + 1;
    expect(problems).toEqual([expect.objectContaining({ code: 'CONFIG_INVALID', pointer: '/strategies/1/instruments/0', line: second, message: expect.stringContaining('already traded by strategies[0] (canary)') })]);
  });

  it('refuses a strategy or an instrument outside the scope, and a venue cash that is not the account cash', async () => {
    const text = SHIPPED.replace('strategies: [canary, vwap-reversion]', 'strategies: [canary]').replace('instruments: [BTC-USD, ETH-USD, LTC-USD]', 'instruments: [ETH-USD]').replace('    starting_cash_usd: 10000', '    starting_cash_usd: 5000');
    const { loaded } = await load(text);
    expect(configConsistencyProblems(loaded.config, loaded).map((p) => p.pointer)).toEqual(['/strategies/0/name', '/strategies/0/instruments/0', '/venue/config/starting_cash_usd']);
  });

  it('refuses a speed that is neither max, realtime nor a factor, and a null duration is fine', async () => {
    const made = tempFolder({ 'engine.yaml': SHIPPED.replace('speed: max', 'speed: fastest') });
    cleanup = made.cleanup;
    const bad = await loadConfig(join(made.dir, 'engine.yaml'));
    expect(bad.problems.map((p) => [p.code, p.pointer])).toEqual([['SCHEMA_PATTERN', '/session/speed']]);
    const { loaded } = await load(SHIPPED.replace('speed: max', 'speed: 60'));
    expect(loaded.config.session).toMatchObject({ speed: 60, duration_s: null });
  });
});
