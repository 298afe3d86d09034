// The VWAP reversion strategy's configuration: file spelling, defaults from the schema, and the cross-field checks.
import schema from './config.schema.json' with { type: 'json' };

/** Exactly config.schema.json; every key optional. */
export interface VwapReversionConfig {
  readonly quantity?: number;
  readonly vwap_bars?: number;
  readonly atr_bars?: number;
  readonly entry_z?: number;
  readonly exit_z?: number;
  readonly allow_short?: boolean;
  readonly stop_atr?: number;
  readonly target_atr?: number;
  readonly fee_bps?: number;
  readonly reversion_share?: number;
  readonly min_edge_bps?: number;
  readonly cool_off_bars?: number;
  readonly limit_offset_bps?: number;
  readonly order_ttl_seconds?: number;
}

export interface VwapReversionSettings {
  readonly quantity: number;
  readonly vwapBars: number;
  readonly atrBars: number;
  readonly entryZ: number;
  readonly exitZ: number;
  readonly allowShort: boolean;
  readonly stopAtr: number;
  readonly targetAtr: number;
  readonly feeBps: number;
  readonly reversionShare: number;
  readonly minEdgeBps: number;
  readonly coolOffBars: number;
  readonly limitOffsetBps: number;
  readonly orderTtlMs: number;
}

export const VWAP_REVERSION_CONFIG_SCHEMA: Readonly<Record<string, unknown>> = schema;

/** The defaults, read from the schema's `default` keywords so the documentation and the code cannot disagree. */
export const VWAP_REVERSION_DEFAULTS: Required<VwapReversionConfig> = Object.fromEntries(
  Object.entries(schema.properties).map(([key, spec]) => [key, spec.default]),
) as unknown as Required<VwapReversionConfig>;

export function resolveVwapReversionConfig(config: VwapReversionConfig | undefined): VwapReversionSettings {
  const c = { ...VWAP_REVERSION_DEFAULTS, ...(config ?? {}) };
  return {
    quantity: c.quantity,
    vwapBars: c.vwap_bars,
    atrBars: c.atr_bars,
    entryZ: c.entry_z,
    exitZ: c.exit_z,
    allowShort: c.allow_short,
    stopAtr: c.stop_atr,
    targetAtr: c.target_atr,
    feeBps: c.fee_bps,
    reversionShare: c.reversion_share,
    minEdgeBps: c.min_edge_bps,
    coolOffBars: c.cool_off_bars,
    limitOffsetBps: c.limit_offset_bps,
    orderTtlMs: c.order_ttl_seconds * 1000,
  };
}

/** What JSON Schema cannot say: one message per problem, empty when the config holds together. */
export function vwapReversionConfigProblems(config: VwapReversionConfig | undefined): string[] {
  const c = { ...VWAP_REVERSION_DEFAULTS, ...(config ?? {}) };
  const problems: string[] = [];
  if (c.exit_z >= c.entry_z) problems.push(`exit_z ${c.exit_z} must be below entry_z ${c.entry_z}, or a position would be exited on the bar that entered it`);
  return problems;
}
