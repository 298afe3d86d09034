// Turns a configured plugin name into the module file to import: a folder under plugins/, or an installed npm package.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Problem } from '../errors.ts';
import { didYouMean } from '../rules/did-you-mean.ts';
import { pluginProblem } from './plugin-problem.ts';
import { folderOf, PLUGIN_NAME, type PluginRef, type PluginSearch } from './plugin-ref.ts';
import { resolvePackageEntry } from './resolve-package.ts';

export type FoundPlugin = { readonly ok: true; readonly file: string } | { readonly ok: false; readonly problem: Problem };

/** Entry files a plugin folder may hold, in order of preference. */
const ENTRY_FILES = ['index.ts', 'index.js'] as const;

export function pluginsDirOf(search: PluginSearch): string {
  return resolve(search.pluginsDir ?? join(search.rootDir, 'plugins'));
}

function siblingNames(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory());
  } catch {
    return [];
  }
}

function where(ref: PluginRef): string {
  return ref.origin ? ` (named in ${ref.origin.file})` : '';
}

export function findPlugin(ref: PluginRef, search: PluginSearch): FoundPlugin {
  if (ref.package !== undefined) {
    const found = resolvePackageEntry(ref.package, resolve(search.rootDir));
    if (found.ok) return { ok: true, file: found.file };
    const file = join(resolve(search.rootDir), 'node_modules', ref.package);
    return { ok: false, problem: pluginProblem('PLUGIN_NOT_FOUND', file, `${ref.kind} plugin '${ref.name}'${where(ref)}: ${found.reason}`) };
  }
  const kindDir = join(pluginsDirOf(search), folderOf(ref.kind));
  const expected = join(kindDir, ref.name, ENTRY_FILES[0]);
  if (!PLUGIN_NAME.test(ref.name)) {
    const message = `'${ref.name}'${where(ref)} is not a plugin name: use lower-case letters, digits and '-' (the name of a folder in ${kindDir})`;
    return { ok: false, problem: pluginProblem('PLUGIN_NOT_FOUND', kindDir, message) };
  }
  for (const entry of ENTRY_FILES) {
    const file = join(kindDir, ref.name, entry);
    if (existsSync(file) && statSync(file).isFile()) return { ok: true, file };
  }
  const folderExists = existsSync(join(kindDir, ref.name));
  const why = folderExists ? `the folder has no ${ENTRY_FILES.join(' or ')}` : 'the folder does not exist';
  const hint = folderExists ? '' : didYouMean(ref.name, siblingNames(kindDir));
  const message = `no ${ref.kind} plugin '${ref.name}'${where(ref)}: ${why}${hint}`;
  return { ok: false, problem: pluginProblem('PLUGIN_NOT_FOUND', expected, message) };
}
