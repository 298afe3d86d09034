// Specs for injected waiting: the real sleep ends early on abort; the advancing sleep moves a manual clock instead of waiting.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { advancingSleep, realSleep } from '../../../engine/market/sleep.ts';

describe('realSleep', () => {
  it('resolves at once when the signal is already aborted, or when aborted while waiting', async () => {
    const done = new AbortController();
    done.abort();
    await realSleep(3_600_000, done.signal);
    const later = new AbortController();
    const waiting = realSleep(3_600_000, later.signal);
    later.abort();
    await waiting;
  });

  it('resolves for zero and negative durations', async () => {
    await realSleep(0);
    await realSleep(-5);
  });
});

describe('advancingSleep', () => {
  it('advances the clock by exactly what was asked and records each call', async () => {
    const clock = new ManualClock(100);
    const sleep = advancingSleep(clock);
    await sleep(250);
    await sleep(0);
    await sleep(1_000);
    expect(clock.now()).toBe(1_350);
    expect(sleep.calls).toEqual([250, 0, 1_000]);
  });

  it('does not move the clock when aborted', async () => {
    const clock = new ManualClock(0);
    const abort = new AbortController();
    abort.abort();
    await advancingSleep(clock)(500, abort.signal);
    expect(clock.now()).toBe(0);
  });
});
