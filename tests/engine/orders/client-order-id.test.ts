// Specs of client order ids: deterministic per intent, distinct across intents, venue-safe charset and length.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base32, CLIENT_ORDER_ID_PATTERN, clientOrderId, intentKey, type OrderIntent } from '../../../engine/orders/client-order-id.ts';
import { SIDES } from '../../../engine/types.ts';

const intent: OrderIntent = { strategy: 'canary', instrument: 'KXBTC-24MAR10-T70000', windowOrSignalId: 1_710_072_000_000, side: 'buy_no' };

describe('clientOrderId', () => {
  it('is the same for the same intent, on every call (so a restart or retry reuses it)', () => {
    expect(clientOrderId(intent)).toBe(clientOrderId({ ...intent }));
    // Pinned: a change here breaks idempotency with orders already at a venue, so it must be deliberate.
    expect(clientOrderId(intent)).toBe(`tg-${base32(createHash('sha256').update(intentKey(intent)).digest(), 32)}`);
    expect(intentKey(intent)).toBe('[1,"canary","KXBTC-24MAR10-T70000","n:1710072000000","buy_no"]');
  });

  it('differs when any part of the intent differs', () => {
    const ids = new Set([
      clientOrderId(intent),
      clientOrderId({ ...intent, strategy: 'vwap' }),
      clientOrderId({ ...intent, instrument: 'KXBTC-24MAR10-T71000' }),
      clientOrderId({ ...intent, windowOrSignalId: 1_710_072_900_000 }),
      clientOrderId({ ...intent, side: 'buy_yes' }),
      clientOrderId({ ...intent, windowOrSignalId: '1710072000000' }),
    ]);
    expect(ids.size).toBe(6);
  });

  it('cannot be forged by a field containing a separator', () => {
    const a = clientOrderId({ ...intent, strategy: 'a","b' });
    const b = clientOrderId({ ...intent, strategy: 'a', instrument: `b","${intent.instrument}` });
    expect(a).not.toBe(b);
  });

  it('uses only lowercase base32 after a tg- prefix, 35 characters, for any intent', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.oneof(fc.string({ minLength: 1 }), fc.integer()),
        fc.constantFrom(...SIDES), (strategy, instrument, windowOrSignalId, side) => {
          fc.pre(strategy.trim() !== '' && instrument.trim() !== '' && String(windowOrSignalId).trim() !== '');
          const id = clientOrderId({ strategy, instrument, windowOrSignalId, side });
          expect(id).toMatch(CLIENT_ORDER_ID_PATTERN);
          expect(id.length).toBeLessThanOrEqual(36);
        }),
      { seed: 11, numRuns: 500 },
    );
  });

  it('refuses an intent without strategy, instrument, window or a valid side: ORDER_INTENT_INVALID, kind deny', () => {
    const bad: Partial<OrderIntent>[] = [{ strategy: '' }, { instrument: '  ' }, { windowOrSignalId: '' },
      { windowOrSignalId: Number.NaN }, { side: 'short' as never }];
    for (const b of bad) {
      expect(() => clientOrderId({ ...intent, ...b })).toThrow(expect.objectContaining({ code: 'ORDER_INTENT_INVALID', kind: 'deny' }));
    }
  });
});

describe('base32', () => {
  it('matches RFC 4648 test vectors (lowercase, whole 5-byte groups)', () => {
    expect(base32(Buffer.from('fooba'), 8)).toBe('mzxw6ytb');
    expect(base32(Buffer.from('foobarbaz!'), 16)).toBe('mzxw6ytbojrgc6rb');
  });
});
