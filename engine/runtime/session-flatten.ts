// The kill switch's flatten between market events: one closing exit per monitored position, never one for a position already exiting.
import type { PositionView } from '../ledger/ledger.ts';
import type { ExitChoice } from '../orders/exit-decision.ts';
import { type ExitSettings, exitSignal } from './exit-orders.ts';
import { type OrderDeps, sendExit } from './session-orders.ts';

export type FlattenLevel = 'flatten' | 'emergency';

export interface FlattenReport {
  /** Client order ids (or signal ids when the order got none) of the exits sent. */
  readonly sent: readonly string[];
  readonly skipped: readonly { readonly instrument: string; readonly reason: string }[];
}

export interface FlattenInput {
  readonly orders: OrderDeps;
  readonly exits: ExitSettings;
  /** Positions as the ledger holds them after the lifecycles were synced. */
  readonly positions: readonly PositionView[];
  readonly level: FlattenLevel;
  /** Who owns the exit order (the instrument's strategy, else `engine`). */
  readonly ownerOf: (instrument: string) => string;
  /** Wall time of the kill action: part of the exit's id, so a later flatten is a new intent, not a duplicate of a canceled one. */
  readonly atMs: number;
}

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.(\d+)Z$/, '$1Z');

/**
 * Sends a marketable closing exit for every position whose lifecycle is `monitoring`. A position in
 * `exit_pending` already has an exit in flight (the session's own flatten rule, a stop): a second one
 * could sell twice, so it is left to that exit. Runs under the session's step lock, so nothing else
 * moves a lifecycle meanwhile.
 */
export async function flattenPositions(f: FlattenInput): Promise<FlattenReport> {
  const sent: string[] = [];
  const skipped: { instrument: string; reason: string }[] = [];
  for (const p of f.positions) {
    const state = f.orders.tracker.get(p.instrument)?.state;
    if (state !== 'monitoring') {
      skipped.push({ instrument: p.instrument, reason: state === 'exit_pending' ? 'an exit is already in flight' : `lifecycle is ${state ?? 'untracked'}` });
      continue;
    }
    const latest = f.orders.market.latest(p.instrument);
    if (!latest) {
      skipped.push({ instrument: p.instrument, reason: 'no quote to price the exit against yet' });
      continue;
    }
    const choice: ExitChoice = {
      reason: f.level,
      message: `kill switch at ${f.level}: closing every position`,
      method: 'order',
      urgent: true,
      triggers: [{ reason: f.level, message: `kill switch at ${f.level}` }],
    };
    const base = exitSignal(choice, { instrument: p.instrument, leg: p.leg, quantity: p.qty }, latest, f.exits, null);
    const signal = { ...base, signalId: `exit:kill-${f.level}:${p.instrument}:${stamp(f.atMs)}` };
    const result = await sendExit(f.orders, f.ownerOf(p.instrument), signal, choice, latest.endTs);
    if (result && (result.status === 'sent' || result.status === 'unknown' || result.status === 'dry_run')) sent.push(result.clientOrderId ?? signal.signalId);
    else skipped.push({ instrument: p.instrument, reason: `exit ${result?.status ?? 'not sent'}${result?.error ? `: ${result.error.message}` : ''}` });
  }
  return { sent, skipped };
}
