// Specs for hot reload's one-load-at-a-time rule: a change during a load voids it and is read by one more load, and close stops everything.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HotReloadOptions } from '../../../engine/rules/hot-reload.ts';
import { loadRuleSet } from '../../../engine/rules/load-rules.ts';
import { baseFiles, runCleanups, startLive } from '../../helpers/live-rules.ts';
import { positionCapFile, saveByRename, saveInPlace, versionOf } from '../../helpers/rule-folder.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(() => runCleanups(cleanups));

const start = (files: Record<string, string>, extra: Partial<HotReloadOptions> = {}) => startLive(files, cleanups, extra);

/** Waits for a state the watcher reaches after a file system event; bounded by the test timeout. */
async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

/** The real loader, observed: counts loads running at once and can hold a load after it has read the files. */
function observedLoader() {
  const state = { active: 0, maxActive: 0, hold: undefined as Promise<void> | undefined };
  let entered: () => void = () => undefined;
  const heldLoadEntered = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const load: HotReloadOptions['load'] = async (dir) => {
    state.active++;
    state.maxActive = Math.max(state.maxActive, state.active);
    try {
      const result = await loadRuleSet(dir);
      if (state.hold) {
        entered();
        await state.hold;
      }
      return result;
    } finally {
      state.active--;
    }
  };
  let release: () => void = () => undefined;
  const holdNext = () => {
    state.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
  };
  return { state, load, heldLoadEntered, holdNext, release: () => release() };
}

describe('reload serialization', () => {
  it('runs one load at a time; a load a change arrived during is not swapped in, one more load reads the change, and the newest content wins', async () => {
    const loader = observedLoader();
    const { dir, live, bus, capture } = await start(baseFiles(), { load: loader.load, debounceMs: 0 });
    const path = join(dir, 'limits.yaml');
    const v60 = await versionOf({ ...baseFiles(), 'limits.yaml': positionCapFile({ maxUsd: 60 }) });
    const v90 = await versionOf({ ...baseFiles(), 'limits.yaml': positionCapFile({ maxUsd: 90 }) });
    const seen: string[] = [];
    bus.on('rules.reloaded', (e) => void seen.push(e.version));
    loader.holdNext();
    await saveByRename(path, positionCapFile({ maxUsd: 60 }));
    await loader.heldLoadEntered;
    loader.state.hold = undefined;
    await saveByRename(path, positionCapFile({ maxUsd: 90 }));
    await waitUntil(() => live.status().pending);
    expect(live.current().version).not.toBe(v60);
    const newest = bus.once('rules.reloaded', (e) => e.version === v90);
    loader.release();
    await newest;
    expect(loader.state.maxActive).toBe(1);
    // The load that read 60 may have read the 90 save half-done: it is deferred, neither swapped in nor refused.
    expect(seen).toEqual([v90]);
    expect(live.current().version).toBe(v90);
    expect(capture.events('rules.reload_deferred').length).toBeGreaterThanOrEqual(1);
    expect(capture.events('rules.reload_failed')).toEqual([]);
  });

  it('on close, swaps in nothing from a load in progress and ignores later edits', async () => {
    const loader = observedLoader();
    const { dir, live, bus, capture } = await start(baseFiles(), { load: loader.load, debounceMs: 0 });
    const before = live.current();
    let emitted = 0;
    bus.on('rules.reloaded', () => void emitted++);
    bus.on('rules.reload_failed', () => void emitted++);
    loader.holdNext();
    await saveByRename(join(dir, 'limits.yaml'), positionCapFile({ maxUsd: 60 }));
    await loader.heldLoadEntered;
    const closing = live.close();
    loader.release();
    await closing;
    await saveInPlace(join(dir, 'limits.yaml'), positionCapFile({ maxUsd: 30 }));
    expect(live.current()).toBe(before);
    expect(emitted).toBe(0);
    expect(capture.events('rules.reloaded')).toEqual([]);
    expect(live.status().loading).toBe(false);
  });
});
