// Specs for handing events to the loop: hooks before and after each, and a turn for timers at fixed counts even at full speed.
import { describe, expect, it } from 'vitest';
import { handOver, YIELD_EVERY_EVENTS } from '../../../engine/runtime/event-handover.ts';

async function* numbers(n: number): AsyncGenerator<number> {
  for (let i = 1; i <= n; i++) yield i;
}

describe('handOver', () => {
  it('tells `before` of each item as it arrives and `after` once the consumer is done with it', async () => {
    const trail: string[] = [];
    for await (const n of handOver(numbers(2), (i) => trail.push(`before ${i}`), () => trail.push('after'))) trail.push(`handle ${n}`);
    expect(trail).toEqual(['before 1', 'handle 1', 'after', 'before 2', 'handle 2', 'after']);
  });

  it('lets a timer run between items at full speed, at the same item count every time', async () => {
    const firedAfter: number[] = [];
    let handled = 0;
    setImmediate(() => firedAfter.push(handled));
    for await (const _ of handOver(numbers(3 * YIELD_EVERY_EVENTS), () => {}, () => {})) handled += 1;
    expect(firedAfter).toEqual([YIELD_EVERY_EVENTS]);
  });
});
