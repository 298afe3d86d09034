// Specs for the save-overlap guard on its own, with a scripted loader: which loads are deferred, how they are logged, retried and reported.
import { beforeEach, describe, expect, it } from 'vitest';
import { ROOT_POINTER } from '../../../engine/config/json-pointer.ts';
import type { Problem } from '../../../engine/errors.ts';
import type { LoadOptions, LoadResult } from '../../../engine/rules/load-rules.ts';
import { createRuleSet, type RuleSet } from '../../../engine/rules/rule-set.ts';
import { QUICK_RETRIES, SaveOverlapGuard } from '../../../engine/rules/save-overlap.ts';

const DIR = '/srv/rules';
const LIMITS = `${DIR}/limits.yaml`;
const FLOW = `${DIR}/flow.yaml`;
/** The set in force while loads are judged; an empty set has a version like any other. */
const KEPT: RuleSet = createRuleSet([]);

const clean: LoadResult = { ok: true, ruleSet: createRuleSet([]), problems: [] };
const problem = (code: Problem['code'], file: string): Problem => ({ code, file, line: 3, col: 5, pointer: '/rules/0', message: `${code} in ${file}` });
/** What the loader returns when a file changed while it was read. */
const torn: LoadResult = { ok: false, problems: [problem('FILE_CHANGED_WHILE_READ', LIMITS)] };
const invalid: LoadResult = { ok: false, problems: [problem('YAML_SYNTAX', LIMITS)] };

let calls: Array<{ dir: string; options: LoadOptions | undefined }>;
/** What the next load does; it may call `guard.changed` to land a watcher event while the load runs. */
let loadStep: () => LoadResult;
let logged: Array<{ record: Record<string, unknown>; message: string | undefined }>;
let retries: number;
let givenUp: Array<{ problems: readonly Problem[]; kept: RuleSet }>;
let guard: SaveOverlapGuard;

beforeEach(() => {
  calls = [];
  loadStep = () => clean;
  logged = [];
  retries = 0;
  givenUp = [];
  guard = new SaveOverlapGuard({
    dir: DIR,
    load: async (dir, options) => {
      calls.push({ dir, options });
      return loadStep();
    },
    logger: { info: (record, message) => void logged.push({ record: record as Record<string, unknown>, message }) },
    retry: () => void retries++,
    giveUp: (problems, kept) => void givenUp.push({ problems, kept }),
  });
});

/** Reads once and judges the read, as a reload does. */
async function reload(step: () => LoadResult): Promise<boolean> {
  loadStep = step;
  return guard.deferIfOverlapped(await guard.read(), KEPT);
}

/** A load during which the watcher saw `path` change, returning `result`. */
const changedDuring = (path: string, result: LoadResult) => () => {
  guard.changed(path);
  return result;
};

describe('SaveOverlapGuard.read', () => {
  it('loads the folder once with no retries inside the load, returning what the loader found', async () => {
    loadStep = () => invalid;
    const read = await guard.read();
    expect(read.result).toBe(invalid);
    expect(calls).toEqual([{ dir: DIR, options: { unstableRetries: 0 } }]);
  });

  it('turns a loader that throws into a located RULES_RELOAD_FAILED problem on the folder, naming the error', async () => {
    loadStep = () => {
      throw new Error('disk on fire');
    };
    const crashed = await guard.read();
    loadStep = () => {
      throw 'not an Error';
    };
    const odd = await guard.read();
    expect(crashed.result).toEqual({
      ok: false,
      problems: [{ code: 'RULES_RELOAD_FAILED', file: DIR, line: 1, col: 1, pointer: ROOT_POINTER, message: 'loading the rules failed unexpectedly: disk on fire' }],
    });
    expect(odd.result.problems[0]?.message).toBe('loading the rules failed unexpectedly: not an Error');
  });
});

