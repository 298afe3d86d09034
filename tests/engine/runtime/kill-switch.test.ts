// Specs of the kill switch: every trigger merged (most severe wins), raises persisted, only an operator or a lapsed cooldown lowers, actions per level.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../../engine/clock.ts';
import { KillEventRepository } from '../../../engine/ledger/kill-event-repository.ts';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { EMERGENCY_EXIT_CODE, KILL_POLL_MS, type KillStore } from '../../../engine/runtime/kill-switch.ts';
import { controlsOf, killRig } from '../../helpers/kill-fixture.ts';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
let ledger: Ledger;
let clock: ManualClock;

beforeEach(() => {
  env = tempLedgers();
  clock = env.clock;
  ledger = env.open();
});
afterEach(() => env.cleanup());

/** The operator's side: another connection to the same ledger file, as the API or `engine kill` in another process would be. */
function operator(): ReturnType<typeof controlsOf> {
  return controlsOf(env.open(), clock);
}

describe('KillSwitch triggers', () => {
  it('starts at none and polls every 250 ms, far under the 2 s bound', () => {
    const rig = killRig(ledger, clock);
    rig.killSwitch.start();
    expect(rig.killSwitch.level()).toBe('none');
    expect(rig.timers.active).toBe(1);
    expect(KILL_POLL_MS).toBeLessThanOrEqual(500);
    rig.killSwitch.close();
    expect(rig.timers.active).toBe(0);
  });

  it('sees a level written through the API by another connection within 2 s (measured on the manual clock)', () => {
    const rig = killRig(ledger, clock);
    rig.killSwitch.start();
    rig.timers.advance(100);
    const t0 = clock.now();
    expect(operator().change({ kill_level: 'flatten' }, 'api:alice').ok).toBe(true);
    while (rig.killSwitch.level() !== 'flatten' && clock.now() - t0 < 5_000) rig.timers.advance(10);
    const delay = clock.now() - t0;
    expect(rig.killSwitch.level()).toBe('flatten');
    expect(delay).toBeLessThanOrEqual(2_000);
    expect(delay).toBeLessThanOrEqual(KILL_POLL_MS);
    expect(rig.changes.at(-1)).toMatchObject({ from: 'none', to: 'flatten' });
  });

  it('takes a level stored before it started (a restart) at its first read and acts on it', async () => {
    operator().change({ kill_level: 'emergency' }, 'cli:bob');
    const rig = killRig(ledger, clock);
    rig.killSwitch.start();
    expect(rig.killSwitch.level()).toBe('emergency');
    await rig.killSwitch.settled();
    expect(rig.calls).toEqual(['cancelAll', 'flattenAll', `stop(${EMERGENCY_EXIT_CODE})`]);
  });

  it('persists a raise (a signal) with who and why, in force at once without waiting for a poll', () => {
    const rig = killRig(ledger, clock);
    rig.killSwitch.start();
    rig.killSwitch.raise('pause', { source: 'signal', actor: 'signal:SIGUSR1', reason: 'SIGUSR1 received' });
    expect(rig.killSwitch.level()).toBe('pause');
    const stored = ledger.controls.get('kill_level');
    expect(stored).toMatchObject({ value: 'pause', updatedBy: 'signal:SIGUSR1' });
    const trail = new KillEventRepository(ledger.db, clock).latest(1)[0];
    expect(trail).toMatchObject({ level: 'pause', previousLevel: 'none', source: 'signal', actor: 'signal:SIGUSR1', reason: 'SIGUSR1 received' });
    expect(rig.changes).toEqual([{ from: 'none', to: 'pause', source: 'signal', actor: 'signal:SIGUSR1', reason: 'SIGUSR1 received' }]);
  });

  it('lets the most severe trigger win, and never lowers the stored level on a lesser trigger', () => {
    const rig = killRig(ledger, clock);
    rig.killSwitch.start();
    operator().change({ kill_level: 'pause' }, 'api:alice');
    rig.file = { level: 'flatten', reason: 'maintenance', identity: 'v1' };
    rig.timers.advance(KILL_POLL_MS);
    expect(rig.killSwitch.level()).toBe('flatten');
    rig.killSwitch.raise('pause', { source: 'signal', actor: 'signal:SIGUSR1', reason: 'late pause' });
    expect(rig.killSwitch.level()).toBe('flatten');
    expect(ledger.controls.get('kill_level')?.value).toBe('flatten');
    // The lesser trigger is still on the trail, with the level it found.
    expect(new KillEventRepository(ledger.db, clock).latest(1)[0]).toMatchObject({ level: 'pause', previousLevel: 'flatten', source: 'signal' });
  });

  it('is lowered only by an operator writing the stored level, and says so', () => {
    const rig = killRig(ledger, clock);
    rig.killSwitch.start();
    rig.killSwitch.raise('flatten', { source: 'signal', actor: 'signal:SIGUSR2', reason: 'test' });
    rig.timers.advance(10 * KILL_POLL_MS);
    expect(rig.killSwitch.level()).toBe('flatten');
    operator().change({ kill_level: 'none' }, 'cli:alice@host');
    rig.timers.advance(KILL_POLL_MS);
    expect(rig.killSwitch.level()).toBe('none');
    expect(rig.changes.at(-1)).toMatchObject({ from: 'flatten', to: 'none', source: 'operator', actor: 'cli:alice@host' });
  });
});

