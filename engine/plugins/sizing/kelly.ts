// Kelly sizing helpers strategies may use: binary contracts (buy_yes and buy_no priced correctly) and continuous assets.
import { TradegateError } from '../../errors.ts';

/** The side of a binary market a sizing is for: YES costs the YES price, NO costs one minus it. */
export type BinarySide = 'buy_yes' | 'buy_no';

export interface BinaryKellyInput {
  readonly side: BinarySide;
  /** Price of the YES contract in (0, 1); a NO contract costs 1 - yesPrice. */
  readonly yesPrice: number;
  /** The model's probability that YES wins, in [0, 1]. */
  readonly yesProbability: number;
  /** Fractional Kelly in (0, 1]: 0.5 is half Kelly. */
  readonly multiplier: number;
  /** Most of the bankroll one bet may take, in [0, 1]. */
  readonly cap: number;
  /** Fee paid per contract at entry, >= 0; it raises the cost while the payout stays 1.00. Default 0. */
  readonly feePerContract?: number;
}

export interface KellySizing {
  /** The optimum of expected log growth before the multiplier and the clamp; < 0 when this side has no edge. */
  readonly fullKelly: number;
  /** What to stake, as a fraction of the bankroll: multiplier x fullKelly clamped to [0, cap]. */
  readonly fraction: number;
}

export interface BinaryKellySizing extends KellySizing {
  /** What one contract of this side costs, fee included. */
  readonly costPerContract: number;
  /** Probability this side wins: q for YES, 1 - q for NO. */
  readonly winProbability: number;
  /** Expected profit per contract: winProbability - costPerContract. */
  readonly edgePerContract: number;
}

export interface ContinuousKellyInput {
  /** Expected return of the position per period, as a fraction (0.01 = +1%), net of costs. */
  readonly expectedReturn: number;
  /** Variance of that return per period, > 0. */
  readonly variance: number;
  readonly multiplier: number;
  /** Largest position notional as a multiple of the bankroll, in [0, 100] (above 1 is leverage). */
  readonly cap: number;
}

const MAX_CONTINUOUS_CAP = 100;

function invalid(name: string, value: unknown, expected: string): TradegateError {
  return new TradegateError('SIZING_INPUT_INVALID', `${name} must be ${expected}, got ${String(value)}`, { name, value, expected });
}

function finite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(name, value, 'a finite number');
  return value;
}

function within(name: string, value: unknown, lo: number, hi: number, open: 'none' | 'both' | 'low'): number {
  const v = finite(name, value);
  const lowOk = open === 'both' || open === 'low' ? v > lo : v >= lo;
  const highOk = open === 'both' ? v < hi : v <= hi;
  if (!lowOk || !highOk) {
    const range = `${open === 'none' ? '[' : '('}${lo}, ${hi}${open === 'both' ? ')' : ']'}`;
    throw invalid(name, value, `in ${range}`);
  }
  return v;
}

function clamp(fullKelly: number, multiplier: number, cap: number): number {
  const f = fullKelly * multiplier;
  // `+ 0` turns a -0 into 0, so a no-edge sizing reads as plain zero everywhere.
  return Math.min(cap, Math.max(0, f)) + 0;
}

/**
 * Kelly for a binary contract paying 1.00 if its side wins. With cost c (price plus fee) and win
 * probability w, the odds are (1 - c) / c and the optimum stake is f* = (w - c) / (1 - c).
 * buy_no is the classic trap (seed 000): a NO contract costs 1 - p and wins with 1 - q, so it is
 * sized with those, never with p and q.
 */
export function binaryKelly(input: BinaryKellyInput): BinaryKellySizing {
  if (input === null || typeof input !== 'object') throw invalid('input', input, 'an object');
  if (input.side !== 'buy_yes' && input.side !== 'buy_no') throw invalid('side', input.side, 'buy_yes or buy_no');
  const p = within('yesPrice', input.yesPrice, 0, 1, 'both');
  const q = within('yesProbability', input.yesProbability, 0, 1, 'none');
  const multiplier = within('multiplier', input.multiplier, 0, 1, 'low');
  const cap = within('cap', input.cap, 0, 1, 'none');
  const fee = input.feePerContract === undefined ? 0 : within('feePerContract', input.feePerContract, 0, 1, 'none');
  const price = input.side === 'buy_yes' ? p : 1 - p;
  const winProbability = input.side === 'buy_yes' ? q : 1 - q;
  const costPerContract = price + fee;
  if (costPerContract >= 1) {
    throw invalid('feePerContract', fee, `small enough that price ${price} plus fee stays below the 1.00 payout`);
  }
  const fullKelly = (winProbability - costPerContract) / (1 - costPerContract);
  return { fullKelly, fraction: clamp(fullKelly, multiplier, cap), costPerContract, winProbability, edgePerContract: winProbability - costPerContract };
}

/**
 * Kelly for a continuous return (the Gaussian approximation): f* = expectedReturn / variance, the
 * notional as a multiple of the bankroll. It sizes the direction the caller chose; a negative f*
 * means that direction has no edge and the fraction is 0.
 */
export function continuousKelly(input: ContinuousKellyInput): KellySizing {
  if (input === null || typeof input !== 'object') throw invalid('input', input, 'an object');
  const mu = finite('expectedReturn', input.expectedReturn);
  const variance = finite('variance', input.variance);
  if (variance <= 0) throw invalid('variance', variance, 'a finite number > 0');
  const multiplier = within('multiplier', input.multiplier, 0, 1, 'low');
  const cap = within('cap', input.cap, 0, MAX_CONTINUOUS_CAP, 'none');
  const fullKelly = mu / variance;
  if (!Number.isFinite(fullKelly)) throw invalid('variance', variance, 'large enough that expectedReturn / variance is finite');
  return { fullKelly, fraction: clamp(fullKelly, multiplier, cap) };
}

/** Decimal places of a quantity step (0.001 -> 3, 1e-8 -> 8, 0.25 -> 2), so results print without float noise. */
function stepDecimals(step: number): number {
  for (let d = 0; d <= 15; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return 15;
}

/**
 * Units to buy for a stake of `fraction` of the bankroll at `unitCostUsd` each, rounded down to
 * the venue's quantity step: sizing never rounds up past what Kelly allows.
 */
export function kellyQuantity(bankrollUsd: number, fraction: number, unitCostUsd: number, quantityStep: number): number {
  const bankroll = finite('bankrollUsd', bankrollUsd);
  if (bankroll < 0) throw invalid('bankrollUsd', bankrollUsd, 'a finite number >= 0');
  const f = within('fraction', fraction, 0, MAX_CONTINUOUS_CAP, 'none');
  const cost = finite('unitCostUsd', unitCostUsd);
  if (cost <= 0) throw invalid('unitCostUsd', unitCostUsd, 'a finite number > 0');
  const step = finite('quantityStep', quantityStep);
  if (step <= 0) throw invalid('quantityStep', quantityStep, 'a finite number > 0');
  const units = (bankroll * f) / cost;
  // The small nudge keeps 0.3 / 0.1 (2.9999999999999996 in floats) from losing a whole step.
  const steps = Math.floor(units / step + 1e-9);
  return Number((steps * step).toFixed(stepDecimals(step)));
}
