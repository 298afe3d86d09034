// Specs for the removal grace on its own, with time driven by hand: what is held, for how long, when the folder is looked at again.
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBus, type RulesRemovalHeld } from '../../../engine/bus.ts';
import { loadRuleSet } from '../../../engine/rules/load-rules.ts';
import { DEFAULT_REMOVAL_GRACE_MS, type GraceTimers, RemovalGrace, realGraceTimers } from '../../../engine/rules/removal-grace.ts';
import type { RuleSet } from '../../../engine/rules/rule-set.ts';
import { makeRulesDir, orderCapFile, positionCapFile, removeDir } from '../../helpers/rule-folder.ts';

/** Time that moves only when told to; a due call runs with `now()` at its due time, earliest first. */
class ManualTimers implements GraceTimers {
  #now = 0;
  #queue: Array<{ at: number; callback: () => void }> = [];

  now(): number {
    return this.#now;
  }

  after(ms: number, callback: () => void): () => void {
    const entry = { at: this.#now + ms, callback };
    this.#queue.push(entry);
    return () => {
      this.#queue = this.#queue.filter((e) => e !== entry);
    };
  }

  /** Due times of the calls not yet made or cancelled. */
  pending(): number[] {
    return this.#queue.map((e) => e.at);
  }

  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = this.#queue.filter((e) => e.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.#queue = this.#queue.filter((e) => e !== due);
      this.#now = due.at;
      due.callback();
    }
    this.#now = end;
  }
}

const LIMITS = positionCapFile({ maxUsd: 100 });
const FLOW = orderCapFile(0);
const EXTRA = orderCapFile(3, 'max-orders-extra');

/** Rule sets as one folder loads them over time: the rules are those of the files named. */
const sets = {} as Record<'full' | 'onlyLimits' | 'withExtra' | 'limitsAndExtra' | 'edited', RuleSet>;
let dir: string;

async function load(files: Record<string, string>): Promise<RuleSet> {
  for (const name of await readdir(dir)) await rm(join(dir, name));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const result = await loadRuleSet(dir);
  if (!result.ok) throw new Error(`fixture does not load: ${JSON.stringify(result.problems)}`);
  return result.ruleSet;
}

beforeAll(async () => {
  dir = await makeRulesDir({});
  sets.full = await load({ 'limits.yaml': LIMITS, 'flow.yaml': FLOW });
  sets.onlyLimits = await load({ 'limits.yaml': LIMITS });
  sets.withExtra = await load({ 'limits.yaml': LIMITS, 'flow.yaml': FLOW, 'extra.yaml': EXTRA });
  sets.limitsAndExtra = await load({ 'limits.yaml': LIMITS, 'extra.yaml': EXTRA });
  sets.edited = await load({ 'limits.yaml': positionCapFile({ maxUsd: 50 }), 'flow2.yaml': orderCapFile(5, 'max-orders-per-cycle-v2') });
  // Every spec below compares versions: the fixtures must differ.
  expect(new Set(Object.values(sets).map((s) => s.version)).size).toBe(5);
});
afterAll(() => removeDir(dir));

let timers: ManualTimers;
let expiries: number;
let logged: object[];
let emitted: RulesRemovalHeld[];
let bus: EventBus;

beforeEach(() => {
  timers = new ManualTimers();
  expiries = 0;
  logged = [];
  emitted = [];
  bus = new EventBus({
    onListenerError: (error) => {
      throw error;
    },
  });
  bus.on('rules.removal_held', (e) => {
    emitted.push(e);
  });
});

function grace(graceMs: number | undefined = 1_000, onExpiry = () => void expiries++): RemovalGrace {
  return new RemovalGrace({ graceMs, onExpiry, logger: { info: (record) => logged.push(record) }, bus, timers });
}

const ids = (set: RuleSet) => set.rules.map((r) => r.id);

