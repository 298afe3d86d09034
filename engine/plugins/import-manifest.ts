// Imports a plugin module and checks its default export is a manifest of the asked kind for this engine's plugin API.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Problem } from '../errors.ts';
import { PLUGIN_API_VERSION, type PluginManifest } from './plugin-api.ts';
import { type FilePosition, pluginProblem, WHOLE_FILE } from './plugin-problem.ts';
import { PLUGIN_NAME, type PluginRef } from './plugin-ref.ts';
import { NPM_PACKAGE_NAME } from './resolve-package.ts';
import { parseRange, parseVersion, satisfies } from './semver-range.ts';

export type ImportedManifest =
  | { readonly ok: true; readonly manifest: PluginManifest }
  | { readonly ok: false; readonly problems: readonly Problem[] };

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const LOCATION = /((?:file:\/\/)?[^\s[\]()'"]+\.(?:[cm]?[jt]sx?|json)):(\d+)(?::(\d+))?/;

function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Frames of node's own ESM loader compiling a module: a SyntaxError from there is in the source, not at run time. */
const COMPILE_FRAMES = /compileSourceTextModule|ModuleLoader\.moduleStrategy|esm\/translators/;

/**
 * tsx (esbuild) and vitest report a parse error as "Transform failed ..."; node's own loader (plain .js) as a
 * SyntaxError from its compile frames. A SyntaxError thrown while the module runs (JSON.parse) is not one.
 */
function isParseError(err: Error): boolean {
  if (/^Transform failed/.test(stripAnsi(err.message))) return true;
  return err.name === 'SyntaxError' && (/^(file:\/\/|\/|[A-Za-z]:\\)/.test(err.stack ?? '') || COMPILE_FRAMES.test(err.stack ?? ''));
}

function syntaxProblem(err: Error, file: string): Problem {
  // Only the message, or a stack that opens on the file (node's older format): other stack lines name loader files.
  const stackHead = /^(file:\/\/|\/|[A-Za-z]:\\)/.test(err.stack ?? '') ? (err.stack ?? '').split('\n')[0] : '';
  const text = stripAnsi(`${err.message}\n${stackHead}`);
  const m = LOCATION.exec(text);
  let at: FilePosition = WHOLE_FILE;
  let where = file;
  if (m) {
    const path = m[1]!.startsWith('file://') ? new URL(m[1]!).pathname : resolve(m[1]!);
    if (existsSync(path)) where = path;
    // esbuild prints 0-based columns ("file:1:27: ERROR: ..."), the others 1-based.
    const zeroBased = /ERROR:/.test(text.slice(m.index, m.index + m[0].length + 10));
    at = { line: Number(m[2]), col: m[3] === undefined ? 0 : Number(m[3]) + (zeroBased ? 1 : 0) };
  }
  const lines = text.split('\n').map((l) => l.trim());
  const reason =
    /ERROR:\s*(.+)$/m.exec(text)?.[1] ??
    lines.find((l) => /^\[[A-Z_]+\]/.test(l))?.replace(/^\[[A-Z_]+\]\s*/, '') ??
    lines.find((l) => /^SyntaxError:/.test(l))?.replace(/^SyntaxError:\s*/, '') ??
    lines[0] ??
    'unparsable';
  // Node 20 keeps the place of a .js parse error out of the error object: name the entry and say so.
  const unplaced = m ? '' : ' (in this module or one it imports; node does not say where)';
  return pluginProblem('PLUGIN_SYNTAX_ERROR', where, `syntax error: ${reason.trim()}${unplaced}`, at);
}

async function importModule(file: string): Promise<{ ok: true; module: Record<string, unknown> } | { ok: false; problem: Problem }> {
  try {
    return { ok: true, module: (await import(pathToFileURL(file).href)) as Record<string, unknown> };
  } catch (caught) {
    const err = caught instanceof Error ? caught : new Error(String(caught));
    if (isParseError(err)) return { ok: false, problem: syntaxProblem(err, file) };
    const message = stripAnsi(err.message).split('\n')[0] ?? String(caught);
    return { ok: false, problem: pluginProblem('PLUGIN_IMPORT_FAILED', file, `importing the plugin threw ${err.name}: ${message}`) };
  }
}

/** Where `key:` first appears in the file, so a manifest problem lands near the line to fix; the whole file otherwise. */
function keyPosition(file: string, key: string): FilePosition {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return WHOLE_FILE;
  }
  const m = new RegExp(`\\b${key}\\s*:`).exec(text);
  if (!m) return WHOLE_FILE;
  const before = text.slice(0, m.index).split('\n');
  return { line: before.length, col: (before[before.length - 1]?.length ?? 0) + 1 };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'function') return 'a function';
  return `${JSON.stringify(value)?.slice(0, 60) ?? String(value)}`;
}

