// Specs for hot reload on a real folder with real chokidar and the default debounce: edits in force, invalid edits refused, diffs, deletes, renames, editor files.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { watch } from 'chokidar';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { TradegateError } from '../../../engine/errors.ts';
import { evaluate } from '../../../engine/gate/gate.ts';
import { LogCapture } from '../../../engine/observe/log-capture.ts';
import { createLogger } from '../../../engine/observe/logger.ts';
import { exampleSnapshot } from '../../../engine/rules/fact-catalog.ts';
import { type HotReloadOptions, type LiveRuleSet, startRuleSet } from '../../../engine/rules/hot-reload.ts';
import { loadRuleSet } from '../../../engine/rules/load-rules.ts';
import type { DecisionContext } from '../../../engine/types.ts';
import { baseFiles, runCleanups, startLive } from '../../helpers/live-rules.ts';
import { makeRulesDir, orderCapFile, positionCapFile, removeDir, saveByRename, saveInPlace, versionOf } from '../../helpers/rule-folder.ts';

const ENTRY: DecisionContext = { appliesTo: 'entry', mode: 'paper', venue: 'paper', instrument: 'BTC-USD', strategy: 'canary' };
const clock = new ManualClock(1_700_000_000_000);
/** The example order takes the position to 68 USD: allowed under a 100 USD cap, rejected under 50. */
const snapshot = exampleSnapshot();

const cleanups: Array<() => Promise<void>> = [];
afterEach(() => runCleanups(cleanups));

const start = (files: Record<string, string>, extra: Partial<HotReloadOptions> = {}) => startLive(files, cleanups, extra);

async function decide(live: LiveRuleSet) {
  return evaluate(snapshot, live.current(), ENTRY, { clock });
}