describe('RemovalGrace.hold', () => {
  it('puts the loaded set itself in force when no rule in force is missing from it, holding nothing and scheduling nothing', () => {
    const g = grace();
    expect(g.hold(sets.full, sets.withExtra)).toBe(sets.withExtra);
    expect(g.hold(sets.full, sets.full)).toBe(sets.full);
    expect(g.held()).toEqual([]);
    expect(timers.pending()).toEqual([]);
    expect(logged).toEqual([]);
    expect(emitted).toEqual([]);
  });

  it('keeps a rule missing from the load in force, so the set in force is unchanged by a removal alone', () => {
    const g = grace();
    const kept = g.hold(sets.full, sets.onlyLimits);
    expect(kept.version).toBe(sets.full.version);
    expect(kept.byId.get('max-orders-per-cycle')).toEqual(sets.full.byId.get('max-orders-per-cycle'));
    expect(kept.files).toEqual(sets.full.files);
    expect(g.held()).toEqual(['max-orders-per-cycle']);
  });

  it('reports each hold in the log and on the bus with the grace, the loaded version and the version in force', () => {
    const g = grace(300);
    const kept = g.hold(sets.full, sets.onlyLimits);
    const expected = { held: ['max-orders-per-cycle'], graceMs: 300, loadedVersion: sets.onlyLimits.version, version: kept.version };
    expect(emitted).toEqual([expected]);
    expect(logged).toEqual([{ event: 'rules.removal_held', ...expected }]);
  });

  it('applies additions and changes at once while the removal in the same load is held', () => {
    const g = grace();
    const kept = g.hold(sets.full, sets.edited);
    expect(ids(kept)).toEqual(['max-orders-per-cycle', 'max-orders-per-cycle-v2', 'max-position-usd']);
    expect(kept.byId.get('max-position-usd')).toEqual(sets.edited.byId.get('max-position-usd'));
    expect(kept.byId.get('max-orders-per-cycle')).toEqual(sets.full.byId.get('max-orders-per-cycle'));
    expect(kept.files).toEqual([join(dir, 'flow.yaml'), join(dir, 'flow2.yaml'), join(dir, 'limits.yaml')]);
    expect(g.held()).toEqual(['max-orders-per-cycle']);
  });

  it('removes at once with a grace of 0', () => {
    const g = grace(0);
    expect(g.hold(sets.full, sets.onlyLimits)).toBe(sets.onlyLimits);
    expect(g.held()).toEqual([]);
    expect(timers.pending()).toEqual([]);
    expect(emitted).toEqual([]);
  });

  it('holds for DEFAULT_REMOVAL_GRACE_MS (1 s) when no grace is given', () => {
    const g = grace(undefined);
    g.hold(sets.full, sets.onlyLimits);
    expect(DEFAULT_REMOVAL_GRACE_MS).toBe(1_000);
    expect(timers.pending()).toEqual([1_000]);
    expect(emitted[0]?.graceMs).toBe(1_000);
  });
});

