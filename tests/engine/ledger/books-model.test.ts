// The books against a small exact model over a long seeded session: FIFO, shorts, flips, fees, rebates, funding, settlement, equity.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Leg } from '../../../engine/ledger/legs.ts';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { seededRandom } from '../../../engine/market/seeded-random.ts';
import type { Side } from '../../../engine/types.ts';
import { fill, type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

/**
 * The model holds money exactly: BigInt micros for cash, and exact fractions for lot costs and
 * realized PnL (no rounding at all past the one rounding the venue does, a fill's notional). The
 * books round a lot's share of a fill and a partial close's share of a lot, so they may differ from
 * the model by under a micro per opening and half a micro per partial close of a lot still open,
 * and by nothing once a position is flat. The books compute a notional in floats, which can land a
 * tie on the wrong side (one micro); the model checks each notional the books booked is within a
 * micro of the exact one, then follows the money the books moved.
 */
type Frac = { n: bigint; d: bigint };
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
const frac = (n: bigint, d = 1n): Frac => {
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
};
const add = (a: Frac, b: Frac): Frac => frac(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Frac, b: Frac): Frac => add(a, { n: -b.n, d: b.d });
const scale = (a: Frac, num: bigint, den: bigint): Frac => frac(a.n * num, a.d * den);
const toNumber = (a: Frac): number => Number(a.n) / Number(a.d);
/** round(n / d), half away from zero, d > 0. */
const roundDiv = (n: bigint, d: bigint): bigint => (n < 0n ? -((-n * 2n + d) / (2n * d)) : (n * 2n + d) / (2n * d));

interface Price {
  readonly ticks: number;
  readonly den: number;
}
const usd = (p: Price): number => p.ticks / p.den;
const within = (a: bigint, b: bigint, by: bigint): boolean => (a > b ? a - b : b - a) <= by;
const notional = (qtyE8: bigint, p: Price): bigint => roundDiv(qtyE8 * BigInt(p.ticks) * 1_000_000n, 100_000_000n * BigInt(p.den));

interface ModelLot {
  qty: bigint;
  cost: Frac;
  /** How far (in micros) the books' cost of this lot may be from the exact one. */
  slack: number;
}
interface ModelPosition {
  side: 'long' | 'short' | null;
  lots: ModelLot[];
  realized: Frac;
  fees: bigint;
}

class Model {
  cash = 0n;
  readonly positions = new Map<string, ModelPosition>();

  position(instrument: string, leg: Leg): ModelPosition {
    const key = `${instrument}|${leg}`;
    const p = this.positions.get(key) ?? { side: null, lots: [], realized: frac(0n), fees: 0n };
    this.positions.set(key, p);
    return p;
  }

  /** FIFO by the textbook: close the oldest opposite lots, open the rest; each slice an exact share of the notional. */
  trade(p: ModelPosition, buy: boolean, qtyE8: bigint, cash: bigint): void {
    const opening = buy ? 'long' : 'short';
    let left = qtyE8;
    while (left > 0n && p.side !== null && p.side !== opening && p.lots.length > 0) {
      const lot = p.lots[0]!;
      const take = left < lot.qty ? left : lot.qty;
      const share = frac(cash * take, qtyE8);
      const closed = scale(lot.cost, take, lot.qty);
      p.realized = add(p.realized, p.side === 'long' ? sub(share, closed) : sub(closed, share));
      if (take === lot.qty) p.lots.shift();
      else Object.assign(lot, { qty: lot.qty - take, cost: sub(lot.cost, closed), slack: lot.slack + 0.5 });
      left -= take;
    }
    if (p.lots.length === 0) p.side = null;
    if (left > 0n) {
      p.lots.push({ qty: left, cost: frac(cash * left, qtyE8), slack: 1 });
      p.side = opening;
    }
  }

  signedQty(p: ModelPosition): bigint {
    const q = p.lots.reduce((s, l) => s + l.qty, 0n);
    return p.side === 'short' ? -q : q;
  }
}

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1, 22, 0, 0);

let env: TempLedgers;
let ledger: Ledger;
beforeEach(() => {
  env = tempLedgers(START);
  ledger = env.open({ mode: 'backtest', dataDir: undefined, path: ':memory:' });
});
afterEach(() => env.cleanup());

