// The one module plugins import: manifest, strategy and venue contracts, and the engine types they carry.
import type { Side } from '../types.ts';
import type { MarketEvent } from '../market/bar.ts';

export type { Bar, MarketEvent, Quote } from '../market/bar.ts';
export type { Side, OrderType, Mode } from '../types.ts';
export { TradegateError } from '../errors.ts';
// Sizing helpers strategies may use (SPEC R3.3): Kelly for binary contracts (buy_yes / buy_no) and continuous assets.
export { binaryKelly, continuousKelly, kellyQuantity } from './sizing/kelly.ts';
export type { BinaryKellyInput, BinaryKellySizing, BinarySide, ContinuousKellyInput, KellySizing } from './sizing/kelly.ts';

/** The plugin API this engine implements. A manifest's `apiVersion` range must accept it. */
export const PLUGIN_API_VERSION = '1.0.0';

export type PluginKind = 'strategy' | 'venue';

/** A JSON Schema (draft-07) for the plugin's configuration; validated with ajv strict at load. */
export type ConfigSchema = Readonly<Record<string, unknown>>;

export interface PluginLogger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

/** What a plugin is given: its validated config, a child logger, time and randomness it must use. */
export interface PluginContext<Config> {
  readonly config: Config;
  readonly logger: PluginLogger;
  /** Epoch ms from the engine's clock: replay time in backtests, wall time live. */
  now(): number;
  /** Seeded uniform [0, 1): backtests reproduce. */
  random(): number;
  /** A folder the plugin may keep state in (the paper venue's book), inside the data directory. */
  readonly stateDir: string;
}

/** What every plugin module default-exports. */
export interface PluginManifest<Config = unknown, Instance = unknown> {
  readonly name: string;
  readonly version: string;
  readonly kind: PluginKind;
  /**
   * The plugin API versions the plugin works with, as a semver range that must accept PLUGIN_API_VERSION:
   * exact ('1.0.0'), caret ('^1.0.0'), tilde ('~1.0.0'), x-ranges ('1.x'), comparators ('>=1.0.0 <2.0.0'), '||'.
   */
  readonly apiVersion: string;
  readonly configSchema: ConfigSchema;
  /**
   * Checks JSON Schema cannot express (min <= max, no duplicate ids): one message per problem, empty when fine.
   * Called with the schema-valid config at load and by `engine validate`, so these too fail before a session starts.
   */
  validateConfig?(config: Config): readonly string[];
  create(ctx: PluginContext<Config>): Instance | Promise<Instance>;
}

// ---------------------------------------------------------------- strategies

export interface PositionView {
  readonly instrument: string;
  /** Signed: > 0 long, < 0 short, 0 flat. */
  readonly quantity: number;
  readonly entryPrice: number;
  readonly unrealizedPnlUsd: number;
}

export interface AccountView {
  readonly cashUsd: number;
  readonly equityUsd: number;
}

/** A read-only view of the market and the book at one tick. */
export interface StrategyContext {
  readonly now: number;
  readonly event: MarketEvent;
  /** Recent events for this instrument, oldest first, ending with `event`. */
  readonly history: readonly MarketEvent[];
  readonly position: PositionView;
  readonly account: AccountView;
}

/** What a strategy wants: the engine sizes nothing it is not told, gates it, and may refuse it. */
export interface Signal {
  readonly instrument: string;
  readonly side: Side;
  readonly quantity: number;
  readonly orderType: 'market' | 'limit';
  readonly limitPrice?: number;
  /** Identifies the intent: the same id for the same opportunity, so duplicates never submit twice. */
  readonly signalId: string;
  readonly intent: 'entry' | 'exit';
  readonly windowStartMs?: number;
  readonly windowEndMs?: number;
  /** Expected edge after fees, basis points; min-edge-at-execution reads it. */
  readonly edgeBps?: number;
  /** Why: shown in the audit trail. */
  readonly reason: string;
  /** Resting orders are canceled after this many ms. */
  readonly ttlMs?: number;
}

export interface Strategy {
  /** Bars the strategy needs before its first signal; the warmup-bars rule enforces it. */
  readonly warmupBars: number;
  evaluate(ctx: StrategyContext): Signal | null;
}

// ---------------------------------------------------------------- venues

export type VenueOrderStatus = 'open' | 'partially_filled' | 'filled' | 'canceled' | 'rejected' | 'expired';

