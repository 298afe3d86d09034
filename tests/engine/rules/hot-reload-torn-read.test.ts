// Specs for hot reload and half-saved files: a torn read is deferred and read again, never swapped in, and reported only if it never settles.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QUICK_RETRIES } from '../../../engine/rules/hot-reload.ts';
import { loadRuleSet, type LoadOptions } from '../../../engine/rules/load-rules.ts';
import { baseFiles, runCleanups, startLive } from '../../helpers/live-rules.ts';
import { positionCapFile, saveByRename, versionOf } from '../../helpers/rule-folder.ts';
import { tearingIo } from '../../helpers/torn-reads.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(() => runCleanups(cleanups));

const full = positionCapFile({ maxUsd: 60 });
/** What an in-place save of `full` had written when a read began: it loads on its own, with a cut message. */
const half = full.slice(0, full.indexOf('the cap is'));

/** Hot reload on the base files whose loads read limits.yaml torn while `tearing()` says so. */
async function startTearing(tearing: () => boolean) {
  const torn = tearingIo((path) => (path.endsWith('limits.yaml') && tearing() ? half : undefined));
  const load = (dir: string, options?: LoadOptions) => loadRuleSet(dir, { ...options, io: torn.io });
  const started = await startLive(baseFiles(), cleanups, { debounceMs: 5, load });
  return { ...started, torn };
}

describe('hot reload of a file read mid-save', () => {
  it('never swaps in a torn read: it is deferred (not refused), read again after the debounce, and the whole save goes in force', async () => {
    let armed = false;
    const { dir, live, bus, capture, torn } = await startTearing(() => {
      const tear = armed;
      armed = false;
      return tear;
    });
    const vFull = await versionOf({ ...baseFiles(), 'limits.yaml': full });
    const vHalf = await versionOf({ ...baseFiles(), 'limits.yaml': half });
    expect(vHalf).not.toBe(vFull);
    const seen: string[] = [];
    bus.on('rules.reloaded', (e) => void seen.push(e.version));
    let failed = 0;
    bus.on('rules.reload_failed', () => void failed++);
    const settled = bus.once('rules.reloaded', (e) => e.version === vFull);
    armed = true;
    await saveByRename(join(dir, 'limits.yaml'), full);
    await settled;
    expect(torn.tears()).toBe(1);
    expect(seen).toEqual([vFull]);
    expect(live.current().version).toBe(vFull);
    expect(failed).toBe(0);
    expect(capture.events('rules.reload_failed')).toEqual([]);
    expect(capture.events('rules.reload_deferred')).toContainEqual(
      expect.objectContaining({ reason: 'a rule file changed while it was read', files: [join(dir, 'limits.yaml')] }),
    );
  });

  it(`reports a file whose every read is torn after ${QUICK_RETRIES} quiet retries, swapping nothing in, and recovers once reads settle`, async () => {
    let tearing = false;
    const { dir, live, bus, capture } = await startTearing(() => tearing);
    const before = live.current().version;
    let swapped = 0;
    bus.on('rules.reloaded', () => void swapped++);
    const reported = bus.once('rules.reload_failed');
    tearing = true;
    await saveByRename(join(dir, 'limits.yaml'), full);
    const failure = await reported;
    expect(failure.keptVersion).toBe(before);
    expect(failure.problems.map((p) => [p.code, p.file, p.line, p.col])).toEqual([['FILE_CHANGED_WHILE_READ', join(dir, 'limits.yaml'), 1, 1]]);
    expect(capture.events('rules.reload_deferred').length).toBeGreaterThanOrEqual(QUICK_RETRIES + 1);
    expect(swapped).toBe(0);
    expect(live.current().version).toBe(before);

    tearing = false;
    const v70 = await versionOf({ ...baseFiles(), 'limits.yaml': positionCapFile({ maxUsd: 70 }) });
    const recovered = bus.once('rules.reloaded', (e) => e.version === v70);
    await saveByRename(join(dir, 'limits.yaml'), positionCapFile({ maxUsd: 70 }));
    await recovered;
    expect(live.current().version).toBe(v70);
    expect(capture.events('rules.reload_failed')).toHaveLength(1);
  });
});
