// Specs for the REST token bucket on a manual clock: burst, sustained rate, 429 back-off with Retry-After, and counted waits.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { RateLimiter, parseRetryAfter } from '../../../engine/market/rate-limiter.ts';
import { advancingSleep } from '../../../engine/market/sleep.ts';

function limiter(options: Partial<ConstructorParameters<typeof RateLimiter>[0]> = {}) {
  const clock = new ManualClock(1_000_000);
  const sleep = advancingSleep(clock);
  return { clock, sleep, rl: new RateLimiter({ clock, sleep, ...options }) };
}

describe('RateLimiter defaults (20/s sustained, burst 50)', () => {
  it('lets a burst of 50 through at once without waiting', async () => {
    const { clock, rl } = limiter();
    for (let i = 0; i < 50; i++) await rl.acquire();
    expect(clock.now()).toBe(1_000_000);
    expect(rl.stats()).toMatchObject({ acquired: 50, waits: 0, totalWaitMs: 0 });
  });

  it('then holds the sustained rate: one call per 50 ms, every wait counted', async () => {
    const { clock, rl } = limiter();
    const start = clock.now();
    await Promise.all(Array.from({ length: 150 }, () => rl.acquire()));
    expect(clock.now() - start).toBe(100 * 50);
    expect(rl.stats()).toMatchObject({ acquired: 150, waits: 100, totalWaitMs: 100 * 50 });
  });

  it('never lets more through in any span than burst + rate x span', async () => {
    const { clock, rl } = limiter();
    const times: number[] = [];
    await Promise.all(Array.from({ length: 300 }, () => rl.acquire().then(() => times.push(clock.now()))));
    for (const span of [0, 100, 1_000, 5_000]) {
      for (const t0 of times) {
        const inSpan = times.filter((t) => t >= t0 && t <= t0 + span).length;
        expect(inSpan).toBeLessThanOrEqual(50 + (20 * span) / 1_000 + 1e-9);
      }
    }
  });

  it('refills while idle, up to the burst and no further', async () => {
    const { clock, rl } = limiter();
    for (let i = 0; i < 50; i++) await rl.acquire();
    clock.advance(1_000);
    expect(rl.stats().tokens).toBeCloseTo(20, 9);
    clock.advance(60_000);
    expect(rl.stats().tokens).toBe(50);
  });

  it('serves callers first come, first served', async () => {
    const { rl } = limiter({ burst: 5, ratePerSec: 5 });
    const order: string[] = [];
    for (let i = 0; i < 5; i++) await rl.acquire();
    const big = rl.acquire(5).then(() => order.push('big'));
    const small = rl.acquire(1).then(() => order.push('small'));
    await Promise.all([big, small]);
    expect(order).toEqual(['big', 'small']);
  });
});

describe('RateLimiter on 429', () => {
  it('honours Retry-After in seconds: nobody goes until it has passed', async () => {
    const { clock, rl } = limiter();
    const t0 = clock.now();
    expect(rl.onRateLimited('3')).toBe(3_000);
    await rl.acquire();
    expect(clock.now() - t0).toBe(3_000);
    expect(rl.stats()).toMatchObject({ rateLimited: 1, waits: 1, totalWaitMs: 3_000, pausedUntil: t0 + 3_000 });
  });

  it('honours Retry-After as an HTTP date', async () => {
    const { clock, rl } = limiter();
    const at = new Date(clock.now() + 7_000).toUTCString();
    expect(rl.onRateLimited(at)).toBe(7_000);
  });

  it('backs off exponentially over 429s in a row without Retry-After, and starts over after a success', () => {
    const { rl } = limiter();
    expect([rl.onRateLimited(), rl.onRateLimited(null), rl.onRateLimited('soon')]).toEqual([1_000, 2_000, 4_000]);
    rl.onSuccess();
    expect(rl.onRateLimited()).toBe(1_000);
  });

  it('caps the back-off and an absurd Retry-After', () => {
    const { rl } = limiter({ backoffCapMs: 5_000, maxRetryAfterMs: 60_000 });
    for (let i = 0; i < 10; i++) rl.onRateLimited();
    expect(rl.onRateLimited()).toBe(5_000);
    expect(rl.onRateLimited('86400')).toBe(60_000);
  });

  it('takes a token through tryAcquire only when no wait is needed', () => {
    const { clock, rl } = limiter({ burst: 2 });
    expect(rl.tryAcquire()).toBe(true);
    rl.onRateLimited(1);
    expect(rl.tryAcquire()).toBe(false);
    clock.advance(999);
    expect(rl.tryAcquire()).toBe(false);
    clock.advance(1);
    expect(rl.tryAcquire()).toBe(true);
    expect(rl.tryAcquire()).toBe(false);
    clock.advance(50);
    expect(rl.tryAcquire()).toBe(true);
  });

  it('lets one probe call go when a pause ends, then only the sustained rate, not a burst', async () => {
    const { clock, rl } = limiter();
    const t0 = clock.now();
    rl.onRateLimited(10);
    const times: number[] = [];
    await Promise.all(Array.from({ length: 4 }, () => rl.acquire().then(() => times.push(clock.now() - t0))));
    expect(times).toEqual([10_000, 10_050, 10_100, 10_150]);
  });
});

describe('RateLimiter guards', () => {
  it('refuses a cost larger than the bucket, which could never be served', async () => {
    const { rl } = limiter();
    await expect(rl.acquire(51)).rejects.toThrow(RangeError);
  });

  it('rejects an aborted acquire and keeps serving the next caller', async () => {
    const { rl } = limiter({ burst: 1 });
    await rl.acquire();
    const abort = new AbortController();
    abort.abort();
    await expect(rl.acquire(1, abort.signal)).rejects.toThrow();
    await rl.acquire();
    expect(rl.stats().acquired).toBe(2);
  });

  it('refuses a rate or burst that makes no sense', () => {
    const clock = new ManualClock(0);
    expect(() => new RateLimiter({ clock, sleep: advancingSleep(clock), ratePerSec: 0 })).toThrow(RangeError);
    expect(() => new RateLimiter({ clock, sleep: advancingSleep(clock), burst: 0 })).toThrow(RangeError);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and dates, and nothing else', () => {
    expect(parseRetryAfter('2', 0)).toBe(2_000);
    expect(parseRetryAfter(' 1.5 ', 0)).toBe(1_500);
    expect(parseRetryAfter(4, 0)).toBe(4_000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4_000)).toBe(6_000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 20_000)).toBe(0);
    expect(parseRetryAfter('later', 0)).toBeNull();
    expect(parseRetryAfter(-1, 0)).toBeNull();
    expect(parseRetryAfter(undefined, 0)).toBeNull();
  });
});

describe('RateLimiter against a real HTTP server that answers 429', () => {
  let server: Server | undefined;

  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('waits out the Retry-After the server sends before the next request', async () => {
    const seen: number[] = [];
    const { clock, rl } = limiter();
    server = createServer((_req, res) => {
      seen.push(clock.now());
      if (seen.length === 1) res.writeHead(429, { 'retry-after': '2' }).end();
      else res.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      await rl.acquire();
      const res = await fetch(url);
      await res.text();
      statuses.push(res.status);
      if (res.status === 429) rl.onRateLimited(res.headers.get('retry-after'));
      else rl.onSuccess();
    }
    expect(statuses).toEqual([429, 200]);
    expect(seen[1]! - seen[0]!).toBe(2_000);
    expect(rl.stats()).toMatchObject({ rateLimited: 1, waits: 1, totalWaitMs: 2_000 });
  });
});