describe('the books against an exact model, over 20,000 random fills (seeded)', () => {
  it('agree on quantity, cash, fees, cost, realized PnL, equity and its baselines; a flat position holds no dust', { timeout: 120_000 }, () => {
    const rnd = seededRandom(20_260_322);
    const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
    const model = new Model();
    const marks = new Map<string, Price>([
      ['BTC-PERP', { ticks: 120_000, den: 4 }],
      ['TOKEN', { ticks: 210, den: 2 ** 24 }],
    ]);
    let binary = 'KX-1';
    let settled = 0;
    const setBinary = (leg: Leg, ticks: number): void => void marks.set(`${binary}|${leg}`, { ticks, den: 256 });
    setBinary('yes', 128);
    setBinary('no', 128);
    const markOf = (instrument: string, leg: Leg): Price => marks.get(leg === 'outright' ? instrument : `${instrument}|${leg}`)!;

    ledger.deposit(100_000_000);
    model.cash += 100_000_000_000_000n;
    ledger.startRun({ runId: 'model-run' });
    const dayStarts = new Map<string, bigint>();
    let peak: bigint | null = null;
    let sessionStart: bigint | null = null;
    let fills = 0;

    const checkPosition = (instrument: string, leg: Leg): void => {
      const m = model.position(instrument, leg);
      const p = ledger.positions.get(instrument, leg) ?? ledger.positions.empty(instrument, leg);
      const lots = ledger.positions.openLots(instrument, leg);
      expect(BigInt(p.qtyE8)).toBe(model.signedQty(m));
      expect(BigInt(p.feesMicros)).toBe(m.fees);
      expect(lots.map((l) => BigInt(l.qtyE8))).toEqual(m.lots.map((l) => l.qty));
      for (const [i, l] of lots.entries()) expect(Math.abs(l.costMicros - toNumber(m.lots[i]!.cost))).toBeLessThanOrEqual(m.lots[i]!.slack);
      if (m.lots.length === 0) {
        expect(p.costMicros).toBe(0);
        expect(frac(BigInt(p.realizedMicros))).toEqual(m.realized);
      } else {
        const slack = m.lots.reduce((s, l) => s + l.slack, 0);
        expect(Math.abs(p.realizedMicros - toNumber(m.realized))).toBeLessThanOrEqual(slack);
      }
    };

    const trade = (instrument: string, leg: Leg): void => {
      const m = model.position(instrument, leg);
      const held = model.signedQty(m);
      const buy = rnd() < 0.5;
      const abs = held < 0n ? -held : held;
      const roll = rnd();
      const unit = instrument === 'BTC-PERP' ? 1n : 100_000_000n;
      const max = instrument === 'BTC-PERP' ? 300_000_000 : instrument === 'TOKEN' ? 3_000 : 40;
      // Now and then exactly to flat, or through it to the other side by a sliver: where dust and rounding would show.
      let qtyE8 = roll < 0.1 && abs > 0n ? abs : roll < 0.2 && abs > 0n ? abs + BigInt(int(1, 1_000_000)) : BigInt(int(1, max)) * unit;
      const closing = (held > 0n && !buy) || (held < 0n && buy);
      if (roll < 0.2 && abs > 0n && !closing) qtyE8 = BigInt(int(1, max)) * unit;
      const price = markOf(instrument, leg);
      const feeMicros = rnd() < 0.3 ? 0 : int(-3_000, 8_000);
      const side = (leg === 'outright' ? (buy ? 'buy' : 'sell') : `${buy ? 'buy' : 'sell'}_${leg}`) as Side;
      const f = fill(instrument, side, Number(qtyE8) / 1e8, usd(price), { fee: feeMicros / 1e6, tsMs: START + fills });
      ledger.applyFill(f);
      fills += 1;
      const cash = BigInt(Math.round(ledger.fills.byVenueFillId(f.venue, f.venueFillId)!.notionalUsd * 1e6));
      expect(within(cash, notional(qtyE8, price), 1n)).toBe(true);
      model.cash += (buy ? -cash : cash) - BigInt(feeMicros);
      m.fees += BigInt(feeMicros);
      model.trade(m, buy, qtyE8, cash);
      checkPosition(instrument, leg);
    };

    const fund = (step: number): void => {
      const k = int(-300, 300);
      const mark = markOf('BTC-PERP', 'outright');
      const q = model.signedQty(model.position('BTC-PERP', 'outright'));
      const pay = q === 0n || k === 0 ? 0n : roundDiv(notional(q < 0n ? -q : q, mark) * BigInt(Math.abs(k)), 1_000_000n);
      const exact = q > 0n === k > 0 ? -pay : pay;
      const booked = ledger.applyFunding({ instrument: 'BTC-PERP', rate: k / 1e6, markPrice: usd(mark), reference: `funding-${step}` });
      const amount = BigInt(Math.round(booked.amountUsd * 1e6));
      expect(within(amount, exact, 1n) && (exact === 0n || amount * exact > 0n)).toBe(true);
      model.cash += amount;
    };

    const settle = (): void => {
      const outcome = rnd() < 0.5 ? 'yes' : 'no';
      for (const leg of ['yes', 'no'] as const) {
        const m = model.position(binary, leg);
        const q = model.signedQty(m);
        if (q === 0n) continue;
        const cash = notional(q < 0n ? -q : q, { ticks: leg === outcome ? 1 : 0, den: 1 });
        model.cash += q > 0n ? cash : -cash;
        model.trade(m, q < 0n, q < 0n ? -q : q, cash);
      }
      ledger.applySettlement({ instrument: binary, outcome });
      for (const leg of ['yes', 'no'] as const) checkPosition(binary, leg);
      settled += 1;
      binary = `KX-${settled + 1}`;
      setBinary('yes', 128);
      setBinary('no', 128);
    };

    const observe = (): void => {
      let exact = model.cash;
      let open = 0n;
      for (const [key, m] of model.positions) {
        const q = model.signedQty(m);
        if (q === 0n) continue;
        const [instrument, leg] = key.split('|') as [string, Leg];
        const value = notional(q < 0n ? -q : q, markOf(instrument, leg));
        exact += q < 0n ? -value : value;
        open += 1n;
      }
      const o = ledger.observeEquity((instrument, leg) => usd(markOf(instrument, leg)));
      const equity = BigInt(o.breakdown.equityMicros);
      expect(BigInt(o.breakdown.cashMicros)).toBe(model.cash);
      expect(within(equity, exact, open)).toBe(true);
      const now = env.clock.now();
      const day = new Date(now - (now % DAY)).toISOString().slice(0, 10);
      if (!dayStarts.has(day)) dayStarts.set(day, equity);
      peak = peak === null || equity > peak ? equity : peak;
      sessionStart ??= equity;
      const dayStart = dayStarts.get(day)!;
      expect(o.metrics.dayStartEquityUsd).toBe(Number(dayStart) / 1e6);
      expect(o.metrics.dailyPnlUsd).toBe(Number(equity - dayStart) / 1e6);
      expect(o.metrics.dailyLossFraction).toBe(equity < dayStart ? Number(dayStart - equity) / Number(dayStart) : 0);
      expect(o.metrics.peakEquityUsd).toBe(Number(peak) / 1e6);
      expect(o.metrics.drawdownFraction).toBe(Number(peak - equity) / Number(peak));
      expect(o.metrics.sessionPnlUsd).toBe(Number(equity - sessionStart) / 1e6);
    };

    ledger.transaction(() => {
      for (let step = 1; step <= 20_000; step++) {
        const btc = marks.get('BTC-PERP')!;
        marks.set('BTC-PERP', { ticks: btc.ticks + int(-40, 40), den: 4 });
        marks.set('TOKEN', { ticks: int(150, 260), den: 2 ** 24 });
        setBinary('yes', int(1, 255));
        setBinary('no', int(1, 255));
        const pick = rnd();
        if (pick < 0.5) trade('BTC-PERP', 'outright');
        else if (pick < 0.8) trade('TOKEN', 'outright');
        else trade(binary, rnd() < 0.5 ? 'yes' : 'no');
        if (step % 97 === 0) fund(step);
        if (step % 2_500 === 0) settle();
        if (step % 40 === 0) {
          // Mostly minutes apart; sometimes straight to 00:00 UTC, sometimes over a whole day with no observation.
          const now = env.clock.now();
          const jump = rnd();
          env.clock.set(jump < 0.05 ? now - (now % DAY) + DAY : jump < 0.07 ? now + 2 * DAY + int(0, DAY) : now + int(1, 20) * 60_000);
          observe();
        }
        expect(BigInt(ledger.cash.balanceMicros())).toBe(model.cash);
      }
    });
    expect(fills).toBe(20_000);
    expect(settled).toBe(8);
    expect(dayStarts.size).toBeGreaterThan(10);
  });
});
