// Specs for gap detection: skipped sequence numbers and missing bar periods become inclusive ranges; anything behind is late.
import { describe, expect, it } from 'vitest';
import { BarGapDetector, SequenceGapDetector } from '../../../engine/market/gap-detector.ts';

describe('SequenceGapDetector', () => {
  it('sees first, next, gap with the missing range, then late', () => {
    const d = new SequenceGapDetector();
    expect(d.observe('A', 10)).toEqual({ status: 'first' });
    expect(d.observe('A', 11)).toEqual({ status: 'next' });
    expect(d.observe('A', 15)).toEqual({ status: 'gap', from: 12, to: 14 });
    expect(d.observe('A', 13)).toEqual({ status: 'late' });
    expect(d.observe('A', 15)).toEqual({ status: 'late' });
    expect(d.observe('B', 1)).toEqual({ status: 'first' });
  });

  it('starts over after reset', () => {
    const d = new SequenceGapDetector();
    d.observe('A', 100);
    d.reset();
    expect(d.observe('A', 1)).toEqual({ status: 'first' });
  });
});

describe('BarGapDetector', () => {
  it('names the first and last missing minute', () => {
    const d = new BarGapDetector();
    const M = 60_000;
    d.observe('A', 0, M);
    expect(d.observe('A', M, M)).toEqual({ status: 'next' });
    expect(d.observe('A', 4 * M, M)).toEqual({ status: 'gap', from: 2 * M, to: 3 * M });
    expect(d.observe('A', 2 * M, M)).toEqual({ status: 'late' });
  });
});
