// Specs of side semantics: which leg each side trades and in which direction.
import { describe, expect, it } from 'vitest';
import { directionOfSide, legOfSide, signOf } from '../../../engine/ledger/legs.ts';
import { SIDES } from '../../../engine/types.ts';

describe('legs', () => {
  it('maps every side to one leg and one direction', () => {
    const table = Object.fromEntries(SIDES.map((s) => [s, `${legOfSide(s)}/${directionOfSide(s)}`]));
    expect(table).toEqual({
      buy: 'outright/buy',
      sell: 'outright/sell',
      buy_yes: 'yes/buy',
      sell_yes: 'yes/sell',
      buy_no: 'no/buy',
      sell_no: 'no/sell',
    });
  });

  it('treats buy_no as buying NO contracts (a long in the no leg), not a short in yes', () => {
    expect(legOfSide('buy_no')).toBe('no');
    expect(signOf(directionOfSide('buy_no'))).toBe(1);
  });
});
