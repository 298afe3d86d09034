// Finds an installed npm package's ESM entry file the way node does for `import 'name'`, starting from a given folder.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** npm's package-name rules: lower case, url-safe, optionally scoped (`@scope/name`). */
export const NPM_PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** Conditions `import` resolves with under node, in priority order of the keys the package lists. */
const CONDITIONS = new Set(['import', 'node', 'default']);

export type PackageResolution =
  | { readonly ok: true; readonly file: string; readonly packageDir: string }
  | { readonly ok: false; readonly reason: string };

/** The package folder node would find from `fromDir`: `node_modules/<name>` in it or any folder above it. */
function findPackageDir(name: string, fromDir: string): string | null {
  let dir = resolve(fromDir);
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The target of an `exports` value for the root subpath under node's import conditions. */
function exportTarget(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const target = exportTarget(item);
      if (target) return target;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (!CONDITIONS.has(key)) continue;
      const target = exportTarget(inner);
      if (target) return target;
    }
  }
  return null;
}

function rootExport(exportsField: unknown): unknown {
  if (exportsField && typeof exportsField === 'object' && !Array.isArray(exportsField)) {
    const keys = Object.keys(exportsField);
    // `{".": ..., "./sub": ...}` maps subpaths; `{"import": ..., "default": ...}` is the root's conditions.
    if (keys.some((k) => k.startsWith('.'))) return (exportsField as Record<string, unknown>)['.'];
  }
  return exportsField;
}

/**
 * Resolves `name` to its entry file as `import name` would: `exports` (root subpath, conditions import, node,
 * default), else `main`, else `index.js`. Subpath imports and self-references are not needed for plugins.
 */
export function resolvePackageEntry(name: string, fromDir: string): PackageResolution {
  if (!NPM_PACKAGE_NAME.test(name)) return { ok: false, reason: `'${name}' is not a valid npm package name` };
  const packageDir = findPackageDir(name, fromDir);
  if (!packageDir) return { ok: false, reason: `package '${name}' is not installed (no node_modules/${name} from ${fromDir} upwards)` };
  let manifest: { exports?: unknown; main?: unknown };
  try {
    manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as typeof manifest;
  } catch (err) {
    return { ok: false, reason: `cannot read ${join(packageDir, 'package.json')}: ${(err as Error).message}` };
  }
  let relativeEntry: string;
  if (manifest.exports !== undefined) {
    const target = exportTarget(rootExport(manifest.exports));
    if (target === null || !target.startsWith('./')) return { ok: false, reason: `package '${name}' exports no entry for import (conditions import, node or default)` };
    relativeEntry = target;
  } else {
    relativeEntry = typeof manifest.main === 'string' && manifest.main !== '' ? manifest.main : 'index.js';
  }
  const file = resolve(packageDir, relativeEntry);
  if (!file.startsWith(packageDir)) return { ok: false, reason: `package '${name}' points its entry outside its own folder` };
  if (!existsSync(file) || !statSync(file).isFile()) return { ok: false, reason: `package '${name}' names entry ${relativeEntry}, which does not exist` };
  return { ok: true, file, packageDir };
}
