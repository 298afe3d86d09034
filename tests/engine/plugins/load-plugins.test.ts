// Tests of the plugin loader on real plugin files in temporary folders: drop-in strategies, npm packages, contexts, many plugins at once.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../../engine/clock.ts';
import { seededRandom } from '../../../engine/market/seeded-random.ts';
import type { LogCapture } from '../../../engine/observe/log-capture.ts';
import { instanceDefect, loadPlugin, loadPlugins, type PluginRef, type PluginRuntime, validatePlugins } from '../../../engine/plugins/load-plugins.ts';
import type { MarketEvent, StrategyContext } from '../../../engine/plugins/plugin-api.ts';
import { makePluginTree, manifestModule, type PluginTree, testRuntime } from '../../helpers/plugin-tree.ts';

let tree: PluginTree;
let capture: LogCapture;
let clock: ManualClock;
let runtime: PluginRuntime;

beforeEach(() => {
  tree = makePluginTree();
  ({ runtime, capture, clock } = testRuntime(tree.root));
});
afterEach(() => tree.cleanup());

const search = () => ({ rootDir: tree.root });
const strategy = (name: string, config: unknown = {}): PluginRef & { kind: 'strategy' } => ({ kind: 'strategy', name, config });

const DROP_IN = manifestModule({
  name: 'drop-in',
  schema: `{ type: 'object', additionalProperties: false, required: ['size'], properties: { size: { type: 'number', exclusiveMinimum: 0 } } }`,
  create: `(ctx) => ({
    warmupBars: 2,
    evaluate(c) {
      ctx.logger.info({ event: 'drop_in.evaluated', instrument: c.event.instrument }, 'evaluated');
      return { instrument: c.event.instrument, side: 'buy', quantity: ctx.config.size, orderType: 'market', signalId: 'drop-in-' + c.now, intent: 'entry', reason: 'test' };
    },
  })`,
});

function strategyContext(now: number): StrategyContext {
  const quote = { instrument: 'BTC-USD', ts: now - 60_000, periodMs: 60_000, bidOpen: 1, bidHigh: 1, bidLow: 1, bidClose: 1, askOpen: 1, askHigh: 1, askLow: 1, askClose: 1, synthesized: false, sourceTs: now, receiveTs: now };
  const event: MarketEvent = { instrument: 'BTC-USD', ts: now - 60_000, periodMs: 60_000, endTs: now, trade: null, quote, sourceTs: now, receiveTs: now };
  return { now, event, history: [event], position: { instrument: 'BTC-USD', quantity: 0, entryPrice: 0, unrealizedPnlUsd: 0 }, account: { cashUsd: 100, equityUsd: 100 } };
}

