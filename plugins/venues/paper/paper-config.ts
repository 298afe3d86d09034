// The paper venue's configuration as its schema defines it (YAML spelling) and as the venue uses it.
import type { InstrumentInfo } from '../../../engine/plugins/plugin-api.ts';
import type { FeeSchedule } from './fees.ts';
import type { LatencyRange } from './latency.ts';
import type { SlippageModel } from './slippage.ts';

/** Exactly `config.schema.json`; ajv has checked it before the venue sees it. */
export interface PaperConfigFile {
  readonly starting_cash_usd: number;
  readonly instruments: readonly {
    readonly instrument: string;
    readonly type: 'spot' | 'perpetual';
    readonly min_quantity: number;
    readonly quantity_step: number;
    readonly price_tick: number;
    readonly funding_rate?: number;
    readonly funding_interval_ms?: number;
  }[];
  readonly latency_ms: { readonly min: number; readonly max: number };
  readonly slippage: { readonly base_bps: number; readonly bps_per_10k_usd: number };
  readonly fees: { readonly maker_bps: number; readonly taker_bps: number };
  readonly participation: number;
  readonly fsync?: boolean;
}

export interface FundingTerms {
  readonly rate: number;
  readonly intervalMs: number;
}

export interface InstrumentSpec extends InstrumentInfo {
  readonly type: 'spot' | 'perpetual';
  readonly funding: FundingTerms | null;
}

export interface PaperSettings {
  readonly startingCashUsd: number;
  readonly instruments: ReadonlyMap<string, InstrumentSpec>;
  readonly latency: LatencyRange;
  readonly slippage: SlippageModel;
  readonly fees: FeeSchedule;
  readonly participation: number;
  readonly fsync: boolean;
}

/** What the schema cannot say: cross-field checks. Returns every problem. */
export function settingsProblems(file: PaperConfigFile): string[] {
  const problems: string[] = [];
  if (file.latency_ms.min > file.latency_ms.max) problems.push(`latency_ms.min ${file.latency_ms.min} is above latency_ms.max ${file.latency_ms.max}`);
  const seen = new Set<string>();
  for (const i of file.instruments) {
    if (seen.has(i.instrument)) problems.push(`instrument ${i.instrument} is listed twice`);
    seen.add(i.instrument);
    const funding = [i.funding_rate, i.funding_interval_ms].filter((v) => v !== undefined).length;
    if (i.type === 'spot' && funding > 0) problems.push(`${i.instrument}: funding_rate and funding_interval_ms apply to perpetual instruments only, and it is spot`);
    if (i.type === 'perpetual' && funding < 2) problems.push(`${i.instrument}: a perpetual needs funding_rate and funding_interval_ms`);
    if (i.min_quantity < i.quantity_step) problems.push(`${i.instrument}: min_quantity ${i.min_quantity} is below quantity_step ${i.quantity_step}`);
  }
  return problems;
}

export function toSettings(file: PaperConfigFile): PaperSettings {
  const instruments = new Map<string, InstrumentSpec>();
  for (const i of file.instruments) {
    const funding = i.type === 'perpetual' && i.funding_rate !== undefined && i.funding_interval_ms !== undefined
      ? { rate: i.funding_rate, intervalMs: i.funding_interval_ms }
      : null;
    instruments.set(i.instrument, {
      instrument: i.instrument,
      type: i.type,
      minQuantity: i.min_quantity,
      quantityStep: i.quantity_step,
      priceTick: i.price_tick,
      funding,
    });
  }
  return {
    startingCashUsd: file.starting_cash_usd,
    instruments,
    latency: { minMs: file.latency_ms.min, maxMs: file.latency_ms.max },
    slippage: { baseBps: file.slippage.base_bps, bpsPer10kUsd: file.slippage.bps_per_10k_usd },
    fees: { makerBps: file.fees.maker_bps, takerBps: file.fees.taker_bps },
    participation: file.participation,
    fsync: file.fsync ?? true,
  };
}
