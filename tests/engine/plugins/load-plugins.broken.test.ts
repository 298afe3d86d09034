// Tests that every kind of broken plugin fails at load time with its own code and a problem naming the file (and line when known).
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseYaml } from '../../../engine/config/source-map.ts';
import { formatProblem, type Problem, TradegateError } from '../../../engine/errors.ts';
import { loadPlugin, type PluginRef, type PluginRuntime } from '../../../engine/plugins/load-plugins.ts';
import { makePluginTree, manifestModule, type PluginTree, testRuntime } from '../../helpers/plugin-tree.ts';

let tree: PluginTree;
let runtime: PluginRuntime;

beforeEach(() => {
  tree = makePluginTree();
  ({ runtime } = testRuntime(tree.root));
});
afterEach(() => tree.cleanup());

const search = () => ({ rootDir: tree.root });
const strategy = (name: string, config: unknown = {}): PluginRef & { kind: 'strategy' } => ({ kind: 'strategy', name, config });

async function loadProblems(ref: PluginRef): Promise<Problem[]> {
  try {
    await loadPlugin(ref, search(), runtime);
  } catch (err) {
    expect(err).toBeInstanceOf(TradegateError);
    const problems = (err as TradegateError).details['problems'] as Problem[];
    expect((err as TradegateError).code).toBe(problems[0]!.code);
    expect((err as TradegateError).kind).toBe('config');
    return problems;
  }
  throw new Error('expected the plugin to fail to load');
}

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

