// Specs for dedup: a repeated id is dropped and counted once per repeat, per instrument, within bounded memory.
import { describe, expect, it } from 'vitest';
import { Dedup } from '../../../engine/market/dedup.ts';

describe('Dedup', () => {
  it('flags the second sighting of an id for the same instrument only', () => {
    const d = new Dedup();
    expect(d.isDuplicate('BTC-USD', 't1')).toBe(false);
    expect(d.isDuplicate('ETH-USD', 't1')).toBe(false);
    expect(d.isDuplicate('BTC-USD', 't1')).toBe(true);
    expect(d.isDuplicate('BTC-USD', 't1')).toBe(true);
    expect(d.duplicates).toBe(2);
  });

  it('forgets the oldest ids beyond its capacity', () => {
    const d = new Dedup(2);
    d.isDuplicate('X', 'a');
    d.isDuplicate('X', 'b');
    d.isDuplicate('X', 'c');
    expect(d.isDuplicate('X', 'c')).toBe(true);
    expect(d.isDuplicate('X', 'a')).toBe(false);
  });
});
