// Starts a TypeScript helper as a child process cheaply: bundled once into plain JS when esbuild is at hand, else through tsx.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface ChildCommand {
  /** Arguments for `node` that run the helper (append the helper's own). */
  readonly args: readonly string[];
  readonly cleanup: () => void;
}

/**
 * Tests that start dozens of children (the restart-safety test) would pay tsx's loader on every
 * start (about 0.5 s here, three times that under load); a bundle of the same source starts in a
 * fraction of it. esbuild ships with tsx; if it cannot be imported, the children run through tsx.
 * The bundle sits two folders below the repository root (node_modules/.cache), like the helpers
 * it is built from, so paths resolved from import.meta (schemas/, the replay data) stay right and
 * packages resolve from the repository's node_modules.
 */
export async function childCommand(root: string, entry: string): Promise<ChildCommand> {
  const outfile = join(root, 'node_modules', '.cache', `tradegate-child-${process.pid}-${Date.now().toString(36)}.mjs`);
  try {
    const { build } = await import('esbuild');
    mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, packages: 'external', logLevel: 'error' });
    return { args: [outfile], cleanup: () => rmSync(outfile, { force: true }) };
  } catch {
    return { args: ['--import', 'tsx', entry], cleanup: () => {} };
  }
}