describe('KillSwitch kill rules', () => {
  it('persists a rule without a cooldown: it outlives the rule and a restart', () => {
    const rig = killRig(ledger, clock);
    rig.killSwitch.start();
    rig.killSwitch.ruleFired('daily-loss-limit', 'pause', 'Daily loss is 0.03 of day-start equity');
    clock.advance(3_600_000);
    rig.timers.advance(KILL_POLL_MS);
    expect(rig.killSwitch.level()).toBe('pause');
    expect(ledger.controls.get('kill_level')).toMatchObject({ value: 'pause', updatedBy: 'rule:daily-loss-limit' });
    const restarted = killRig(ledger, clock);
    restarted.killSwitch.start();
    expect(restarted.killSwitch.level()).toBe('pause');
  });

  it('holds a rule with a cooldown only while it keeps firing, lapsing after the cooldown without being stored', () => {
    const rig = killRig(ledger, clock);
    rig.killSwitch.start();
    rig.killSwitch.ruleFired('stale-feed-pause', 'pause', 'feed stale', 30_000);
    expect(rig.killSwitch.level()).toBe('pause');
    expect(ledger.controls.get('kill_level')).toBeUndefined();
    rig.timers.advance(20_000);
    rig.killSwitch.ruleFired('stale-feed-pause', 'pause', 'feed still stale', 30_000);
    rig.timers.advance(29_000);
    expect(rig.killSwitch.level()).toBe('pause');
    rig.timers.advance(1_000 + KILL_POLL_MS);
    expect(rig.killSwitch.level()).toBe('none');
    expect(rig.changes.map((c) => `${c.from}->${c.to}:${c.source}`)).toEqual(['none->pause:rule', 'pause->none:cooldown']);
  });

  it('clears cooldown holds when an operator lowers the level', () => {
    const rig = killRig(ledger, clock);
    rig.killSwitch.start();
    operator().change({ kill_level: 'pause' }, 'api:alice');
    rig.killSwitch.ruleFired('stale-feed-pause', 'flatten', 'feed stale', 60_000);
    rig.timers.advance(KILL_POLL_MS);
    expect(rig.killSwitch.level()).toBe('flatten');
    operator().change({ kill_level: 'none' }, 'api:alice');
    rig.timers.advance(KILL_POLL_MS);
    expect(rig.killSwitch.level()).toBe('none');
    expect(rig.killSwitch.holds().size).toBe(0);
  });
});