describe('startRuleSet', () => {
  it('starts with the rule set the folder holds', async () => {
    const { live, capture } = await start(baseFiles());
    expect(live.current().version).toBe(await versionOf(baseFiles()));
    expect(capture.events('rules.loaded')[0]).toMatchObject({ version: live.current().version, rules: 2 });
  });

  it('refuses to start on an invalid rule set, naming every problem by file:line:col', async () => {
    const dir = await makeRulesDir({ 'limits.yaml': positionCapFile({ maxUsd: 100 }).replace('greaterThan', 'greaterThen'), 'flow.yaml': '' });
    cleanups.push(() => removeDir(dir));
    const logger = createLogger({ destination: new LogCapture(), env: {} });
    const error = await startRuleSet(dir, { logger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TradegateError);
    const tg = error as TradegateError;
    expect(tg.code).toBe('RULE_SET_UNAVAILABLE');
    const codes = (tg.details['problems'] as Array<{ code: string }>).map((p) => p.code).sort();
    expect(codes).toEqual(['FILE_EMPTY', 'RULE_UNKNOWN_OPERATOR']);
    expect(tg.message).toMatch(/flow\.yaml:1:1 +FILE_EMPTY/);
    expect(tg.message).toMatch(/limits\.yaml:\d+:\d+ +RULE_UNKNOWN_OPERATOR/);
  });

  it('refuses to start on a folder that does not exist', async () => {
    const logger = createLogger({ destination: new LogCapture(), env: {} });
    const error = await startRuleSet('/nonexistent/tradegate-rules', { logger }).catch((e: unknown) => e);
    expect((error as TradegateError).code).toBe('RULE_SET_UNAVAILABLE');
    expect((error as TradegateError).message).toContain('RULES_DIR_NOT_FOUND');
  });
});

describe('hot reload', () => {
  it('puts an edit in force for the next evaluation', async () => {
    const { dir, live, bus } = await start(baseFiles());
    expect((await decide(live)).outcome).toBe('allow');
    const tightened = { ...baseFiles(), 'limits.yaml': positionCapFile({ maxUsd: 50 }) };
    const expected = await versionOf(tightened);
    const reloaded = bus.once('rules.reloaded', (e) => e.version === expected);
    await saveInPlace(join(dir, 'limits.yaml'), tightened['limits.yaml']);
    await reloaded;
    const decision = await decide(live);
    expect(decision.ruleSetVersion).toBe(expected);
    expect(decision.outcome).toBe('reject');
    expect(decision.violations.map((v) => v.ruleId)).toEqual(['max-position-usd']);
  });

  it('refuses an invalid edit: the previous version stays, reload_failed names file:line:col', async () => {
    const { dir, live, bus, capture } = await start(baseFiles());
    const before = live.current().version;
    const failed = bus.once('rules.reload_failed');
    const broken = positionCapFile({ maxUsd: 100 }).replace('position.after_fill_notional_usd\n', 'position.after_fil_notional_usd\n');
    await saveInPlace(join(dir, 'limits.yaml'), broken);
    const event = await failed;
    expect(event.keptVersion).toBe(before);
    expect(live.current().version).toBe(before);
    const unknownFact = event.problems.find((p) => p.code === 'RULE_UNKNOWN_FACT');
    const badLine = broken.split('\n').findIndex((l) => l.includes('after_fil_notional_usd')) + 1;
    expect(unknownFact).toMatchObject({ file: join(dir, 'limits.yaml'), line: badLine, ruleId: 'max-position-usd' });
    const logged = capture.events('rules.reload_failed')[0]!;
    expect(logged).toMatchObject({ level: 'error', keptVersion: before });
    expect(logged['problems']).toContainEqual(expect.stringMatching(new RegExp(`limits\\.yaml:${badLine}:\\d+ +RULE_UNKNOWN_FACT .*after_fil_notional_usd`)));
    expect((await decide(live)).ruleSetVersion).toBe(before);
  });

  it('logs and emits a diff naming added, removed and changed rules with each param’s old and new value', async () => {
    // No removal grace: the whole edit lands in one reload.
    const { dir, bus, capture } = await start(baseFiles(), { removalGraceMs: 0 });
    const next = { 'limits.yaml': positionCapFile({ maxUsd: 250, extraParam: true }), 'flow.yaml': orderCapFile(5, 'max-orders-per-cycle-v2') };
    const expected = await versionOf(next);
    const reloaded = bus.once('rules.reloaded', (e) => e.version === expected);
    await Promise.all([saveInPlace(join(dir, 'limits.yaml'), next['limits.yaml']), saveInPlace(join(dir, 'flow.yaml'), next['flow.yaml'])]);
    const event = await reloaded;
    expect(event.diff.added).toEqual(['max-orders-per-cycle-v2']);
    expect(event.diff.removed).toEqual(['max-orders-per-cycle']);
    expect(event.diff.changed).toHaveLength(1);
    expect(event.diff.changed[0]?.ruleId).toBe('max-position-usd');
    expect(event.diff.changed[0]?.params).toEqual([
      { name: 'max_usd', before: 100, after: 250 },
      { name: 'min_usd', before: undefined, after: 0 },
    ]);
    const logged = capture.events('rules.reloaded').at(-1)!;
    expect(logged).toMatchObject({ version: expected, previousVersion: event.previousVersion });
    expect(JSON.stringify(logged['diff'])).toContain('"name":"max_usd","before":100,"after":250');
  });

  it('follows a rule file deleted and then created again', async () => {
    const { dir, live, bus } = await start(baseFiles());
    const onlyLimits = await versionOf({ 'limits.yaml': baseFiles()['limits.yaml'] });
    const removed = bus.once('rules.reloaded', (e) => e.version === onlyLimits);
    await rm(join(dir, 'flow.yaml'));
    expect((await removed).diff.removed).toEqual(['max-orders-per-cycle']);
    const both = await versionOf(baseFiles());
    const added = bus.once('rules.reloaded', (e) => e.version === both);
    await writeFile(join(dir, 'flow.yaml'), orderCapFile());
    expect((await added).diff.added).toEqual(['max-orders-per-cycle']);
    expect(live.current().version).toBe(both);
  });

  it('follows a save by rename and a vim-style save (backup by rename, then a new file)', async () => {
    const { dir, live, bus } = await start(baseFiles());
    const path = join(dir, 'limits.yaml');
    const v1 = { ...baseFiles(), 'limits.yaml': positionCapFile({ maxUsd: 60 }) };
    const expected1 = await versionOf(v1);
    const renamed = bus.once('rules.reloaded', (e) => e.version === expected1);
    await saveByRename(path, v1['limits.yaml']);
    await renamed;
    const v2 = { ...baseFiles(), 'limits.yaml': positionCapFile({ maxUsd: 70 }) };
    const expected2 = await versionOf(v2);
    const vimSaved = bus.once('rules.reloaded', (e) => e.version === expected2);
    await rename(path, `${path}~`);
    await writeFile(path, v2['limits.yaml']);
    await vimSaved;
    expect(live.current().version).toBe(expected2);
  });

  it('reloads only for rule files: test files, hidden files, editor temp files and folders do not count', async () => {
    const { dir, live, bus } = await start(baseFiles());
    const loadsBefore = live.status().loads;
    // A second watcher on the same folder sees each file system event after the reloader has
    // (chokidar shares one fs.watch per folder and calls listeners in order): its sight of the
    // marker means the reloader has seen, and had its chance to act on, everything before it.
    const probe = watch(dir, { ignoreInitial: true, depth: 0 });
    cleanups.push(() => probe.close());
    await new Promise<void>((resolve) => probe.once('ready', () => resolve()));
    const markerSeen = new Promise<void>((resolve) => probe.on('raw', (_t, path) => path === 'marker.txt' && resolve()));
    await writeFile(join(dir, 'limits.test.yaml'), 'cases: []\n');
    await writeFile(join(dir, '.limits.yaml.swp'), 'garbage');
    await writeFile(join(dir, 'limits.yaml~'), 'garbage');
    await writeFile(join(dir, '4913'), '');
    await mkdir(join(dir, 'archive'));
    await writeFile(join(dir, 'marker.txt'), '');
    await markerSeen;
    expect(live.status()).toEqual({ loads: loadsBefore, loading: false, pending: false, scheduled: false, held: [] });
    const next = { ...baseFiles(), 'limits.yaml': positionCapFile({ maxUsd: 75 }) };
    const expected = await versionOf(next);
    const reloaded = bus.once('rules.reloaded', (e) => e.version === expected);
    await saveInPlace(join(dir, 'limits.yaml'), next['limits.yaml']);
    await reloaded;
  });

  it.each([
    ['in place', saveInPlace],
    ['by rename', saveByRename],
  ])('reads the second of two quick saves %s (chokidar alone would drop it)', async (_how, save) => {
    const { dir, live, bus } = await start(baseFiles());
    const path = join(dir, 'limits.yaml');
    const v2 = await versionOf({ ...baseFiles(), 'limits.yaml': positionCapFile({ maxUsd: 70 }) });
    const second = bus.once('rules.reloaded', (e) => e.version === v2);
    await save(path, positionCapFile({ maxUsd: 60 }));
    await save(path, positionCapFile({ maxUsd: 70 }));
    await second;
    expect(live.current().version).toBe(v2);
  });

  it('reloads a folder that never stops changing once the max wait has passed', async () => {
    const { dir, live, bus } = await start(baseFiles(), { debounceMs: 200, maxWaitMs: 250 });
    const expected = await versionOf({ ...baseFiles(), 'limits.yaml': positionCapFile({ maxUsd: 90 }) });
    let reloaded = false;
    const done = bus.once('rules.reloaded', (e) => e.version === expected).then(() => {
      reloaded = true;
    });
    // Saves every few ms never leave the 200 ms of quiet the debounce waits for.
    for (let i = 0; !reloaded && i < 1000; i++) {
      await saveByRename(join(dir, 'limits.yaml'), positionCapFile({ maxUsd: 90, note: `save ${i}` }));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(reloaded).toBe(true);
    await done;
    expect(live.current().version).toBe(expected);
  });

  it('reports an edit that leaves the rules as they were (a comment) as unchanged, without a swap', async () => {
    const { dir, live, bus } = await start(baseFiles());
    const before = live.current();
    const unchanged = bus.once('rules.reload_unchanged');
    await saveInPlace(join(dir, 'limits.yaml'), positionCapFile({ maxUsd: 100, note: 'only a comment changed' }));
    expect((await unchanged).version).toBe(before.version);
    expect(live.current()).toBe(before);
  });

  it('refuses an edit whose load throws, keeping the set in force and naming the failure', async () => {
    let calls = 0;
    const failingLoad: HotReloadOptions['load'] = async (dir) => {
      calls++;
      if (calls > 1) throw new Error('disk on fire');
      return loadRuleSet(dir);
    };
    const { dir, live, bus } = await start(baseFiles(), { load: failingLoad });
    const before = live.current();
    const failed = bus.once('rules.reload_failed');
    await saveInPlace(join(dir, 'limits.yaml'), positionCapFile({ maxUsd: 80 }));
    const event = await failed;
    expect(event.keptVersion).toBe(before.version);
    expect(event.problems[0]).toMatchObject({ code: 'RULES_RELOAD_FAILED', file: dir, line: 1, col: 1 });
    expect(event.problems[0]?.message).toContain('disk on fire');
    expect(live.current()).toBe(before);
  });

  it('keeps reloading when a bus listener throws', async () => {
    const { dir, live, bus, listenerErrors } = await start(baseFiles());
    bus.on('rules.reloaded', () => {
      throw new Error('listener bug');
    });
    const v1 = await versionOf({ ...baseFiles(), 'limits.yaml': positionCapFile({ maxUsd: 81 }) });
    const first = bus.once('rules.reloaded', (e) => e.version === v1);
    await saveInPlace(join(dir, 'limits.yaml'), positionCapFile({ maxUsd: 81 }));
    await first;
    const v2 = await versionOf({ ...baseFiles(), 'limits.yaml': positionCapFile({ maxUsd: 82 }) });
    const second = bus.once('rules.reloaded', (e) => e.version === v2);
    await saveInPlace(join(dir, 'limits.yaml'), positionCapFile({ maxUsd: 82 }));
    await second;
    expect(live.current().version).toBe(v2);
    expect(listenerErrors).toEqual([new Error('listener bug'), new Error('listener bug')]);
  });

  it('times each reload with the injected clock', async () => {
    const manual = new ManualClock(0);
    const slowLoad: HotReloadOptions['load'] = async (dir) => {
      const result = await loadRuleSet(dir);
      manual.advance(7);
      return result;
    };
    const { dir, bus, capture } = await start(baseFiles(), { clock: manual, load: slowLoad });
    const reloaded = bus.once('rules.reloaded');
    await saveInPlace(join(dir, 'limits.yaml'), positionCapFile({ maxUsd: 80 }));
    expect((await reloaded).ms).toBe(7);
    expect(capture.events('rules.reloaded')[0]?.['ms']).toBe(7);
  });
});

describe('removal grace', () => {
  /** The order cap at 0 refuses every order: a decision made without it allows the example order. */
  const guarded = () => ({ 'limits.yaml': positionCapFile({ maxUsd: 100 }), 'flow.yaml': orderCapFile(0) });

  it('keeps the rules of a file an editor renamed away and wrote again later than the debounce: no decision is made without them', async () => {
    const { dir, live, bus } = await start(guarded(), { removalGraceMs: 10_000 });
    const full = live.current().version;
    const decisions: Awaited<ReturnType<typeof decide>>[] = [];
    let deciding = true;
    const loop = (async () => {
      while (deciding) {
        decisions.push(await decide(live));
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const held = bus.once('rules.removal_held');
    const path = join(dir, 'flow.yaml');
    await rename(path, `${path}~`);
    // The folder was loaded without the file: the save was interrupted for longer than the debounce.
    expect((await held).held).toEqual(['max-orders-per-cycle']);
    expect(live.current().byId.has('max-orders-per-cycle')).toBe(true);
    const back = bus.once('rules.reload_unchanged', (e) => e.version === full);
    await writeFile(path, orderCapFile(0));
    await back;
    deciding = false;
    await loop;
    expect(live.status().held).toEqual([]);
    expect(live.current().version).toBe(full);
    expect(decisions.length).toBeGreaterThan(0);
    for (const d of decisions) {
      expect(d.outcome).toBe('reject');
      expect(d.violations.map((v) => v.ruleId)).toContain('max-orders-per-cycle');
    }
  });

  it('removes the rules of a deleted file once they have been missing for the grace period', async () => {
    const { dir, live, bus, capture } = await start(guarded(), { removalGraceMs: 300 });
    const onlyLimits = await versionOf({ 'limits.yaml': guarded()['limits.yaml'] });
    const held = bus.once('rules.removal_held');
    const removed = bus.once('rules.reloaded', (e) => e.version === onlyLimits);
    await rm(join(dir, 'flow.yaml'));
    await held;
    // Held: still refused by the vanished rule.
    expect((await decide(live)).violations.map((v) => v.ruleId)).toEqual(['max-orders-per-cycle']);
    expect((await removed).diff.removed).toEqual(['max-orders-per-cycle']);
    expect((await decide(live)).outcome).toBe('allow');
    expect(live.status().held).toEqual([]);
    const events = capture.records().map((r) => r['event']).filter((e) => e === 'rules.removal_held' || e === 'rules.reloaded');
    expect(events[0]).toBe('rules.removal_held');
    expect(events.at(-1)).toBe('rules.reloaded');
    expect(capture.events('rules.removal_held')[0]).toMatchObject({ held: ['max-orders-per-cycle'], graceMs: 300, loadedVersion: onlyLimits });
  });

  it('applies additions and changes at once while the removal in the same edit waits out the grace', async () => {
    const { dir, live, bus } = await start(guarded(), { removalGraceMs: 300 });
    const next = { 'limits.yaml': positionCapFile({ maxUsd: 50 }), 'flow.yaml': orderCapFile(5, 'max-orders-per-cycle-v2') };
    const final = await versionOf(next);
    const first = bus.once('rules.reloaded');
    const last = bus.once('rules.reloaded', (e) => e.version === final);
    await Promise.all([saveInPlace(join(dir, 'limits.yaml'), next['limits.yaml']), saveInPlace(join(dir, 'flow.yaml'), next['flow.yaml'])]);
    const early = await first;
    expect(early.diff.added).toEqual(['max-orders-per-cycle-v2']);
    expect(early.diff.removed).toEqual([]);
    expect(early.diff.changed.map((c) => c.ruleId)).toEqual(['max-position-usd']);
    expect((await last).diff).toMatchObject({ added: [], removed: ['max-orders-per-cycle'], changed: [] });
    const decision = await decide(live);
    expect(decision.violations.map((v) => v.ruleId)).toEqual(['max-position-usd']);
  });

  it('removes at once with a grace of 0', async () => {
    const { dir, bus } = await start(guarded(), { removalGraceMs: 0 });
    const removed = bus.once('rules.reloaded');
    await rm(join(dir, 'flow.yaml'));
    expect((await removed).diff.removed).toEqual(['max-orders-per-cycle']);
  });
});
