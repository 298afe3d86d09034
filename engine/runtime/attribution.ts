// Attribution of each closed trade: FIFO round trips rebuilt from the fills, each split into edge, execution and luck (SPEC R9.6).
import { type OpenLot, planFill } from '../ledger/accounting.ts';
import { directionOfSide, type Leg } from '../ledger/legs.ts';
import { type Micros, mulDiv, notionalMicros, type QtyE8 } from '../ledger/money.ts';
import type { Side } from '../types.ts';

/*
 * A closed trade is the quantity one entry order opened and one exit order closed, matched FIFO
 * exactly as the ledger books lots (a position built by two entries and closed by one exit is two
 * trades). Every amount is integer micro-dollars, so the identity below holds to the micro:
 *
 *   net       = realized - fees                                  (what the trade made after fees)
 *   edge      = declared edge bps x (quantity x entry signal price) / 10,000
 *               the profit the strategy said it expected at the price it saw; edge_bps is declared
 *               after the fees the strategy expects (fact catalog), so it is compared with net
 *   execution = what the fills gained against the prices the strategy saw (its signal prices), on
 *               both legs: long (signal - fill) x qty on the entry, (fill - signal) x qty on the exit,
 *               mirrored for a short; negative when slippage, latency or drift cost money
 *   luck      = net - edge - execution
 *               what the market did beyond the expectation between the two signal prices (and any
 *               difference between the fees expected and the fees paid)
 *
 *   so: edge + execution + luck = realized - fees, exactly, for every trade.
 *
 * An order without a recorded signal price (no gate decision on it) is measured against its own fill
 * (execution 0 on that leg, the whole move lands in luck); an entry without a declared edge has edge 0.
 * Both are flagged on the trade.
 */

/** One booked fill, oldest first (ledger order), with the order it belongs to when there is one. */
export interface AttributionFill {
  readonly id: number;
  readonly clientOrderId: string | null;
  readonly strategy: string | null;
  readonly runId: string | null;
  readonly instrument: string;
  readonly leg: Leg;
  readonly side: Side;
  readonly qtyE8: QtyE8;
  readonly price: number;
  readonly feeMicros: Micros;
  /** Realized PnL the ledger booked for this fill: the replay is checked against it. */
  readonly realizedMicros: Micros;
  readonly tsMs: number;
}

/** What the strategy saw for one order, read from the gate decision that let it through. */
export interface OrderReference {
  readonly signalPrice: number | null;
  /** Declared at the signal price, after expected fees (entries only). */
  readonly edgeBps: number | null;
}

export interface TradeAttribution {
  readonly entryClientOrderId: string | null;
  readonly exitClientOrderId: string | null;
  readonly strategy: string | null;
  /** The run of the exit: the run in which the trade closed. */
  readonly runId: string | null;
  readonly instrument: string;
  readonly leg: Leg;
  readonly direction: 'long' | 'short';
  readonly qtyE8: QtyE8;
  readonly openedAtMs: number;
  readonly closedAtMs: number;
  /** Cash of the entry slices (paid for a long, received for a short) and of the exit slices. */
  readonly entryCostMicros: Micros;
  readonly exitCashMicros: Micros;
  readonly entrySignalPrice: number | null;
  readonly exitSignalPrice: number | null;
  readonly edgeBps: number | null;
  readonly realizedMicros: Micros;
  readonly feesMicros: Micros;
  readonly netMicros: Micros;
  readonly edgeMicros: Micros;
  readonly executionMicros: Micros;
  readonly luckMicros: Micros;
}

export interface AttributionResult {
  readonly trades: readonly TradeAttribution[];
  /** Fills whose replayed realized PnL differs from the booked one (a settlement or a lot history the fills do not show). */
  readonly mismatchedFillIds: readonly number[];
}

/**
 * The edge the strategy declared, recovered from the facts of its entry decision: the gate's
 * market.edge_bps is the declared edge less the adverse move from the signal price to the expected
 * execution price (engine/orders/market-facts.ts), so that move is added back.
 */
export function declaredEdgeBps(facts: Readonly<Record<string, unknown>>): number | null {
  const edge = facts['market.edge_bps'];
  const signal = facts['market.signal_price'];
  const price = facts['order.price'];
  const side = facts['order.side'];
  if (typeof edge !== 'number' || !Number.isFinite(edge)) return null;
  if (typeof signal !== 'number' || !(signal > 0) || typeof price !== 'number' || !Number.isFinite(price) || typeof side !== 'string') return edge;
  const buy = directionOfSide(side as Side) === 'buy';
  return edge + ((buy ? price - signal : signal - price) / signal) * 10_000;
}

/** Hands out a fill's fee by quantity so that the shares of all its quantity add up to the fee exactly. */
class FeeShares {
  readonly #taken = new Map<number, QtyE8>();

  take(fill: AttributionFill, qtyE8: QtyE8): Micros {
    const before = this.#taken.get(fill.id) ?? 0;
    const after = before + qtyE8;
    this.#taken.set(fill.id, after);
    return mulDiv(fill.feeMicros, after, fill.qtyE8) - mulDiv(fill.feeMicros, before, fill.qtyE8);
  }
}

interface Lot extends OpenLot {
  readonly fill: AttributionFill;
}

interface Slice {
  readonly entry: AttributionFill;
  readonly exit: AttributionFill;
  readonly direction: 'long' | 'short';
  readonly qtyE8: QtyE8;
  readonly costMicros: Micros;
  readonly cashMicros: Micros;
  readonly realizedMicros: Micros;
  readonly feesMicros: Micros;
}

