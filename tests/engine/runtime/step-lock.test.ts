// Specs for the step lock: holders run one at a time in arrival order, and a failing holder never blocks the next.
import { describe, expect, it } from 'vitest';
import { StepLock } from '../../../engine/runtime/step-lock.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('StepLock', () => {
  it('runs holders one at a time, in the order they asked, each to its end before the next starts', async () => {
    const lock = new StepLock();
    const trail: string[] = [];
    const gate = deferred();
    const first = lock.run(async () => {
      trail.push('first:start');
      await gate.promise;
      trail.push('first:end');
      return 1;
    });
    const second = lock.run(() => {
      trail.push('second');
      return 2;
    });
    await Promise.resolve();
    expect(lock.held).toBe(true);
    expect(trail).toEqual(['first:start']);
    gate.resolve();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(trail).toEqual(['first:start', 'first:end', 'second']);
    expect(lock.held).toBe(false);
  });

  it('hands a holder its own error and lets the next holder run', async () => {
    const lock = new StepLock();
    const failing = lock.run(async () => {
      throw new Error('step failed');
    });
    const next = lock.run(() => 'next ran');
    await expect(failing).rejects.toThrow('step failed');
    expect(await next).toBe('next ran');
  });
});
