// Candidate orders for the gate benches: the catalog's example snapshot with seeded variations, about half allowed and half refused.
import { exampleSnapshot } from '../engine/rules/fact-catalog.ts';
import type { DecisionContext, FactSnapshot } from '../engine/types.ts';
import { type Random, seededRandom } from './seeded-random.ts';

export const BENCH_CONTEXT: DecisionContext = { appliesTo: 'entry', mode: 'paper', venue: 'paper', instrument: 'BTC-USD', strategy: 'canary' };

type Snapshot = Record<string, Record<string, unknown>>;

/** Ordinary variation that the default rules allow: sizes, prices, counters and scores inside every limit. */
function jitter(s: Snapshot, r: Random): void {
  const quantity = r.between(0.001, 0.014, 4);
  const price = r.between(6700, 6900, 1);
  const notional = Math.round(quantity * price * 100) / 100;
  const cycleSoFar = r.between(0, 50);
  Object.assign(s['order']!, { quantity, price, notional_usd: notional });
  Object.assign(s['market']!, {
    drift_bps: r.between(0, 20),
    slippage_bps: r.between(0, 40),
    edge_bps: r.between(6, 80),
    data_quality_score: r.between(0.9, 1, 3),
    spread_bps: r.between(0.5, 5),
  });
  Object.assign(s['position']!, { after_fill_quantity: quantity, after_fill_notional_usd: notional, open_positions_count: r.int(0, 2) });
  Object.assign(s['activity']!, {
    orders_this_cycle: r.int(0, 2),
    notional_this_cycle_usd: cycleSoFar,
    notional_this_cycle_after_order_usd: Math.round((cycleSoFar + notional) * 100) / 100,
    orders_in_window_for_instrument: r.int(0, 1),
    trades_today_for_market: r.int(0, 2),
    consecutive_failures: r.int(0, 2),
    consecutive_losses: r.int(0, 2),
  });
  Object.assign(s['account']!, { daily_loss_fraction: r.between(0, 0.019, 4), drawdown_fraction: r.between(0, 0.049, 4) });
  Object.assign(s['feed']!, { age_ms: r.int(0, 9000) });
  Object.assign(s['execution']!, { quality_score: r.between(0.8, 1, 3), reject_rate: r.between(0, 0.2, 3) });
  Object.assign(s['time']!, { bars_since_start: r.int(31, 2000) });
}

function set(s: Snapshot, ns: string, values: Record<string, unknown>): void {
  Object.assign(s[ns]!, values);
}

/** One way to break one default rule each (most reject; a few pause or flatten). */
const VIOLATIONS: ReadonlyArray<(s: Snapshot, r: Random) => void> = [
  (s, r) => set(s, 'position', { after_fill_notional_usd: r.between(100.01, 500) }),
  (s, r) => set(s, 'position', { after_fill_quantity: r.between(0.021, 0.1, 4) }),
  (s, r) => set(s, 'position', { open_positions_count: r.int(3, 6), has_position_in_market: false }),
  (s, r) => set(s, 'activity', { orders_this_cycle: r.int(3, 6) }),
  (s, r) => set(s, 'activity', { notional_this_cycle_after_order_usd: r.between(200.01, 900) }),
  (s, r) => set(s, 'market', { drift_bps: r.between(25.01, 120) }),
  (s, r) => set(s, 'market', { slippage_bps: r.between(50.01, 200) }),
  (s, r) => set(s, 'market', { edge_bps: r.between(-20, 4.99) }),
  (s, r) => set(s, 'activity', { trades_today_for_market: r.int(3, 9) }),
  (s, r) => set(s, 'activity', { orders_in_window_for_instrument: r.int(2, 5) }),
  (s, r) => set(s, 'activity', { consecutive_failures: r.int(3, 8), ms_since_last_failure: r.int(0, 299_999) }),
  (s, r) => set(s, 'activity', { consecutive_losses: r.int(3, 8), ms_since_last_loss: r.int(0, 3_599_999) }),
  (s, r) => set(s, 'controls', { kill_level: r.pick(['pause', 'flatten', 'emergency']) }),
  (s, r) => set(s, 'market', { data_quality_score: r.between(0, 0.899, 3) }),
  (s, r) => set(s, 'execution', { quality_score: r.between(0, 0.799, 3) }),
  (s, r) => set(s, 'market', { regime: r.pick(['volatile', 'halted']) }),
  (s) => set(s, 'order', { order_type: 'market' }),
  (s) => set(s, 'order', { instrument: 'DOGE-USD' }),
  (s) => set(s, 'order', { strategy: 'martingale' }),
  (s) => set(s, 'position', { has_position_in_market: true }),
  (s) => set(s, 'position', { has_position_in_event: true }),
  (s, r) => set(s, 'account', { cash_usd: r.between(0, 5) }),
  (s, r) => set(s, 'order', { window_start_ms: (s['time']!['now_ms'] as number) + r.int(1, 900_000) }),
  (s, r) => set(s, 'time', { bars_since_start: r.int(0, 30) }),
  (s, r) => set(s, 'activity', { unknown_orders_for_instrument: r.int(1, 3) }),
  (s) => set(s, 'feed', { stale: true }),
  (s, r) => set(s, 'account', { daily_loss_fraction: r.between(0.02, 0.1, 4) }),
  (s, r) => set(s, 'account', { drawdown_fraction: r.between(0.05, 0.2, 4) }),
];

/** `count` snapshots: half untouched by any violation, a third with one, the rest with two. */
export function benchOrders(count: number, seed = 20260102): FactSnapshot[] {
  const r = seededRandom(seed);
  const out: FactSnapshot[] = [];
  for (let i = 0; i < count; i++) {
    const s = exampleSnapshot();
    jitter(s, r);
    const roll = r.next();
    const violations = roll < 0.5 ? 0 : roll < 0.85 ? 1 : 2;
    for (let v = 0; v < violations; v++) r.pick(VIOLATIONS)(s, r);
    out.push(s);
  }
  return out;
}