/** Every way the default export falls short of a manifest for `ref`, in one pass. */
export function manifestProblems(manifest: Record<string, unknown>, ref: PluginRef, file: string): Problem[] {
  const problems: Problem[] = [];
  const add = (code: Problem['code'], key: string, message: string) => problems.push(pluginProblem(code, file, message, keyPosition(file, key)));
  const { name, version, kind, apiVersion, configSchema, create } = manifest;
  const validName = typeof name === 'string' && (PLUGIN_NAME.test(name) || NPM_PACKAGE_NAME.test(name));
  if (!validName) add('PLUGIN_MANIFEST_INVALID', 'name', `manifest name is ${describe(name)}; expected a kebab-case string`);
  else if (name !== ref.name) add('PLUGIN_MANIFEST_INVALID', 'name', `manifest name '${name}' differs from the configured name '${ref.name}'`);
  if (typeof version !== 'string' || !parseVersion(version)) add('PLUGIN_MANIFEST_INVALID', 'version', `manifest version is ${describe(version)}; expected a semver version such as "1.0.0"`);
  if (kind !== 'strategy' && kind !== 'venue') add('PLUGIN_MANIFEST_INVALID', 'kind', `manifest kind is ${describe(kind)}; expected "strategy" or "venue"`);
  else if (kind !== ref.kind) add('PLUGIN_WRONG_KIND', 'kind', `the plugin is a ${kind}, but it is configured as a ${ref.kind}`);
  if (typeof apiVersion !== 'string') {
    add('PLUGIN_API_INCOMPATIBLE', 'apiVersion', `manifest apiVersion is ${describe(apiVersion)}; expected a range such as "^${PLUGIN_API_VERSION}"`);
  } else {
    const range = parseRange(apiVersion);
    if (typeof range === 'string') add('PLUGIN_API_INCOMPATIBLE', 'apiVersion', `apiVersion "${apiVersion}" is not a version range: ${range}`);
    else if (!satisfies(PLUGIN_API_VERSION, apiVersion)) {
      add('PLUGIN_API_INCOMPATIBLE', 'apiVersion', `apiVersion "${apiVersion}" does not accept this engine's plugin API ${PLUGIN_API_VERSION}`);
    }
  }
  if (!isPlainObject(configSchema)) add('PLUGIN_MANIFEST_INVALID', 'configSchema', `manifest configSchema is ${describe(configSchema)}; expected a JSON Schema object`);
  if (typeof create !== 'function') add('PLUGIN_MANIFEST_INVALID', 'create', `manifest create is ${describe(create)}; expected a function create(ctx)`);
  const check = manifest['validateConfig'];
  if (check !== undefined && typeof check !== 'function') add('PLUGIN_MANIFEST_INVALID', 'validateConfig', `manifest validateConfig is ${describe(check)}; expected a function or nothing`);
  return problems;
}

/** Imports `file` and returns its manifest, or every problem with it. Never throws for anything in the plugin. */
export async function importManifest(file: string, ref: PluginRef): Promise<ImportedManifest> {
  const imported = await importModule(file);
  if (!imported.ok) return { ok: false, problems: [imported.problem] };
  if (!('default' in imported.module) || imported.module['default'] === undefined) {
    const named = Object.keys(imported.module);
    const has = named.length > 0 ? ` (it exports ${named.join(', ')})` : '';
    return { ok: false, problems: [pluginProblem('PLUGIN_NO_DEFAULT_EXPORT', file, `the module has no default export${has}; export default the manifest`)] };
  }
  const manifest = imported.module['default'];
  if (!isPlainObject(manifest)) {
    return { ok: false, problems: [pluginProblem('PLUGIN_MANIFEST_INVALID', file, `the default export is ${describe(manifest)}; expected a manifest object`)] };
  }
  const problems = manifestProblems(manifest, ref, file);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, manifest: manifest as unknown as PluginManifest };
}