const usablePrice = (p: number | null | undefined): number | null => (typeof p === 'number' && Number.isFinite(p) && p > 0 ? p : null);
const roundHalfAway = (x: number): number => (x < 0 ? -Math.round(-x) : Math.round(x));

/** Replays FIFO over the fills and yields each closed slice (one lot, one closing fill). */
function slicesOf(fills: readonly AttributionFill[], fees: FeeShares): { slices: Slice[]; mismatched: number[] } {
  const books = new Map<string, Lot[]>();
  const slices: Slice[] = [];
  const mismatched: number[] = [];
  for (const fill of fills) {
    const key = `${fill.instrument}\u0000${fill.leg}`;
    const lots = books.get(key) ?? [];
    const plan = planFill(lots, { direction: directionOfSide(fill.side), qtyE8: fill.qtyE8, price: fill.price });
    if (plan.realizedMicros !== fill.realizedMicros) mismatched.push(fill.id);
    const byId = new Map(lots.map((l) => [l.id, l]));
    for (const c of plan.closes) {
      const lot = byId.get(c.lotId)!;
      slices.push({
        entry: lot.fill, exit: fill, direction: lot.side, qtyE8: c.closedQtyE8, costMicros: c.closedCostMicros, cashMicros: c.cashMicros,
        realizedMicros: c.realizedMicros, feesMicros: fees.take(lot.fill, c.closedQtyE8) + fees.take(fill, c.closedQtyE8),
      });
      byId.set(c.lotId, { ...lot, qtyE8: c.remainingQtyE8, costMicros: c.remainingCostMicros });
    }
    const next = [...byId.values()].filter((l) => l.qtyE8 > 0);
    if (plan.opened) next.push({ id: fill.id, side: plan.opened.side, qtyE8: plan.opened.qtyE8, costMicros: plan.opened.costMicros, fill });
    books.set(key, next);
  }
  return { slices, mismatched };
}

/** Execution and edge of one slice, against the signal prices of its two orders. */
function measure(s: Slice, refs: ReadonlyMap<string, OrderReference>): { edge: Micros; execution: Micros; entrySignal: number | null; exitSignal: number | null; edgeBps: number | null } {
  const entryRef = s.entry.clientOrderId === null ? undefined : refs.get(s.entry.clientOrderId);
  const exitRef = s.exit.clientOrderId === null ? undefined : refs.get(s.exit.clientOrderId);
  const entrySignal = usablePrice(entryRef?.signalPrice);
  const exitSignal = usablePrice(exitRef?.signalPrice);
  // What the slice would have cost and brought at the prices the strategy saw; its own cash where none was recorded.
  const expectedCost = entrySignal === null ? s.costMicros : notionalMicros(s.qtyE8, entrySignal);
  const expectedCash = exitSignal === null ? s.cashMicros : notionalMicros(s.qtyE8, exitSignal);
  const long = s.direction === 'long';
  const execution = long ? expectedCost - s.costMicros + (s.cashMicros - expectedCash) : s.costMicros - expectedCost + (expectedCash - s.cashMicros);
  const edgeBps = entryRef?.edgeBps ?? null;
  const edge = edgeBps === null || !Number.isFinite(edgeBps) ? 0 : roundHalfAway((edgeBps * expectedCost) / 10_000);
  return { edge, execution, entrySignal, exitSignal, edgeBps: edgeBps !== null && Number.isFinite(edgeBps) ? edgeBps : null };
}

const orderKey = (f: AttributionFill): string => f.clientOrderId ?? `fill:${f.id}`;

/**
 * Every closed trade of the fills (all fills of one ledger mode, oldest first: FIFO needs the whole
 * history), in the order the trades first closed.
 */
export function attributeTrades(fills: readonly AttributionFill[], refs: ReadonlyMap<string, OrderReference>): AttributionResult {
  const { slices, mismatched } = slicesOf(fills, new FeeShares());
  const trades = new Map<string, TradeAttribution>();
  for (const s of slices) {
    const key = `${orderKey(s.entry)}\u0000${orderKey(s.exit)}`;
    const m = measure(s, refs);
    const prior = trades.get(key);
    const realized = (prior?.realizedMicros ?? 0) + s.realizedMicros;
    const fees = (prior?.feesMicros ?? 0) + s.feesMicros;
    const edge = (prior?.edgeMicros ?? 0) + m.edge;
    const execution = (prior?.executionMicros ?? 0) + m.execution;
    trades.set(key, {
      entryClientOrderId: s.entry.clientOrderId,
      exitClientOrderId: s.exit.clientOrderId,
      strategy: s.entry.strategy ?? s.exit.strategy,
      runId: s.exit.runId,
      instrument: s.entry.instrument,
      leg: s.entry.leg,
      direction: s.direction,
      qtyE8: (prior?.qtyE8 ?? 0) + s.qtyE8,
      openedAtMs: Math.min(prior?.openedAtMs ?? Number.POSITIVE_INFINITY, s.entry.tsMs),
      closedAtMs: Math.max(prior?.closedAtMs ?? Number.NEGATIVE_INFINITY, s.exit.tsMs),
      entryCostMicros: (prior?.entryCostMicros ?? 0) + s.costMicros,
      exitCashMicros: (prior?.exitCashMicros ?? 0) + s.cashMicros,
      entrySignalPrice: m.entrySignal,
      exitSignalPrice: m.exitSignal,
      edgeBps: m.edgeBps,
      realizedMicros: realized,
      feesMicros: fees,
      netMicros: realized - fees,
      edgeMicros: edge,
      executionMicros: execution,
      luckMicros: realized - fees - edge - execution,
    });
  }
  return { trades: [...trades.values()], mismatchedFillIds: mismatched };
}