describe('KillSwitch cooldown holds across a restart', () => {
  it('keeps a cooldown hold through a restart until the cooldown runs out', () => {
    const rig = killRig(ledger, clock);
    rig.killSwitch.start();
    rig.killSwitch.ruleFired('stale-feed-pause', 'flatten', 'feed stale', 60_000);
    expect(ledger.locks.active('kill-hold:stale-feed-pause:flatten')).toMatchObject({ reason: 'feed stale', createdBy: 'rule:stale-feed-pause' });
    rig.killSwitch.close();
    clock.advance(20_000);
    const restarted = killRig(ledger, clock);
    restarted.killSwitch.start();
    expect(restarted.killSwitch.level()).toBe('flatten');
    expect(restarted.killSwitch.holds().get('stale-feed-pause')).toMatchObject({ level: 'flatten', untilMs: clock.now() + 40_000 });
    restarted.timers.advance(40_000 + KILL_POLL_MS);
    expect(restarted.killSwitch.level()).toBe('none');
    // Nothing was stored as the kill level: the hold lapsed by itself, as it would have without the restart.
    expect(ledger.controls.get('kill_level')).toBeUndefined();
  });

  it('ignores a hold that ran out while the engine was down', () => {
    const rig = killRig(ledger, clock);
    rig.killSwitch.start();
    rig.killSwitch.ruleFired('stale-feed-pause', 'pause', 'feed stale', 30_000);
    rig.killSwitch.close();
    clock.advance(30_000);
    const restarted = killRig(ledger, clock);
    restarted.killSwitch.start();
    expect(restarted.killSwitch.level()).toBe('none');
  });

  it('does not bring back holds an operator lowered', () => {
    const rig = killRig(ledger, clock);
    rig.killSwitch.start();
    operator().change({ kill_level: 'pause' }, 'api:alice');
    rig.killSwitch.ruleFired('stale-feed-pause', 'flatten', 'feed stale', 60_000);
    rig.timers.advance(KILL_POLL_MS);
    operator().change({ kill_level: 'none' }, 'api:alice');
    rig.timers.advance(KILL_POLL_MS);
    rig.killSwitch.close();
    expect(ledger.locks.startingWith('kill-hold:')).toEqual([]);
    const restarted = killRig(ledger, clock);
    restarted.killSwitch.start();
    expect(restarted.killSwitch.level()).toBe('none');
  });

  it('pauses when the stored holds cannot be read: a cooldown may still be running', () => {
    const base = killRig(ledger, clock).store;
    const unreadable: KillStore = { ...base, holds: { load: () => { throw new Error('disk I/O error'); }, save: () => {}, clear: () => {} } };
    const rig = killRig(ledger, clock, { store: unreadable });
    rig.killSwitch.start();
    expect(rig.killSwitch.level()).toBe('pause');
  });
});

describe('KillSwitch actions', () => {
  it('does nothing on pause: entries are refused by the gate, exits still go', async () => {
    const rig = killRig(ledger, clock);
    rig.killSwitch.start();
    rig.killSwitch.raise('pause', { source: 'cli', actor: 'cli:a', reason: 'r' });
    await rig.killSwitch.settled();
    expect(rig.calls).toEqual([]);
  });

  it('cancels resting orders then closes every position on flatten, and does not stop', async () => {
    const rig = killRig(ledger, clock);
    rig.killSwitch.start();
    rig.killSwitch.raise('flatten', { source: 'cli', actor: 'cli:a', reason: 'r' });
    await rig.killSwitch.settled();
    expect(rig.calls).toEqual(['cancelAll', 'flattenAll']);
  });

  it('cancels, flattens and stops with exit code 99 on emergency, even when cancelling fails', async () => {
    const rig = killRig(ledger, clock, {
      actions: {
        cancelAll: async () => {
          throw new Error('venue down');
        },
      },
    });
    rig.killSwitch.start();
    rig.killSwitch.raise('emergency', { source: 'signal', actor: 'signal:SIGUSR2', reason: 'r' });
    await rig.killSwitch.settled();
    expect(rig.calls).toEqual(['flattenAll', 'stop(99)']);
  });

  it('acts again on each new rise: pause, flatten, emergency', async () => {
    const rig = killRig(ledger, clock);
    rig.killSwitch.start();
    for (const level of ['pause', 'flatten', 'emergency'] as const) rig.killSwitch.raise(level, { source: 'cli', actor: 'cli:a', reason: level });
    await rig.killSwitch.settled();
    expect(rig.calls).toEqual(['cancelAll', 'flattenAll', 'cancelAll', 'flattenAll', 'stop(99)']);
  });

  it('keeps a raise in force in memory when the store cannot write it (fail closed)', () => {
    const base = killRig(ledger, clock).store;
    const failing: KillStore = {
      read: () => base.read(),
      fileApplied: (id) => base.fileApplied(id),
      write: () => {
        throw new Error('disk full');
      },
    };
    const rig = killRig(ledger, clock, { store: failing });
    rig.killSwitch.start();
    rig.killSwitch.raise('flatten', { source: 'signal', actor: 'signal:SIGUSR2', reason: 'r' });
    rig.timers.advance(10 * KILL_POLL_MS);
    expect(rig.killSwitch.level()).toBe('flatten');
  });
});
