// Specs of alert dedup: one send per key per window, suppressed repeats counted into the next send, bounded memory.
import { describe, expect, it } from 'vitest';
import { AlertDedup } from '../../../engine/observe/alert-dedup.ts';

describe('AlertDedup', () => {
  it('lets the first alert of a key through and holds back repeats inside the window', () => {
    const d = new AlertDedup(1_000);
    expect(d.admit('a', 0)).toEqual({ send: true, suppressed: 0 });
    expect(d.admit('a', 500)).toEqual({ send: false });
    expect(d.admit('b', 500)).toEqual({ send: true, suppressed: 0 });
    expect(d.admit('a', 999)).toEqual({ send: false });
    expect(d.admit('a', 1_000)).toEqual({ send: true, suppressed: 2 });
    expect(d.admit('a', 1_500)).toEqual({ send: false });
  });

  it('does not trust a window from the future when the clock steps back', () => {
    const d = new AlertDedup(1_000);
    d.admit('a', 5_000);
    expect(d.admit('a', 4_000)).toEqual({ send: true, suppressed: 0 });
  });

  it('forgets the least recently sent keys beyond its capacity', () => {
    const d = new AlertDedup(1_000, 2);
    d.admit('a', 0);
    d.admit('b', 0);
    d.admit('c', 0);
    expect(d.admit('a', 1)).toEqual({ send: true, suppressed: 0 });
    expect(d.admit('c', 1)).toEqual({ send: false });
  });
});
