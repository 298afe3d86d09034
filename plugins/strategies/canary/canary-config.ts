// The canary's configuration: the file spelling its schema checks, the defaults, and the cross-field checks the schema cannot state.
import schema from './config.schema.json' with { type: 'json' };

/** Exactly config.schema.json; every key optional. */
export interface CanaryConfig {
  readonly quantity?: number;
  readonly window_minutes?: number;
  readonly entry_delay_seconds?: number;
  readonly entry_cutoff_seconds?: number;
  readonly market?: 'spot' | 'binary';
  readonly allow_short?: boolean;
  readonly long_only_sell_lean?: 'buy_anyway' | 'skip_window';
  readonly imbalance_threshold?: number;
  readonly momentum_bars?: number;
  readonly limit_offset_bps?: number;
  readonly order_ttl_seconds?: number;
  readonly declared_edge_bps?: number;
}

/** What the strategy runs with: every default filled in, times in ms. */
export interface CanarySettings {
  readonly quantity: number;
  readonly windowMs: number;
  readonly entryDelayMs: number;
  readonly entryCutoffMs: number;
  readonly market: 'spot' | 'binary';
  readonly allowShort: boolean;
  readonly longOnlySellLean: 'buy_anyway' | 'skip_window';
  readonly imbalanceThreshold: number;
  readonly momentumBars: number;
  readonly limitOffsetBps: number;
  readonly orderTtlMs: number;
  readonly declaredEdgeBps: number;
}

export const CANARY_CONFIG_SCHEMA: Readonly<Record<string, unknown>> = schema;

/** The defaults, read from the schema's `default` keywords so the documentation and the code cannot disagree. */
export const CANARY_DEFAULTS: Required<CanaryConfig> = Object.fromEntries(
  Object.entries(schema.properties).map(([key, spec]) => [key, spec.default]),
) as unknown as Required<CanaryConfig>;

const DAY_MINUTES = 1440;

export function resolveCanaryConfig(config: CanaryConfig | undefined): CanarySettings {
  const c = { ...CANARY_DEFAULTS, ...(config ?? {}) };
  return {
    quantity: c.quantity,
    windowMs: c.window_minutes * 60_000,
    entryDelayMs: c.entry_delay_seconds * 1000,
    entryCutoffMs: c.entry_cutoff_seconds * 1000,
    market: c.market,
    allowShort: c.allow_short,
    longOnlySellLean: c.long_only_sell_lean,
    imbalanceThreshold: c.imbalance_threshold,
    momentumBars: c.momentum_bars,
    limitOffsetBps: c.limit_offset_bps,
    orderTtlMs: c.order_ttl_seconds * 1000,
    declaredEdgeBps: c.declared_edge_bps,
  };
}

/** What JSON Schema cannot say: one message per problem, empty when the config holds together. */
export function canaryConfigProblems(config: CanaryConfig | undefined): string[] {
  const c = { ...CANARY_DEFAULTS, ...(config ?? {}) };
  const problems: string[] = [];
  if (DAY_MINUTES % c.window_minutes !== 0) {
    problems.push(`window_minutes ${c.window_minutes} does not divide a day (1440 minutes), so windows would drift off UTC alignment`);
  }
  const windowSeconds = c.window_minutes * 60;
  if (c.entry_delay_seconds + c.entry_cutoff_seconds >= windowSeconds) {
    problems.push(
      `entry_delay_seconds ${c.entry_delay_seconds} + entry_cutoff_seconds ${c.entry_cutoff_seconds} leave no time to enter in a ${windowSeconds}-second window`,
    );
  }
  if (c.market === 'binary' && c.allow_short) problems.push('allow_short applies to spot only; a binary market is traded by buying YES or NO');
  return problems;
}
