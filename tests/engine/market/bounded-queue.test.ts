// Specs for the bounded queue: FIFO order, the OLDEST dropped when full, every overflow counted.
import { describe, expect, it } from 'vitest';
import { BoundedQueue } from '../../../engine/market/bounded-queue.ts';

describe('BoundedQueue', () => {
  it('hands items back in the order they came', () => {
    const q = new BoundedQueue<number>(3);
    q.push(1);
    q.push(2);
    expect(q.shift()).toBe(1);
    q.push(3);
    q.push(4);
    expect(q.drain()).toEqual([2, 3, 4]);
    expect(q.shift()).toBeUndefined();
  });

  it('drops the oldest when full, returns it, and counts each overflow', () => {
    const q = new BoundedQueue<number>(3);
    const dropped = [1, 2, 3, 4, 5].map((n) => q.push(n));
    expect(dropped).toEqual([undefined, undefined, undefined, 1, 2]);
    expect(q.overflows).toBe(2);
    expect(q.size).toBe(3);
    expect(q.drain()).toEqual([3, 4, 5]);
  });

  it('survives many wrap-arounds and drains at most what it is asked for', () => {
    const q = new BoundedQueue<number>(4);
    for (let i = 0; i < 1_000; i++) q.push(i);
    expect(q.overflows).toBe(996);
    expect(q.drain(2)).toEqual([996, 997]);
    expect(q.drain()).toEqual([998, 999]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
    expect(() => new BoundedQueue(1.5)).toThrow(RangeError);
  });
});
