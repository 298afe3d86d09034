// The one exit decision: every reason a position could close this tick, ranked by a fixed priority, at most one exit chosen.
import { TradegateError } from '../errors.ts';
import type { Signal } from '../plugins/plugin-api.ts';
import type { Decision, Violation } from '../types.ts';
import { POSITION_STATES, type PositionState, isPositionState } from './position-lifecycle.ts';

/**
 * Why a position closes, highest priority first. The order is the answer to "two triggers at
 * once: which one is the exit?" and so what the audit trail, the alerts and the stop statistics
 * (seed 001's "which fires first" variants) record:
 * 1. emergency, 2. flatten: an operator or a kill rule wants everything closed; nothing outranks that.
 * 3. stop-loss, 4. max-loss-per-trade: loss limits, the percentage stop first, the dollar backstop next.
 * 5. exit-rule: any other exit_position rule an operator wrote; not knowing its intent, it is
 *    ranked with the loss limits rather than below a profit target.
 * 6. expiry: the market window closed (run to settlement ends here).
 * 7. trailing-take-profit, 8. take-profit: profit taking; the trail first, because it fires on a
 *    reversal and acting late costs more than a target that will still be there.
 * 9. strategy: the strategy's own exit (thesis done); the rules' stop and target levels, not the
 *    strategy's, govern risk, so a strategy exit never outranks them.
 */
export const EXIT_REASONS = [
  'emergency',
  'flatten',
  'stop-loss',
  'max-loss-per-trade',
  'exit-rule',
  'expiry',
  'trailing-take-profit',
  'take-profit',
  'strategy',
] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

/** Default exit rules (rules/exits.yaml) by id; any other exit_position rule is an `exit-rule`. */
const RULE_REASONS: ReadonlyMap<string, ExitReason> = new Map<string, ExitReason>([
  ['stop-loss', 'stop-loss'],
  ['max-loss-per-trade', 'max-loss-per-trade'],
  ['trailing-take-profit', 'trailing-take-profit'],
  ['take-profit', 'take-profit'],
]);

/** Exits that must not rest on the book: the runner sends them to fill now (a market or marketable order). */
const URGENT: ReadonlySet<ExitReason> = new Set<ExitReason>(['emergency', 'flatten', 'stop-loss', 'max-loss-per-trade', 'exit-rule', 'expiry']);

const RANK: ReadonlyMap<ExitReason, number> = new Map(EXIT_REASONS.map((r, i) => [r, i]));

export interface ExitTrigger {
  readonly reason: ExitReason;
  /** The rule that fired, for rule triggers. */
  readonly ruleId?: string;
  /** The strategy's exit signal id, for a strategy trigger. */
  readonly signalId?: string;
  readonly message: string;
}

export interface ExitInputs {
  readonly instrument: string;
  readonly state: PositionState;
  /** Signed quantity held now; 0 is flat. */
  readonly quantity: number;
  /** Epoch ms from the injected clock. */
  readonly now: number;
  /** The gate's tick decision for this position (context.appliesTo 'tick'). Always required: no decision, no knowledge of the stops. */
  readonly tick: Decision;
  /** End of the position's market window (epoch ms); absent, or 0 as in the facts, for markets without windows. */
  readonly windowEndMs?: number;
  /** A binary market settles at window end: past it, no order can trade and the exit is the settlement. */
  readonly settlesAtWindowEnd?: boolean;
  /** The strategy's exit signal for this position this tick, if it gave one. */
  readonly strategyExit?: Signal | null;
}

export interface ExitChoice {
  readonly reason: ExitReason;
  readonly message: string;
  readonly ruleId?: string;
  readonly signalId?: string;
  /** `order`: send an exit order; `settlement`: the market is closed, wait for its outcome. */
  readonly method: 'order' | 'settlement';
  /** True when the exit must fill now rather than rest (see URGENT). */
  readonly urgent: boolean;
  /** Every trigger true this tick, chosen first, for the audit trail. */
  readonly triggers: readonly ExitTrigger[];
}

function invalid(message: string, details: Record<string, unknown>): TradegateError {
  return new TradegateError('EXIT_INPUT_INVALID', message, details);
}

