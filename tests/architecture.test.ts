// Import directions of ../shared/ARCHITECTURE.md, checked on every file so a wrong-way import fails the suite.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|js)$/.test(name)) out.push(full);
  }
  return out;
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)];
  return specs.map((m) => relative(ROOT, resolve(dirname(file), (m[1] ?? m[2])!)).split(sep).join('/'));
}

/** For each folder, the engine folders its files must never import. */
const FORBIDDEN: Record<string, readonly string[]> = {
  'engine/rules/': ['engine/ledger', 'engine/orders', 'engine/runtime', 'engine/server', 'engine/cli', 'engine/market', 'engine/observe'],
  'engine/gate/': ['engine/ledger', 'engine/orders', 'engine/runtime', 'engine/server', 'engine/cli', 'engine/market', 'engine/observe'],
  'engine/ledger/': ['engine/orders', 'engine/gate', 'engine/runtime', 'engine/server', 'engine/cli'],
  'engine/orders/': ['engine/runtime', 'engine/server', 'engine/cli'],
  'engine/config/': ['engine/server', 'engine/cli', 'engine/runtime', 'engine/orders', 'engine/ledger'],
  'engine/market/': ['engine/server', 'engine/cli', 'engine/runtime', 'engine/orders', 'engine/ledger', 'engine/gate'],
  'engine/observe/': ['engine/server', 'engine/cli'],
  'engine/runtime/': ['engine/server', 'engine/cli'],
  'engine/plugins/': ['engine/server', 'engine/cli'],
};

describe('architecture', () => {
  const files = [...sourceFiles(join(ROOT, 'engine')), ...sourceFiles(join(ROOT, 'plugins'))].map((f) => relative(ROOT, f).split(sep).join('/'));

  it('keeps pure layers free of the layers above them', () => {
    const breaches: string[] = [];
    for (const file of files) {
      const rules = Object.entries(FORBIDDEN).find(([prefix]) => file.startsWith(prefix));
      if (!rules) continue;
      for (const target of relativeImports(join(ROOT, file))) {
        if (rules[1].some((f) => target === f || target.startsWith(`${f}/`))) breaches.push(`${file} imports ${target}`);
      }
    }
    expect(breaches).toEqual([]);
  });

  it('lets plugins import only the plugin API of the engine', () => {
    const breaches: string[] = [];
    for (const file of files.filter((f) => f.startsWith('plugins/'))) {
      for (const target of relativeImports(join(ROOT, file))) {
        if (target.startsWith('engine/') && !target.startsWith('engine/plugins/plugin-api')) breaches.push(`${file} imports ${target}`);
      }
    }
    expect(breaches).toEqual([]);
  });

  it('opens every source file with a line on its responsibility', () => {
    const silent = files.filter((f) => {
      const lines = readFileSync(join(ROOT, f), 'utf8').split('\n');
      const first = lines[0]?.startsWith('#!') ? lines[1] : lines[0];
      return !first?.startsWith('//');
    });
    expect(silent).toEqual([]);
  });
});
