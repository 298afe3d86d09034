// Specs for the reconnect back-off: exponential growth to a cap, seeded jitter inside its band, and a reset after health.
import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../engine/market/backoff.ts';
import { seededRandom } from '../../../engine/market/seeded-random.ts';

describe('Backoff', () => {
  it('grows by the factor up to the cap when there is no jitter', () => {
    const b = new Backoff({ baseMs: 100, factor: 2, capMs: 1_000, jitter: 0, random: seededRandom(1) });
    expect(Array.from({ length: 6 }, () => b.next())).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(b.failures).toBe(6);
  });

  it('keeps each jittered delay within [nominal x (1 - jitter), nominal] and is reproducible for a seed', () => {
    const run = (seed: number) => {
      const b = new Backoff({ baseMs: 100, factor: 2, capMs: 10_000, jitter: 0.5, random: seededRandom(seed) });
      return Array.from({ length: 8 }, () => {
        const nominal = b.nominalMs();
        const d = b.next();
        expect(d).toBeGreaterThanOrEqual(Math.floor(nominal * 0.5));
        expect(d).toBeLessThanOrEqual(nominal);
        return d;
      });
    };
    expect(run(9)).toEqual(run(9));
    expect(run(9)).not.toEqual(run(10));
  });

  it('spreads two clients apart: with full jitter delays are not all equal', () => {
    const b = new Backoff({ baseMs: 1_000, factor: 1, capMs: 1_000, jitter: 1, random: seededRandom(3) });
    const delays = new Set(Array.from({ length: 20 }, () => b.next()));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('starts from the base again after reset', () => {
    const b = new Backoff({ baseMs: 50, factor: 3, capMs: 10_000, jitter: 0, random: seededRandom(1) });
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(50);
  });

  it('refuses settings that make no sense', () => {
    const random = seededRandom(1);
    expect(() => new Backoff({ baseMs: 100, factor: 0.5, random })).toThrow(RangeError);
    expect(() => new Backoff({ baseMs: 100, capMs: 50, random })).toThrow(RangeError);
    expect(() => new Backoff({ jitter: 2, random })).toThrow(RangeError);
  });
});