export interface VenueOrderRequest {
  readonly clientOrderId: string;
  readonly instrument: string;
  readonly side: Side;
  readonly type: 'market' | 'limit';
  readonly quantity: number;
  readonly limitPrice?: number;
  readonly reduceOnly: boolean;
  readonly ttlMs?: number;
}

export interface VenueOrder {
  readonly clientOrderId: string;
  /** Null only when the venue did not assign one; the order manager fails loudly on it. */
  readonly venueOrderId: string | null;
  readonly instrument: string;
  readonly side: Side;
  readonly type: 'market' | 'limit';
  readonly quantity: number;
  readonly filledQuantity: number;
  readonly limitPrice?: number;
  readonly status: VenueOrderStatus;
  readonly rejectReason?: string;
  readonly updatedAt: number;
}

export interface VenueFill {
  /** Unique per venue: the ledger records each exactly once. */
  readonly venueFillId: string;
  readonly venueOrderId: string;
  readonly clientOrderId: string;
  readonly instrument: string;
  readonly side: Side;
  readonly quantity: number;
  readonly price: number;
  /** Negative for a rebate. */
  readonly feeUsd: number;
  readonly liquidity: 'maker' | 'taker';
  readonly ts: number;
}

export interface VenuePosition {
  readonly instrument: string;
  /** Signed quantity. */
  readonly quantity: number;
  /** Binary markets: which leg this is (one entry per leg held); omitted means an outright position. */
  readonly leg?: 'outright' | 'yes' | 'no';
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Pass back to get the next page; null at the end. */
  readonly cursor: string | null;
  /**
   * Pass back later to get only the items appended after this page: set on every page, the last included, so a
   * caller that followed `cursor` to the end can poll fills incrementally without re-reading or missing any.
   */
  readonly resumeCursor?: string;
}

/** A perpetual funding payment as the venue booked it; `reference` lets the ledger post it exactly once. */
export interface VenueFundingPayment {
  readonly reference: string;
  readonly instrument: string;
  /** The funding time (epoch ms). */
  readonly ts: number;
  /** Per interval; > 0 means longs pay shorts. */
  readonly rate: number;
  readonly markPrice: number;
  /** The signed position the payment was computed on. */
  readonly positionQuantity: number;
  /** Signed from the account holder's side: negative when the account paid. */
  readonly amountUsd: number;
}

/** What the venue itself counted, so a duplicate submission or a lost fill shows against the ledger's counts. */
export interface VenueStats {
  /** Every placeOrder call that reached the venue, duplicates and refusals included. */
  readonly ordersReceived: number;
  readonly distinctClientOrderIds: number;
  readonly fills: number;
}

export interface InstrumentInfo {
  readonly instrument: string;
  readonly minQuantity: number;
  readonly quantityStep: number;
  readonly priceTick: number;
}

export interface Venue {
  readonly name: string;
  connect(): Promise<void>;
  close(): Promise<void>;
  instruments(): Promise<readonly InstrumentInfo[]>;
  /** Submits once. Throws a TradegateError: kind `retry` when the outcome is unknown or transient, `deny` when refused. */
  placeOrder(req: VenueOrderRequest): Promise<VenueOrder>;
  cancelOrder(clientOrderId: string): Promise<VenueOrder | null>;
  getOrder(clientOrderId: string): Promise<VenueOrder | null>;
  listOrders(query: { openOnly: boolean; cursor?: string | null; limit?: number }): Promise<Page<VenueOrder>>;
  listFills(query: { sinceMs?: number; cursor?: string | null; limit?: number }): Promise<Page<VenueFill>>;
  positions(): Promise<readonly VenuePosition[]>;
  balance(): Promise<{ readonly cashUsd: number }>;
  /** Simulated venues (paper, backtest) fill against the market the engine replays to them. */
  onMarketEvent?(event: MarketEvent): void;
  /** Binary markets: the outcome once settled, null before. */
  settlement?(instrument: string): Promise<'yes' | 'no' | null>;
  /** Perpetuals: funding the venue booked, oldest first, paginated like fills. */
  fundingPayments?(query: { sinceMs?: number; cursor?: string | null; limit?: number }): Promise<Page<VenueFundingPayment>>;
  /** The venue's own counts of what it received and filled (simulated venues; a real venue may not offer it). */
  stats?(): Promise<VenueStats>;
}