describe('RemovalGrace expiry', () => {
  it('asks for a load again exactly when the grace ends, once', () => {
    const g = grace();
    g.hold(sets.full, sets.onlyLimits);
    expect(timers.pending()).toEqual([1_000]);
    timers.advance(999);
    expect(expiries).toBe(0);
    timers.advance(1);
    expect(expiries).toBe(1);
    timers.advance(10_000);
    expect(expiries).toBe(1);
  });

  it('removes the rule at the first load after the grace that still misses it', () => {
    const g = grace();
    const kept = g.hold(sets.full, sets.onlyLimits);
    timers.advance(1_000);
    expect(g.hold(kept, sets.onlyLimits)).toBe(sets.onlyLimits);
    expect(g.held()).toEqual([]);
    expect(timers.pending()).toEqual([]);
    expect(emitted).toHaveLength(1);
  });

  it('counts the grace from the first load that missed the rule, not from the latest', () => {
    const g = grace();
    let inForce = g.hold(sets.full, sets.onlyLimits);
    timers.advance(400);
    inForce = g.hold(inForce, sets.onlyLimits);
    expect(g.held()).toEqual(['max-orders-per-cycle']);
    // The look-again is rescheduled, still for the end of the first miss: one call pending, at 1 000 ms.
    expect(timers.pending()).toEqual([1_000]);
    expect(emitted.map((e) => e.held)).toEqual([['max-orders-per-cycle'], ['max-orders-per-cycle']]);
    timers.advance(599);
    expect(g.hold(inForce, sets.onlyLimits).version).toBe(sets.full.version);
    timers.advance(1);
    expect(g.hold(inForce, sets.onlyLimits)).toBe(sets.onlyLimits);
  });

  it('puts the rule out of force at the grace end when the expiry loads the folder again, as hot reload does', () => {
    let inForce = sets.full;
    const g: RemovalGrace = grace(1_000, () => {
      inForce = g.hold(inForce, sets.onlyLimits);
    });
    inForce = g.hold(inForce, sets.onlyLimits);
    timers.advance(999);
    expect(inForce.byId.has('max-orders-per-cycle')).toBe(true);
    timers.advance(1);
    expect(inForce).toBe(sets.onlyLimits);
    expect(g.held()).toEqual([]);
  });

  it('times each missing rule from when it went missing, looking again when the earliest hold ends', () => {
    const g = grace();
    let inForce = g.hold(sets.withExtra, sets.limitsAndExtra);
    timers.advance(300);
    inForce = g.hold(inForce, sets.onlyLimits);
    expect(g.held()).toEqual(['max-orders-per-cycle', 'max-orders-extra']);
    expect(timers.pending()).toEqual([1_000]);
    timers.advance(700);
    inForce = g.hold(inForce, sets.onlyLimits);
    expect(ids(inForce)).toEqual(['max-orders-extra', 'max-position-usd']);
    expect(g.held()).toEqual(['max-orders-extra']);
    expect(timers.pending()).toEqual([1_300]);
    timers.advance(300);
    expect(g.hold(inForce, sets.onlyLimits)).toBe(sets.onlyLimits);
    expect(g.held()).toEqual([]);
  });
});

describe('RemovalGrace when the file comes back', () => {
  it('ends the hold and cancels the look-again when a load within the grace holds the rule again', () => {
    const g = grace();
    const kept = g.hold(sets.full, sets.onlyLimits);
    timers.advance(500);
    expect(g.hold(kept, sets.full)).toBe(sets.full);
    expect(g.held()).toEqual([]);
    expect(timers.pending()).toEqual([]);
    timers.advance(10_000);
    expect(expiries).toBe(0);
  });

  it('gives a rule that vanishes again a fresh grace, timed from its new disappearance', () => {
    const g = grace();
    let inForce = g.hold(sets.full, sets.onlyLimits);
    timers.advance(900);
    inForce = g.hold(inForce, sets.full);
    timers.advance(50);
    inForce = g.hold(inForce, sets.onlyLimits);
    expect(g.held()).toEqual(['max-orders-per-cycle']);
    expect(timers.pending()).toEqual([1_950]);
    timers.advance(999);
    expect(g.hold(inForce, sets.onlyLimits).version).toBe(sets.full.version);
  });
});

describe('RemovalGrace.cancel', () => {
  it('drops the pending look-again and leaves what is held as it is', () => {
    const g = grace();
    g.hold(sets.full, sets.onlyLimits);
    g.cancel();
    expect(timers.pending()).toEqual([]);
    timers.advance(5_000);
    expect(expiries).toBe(0);
    expect(g.held()).toEqual(['max-orders-per-cycle']);
  });
});

describe('realGraceTimers', () => {
  it('calls back after the delay unless cancelled, on a clock that does not go back', async () => {
    const calls: string[] = [];
    const before = realGraceTimers.now();
    const cancel = realGraceTimers.after(1, () => calls.push('cancelled'));
    cancel();
    await new Promise<void>((resolve) => realGraceTimers.after(20, resolve));
    expect(calls).toEqual([]);
    expect(realGraceTimers.now() - before).toBeGreaterThanOrEqual(19);
  });
});
