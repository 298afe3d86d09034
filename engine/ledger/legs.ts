// What an order side means to the books: which contract it trades (the leg) and in which direction.
import type { Side } from '../types.ts';

/**
 * A binary market has two contracts, YES and NO, each paying 1.00 when its outcome wins; a
 * position is held per leg, so buy_no builds a long position in NO contracts (not a short in
 * YES). `outright` is every other instrument (spot, futures, perpetuals).
 */
export const LEGS = ['outright', 'yes', 'no'] as const;
export type Leg = (typeof LEGS)[number];

export type Direction = 'buy' | 'sell';

export function legOfSide(side: Side): Leg {
  if (side === 'buy_yes' || side === 'sell_yes') return 'yes';
  if (side === 'buy_no' || side === 'sell_no') return 'no';
  return 'outright';
}

export function directionOfSide(side: Side): Direction {
  return side === 'buy' || side === 'buy_yes' || side === 'buy_no' ? 'buy' : 'sell';
}

/** +1 for a buy, -1 for a sell: the sign a fill adds to the position's quantity. */
export function signOf(direction: Direction): 1 | -1 {
  return direction === 'buy' ? 1 : -1;
}
