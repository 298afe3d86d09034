// Loads configured plugins at startup: find, import, check manifest, API range and config, then bind create() to a context.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../errors.ts';
import type { Logger } from '../observe/logger.ts';
import { findPlugin } from './find-plugin.ts';
import { importManifest } from './import-manifest.ts';
import type { PluginContext, PluginKind, PluginManifest, Strategy, Venue } from './plugin-api.ts';
import { compileConfigSchema, configProblems, frozenCopy } from './plugin-config.ts';
import { pluginLoadError, pluginProblem } from './plugin-problem.ts';
import { folderOf, type PluginRef, type PluginSearch } from './plugin-ref.ts';

export type { ConfigOrigin, PluginRef, PluginSearch } from './plugin-ref.ts';

/** What the engine lends every plugin it creates. */
export interface PluginRuntime {
  /** Each plugin logs through a child carrying `plugin` and `plugin_kind`. */
  readonly logger: Logger;
  readonly now: () => number;
  /** Seeded in backtests, so a plugin's randomness (the paper venue's latency) reproduces. */
  readonly random: () => number;
  /** Each plugin keeps state in `<stateRoot>/<strategies|venues>/<name>`, created when the plugin is. */
  readonly stateRoot: string;
}

export type InstanceOf<K extends PluginKind> = K extends 'strategy' ? Strategy : Venue;

export interface LoadedPlugin<Instance = unknown> {
  readonly ref: PluginRef;
  /** The module file the manifest came from. */
  readonly file: string;
  readonly manifest: PluginManifest<unknown, Instance>;
  /** The config, validated against the manifest's schema and frozen. */
  readonly config: unknown;
  /** Calls the manifest's create with this plugin's context; throws PLUGIN_CREATE_FAILED naming the file. */
  create(): Promise<Instance>;
}

/** A plugin checked without creating it: what `engine validate` needs. */
export type InspectedPlugin =
  | { readonly ok: true; readonly file: string; readonly manifest: PluginManifest; readonly config: unknown }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** Finds, imports and checks one plugin; every problem in one pass, never a throw for anything in the plugin. */
export async function inspectPlugin(ref: PluginRef, search: PluginSearch): Promise<InspectedPlugin> {
  const found = findPlugin(ref, search);
  if (!found.ok) return { ok: false, problems: [found.problem] };
  const imported = await importManifest(found.file, ref);
  if (!imported.ok) return imported;
  const schema = compileConfigSchema(imported.manifest.configSchema, found.file);
  if (!schema.ok) return schema;
  const problems = configProblems(schema.validate, ref, found.file);
  if (problems.length === 0) problems.push(...crossFieldProblems(imported.manifest, ref, found.file));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, file: found.file, manifest: imported.manifest, config: frozenCopy(ref.config) };
}

/** The manifest's own validateConfig (checks JSON Schema cannot express); a throw there is the plugin's bug, reported too. */
function crossFieldProblems(manifest: PluginManifest, ref: PluginRef, file: string): Problem[] {
  if (manifest.validateConfig === undefined) return [];
  const at = ref.origin?.locate?.(ref.origin.pointer, 'key') ?? { line: 0, col: 0 };
  const where = ref.origin?.file ?? file;
  const problem = (message: string) => pluginProblem('PLUGIN_CONFIG_INVALID', where, `${ref.kind} plugin '${ref.name}' config: ${message}`, at, ref.origin?.pointer);
  try {
    const messages = manifest.validateConfig(ref.config);
    if (!Array.isArray(messages)) return [problem(`validateConfig returned ${typeof messages}, not a list of messages`)];
    return messages.map((m) => problem(String(m)));
  } catch (err) {
    return [problem(`validateConfig threw: ${(err as Error).message ?? String(err)}`)];
  }
}

/** Every problem of every configured plugin, in configuration order; empty when all of them would load. */
export async function validatePlugins(refs: readonly PluginRef[], search: PluginSearch): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const ref of refs) {
    const inspected = await inspectPlugin(ref, search);
    if (!inspected.ok) problems.push(...inspected.problems);
  }
  return problems;
}

const VENUE_METHODS = ['connect', 'close', 'instruments', 'placeOrder', 'cancelOrder', 'getOrder', 'listOrders', 'listFills', 'positions', 'balance'];

/** Why what create() returned is not an instance of `kind`, or null when it is one. */
export function instanceDefect(kind: PluginKind, instance: unknown): string | null {
  if (instance === null || typeof instance !== 'object') return `create() returned ${instance === null ? 'null' : typeof instance}, not a ${kind}`;
  const o = instance as Record<string, unknown>;
  if (kind === 'strategy') {
    const w = o['warmupBars'];
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 0) return `the strategy's warmupBars is ${String(w)}; expected a whole number >= 0`;
    if (typeof o['evaluate'] !== 'function') return 'the strategy has no evaluate(ctx) function';
    return null;
  }
  if (typeof o['name'] !== 'string') return 'the venue has no name';
  const missing = VENUE_METHODS.filter((m) => typeof o[m] !== 'function');
  return missing.length > 0 ? `the venue lacks ${missing.join(', ')}` : null;
}

function bind<K extends PluginKind>(ref: PluginRef & { kind: K }, inspected: InspectedPlugin & { ok: true }, runtime: PluginRuntime): LoadedPlugin<InstanceOf<K>> {
  const manifest = inspected.manifest as PluginManifest<unknown, InstanceOf<K>>;
  const fail = (message: string) => pluginLoadError([pluginProblem('PLUGIN_CREATE_FAILED', inspected.file, `${ref.kind} plugin '${ref.name}': ${message}`)]);
  return {
    ref,
    file: inspected.file,
    manifest,
    config: inspected.config,
    async create() {
      const stateDir = join(runtime.stateRoot, folderOf(ref.kind), ref.name);
      let instance: unknown;
      try {
        mkdirSync(stateDir, { recursive: true });
        const ctx: PluginContext<unknown> = {
          config: inspected.config,
          logger: runtime.logger.child({ plugin: ref.name, plugin_kind: ref.kind }),
          now: runtime.now,
          random: runtime.random,
          stateDir,
        };
        instance = await manifest.create(ctx);
      } catch (err) {
        throw fail(`create() threw ${(err as Error).name ?? 'an error'}: ${(err as Error).message ?? String(err)}`);
      }
      const defect = instanceDefect(ref.kind, instance);
      if (defect) throw fail(defect);
      return instance as InstanceOf<K>;
    },
  };
}

/** Loads one plugin or throws one TradegateError (PLUGIN_*) listing every problem, each naming its file. */
export async function loadPlugin<K extends PluginKind>(ref: PluginRef & { kind: K }, search: PluginSearch, runtime: PluginRuntime): Promise<LoadedPlugin<InstanceOf<K>>> {
  const inspected = await inspectPlugin(ref, search);
  if (!inspected.ok) throw pluginLoadError(inspected.problems);
  return bind(ref, inspected, runtime);
}

/** Loads every plugin, or throws one error listing the problems of all of them: nothing half-loads. */
export async function loadPlugins(refs: readonly PluginRef[], search: PluginSearch, runtime: PluginRuntime): Promise<LoadedPlugin[]> {
  const loaded: LoadedPlugin[] = [];
  const problems: Problem[] = [];
  for (const ref of refs) {
    const inspected = await inspectPlugin(ref, search);
    if (inspected.ok) loaded.push(bind(ref, inspected, runtime) as LoadedPlugin);
    else problems.push(...inspected.problems);
  }
  if (problems.length > 0) throw pluginLoadError(problems);
  return loaded;
}
