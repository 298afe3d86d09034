// The fact catalog: every fact a rule may read, with its type, unit and meaning; the single source for validation, docs and `engine facts`.
import { KILL_LEVELS, MODES, ORDER_TYPES, SIDES } from '../types.ts';

export type FactType = 'number' | 'boolean' | 'string' | 'string[]';

export interface FactSpec {
  /** Dotted path, `namespace.name`. */
  readonly path: string;
  readonly type: FactType;
  /** `usd`, `bps`, `fraction`, `ms`, `count`, `units`, `hours`, `score`, `price`... or '' for none. */
  readonly unit: string;
  readonly description: string;
  /** For string facts with a closed set of values. */
  readonly enum?: readonly string[];
  /** A value the default rule set allows; `engine facts --example` is built from these. */
  readonly example: number | boolean | string | readonly string[];
}

type Row = [name: string, type: FactType, unit: string, example: FactSpec['example'], description: string, enumValues?: readonly string[]];

function namespace(ns: string, rows: readonly Row[]): FactSpec[] {
  return rows.map(([name, type, unit, example, description, enumValues]) => ({
    path: `${ns}.${name}`,
    type,
    unit,
    description,
    example,
    ...(enumValues ? { enum: enumValues } : {}),
  }));
}

const NOW = 1_522_886_400_000; // 2018-04-05T00:00:00Z, inside the shipped replay data.