describe('a broken plugin fails at load time with a coded problem naming its file', () => {
  it('PLUGIN_NOT_FOUND: names the file it looked for and suggests a near name', async () => {
    tree.write('plugins/strategies/momentum/index.ts', manifestModule({ name: 'momentum' }));
    const [p] = await loadProblems(strategy('momentun'));
    expect(p).toMatchObject({ code: 'PLUGIN_NOT_FOUND', file: join(tree.pluginsDir, 'strategies', 'momentun', 'index.ts') });
    expect(p!.message).toContain('did you mean "momentum"');
  });

  it('PLUGIN_NOT_FOUND: a name that could leave the plugins folder is refused', async () => {
    const [p] = await loadProblems(strategy('../venues/paper'));
    expect(p!.code).toBe('PLUGIN_NOT_FOUND');
    expect(p!.message).toContain('not a plugin name');
  });

  it('PLUGIN_NOT_FOUND: an npm package that is not installed', async () => {
    const [p] = await loadProblems({ kind: 'strategy', name: 'x', package: 'tg-not-installed', config: {} });
    expect(p!.code).toBe('PLUGIN_NOT_FOUND');
    expect(p!.message).toContain("package 'tg-not-installed' is not installed");
  });

  it('PLUGIN_SYNTAX_ERROR: names the file, line and column', async () => {
    const file = tree.write('plugins/strategies/typo/index.ts', "// broken\nexport default { name: 'typo',, };\n");
    const [p] = await loadProblems(strategy('typo'));
    expect(p).toMatchObject({ code: 'PLUGIN_SYNTAX_ERROR', file, line: 2, col: 31 });
    expect(formatProblem(p!)).toContain(`${file}:2:31`);
  });

  it('PLUGIN_SYNTAX_ERROR: in a module the plugin imports, names that module', async () => {
    tree.write('plugins/strategies/deep/index.ts', "// entry\nimport { x } from './helper.ts';\nexport default x;\n");
    const helper = tree.write('plugins/strategies/deep/helper.ts', '// helper\nexport const x = {{;\n');
    const [p] = await loadProblems(strategy('deep'));
    expect(p).toMatchObject({ code: 'PLUGIN_SYNTAX_ERROR', file: helper, line: 2 });
  });

  it('PLUGIN_SYNTAX_ERROR: in a published JavaScript package, names its entry file (node gives no line)', async () => {
    tree.write('node_modules/tg-broken/package.json', JSON.stringify({ name: 'tg-broken', type: 'module', main: 'index.js' }));
    const file = tree.write('node_modules/tg-broken/index.js', '// published\nexport default { name: "x",, };\n');
    const [p] = await loadProblems({ kind: 'strategy', name: 'x', package: 'tg-broken', config: {} });
    expect(p).toMatchObject({ code: 'PLUGIN_SYNTAX_ERROR', file });
    expect(p!.message).toContain("Unexpected token ','");
  });

  it('PLUGIN_IMPORT_FAILED: the module throws while it loads', async () => {
    const file = tree.write('plugins/strategies/thrower/index.ts', "// throws\nthrow new Error('no API key configured');\n");
    const [p] = await loadProblems(strategy('thrower'));
    expect(p).toMatchObject({ code: 'PLUGIN_IMPORT_FAILED', file });
    expect(p!.message).toContain('no API key configured');
  });

  it('PLUGIN_IMPORT_FAILED: a module it imports is missing', async () => {
    tree.write('plugins/strategies/orphan/index.ts', "// imports nothing real\nimport { x } from './gone.ts';\nexport default x;\n");
    const [p] = await loadProblems(strategy('orphan'));
    expect(p!.code).toBe('PLUGIN_IMPORT_FAILED');
    expect(p!.message).toContain('gone.ts');
  });

  it('PLUGIN_NO_DEFAULT_EXPORT: says what the module exports instead', async () => {
    const file = tree.write('plugins/strategies/named/index.ts', '// named only\nexport const manifest = {};\n');
    const [p] = await loadProblems(strategy('named'));
    expect(p).toMatchObject({ code: 'PLUGIN_NO_DEFAULT_EXPORT', file });
    expect(p!.message).toContain('it exports manifest');
  });

  it('PLUGIN_MANIFEST_INVALID: every bad field in one pass, each at its line', async () => {
    const file = tree.write(
      'plugins/strategies/sloppy/index.ts',
      "// sloppy\nexport default {\n  name: 'sloppy',\n  version: 'one',\n  kind: 'strategy',\n  apiVersion: '^1.0.0',\n  configSchema: 'none',\n};\n",
    );
    const problems = await loadProblems(strategy('sloppy'));
    expect(problems.map((p) => [p.code, p.line, p.file])).toEqual([
      ['PLUGIN_MANIFEST_INVALID', 4, file],
      ['PLUGIN_MANIFEST_INVALID', 7, file],
      ['PLUGIN_MANIFEST_INVALID', 0, file],
    ]);
    expect(problems[2]!.message).toContain('create');
  });

  it('PLUGIN_MANIFEST_INVALID: the manifest name must be the configured name', async () => {
    tree.write('plugins/strategies/alias/index.ts', manifestModule({ name: 'other' }));
    const [p] = await loadProblems(strategy('alias'));
    expect(p!.code).toBe('PLUGIN_MANIFEST_INVALID');
    expect(p!.message).toContain("'other' differs from the configured name 'alias'");
  });

  it('PLUGIN_WRONG_KIND: a venue named as a strategy', async () => {
    const file = tree.write('plugins/strategies/venue-here/index.ts', manifestModule({ name: 'venue-here', kind: 'venue' }));
    const [p] = await loadProblems(strategy('venue-here'));
    expect(p).toMatchObject({ code: 'PLUGIN_WRONG_KIND', file });
    expect(p!.message).toBe('the plugin is a venue, but it is configured as a strategy');
  });

  it.each([
    ['^2.0.0', 'does not accept'],
    ['~0.9.0', 'does not accept'],
    ['>1.0.0', 'does not accept'],
    ['latest', 'is not a version range'],
    ['1.0', 'does not accept'],
  ])('PLUGIN_API_INCOMPATIBLE: apiVersion %s', async (range, says) => {
    tree.write('plugins/strategies/old/index.ts', manifestModule({ name: 'old', apiVersion: range === '1.0' ? '1.1' : range }));
    const [p] = await loadProblems(strategy('old'));
    expect(p!.code).toBe('PLUGIN_API_INCOMPATIBLE');
    expect(p!.message).toContain(says);
  });

  it('PLUGIN_CONFIG_SCHEMA_INVALID: a schema strict ajv refuses (a misspelt keyword)', async () => {
    tree.write('plugins/strategies/bad-schema/index.ts', manifestModule({ name: 'bad-schema', schema: `{ type: 'object', additionalProperties: false, properties: { n: { type: 'number', minimun: 1 } } }` }));
    const [p] = await loadProblems(strategy('bad-schema'));
    expect(p!.code).toBe('PLUGIN_CONFIG_SCHEMA_INVALID');
    expect(p!.message).toContain('minimun');
  });

  it('PLUGIN_CONFIG_SCHEMA_INVALID: a schema that lets unknown keys through, at every level', async () => {
    tree.write('plugins/strategies/open/index.ts', manifestModule({ name: 'open', schema: `{ type: 'object', properties: { inner: { type: 'object', properties: {} } } }` }));
    const problems = await loadProblems(strategy('open'));
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([
      ['PLUGIN_CONFIG_SCHEMA_INVALID', '/'],
      ['PLUGIN_CONFIG_SCHEMA_INVALID', '/properties/inner'],
    ]);
  });

  it('PLUGIN_CONFIG_INVALID: every config problem in one pass, located in the operator file', async () => {
    tree.write('plugins/strategies/drop-in/index.ts', DROP_IN);
    const yaml = 'strategies:\n  - name: drop-in\n    config:\n      size: "1"\n      sise: 2\n';
    const parsed = parseYaml(yaml, 'config/engine.yaml');
    if (!parsed.ok) throw new Error('fixture YAML must parse');
    const config = (parsed.value as { strategies: { config: unknown }[] }).strategies[0]!.config;
    const origin = { file: 'config/engine.yaml', pointer: '/strategies/0/config', locate: parsed.locate };
    const problems = await loadProblems({ kind: 'strategy', name: 'drop-in', config, origin });
    expect(problems.map((p) => `${formatProblem(p)} @${p.pointer}`)).toEqual([
      expect.stringMatching(/^config\/engine\.yaml:4:13 {2}PLUGIN_CONFIG_INVALID {2}strategy plugin 'drop-in' config: size must be a number, got "1" \[SCHEMA_TYPE\] @\/strategies\/0\/config\/size$/),
      expect.stringMatching(/^config\/engine\.yaml:5:7 {2}PLUGIN_CONFIG_INVALID {2}.*unknown key "sise".*did you mean "size".*@\/strategies\/0\/config\/sise$/),
    ]);
  });

  it("PLUGIN_CONFIG_INVALID: the manifest's validateConfig catches what a schema cannot say", async () => {
    tree.write(
      'plugins/strategies/ranges/index.ts',
      manifestModule({
        name: 'ranges',
        schema: `{ type: 'object', additionalProperties: false, properties: { lo: { type: 'number' }, hi: { type: 'number' } } }`,
        prelude: "const check = (c) => (c.lo > c.hi ? ['lo ' + c.lo + ' is above hi ' + c.hi] : []);",
      }).replace('  create:', '  validateConfig: check,\n  create:'),
    );
    const [p] = await loadProblems(strategy('ranges', { lo: 5, hi: 1 }));
    expect(p!.code).toBe('PLUGIN_CONFIG_INVALID');
    expect(p!.message).toBe("strategy plugin 'ranges' config: lo 5 is above hi 1");
  });

  it('PLUGIN_CREATE_FAILED: create() throws, or returns something that is not a strategy', async () => {
    const file = tree.write('plugins/strategies/explodes/index.ts', manifestModule({ name: 'explodes', create: `() => { throw new Error('cannot start'); }` }));
    const loaded = await loadPlugin(strategy('explodes'), search(), runtime);
    await expect(loaded.create()).rejects.toMatchObject({ code: 'PLUGIN_CREATE_FAILED', message: expect.stringContaining(`${file}:0:0`) });
    await expect(loaded.create()).rejects.toMatchObject({ message: expect.stringContaining('cannot start') });
    tree.write('plugins/strategies/hollow/index.ts', manifestModule({ name: 'hollow', create: `() => ({ warmupBars: -1 })` }));
    const hollow = await loadPlugin(strategy('hollow'), search(), runtime);
    await expect(hollow.create()).rejects.toMatchObject({ code: 'PLUGIN_CREATE_FAILED', message: expect.stringContaining('warmupBars is -1') });
  });
});

