// Deterministic client order ids: the same intent gives the same id on every retry, restart and machine.
import { hash } from 'node:crypto';
import { TradegateError } from '../errors.ts';
import { SIDES, type Side } from '../types.ts';

/** What makes two signals the same order: who wants it, on what, for which window or signal, which way. */
export interface OrderIntent {
  readonly strategy: string;
  readonly instrument: string;
  /** The market window (e.g. its start ms) or the strategy's own signal id. */
  readonly windowOrSignalId: string | number;
  readonly side: Side;
}

/**
 * Format: `tg-` + 32 lowercase base32 characters (RFC 4648 alphabet a-z, 2-7) of the SHA-256 of
 * the canonical intent: 35 characters, 160 bits of hash. The charset and length fit every venue
 * the seeds traded (Kalshi, Polymarket, Bitunix, Tradovate; Binance-style limits of 36 characters
 * of [A-Za-z0-9._:/-]) with no escaping. Bump the version when the canonical form changes.
 */
export const CLIENT_ORDER_ID_PATTERN = /^tg-[a-z2-7]{32}$/;
const PREFIX = 'tg-';
const VERSION = 1;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export function base32(bytes: Uint8Array, chars: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
    if (out.length === chars) break;
  }
  return out;
}

function field(intent: OrderIntent, name: 'strategy' | 'instrument'): string {
  const value = intent[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TradegateError('ORDER_INTENT_INVALID', `order intent needs a non-empty ${name}`, { field: name, value });
  }
  return value;
}

function windowOf(intent: OrderIntent): string {
  const w = intent.windowOrSignalId;
  if (typeof w === 'number' && Number.isFinite(w)) return `n:${w}`;
  if (typeof w === 'string' && w.trim() !== '') return `s:${w}`;
  throw new TradegateError('ORDER_INTENT_INVALID', 'order intent needs a window or signal id (a finite number or a non-empty string)', {
    field: 'windowOrSignalId',
    value: w,
  });
}

/** The canonical text hashed into the id; stored beside the order so an operator can see what it stands for. */
export function intentKey(intent: OrderIntent): string {
  if (!(SIDES as readonly string[]).includes(intent.side)) {
    throw new TradegateError('ORDER_INTENT_INVALID', `order intent side ${String(intent.side)} is not one of ${SIDES.join(', ')}`, {
      field: 'side',
      value: intent.side,
    });
  }
  // A JSON array cannot be forged by a field that contains the separator.
  return JSON.stringify([VERSION, field(intent, 'strategy'), field(intent, 'instrument'), windowOf(intent), intent.side]);
}

export function clientOrderId(intent: OrderIntent): string {
  // The one-shot hash: a Hash object per order costs more than the digest itself.
  const digest = hash('sha256', intentKey(intent), 'buffer');
  return PREFIX + base32(digest, 32);
}
