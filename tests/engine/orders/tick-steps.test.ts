// Specs of a tick's steps: a venue failure in one lets the rest run and is reported at the end; a halt stops at once.
import { describe, expect, it } from 'vitest';
import { TradegateError } from '../../../engine/errors.ts';
import { TickSteps } from '../../../engine/orders/tick-steps.ts';

describe('TickSteps', () => {
  it('runs every step after one whose venue call failed, then throws the first failure', async () => {
    const steps = new TickSteps();
    const ran: string[] = [];
    const down = new TradegateError('VENUE_TIMEOUT', 'fills listing did not answer');
    expect(await steps.run(() => Promise.reject(down), 0)).toBe(0);
    expect(await steps.run(() => Promise.reject(new Error('second')), 'none')).toBe('none');
    const sweep = () => {
      ran.push('sweep');
      return 3;
    };
    expect(await steps.run(sweep, 0)).toBe(3);
    expect(ran).toEqual(['sweep']);
    expect(() => steps.finish()).toThrow(down);
  });

  it('stops at a halt error: the books may be wrong, and later steps write to them', async () => {
    const steps = new TickSteps();
    const halt = new TradegateError('LEDGER_COMMIT_FAILED', 'disk full');
    await expect(steps.run(() => Promise.reject(halt), 0)).rejects.toBe(halt);
  });

  it('finishes quietly when every step succeeded', async () => {
    const steps = new TickSteps();
    expect(await steps.run(async () => 'ok', 'fallback')).toBe('ok');
    expect(() => steps.finish()).not.toThrow();
  });
});