const SPECS: readonly FactSpec[] = [
  ...namespace('order', [
    ['side', 'string', '', 'buy', 'Order side; buy_yes / buy_no for binary markets.', SIDES],
    ['quantity', 'number', 'units', 0.01, 'Quantity of the candidate order in instrument units (contracts, coins).'],
    ['price', 'number', 'usd', 6800, 'Limit price, or the expected execution price of a market order.'],
    ['notional_usd', 'number', 'usd', 68, 'quantity x price in USD.'],
    ['instrument', 'string', '', 'BTC-USD', 'Venue-neutral instrument id, e.g. BTC-USD.'],
    ['venue', 'string', '', 'paper', 'Venue plugin name the order goes to.'],
    ['strategy', 'string', '', 'canary', 'Strategy plugin name that produced the signal.'],
    ['is_entry', 'boolean', '', true, 'True when the order opens or adds to a position.'],
    ['reduce_only', 'boolean', '', false, 'True when the order may only reduce a position.'],
    ['order_type', 'string', '', 'limit', 'Order type.', ORDER_TYPES],
    ['window_start_ms', 'number', 'ms', NOW - 60_000, 'Start of the market window the order trades (epoch ms); for windowed markets.'],
    ['window_end_ms', 'number', 'ms', NOW + 840_000, 'End of that window (epoch ms).'],
  ]),
  ...namespace('market', [
    ['bid', 'number', 'usd', 6799.5, 'Best bid.'],
    ['ask', 'number', 'usd', 6800.5, 'Best ask.'],
    ['mid', 'number', 'usd', 6800, '(bid + ask) / 2.'],
    ['last_price', 'number', 'usd', 6800, 'Last traded price.'],
    ['spread_bps', 'number', 'bps', 1.5, '(ask - bid) / mid in basis points.'],
    ['signal_price', 'number', 'usd', 6800, 'Price the strategy saw when it produced the signal.'],
    ['drift_bps', 'number', 'bps', 2, 'Absolute move from signal price to execution price, basis points.'],
    ['edge_bps', 'number', 'bps', 40, 'Expected edge at execution price, basis points (after fees).'],
    ['slippage_bps', 'number', 'bps', 3, 'Expected slippage of this order against the touch, basis points.'],
    ['data_quality_score', 'number', 'score', 0.98, 'Market data quality, 0 (unusable) to 1 (clean).'],
    ['regime', 'string', '', 'normal', 'Market regime label from the regime detector (normal, trending, volatile, halted...).'],
    ['adx', 'number', 'score', 22, 'Average directional index (0-100), trend strength.'],
  ]),
  ...namespace('position', [
    ['quantity', 'number', 'units', 0, 'Signed quantity held in this instrument now.'],
    ['notional_usd', 'number', 'usd', 0, 'Absolute USD value of the position at mark.'],
    ['after_fill_quantity', 'number', 'units', 0.01, 'Absolute quantity in this instrument if the order fills completely.'],
    ['after_fill_notional_usd', 'number', 'usd', 68, 'Absolute USD value of the position if the order fills completely.'],
    ['open_positions_count', 'number', 'count', 0, 'Open positions across all instruments.'],
    ['has_position_in_market', 'boolean', '', false, 'A position is open in this market (instrument).'],
    ['has_position_in_event', 'boolean', '', false, 'A position is open in another market of the same event.'],
    ['unrealized_pnl_usd', 'number', 'usd', 0, 'Mark-to-market PnL of the open position.'],
    ['unrealized_loss_usd', 'number', 'usd', 0, 'max(0, -unrealized_pnl_usd): the loss, as a positive number.'],
    ['unrealized_pnl_fraction', 'number', 'fraction', 0, 'Unrealized PnL / cost basis of the position (0.02 = +2%).'],
    ['unrealized_loss_fraction', 'number', 'fraction', 0, 'max(0, -unrealized_pnl_fraction): the loss as a positive fraction of cost basis (0.03 = down 3%).'],
    ['peak_pnl_fraction', 'number', 'fraction', 0, 'Best unrealized PnL fraction seen since entry.'],
    ['retrace_from_peak_fraction', 'number', 'fraction', 0, 'peak_pnl_fraction - unrealized_pnl_fraction: how much of the best gain was given back.'],
    ['entry_price', 'number', 'usd', 6800, 'Average entry price of the open position (0 when flat).'],
    ['peak_price', 'number', 'usd', 6800, 'Most favourable price seen since entry (0 when flat).'],
  ]),
  ...namespace('account', [
    ['cash_usd', 'number', 'usd', 10_000, 'Free cash in the ledger.'],
    ['venue_balance_usd', 'number', 'usd', 10_000, 'Cash balance the venue reports.'],
    ['equity_usd', 'number', 'usd', 10_000, 'Cash plus open positions marked to the latest price.'],
    ['day_start_equity_usd', 'number', 'usd', 10_000, 'Equity at 00:00 UTC today.'],
    ['daily_pnl_usd', 'number', 'usd', 0, 'equity_usd - day_start_equity_usd.'],
    ['daily_loss_fraction', 'number', 'fraction', 0, 'max(0, -daily_pnl_usd) / day_start_equity_usd.'],
    ['peak_equity_usd', 'number', 'usd', 10_000, 'Highest equity seen this session.'],
    ['drawdown_fraction', 'number', 'fraction', 0, '(peak_equity_usd - equity_usd) / peak_equity_usd.'],
    ['session_pnl_usd', 'number', 'usd', 0, 'Equity now minus equity at session start.'],
  ]),
  ...namespace('activity', [
    ['orders_this_cycle', 'number', 'count', 0, 'Orders already sent in this decision cycle.'],
    ['notional_this_cycle_usd', 'number', 'usd', 0, 'USD notional already sent in this cycle.'],
    ['notional_this_cycle_after_order_usd', 'number', 'usd', 68, 'notional_this_cycle_usd + order.notional_usd: the cycle total if this order is sent.'],
    ['orders_in_window_for_instrument', 'number', 'count', 0, 'Orders sent for this instrument in the current window.'],
    ['trades_today_for_market', 'number', 'count', 0, 'Entries made in this market since 00:00 UTC.'],
    ['consecutive_failures', 'number', 'count', 0, 'Execution failures in a row (rejected, failed, timed out).'],
    ['ms_since_last_failure', 'number', 'ms', 86_400_000, 'Milliseconds since the last execution failure (large when none).'],
    ['consecutive_losses', 'number', 'count', 0, 'Closed trades in a row with negative realized PnL.'],
    ['ms_since_last_loss', 'number', 'ms', 86_400_000, 'Milliseconds since the last losing trade closed (large when none).'],
    ['unknown_orders_for_instrument', 'number', 'count', 0, 'Orders on this instrument in state unknown, awaiting reconciliation.'],
  ]),
  ...namespace('controls', [
    ['kill_level', 'string', '', 'none', 'Kill switch level set by an operator or a kill rule.', KILL_LEVELS],
    ['trading_mode', 'string', '', 'paper', 'Mode the engine runs in.', MODES],
    ['allowed_instruments', 'string[]', '', ['BTC-USD', 'ETH-USD', 'LTC-USD'], 'Instruments the operator allows now.'],
    ['allowed_strategies', 'string[]', '', ['canary', 'vwap-reversion'], 'Strategies the operator allows now.'],
  ]),
  ...namespace('feed', [
    ['age_ms', 'number', 'ms', 500, 'Milliseconds since the last market data message for this instrument.'],
    ['stale', 'boolean', '', false, 'The feed robustness layer has declared the feed stale.'],
    ['gap_open', 'boolean', '', false, 'A detected gap in the data has not been backfilled yet.'],
  ]),
  ...namespace('execution', [
    ['quality_score', 'number', 'score', 0.95, 'Execution quality, 0 to 1, from fill ratio, slippage and rejects.'],
    ['reject_rate', 'number', 'fraction', 0, 'Share of recent orders the venue rejected.'],
  ]),
  ...namespace('time', [
    ['now_ms', 'number', 'ms', NOW, 'Current time (epoch ms) from the injected clock.'],
    ['utc_hour', 'number', 'hour', 0, 'Hour of day in UTC, 0-23.'],
    ['bars_since_start', 'number', 'count', 500, 'Market data bars seen since the session started.'],
    ['ms_to_window_close', 'number', 'ms', 840_000, 'Milliseconds until the current market window closes.'],
  ]),
  ...namespace('config', [
    ['dry_run', 'boolean', '', false, 'The configuration runs without submitting orders.'],
    ['autonomous', 'boolean', '', true, 'The configuration runs without an operator at a prompt.'],
    ['instruments_count', 'number', 'count', 3, 'Instruments in the configured scope (0 = no scope set).'],
    ['strategies_count', 'number', 'count', 1, 'Strategies in the configured scope (0 = no scope set).'],
    ['max_position_usd', 'number', 'usd', 100, 'The per-position dollar cap in force (0 = not set).'],
    ['daily_loss_limit_fraction', 'number', 'fraction', 0.02, 'The daily loss limit in force (0 = not set).'],
    ['live_db_separate', 'boolean', '', true, 'The live database file differs from the dry-run and paper ones.'],
  ]),
  ...namespace('evidence', [
    ['burn_in_hours', 'number', 'hours', 24, 'Dry-run hours recorded with the same config hash.'],
    ['kill_switch_drill_passed', 'boolean', '', true, 'The last kill-switch drill passed.'],
    ['restart_drill_passed', 'boolean', '', true, 'The last restart drill passed with no duplicate submission.'],
  ]),
];

export const FACT_CATALOG: ReadonlyMap<string, FactSpec> = new Map(SPECS.map((s) => [s.path, s]));

export const FACT_NAMESPACES: readonly string[] = [...new Set(SPECS.map((s) => s.path.split('.')[0]!))];

export function factSpec(path: string): FactSpec | undefined {
  return FACT_CATALOG.get(path);
}

/** One complete nested snapshot built from the catalog's examples. */
export function exampleSnapshot(): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const spec of SPECS) {
    const [ns, name] = spec.path.split('.') as [string, string];
    out[ns] ??= {};
    out[ns][name] = Array.isArray(spec.example) ? [...spec.example] : spec.example;
  }
  return out;
}