describe('SaveOverlapGuard.deferIfOverlapped', () => {
  it('passes a load no save overlapped, valid or not, to the caller: nothing logged, retried or reported', async () => {
    expect(await reload(() => clean)).toBe(false);
    expect(await reload(() => invalid)).toBe(false);
    expect(logged).toEqual([]);
    expect(retries).toBe(0);
    expect(givenUp).toEqual([]);
  });

  it('defers a load that caught a file mid-save, logging the file read torn and asking once for a retry', async () => {
    expect(await reload(() => torn)).toBe(true);
    expect(logged).toEqual([
      {
        record: { event: 'rules.reload_deferred', dir: DIR, reason: 'a rule file changed while it was read', files: [LIMITS], attempt: 1, keptVersion: KEPT.version },
        message: `a rule file changed while it was read (${LIMITS}); loading again once it is quiet, ${KEPT.version} stays in force`,
      },
    ]);
    expect(retries).toBe(1);
    expect(givenUp).toEqual([]);
  });

  it('defers a load during which the watcher saw a rule file change, even one that loaded cleanly, naming the last file seen', async () => {
    expect(await reload(changedDuring(FLOW, clean))).toBe(true);
    expect(
      await reload(() => {
        guard.changed(FLOW);
        guard.changed(LIMITS);
        return invalid;
      }),
    ).toBe(true);
    expect(logged.map((l) => l.record)).toEqual([
      expect.objectContaining({ reason: 'a rule file changed while the rules were loading', files: [FLOW], attempt: 1 }),
      expect.objectContaining({ reason: 'a rule file changed while the rules were loading', files: [LIMITS], attempt: 2 }),
    ]);
    expect(retries).toBe(2);
  });

  it('does not count a change the watcher saw before the load began: that load read the saved file', async () => {
    guard.changed(LIMITS);
    expect(await reload(() => clean)).toBe(false);
    expect(logged).toEqual([]);
  });

  it(`defers ${QUICK_RETRIES} overlapped loads in a row quietly, then reports the next one once with the torn read's problems`, async () => {
    expect(QUICK_RETRIES).toBe(8);
    for (let i = 1; i <= QUICK_RETRIES; i++) expect(await reload(() => torn)).toBe(true);
    expect(retries).toBe(QUICK_RETRIES);
    expect(givenUp).toEqual([]);
    expect(await reload(() => torn)).toBe(true);
    expect(givenUp).toEqual([{ problems: torn.problems, kept: KEPT }]);
    // Reported, it is not retried: only a watcher event loads again.
    expect(retries).toBe(QUICK_RETRIES);
    expect(logged.map((l) => l.record.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('after reporting, keeps deferring overlapped loads without retrying or reporting them again', async () => {
    for (let i = 0; i < QUICK_RETRIES + 1; i++) await reload(() => torn);
    expect(await reload(changedDuring(LIMITS, clean))).toBe(true);
    expect(await reload(() => torn)).toBe(true);
    expect(givenUp).toHaveLength(1);
    expect(retries).toBe(QUICK_RETRIES);
    expect(logged.map((l) => l.record.attempt).slice(-2)).toEqual([10, 11]);
  });

  it('reports a run overlapped only by watcher events as each file still changing, counted over the run', async () => {
    for (let i = 0; i < QUICK_RETRIES + 1; i++) await reload(changedDuring(LIMITS, clean));
    expect(givenUp).toEqual([
      {
        problems: [
          {
            code: 'FILE_CHANGED_WHILE_READ',
            file: LIMITS,
            line: 1,
            col: 1,
            pointer: ROOT_POINTER,
            message: `the rule files changed during each of the last ${QUICK_RETRIES + 1} loads; the edit is not applied until they stay still for one load`,
          },
        ],
        kept: KEPT,
      },
    ]);
  });

  it('ends the run at the first load no save overlapped: the next overlap starts a fresh run with its own quick retries', async () => {
    for (let i = 0; i < QUICK_RETRIES; i++) await reload(() => torn);
    expect(await reload(() => invalid)).toBe(false);
    for (let i = 0; i < QUICK_RETRIES; i++) expect(await reload(() => torn)).toBe(true);
    expect(givenUp).toEqual([]);
    expect(retries).toBe(2 * QUICK_RETRIES);
    expect(logged.at(-1)?.record.attempt).toBe(QUICK_RETRIES);
    await reload(() => torn);
    expect(givenUp).toHaveLength(1);
  });
});
