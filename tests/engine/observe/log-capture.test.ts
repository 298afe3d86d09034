// Specs for the in-memory log destination: lines kept as written, parsed back, filtered by event.
import { describe, expect, it } from 'vitest';
import { LogCapture } from '../../../engine/observe/log-capture.ts';

describe('LogCapture', () => {
  it('keeps each line of a chunk, parses records and filters them by event', () => {
    const capture = new LogCapture();
    capture.write('{"event":"a.b","n":1}\n{"event":"a.c","n":2}\n');
    capture.write('{"event":"a.b","n":3}\n');
    expect(capture.lines()).toHaveLength(3);
    expect(capture.events('a.b').map((r) => r['n'])).toEqual([1, 3]);
    capture.clear();
    expect(capture.records()).toEqual([]);
  });
});
