// The reload storm: decisions in a loop while the rules folder is rewritten 200 times, valid and invalid alternating.
import { join } from 'node:path';
import { setImmediate as nextMacrotask, setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../engine/bus.ts';
import { ManualClock } from '../../../engine/clock.ts';
import { evaluate } from '../../../engine/gate/gate.ts';
import { LogCapture } from '../../../engine/observe/log-capture.ts';
import { createLogger } from '../../../engine/observe/logger.ts';
import { exampleSnapshot } from '../../../engine/rules/fact-catalog.ts';
import type { EvaluatorName } from '../../../engine/rules/evaluator.ts';
import { type HotReloadOptions, type LiveRuleSet, startRuleSet } from '../../../engine/rules/hot-reload.ts';
import { seededRandom } from '../../../engine/market/seeded-random.ts';
import { loadRuleSet } from '../../../engine/rules/load-rules.ts';
import type { Decision, DecisionContext } from '../../../engine/types.ts';
import { makeRulesDir, orderCapFile, positionCapFile, removeDir, saveByRename, saveInPlace, versionOf } from '../../helpers/rule-folder.ts';

const WRITES = 200;
const CHECKPOINT_EVERY = 50;
const ENTRY: DecisionContext = { appliesTo: 'entry', mode: 'paper', venue: 'paper', instrument: 'BTC-USD', strategy: 'canary' };
const clock = new ManualClock(1_700_000_000_000);
/** The example order takes the position to 68 USD. */
const snapshot = exampleSnapshot();
const FLOW = orderCapFile();

interface Expected {
  readonly outcome: Decision['outcome'];
  readonly fired: readonly string[];
  readonly capText?: string;
}

/** Valid versions of limits.yaml differ in the cap, so the same order is allowed under one and rejected under another. */
const VALID: ReadonlyArray<{ text: string; expect: Expected }> = [
  { text: positionCapFile({ maxUsd: 50 }), expect: { outcome: 'reject', fired: ['max-position-usd'], capText: 'cap is 50 USD' } },
  { text: positionCapFile({ maxUsd: 100, note: 'loosened' }), expect: { outcome: 'allow', fired: [] } },
  { text: positionCapFile({ maxUsd: 67.5, extraParam: true }), expect: { outcome: 'reject', fired: ['max-position-usd'], capText: 'cap is 67.5 USD' } },
];

const GOOD = positionCapFile({ maxUsd: 50 });
/** Each refused for a different reason; a half-saved file among them. */
const INVALID: readonly string[] = [
  'rules:\n  - id: [unclosed\n',
  GOOD.replace('position.after_fill_notional_usd\n', 'position.after_fill_notional_usdd\n'),
  GOOD.replace('value: 50', 'value: fifty'),
  '',
  orderCapFile(),
  GOOD.replace('operator: greaterThan', 'operator: greaterThanOrEqual'),
  GOOD.slice(0, GOOD.indexOf('applies_to') + 4),
];


function mismatch(decision: Decision, expected: Expected | undefined): string | undefined {
  if (!expected) return `decision names ${decision.ruleSetVersion}, which is no valid version`;
  const fired = decision.violations.map((v) => v.ruleId);
  if (decision.outcome !== expected.outcome) return `${decision.ruleSetVersion}: outcome ${decision.outcome}, expected ${expected.outcome}`;
  if (JSON.stringify(fired) !== JSON.stringify(expected.fired)) return `${decision.ruleSetVersion}: fired ${fired}, expected ${expected.fired}`;
  if (decision.errors.length > 0) return `${decision.ruleSetVersion}: errors ${JSON.stringify(decision.errors)}`;
  if (expected.capText && !decision.violations[0]?.message.includes(expected.capText)) {
    return `${decision.ruleSetVersion}: message ${decision.violations[0]?.message} lacks "${expected.capText}"`;
  }
  return undefined;
}

function waitForVersion(bus: EventBus, version: string): Promise<unknown> {
  return Promise.race([bus.once('rules.reloaded', (e) => e.version === version), bus.once('rules.reload_unchanged', (e) => e.version === version)]);
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each<EvaluatorName>(['compiled', 'json-rules-engine'])('the reload storm (%s evaluator)', (evaluator) => {
  it(`decides only against complete valid versions while the folder is rewritten ${WRITES} times`, async () => {
    const versions = await Promise.all(VALID.map((v) => versionOf({ 'limits.yaml': v.text, 'flow.yaml': FLOW })));
    expect(new Set(versions).size).toBe(VALID.length);
    const expectedByVersion = new Map(versions.map((version, i) => [version, VALID[i]!.expect]));
    for (const text of INVALID) {
      const dir = await makeRulesDir({ 'limits.yaml': text, 'flow.yaml': FLOW });
      const result = await loadRuleSet(dir);
      await removeDir(dir);
      expect(result.ok, `fixture should be invalid:\n${text}`).toBe(false);
    }

    const dir = await makeRulesDir({ 'limits.yaml': VALID[0]!.text, 'flow.yaml': FLOW });
    cleanups.push(() => removeDir(dir));
    const loads = { active: 0, maxActive: 0, count: 0 };
    const observedLoad: HotReloadOptions['load'] = async (d) => {
      loads.active++;
      loads.count++;
      loads.maxActive = Math.max(loads.maxActive, loads.active);
      try {
        return await loadRuleSet(d);
      } finally {
        loads.active--;
      }
    };
    const bus = new EventBus();
    const capture = new LogCapture();
    const logger = createLogger({ destination: capture, env: {}, clock });
    const live: LiveRuleSet = await startRuleSet(dir, { logger, bus, clock, debounceMs: 2, maxWaitMs: 20, load: observedLoad });
    cleanups.push(() => live.close());

    const failures: string[] = [];
    const seenVersions = new Map<string, number>();
    const check = (decision: Decision, usedVersion: string) => {
      if (decision.ruleSetVersion !== usedVersion) failures.push(`decision names ${decision.ruleSetVersion}, evaluated against ${usedVersion}`);
      const problem = mismatch(decision, expectedByVersion.get(decision.ruleSetVersion));
      if (problem) failures.push(problem);
      seenVersions.set(decision.ruleSetVersion, (seenVersions.get(decision.ruleSetVersion) ?? 0) + 1);
    };
    const decideNow = async () => {
      const ruleSet = live.current();
      check(await evaluate(snapshot, ruleSet, ENTRY, { clock, evaluator }), ruleSet.version);
    };
    const events = { reloaded: 0, failed: 0 };
    bus.on('rules.reloaded', (e) => {
      events.reloaded++;
      if (!expectedByVersion.has(e.version) || !expectedByVersion.has(e.previousVersion)) failures.push(`reloaded to ${e.version}`);
    });
    bus.on('rules.reload_failed', (e) => {
      events.failed++;
      if (!expectedByVersion.has(e.keptVersion)) failures.push(`kept ${e.keptVersion}`);
      if (e.problems.length === 0) failures.push('a refused reload named no problem');
      for (const p of e.problems) if (!(p.line >= 1 && p.col >= 1 && p.file.startsWith(dir))) failures.push(`unlocated ${JSON.stringify(p)}`);
    });

    let writing = true;
    let thrown: unknown;
    const decisions = (async () => {
      while (writing) {
        await decideNow();
        await nextMacrotask();
      }
    })().catch((error: unknown) => {
      thrown = error;
    });

    const random = seededRandom(20260102);
    const path = join(dir, 'limits.yaml');
    for (let i = 0; i < WRITES; i++) {
      const valid = i % 2 === 0;
      const text = valid ? VALID[(i / 2) % VALID.length]!.text : INVALID[((i - 1) / 2) % INVALID.length]!;
      const settled = i % CHECKPOINT_EVERY === CHECKPOINT_EVERY - 2 || i % CHECKPOINT_EVERY === CHECKPOINT_EVERY - 1;
      const version = valid ? versions[(i / 2) % VALID.length]! : undefined;
      const waiting = settled ? (version ? waitForVersion(bus, version) : bus.once('rules.reload_failed')) : undefined;
      await (random() < 0.5 ? saveInPlace(path, text) : saveByRename(path, text));
      if (waiting) {
        // A checkpoint: this write's content is loaded before the storm goes on.
        await waiting;
        if (version) expect(live.current().version).toBe(version);
        await decideNow();
      } else {
        await sleep(Math.floor(random() * 6));
      }
    }
    writing = false;
    await decisions;

    const last = VALID[1]!;
    const lastVersion = versions[1]!;
    const settledLast = waitForVersion(bus, lastVersion);
    await saveByRename(path, last.text);
    await settledLast;
    expect(live.current().version).toBe(lastVersion);
    await decideNow();

    expect(thrown).toBeUndefined();
    expect(failures).toEqual([]);
    expect(loads.maxActive).toBe(1);
    expect([...seenVersions.keys()].sort()).toEqual([...versions].sort());
    expect(events.failed).toBeGreaterThanOrEqual(WRITES / CHECKPOINT_EVERY);
    expect(events.reloaded).toBeGreaterThanOrEqual(VALID.length);
    expect(capture.events('rules.reload_failed')).toHaveLength(events.failed);
    expect(capture.events('rules.reloaded')).toHaveLength(events.reloaded);
  });
});