describe('loading a plugin that works', () => {
  it('runs a strategy dropped into a plugins folder and named in config, with no change to the engine', async () => {
    const file = tree.write('plugins/strategies/drop-in/index.ts', DROP_IN);
    const loaded = await loadPlugin(strategy('drop-in', { size: 0.5 }), search(), runtime);
    expect(loaded.file).toBe(file);
    expect(loaded.manifest.name).toBe('drop-in');
    const instance = await loaded.create();
    expect(instance.warmupBars).toBe(2);
    expect(instance.evaluate(strategyContext(clock.now()))).toMatchObject({ instrument: 'BTC-USD', side: 'buy', quantity: 0.5, orderType: 'market' });
  });

  it('binds create to a context: frozen validated config, a child logger naming the plugin, the engine clock, random and a state folder', async () => {
    tree.write(
      'plugins/strategies/ctx-probe/index.ts',
      manifestModule({
        name: 'ctx-probe',
        schema: `{ type: 'object', additionalProperties: false, properties: { n: { type: 'integer' } } }`,
        create: `(ctx) => { ctx.logger.info({ event: 'probe.created' }, 'hi'); return { warmupBars: 0, evaluate: () => null, seen: { now: ctx.now(), r: ctx.random(), stateDir: ctx.stateDir, config: ctx.config } }; }`,
      }),
    );
    const config = { n: 3 };
    const loaded = await loadPlugin(strategy('ctx-probe', config), search(), runtime);
    const expectedRandom = seededRandom(7)();
    const instance = (await loaded.create()) as unknown as { seen: { now: number; r: number; stateDir: string; config: { n: number } } };
    expect(instance.seen.now).toBe(clock.now());
    expect(instance.seen.r).toBe(expectedRandom);
    expect(instance.seen.stateDir).toBe(join(runtime.stateRoot, 'strategies', 'ctx-probe'));
    expect(existsSync(instance.seen.stateDir)).toBe(true);
    expect(instance.seen.config).toEqual(config);
    expect(instance.seen.config).not.toBe(config);
    expect(Object.isFrozen(instance.seen.config)).toBe(true);
    expect(capture.events('probe.created')[0]).toMatchObject({ plugin: 'ctx-probe', plugin_kind: 'strategy' });
  });

  it('loads a plugin from an installed npm package named in config, resolved from the repository root', async () => {
    tree.write('node_modules/@acme/tg-venue/package.json', JSON.stringify({ name: '@acme/tg-venue', type: 'module', exports: { '.': { import: './src/index.js', require: './cjs/index.cjs' } } }));
    tree.write(
      'node_modules/@acme/tg-venue/src/index.js',
      manifestModule({
        name: 'acme',
        kind: 'venue',
        importsApi: false,
        create: `() => ({ name: 'acme', connect() {}, close() {}, instruments() {}, placeOrder() {}, cancelOrder() {}, getOrder() {}, listOrders() {}, listFills() {}, positions() {}, balance() {} })`,
      }),
    );
    const loaded = await loadPlugin({ kind: 'venue', name: 'acme', package: '@acme/tg-venue', config: {} }, search(), runtime);
    expect(loaded.file).toBe(join(tree.root, 'node_modules/@acme/tg-venue/src/index.js'));
    expect((await loaded.create()).name).toBe('acme');
  });

  it.each(['1.0.0', '^1.0.0', '~1.0.0', '1.x', '1', '*', '>=1.0.0 <2.0.0', '^0.9.0 || ^1.0.0'])('accepts apiVersion range %s', async (range) => {
    tree.write('plugins/strategies/ranged/index.ts', manifestModule({ name: 'ranged', apiVersion: range }));
    await expect(loadPlugin(strategy('ranged'), search(), runtime)).resolves.toMatchObject({ manifest: { apiVersion: range } });
  });

  it('loads the shipped paper venue by name from the repository', async () => {
    const config = {
      starting_cash_usd: 1000,
      instruments: [{ instrument: 'BTC-USD', type: 'spot', min_quantity: 0.001, quantity_step: 0.001, price_tick: 0.01 }],
      latency_ms: { min: 0, max: 0 },
      slippage: { base_bps: 0, bps_per_10k_usd: 0 },
      fees: { maker_bps: 0, taker_bps: 0 },
      participation: 0.1,
    };
    const loaded = await loadPlugin({ kind: 'venue', name: 'paper', config }, { rootDir: resolve(import.meta.dirname, '../../..') }, runtime);
    const venue = await loaded.create();
    expect(await venue.balance()).toEqual({ cashUsd: 1000 });
  });
});

describe('checking many plugins', () => {
  it('validatePlugins lists the problems of every configured plugin in one pass', async () => {
    tree.write('plugins/strategies/drop-in/index.ts', DROP_IN);
    tree.write('plugins/strategies/thrower/index.ts', "// throws\nthrow new Error('boom');\n");
    tree.write('plugins/venues/wrong/index.ts', manifestModule({ name: 'wrong' }));
    const problems = await validatePlugins(
      [strategy('drop-in', { size: 1 }), strategy('thrower'), { kind: 'venue', name: 'wrong', config: {} }, strategy('missing'), strategy('drop-in', { size: -1, extra: true })],
      search(),
    );
    expect(problems.map((p) => p.code)).toEqual(['PLUGIN_IMPORT_FAILED', 'PLUGIN_WRONG_KIND', 'PLUGIN_NOT_FOUND', 'PLUGIN_CONFIG_INVALID', 'PLUGIN_CONFIG_INVALID']);
  });

  it('loadPlugins loads all of them, or none with every problem in one error', async () => {
    tree.write('plugins/strategies/drop-in/index.ts', DROP_IN);
    const ok = await loadPlugins([strategy('drop-in', { size: 1 })], search(), runtime);
    expect(ok.map((l) => l.manifest.name)).toEqual(['drop-in']);
    const failing = loadPlugins([strategy('drop-in', { size: 1 }), strategy('nope'), strategy('drop-in', {})], search(), runtime);
    await expect(failing).rejects.toMatchObject({ code: 'PLUGIN_NOT_FOUND', details: { problems: [expect.anything(), expect.anything()] } });
  });

  it('instanceDefect names what a venue instance lacks', () => {
    expect(instanceDefect('venue', { name: 'v', connect() {} })).toMatch(/^the venue lacks close, instruments, placeOrder/);
    expect(instanceDefect('strategy', null)).toBe('create() returned null, not a strategy');
    expect(instanceDefect('strategy', { warmupBars: 3, evaluate() {} })).toBeNull();
  });
});