function checkInputs(inputs: ExitInputs): void {
  if (inputs === null || typeof inputs !== 'object') throw invalid('the exit decision needs its inputs', { inputs });
  const { instrument, quantity, now, tick, strategyExit } = inputs;
  if (!isPositionState(inputs.state)) throw invalid(`${JSON.stringify(inputs.state)} is not a position state (${POSITION_STATES.join(', ')})`, { instrument, state: inputs.state });
  if (typeof quantity !== 'number' || !Number.isFinite(quantity)) throw invalid(`position quantity must be a finite number, got ${String(quantity)}`, { instrument, quantity });
  if (typeof now !== 'number' || !Number.isFinite(now)) throw invalid(`now must be a finite epoch ms, got ${String(now)}`, { instrument, now });
  if (tick?.context?.appliesTo !== 'tick') throw invalid('the exit decision needs the gate decision of this tick (appliesTo tick)', { instrument, appliesTo: tick?.context?.appliesTo });
  if (tick.context.instrument !== undefined && tick.context.instrument !== instrument) {
    throw invalid(`the tick decision is for ${tick.context.instrument}, not ${instrument}`, { instrument, decisionInstrument: tick.context.instrument });
  }
  if (inputs.windowEndMs !== undefined && !Number.isFinite(inputs.windowEndMs)) throw invalid(`windowEndMs must be finite when given, got ${inputs.windowEndMs}`, { instrument });
  if (strategyExit) {
    if (strategyExit.intent !== 'exit') throw invalid(`strategy signal ${strategyExit.signalId} is an ${strategyExit.intent}, not an exit`, { instrument, signalId: strategyExit.signalId });
    if (strategyExit.instrument !== instrument) throw invalid(`strategy exit ${strategyExit.signalId} is for ${strategyExit.instrument}, not ${instrument}`, { instrument, signalId: strategyExit.signalId });
  }
  if ((inputs.state === 'entry' || inputs.state === 'closed') && quantity !== 0) {
    throw invalid(`the lifecycle says ${inputs.state} (flat) but the ${instrument} position holds ${quantity}`, { instrument, state: inputs.state, quantity });
  }
}

function windowExpired(inputs: ExitInputs): boolean {
  const end = inputs.windowEndMs;
  return end !== undefined && end !== 0 && inputs.now >= end;
}

function ruleTrigger(v: Violation): ExitTrigger | null {
  if (v.action === 'emergency' || v.action === 'flatten') return { reason: v.action, ruleId: v.ruleId, message: v.message };
  if (v.action === 'exit_position') return { reason: RULE_REASONS.get(v.ruleId) ?? 'exit-rule', ruleId: v.ruleId, message: v.message };
  return null; // pause, reject, reduce_only: no new risk, but no reason to close what is held
}

function byPriority(a: ExitTrigger, b: ExitTrigger): number {
  const rank = RANK.get(a.reason)! - RANK.get(b.reason)!;
  if (rank !== 0) return rank;
  const ra = a.ruleId ?? '';
  const rb = b.ruleId ?? '';
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}

/** Every exit trigger true for this position now, highest priority first (empty when flat or not monitoring). */
export function exitTriggers(inputs: ExitInputs): ExitTrigger[] {
  checkInputs(inputs);
  if (inputs.state !== 'monitoring' || inputs.quantity === 0) return [];
  const triggers: ExitTrigger[] = [];
  for (const v of inputs.tick.violations) {
    const t = ruleTrigger(v);
    if (t) triggers.push(t);
  }
  const outcome = inputs.tick.outcome;
  if ((outcome === 'emergency' || outcome === 'flatten') && !triggers.some((t) => t.reason === outcome)) {
    triggers.push({ reason: outcome, message: `the tick decision's outcome is ${outcome}` });
  }
  if (windowExpired(inputs)) {
    triggers.push({ reason: 'expiry', message: `the market window ended at ${new Date(inputs.windowEndMs!).toISOString()}` });
  }
  const s = inputs.strategyExit;
  if (s) triggers.push({ reason: 'strategy', signalId: s.signalId, message: s.reason });
  return triggers.sort(byPriority);
}

/**
 * At most one exit for one position this tick. A position that is flat, still waiting for its
 * entry, already exiting (exit_pending) or closed yields none: nothing may touch an exit in
 * flight. Pure: the runner calls it every tick and moves the lifecycle to exit_pending on a choice.
 */
export function decideExit(inputs: ExitInputs): ExitChoice | null {
  const triggers = exitTriggers(inputs);
  const first = triggers[0];
  if (!first) return null;
  if (inputs.settlesAtWindowEnd === true && windowExpired(inputs)) {
    // A settled-at-expiry market past its window cannot trade: whatever else fired, the only exit is the settlement.
    const expiry = triggers.find((t) => t.reason === 'expiry')!;
    return { reason: 'expiry', message: expiry.message, method: 'settlement', urgent: false, triggers };
  }
  return {
    reason: first.reason,
    message: first.message,
    ...(first.ruleId === undefined ? {} : { ruleId: first.ruleId }),
    ...(first.signalId === undefined ? {} : { signalId: first.signalId }),
    method: 'order',
    urgent: URGENT.has(first.reason),
    triggers,
  };
}
