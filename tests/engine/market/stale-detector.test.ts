// Specs for stale detection on a manual clock: stale after N ms of silence, announced once, fresh again on the next message.
import { describe, expect, it } from 'vitest';
import { StaleDetector } from '../../../engine/market/stale-detector.ts';

describe('StaleDetector', () => {
  it('announces a key stale once when its silence reaches the limit, and fresh when data returns', () => {
    const s = new StaleDetector(5_000);
    s.touch('BTC-USD', 1_000);
    expect(s.check(5_999)).toEqual([]);
    expect(s.check(6_000)).toEqual([{ key: 'BTC-USD', ageMs: 5_000 }]);
    expect(s.check(9_000)).toEqual([]);
    expect(s.isStale('BTC-USD', 9_000)).toBe(true);
    expect(s.touch('BTC-USD', 9_500)).toEqual({ key: 'BTC-USD', ageMs: 8_500 });
    expect(s.isStale('BTC-USD', 9_500)).toBe(false);
    expect(s.touch('BTC-USD', 9_600)).toBeNull();
  });

  it('counts a watched key with no message from when watching began', () => {
    const s = new StaleDetector(1_000);
    s.watch('ETH-USD', 100);
    expect(s.ageMs('ETH-USD', 600)).toBe(500);
    expect(s.check(1_100)).toEqual([{ key: 'ETH-USD', ageMs: 1_000 }]);
  });

  it('calls a key it never heard of stale, with no age', () => {
    const s = new StaleDetector(1_000);
    expect(s.isStale('DOGE-USD', 0)).toBe(true);
    expect(s.ageMs('DOGE-USD', 0)).toBeNull();
  });

  it('reports the current age between checks', () => {
    const s = new StaleDetector(1_000);
    s.touch('A', 0);
    expect(s.isStale('A', 999)).toBe(false);
    expect(s.isStale('A', 1_000)).toBe(true);
  });
});
