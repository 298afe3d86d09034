// Tests of npm package entry resolution for plugins: exports conditions, main, nested node_modules, refusals.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePackageEntry } from '../../../engine/plugins/resolve-package.ts';
import { makePluginTree, type PluginTree } from '../../helpers/plugin-tree.ts';

let tree: PluginTree;
beforeEach(() => {
  tree = makePluginTree();
});
afterEach(() => tree.cleanup());

function pkg(name: string, manifest: Record<string, unknown>, files: readonly string[], base = ''): void {
  tree.write(join(base, 'node_modules', name, 'package.json'), JSON.stringify({ name, ...manifest }));
  for (const f of files) tree.write(join(base, 'node_modules', name, f), '// entry\nexport default {};\n');
}

describe('resolvePackageEntry', () => {
  it('follows exports with the import condition before require', () => {
    pkg('tg-a', { exports: { '.': { require: './a.cjs', import: './a.mjs' } } }, ['a.cjs', 'a.mjs']);
    expect(resolvePackageEntry('tg-a', tree.root)).toEqual({ ok: true, file: join(tree.root, 'node_modules/tg-a/a.mjs'), packageDir: join(tree.root, 'node_modules/tg-a') });
  });

  it('reads conditions given without a "." key, nested conditions and a plain string', () => {
    pkg('tg-b', { exports: { node: { default: './b.js' } } }, ['b.js']);
    pkg('tg-c', { exports: './c.js' }, ['c.js']);
    expect(resolvePackageEntry('tg-b', tree.root)).toMatchObject({ ok: true, file: join(tree.root, 'node_modules/tg-b/b.js') });
    expect(resolvePackageEntry('tg-c', tree.root)).toMatchObject({ ok: true, file: join(tree.root, 'node_modules/tg-c/c.js') });
  });

  it('falls back to main, then index.js, when there are no exports', () => {
    pkg('tg-d', { main: 'lib/d.js' }, ['lib/d.js']);
    pkg('tg-e', {}, ['index.js']);
    expect(resolvePackageEntry('tg-d', tree.root)).toMatchObject({ ok: true, file: join(tree.root, 'node_modules/tg-d/lib/d.js') });
    expect(resolvePackageEntry('tg-e', tree.root)).toMatchObject({ ok: true, file: join(tree.root, 'node_modules/tg-e/index.js') });
  });

  it('finds a scoped package in a node_modules folder above the starting folder, like node', () => {
    pkg('@acme/tg-f', { exports: { import: './f.js' } }, ['f.js']);
    tree.write('sub/dir/keep.txt', '');
    expect(resolvePackageEntry('@acme/tg-f', join(tree.root, 'sub/dir'))).toMatchObject({ ok: true, file: join(tree.root, 'node_modules/@acme/tg-f/f.js') });
  });

  it('says why it cannot resolve: bad name, not installed, no import entry, missing file, escaping entry', () => {
    pkg('tg-g', { exports: { require: './g.cjs' } }, ['g.cjs']);
    pkg('tg-h', { main: 'missing.js' }, []);
    pkg('tg-i', { main: '../../outside.js' }, []);
    const reason = (name: string) => {
      const r = resolvePackageEntry(name, tree.root);
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason('../etc')).toContain('not a valid npm package name');
    expect(reason('tg-none')).toContain('is not installed');
    expect(reason('tg-g')).toContain('exports no entry for import');
    expect(reason('tg-h')).toContain('names entry missing.js, which does not exist');
    expect(reason('tg-i')).toContain('outside its own folder');
  });
});
