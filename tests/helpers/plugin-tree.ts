// Test helper: a temporary repository-like folder with plugins/ and node_modules/ on the real file system.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ManualClock } from '../../engine/clock.ts';
import { seededRandom } from '../../engine/market/seeded-random.ts';
import { LogCapture } from '../../engine/observe/log-capture.ts';
import { createLogger } from '../../engine/observe/logger.ts';
import type { PluginRuntime } from '../../engine/plugins/load-plugins.ts';

/** The plugin API module as an import specifier a plugin outside the repository can use. */
export const PLUGIN_API_URL = pathToFileURL(resolve(import.meta.dirname, '../../engine/plugins/plugin-api.ts')).href;

export interface PluginTree {
  readonly root: string;
  readonly pluginsDir: string;
  /** Writes `text` at `relative` (under root), creating folders; returns the absolute path. */
  write(relative: string, text: string): string;
  cleanup(): void;
}

export function makePluginTree(): PluginTree {
  const root = mkdtempSync(join(tmpdir(), 'tg-plugins-'));
  // Plugins are ES modules, as in the repository (whose package.json says so).
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'plugin-tree', private: true, type: 'module' }));
  const write = (relative: string, text: string) => {
    const path = join(root, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  return { root, pluginsDir: join(root, 'plugins'), write, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface ManifestSource {
  readonly name: string;
  readonly kind?: string;
  readonly version?: string;
  readonly apiVersion?: string;
  /** A JS expression for configSchema. */
  readonly schema?: string;
  /** A JS expression for create. */
  readonly create?: string;
  /** Statements placed before the manifest. */
  readonly prelude?: string;
  /** A published JS package cannot import the host's TypeScript: false leaves the plugin API import out. */
  readonly importsApi?: boolean;
}

export const OPEN_SCHEMA = `{ type: 'object', additionalProperties: false, properties: {} }`;

/** The text of a plugin module whose default export is a manifest built from `m`. */
export function manifestModule(m: ManifestSource): string {
  return [
    '// A plugin written by a test into a temporary folder.',
    m.importsApi === false ? "const PLUGIN_API_VERSION = 'none';" : `import { PLUGIN_API_VERSION } from '${PLUGIN_API_URL}';`,
    m.prelude ?? '',
    'export default {',
    `  name: ${JSON.stringify(m.name)},`,
    `  version: ${JSON.stringify(m.version ?? '0.1.0')},`,
    `  kind: ${JSON.stringify(m.kind ?? 'strategy')},`,
    `  apiVersion: ${JSON.stringify(m.apiVersion ?? '^1.0.0')},`,
    `  configSchema: ${m.schema ?? OPEN_SCHEMA},`,
    `  create: ${m.create ?? `() => ({ warmupBars: 0, evaluate: () => null, apiSeen: PLUGIN_API_VERSION })`},`,
    '};',
    '',
  ].join('\n');
}

export interface TestRuntime {
  readonly runtime: PluginRuntime;
  readonly capture: LogCapture;
  readonly clock: ManualClock;
}

/** What the engine lends plugins, made of real parts: a pino logger into a capture, a manual clock, a seeded source. */
export function testRuntime(root: string, seed = 7): TestRuntime {
  const capture = new LogCapture();
  const clock = new ManualClock(1_522_800_000_000);
  const runtime: PluginRuntime = {
    logger: createLogger({ destination: capture, level: 'debug', clock, time: 'epoch', env: {} }),
    now: () => clock.now(),
    random: seededRandom(seed),
    stateRoot: join(root, 'data', 'plugins'),
  };
  return { runtime, capture, clock };
}
