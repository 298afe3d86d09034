// The baseline for the gate bench: the default entry rules' conditions written by hand in TypeScript, producing the same Decision.
import type { Clock } from '../engine/clock.ts';
import type { Literal } from '../engine/rules/rule.ts';
import type { RuleSet } from '../engine/rules/rule-set.ts';
import {
  type Action,
  type Decision,
  type DecisionContext,
  type DecisionError,
  type FactSnapshot,
  KILL_LEVELS,
  ORDER_TYPES,
  type Outcome,
  type RuleVerdict,
  type Violation,
  mostSevere,
} from '../engine/types.ts';

/*
 * Fair means the same work as the gate, minus its generality: every fact a rule reads is read
 * from the nested snapshot and type-checked (finite numbers, booleans, enum strings, string
 * lists); each rule's verdict records the facts it read; a fired rule gets its message rendered.
 * Limits and message templates come from the rule set once, at build time, as a hand-written
 * gate would read them from its configuration; the conditions themselves are plain code.
 */

type Ns = Record<string, unknown>;

const NOTHING: Ns = Object.freeze({});

class BadFact extends Error {
  constructor(readonly error: DecisionError) {
    super(error.message);
  }
}

function ns(value: unknown): Ns {
  return value !== null && typeof value === 'object' ? (value as Ns) : NOTHING;
}

function num(v: unknown, path: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw new BadFact({ code: v === undefined || v === null ? 'FACT_MISSING' : 'FACT_WRONG_TYPE', fact: path, message: `fact ${path} is not a finite number` });
}

function bool(v: unknown, path: string): boolean {
  if (typeof v === 'boolean') return v;
  throw new BadFact({ code: v === undefined || v === null ? 'FACT_MISSING' : 'FACT_WRONG_TYPE', fact: path, message: `fact ${path} is not a boolean` });
}

function str(v: unknown, path: string, allowed?: readonly string[]): string {
  if (typeof v === 'string' && (!allowed || allowed.includes(v))) return v;
  throw new BadFact({ code: v === undefined || v === null ? 'FACT_MISSING' : 'FACT_WRONG_TYPE', fact: path, message: `fact ${path} is not an allowed string` });
}

function strList(v: unknown, path: string): readonly string[] {
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new BadFact({ code: v === undefined || v === null ? 'FACT_MISSING' : 'FACT_WRONG_TYPE', fact: path, message: `fact ${path} is not a list of strings` });
}

/** Every fact the default entry rules read, validated once, in a fixed-shape object; property reads are plain, as written by hand. */
function readFacts(s: FactSnapshot) {
  const order = ns(s.order);
  const market = ns(s.market);
  const position = ns(s.position);
  const account = ns(s.account);
  const activity = ns(s.activity);
  const controls = ns(s.controls);
  const feed = ns(s.feed);
  const execution = ns(s.execution);
  const time = ns(s.time);
  return {
    notional: num(order.notional_usd, 'order.notional_usd'),
    orderType: str(order.order_type, 'order.order_type', ORDER_TYPES),
    instrument: str(order.instrument, 'order.instrument'),
    strategy: str(order.strategy, 'order.strategy'),
    windowStart: num(order.window_start_ms, 'order.window_start_ms'),
    cash: num(account.cash_usd, 'account.cash_usd'),
    venueBalance: num(account.venue_balance_usd, 'account.venue_balance_usd'),
    dailyLoss: num(account.daily_loss_fraction, 'account.daily_loss_fraction'),
    drawdown: num(account.drawdown_fraction, 'account.drawdown_fraction'),
    losses: num(activity.consecutive_losses, 'activity.consecutive_losses'),
    msSinceLoss: num(activity.ms_since_last_loss, 'activity.ms_since_last_loss'),
    failures: num(activity.consecutive_failures, 'activity.consecutive_failures'),
    msSinceFailure: num(activity.ms_since_last_failure, 'activity.ms_since_last_failure'),
    cycleNotional: num(activity.notional_this_cycle_after_order_usd, 'activity.notional_this_cycle_after_order_usd'),
    cycleOrders: num(activity.orders_this_cycle, 'activity.orders_this_cycle'),
    windowOrders: num(activity.orders_in_window_for_instrument, 'activity.orders_in_window_for_instrument'),
    tradesToday: num(activity.trades_today_for_market, 'activity.trades_today_for_market'),
    unknownOrders: num(activity.unknown_orders_for_instrument, 'activity.unknown_orders_for_instrument'),
    dataQuality: num(market.data_quality_score, 'market.data_quality_score'),
    drift: num(market.drift_bps, 'market.drift_bps'),
    slippage: num(market.slippage_bps, 'market.slippage_bps'),
    edge: num(market.edge_bps, 'market.edge_bps'),
    regime: str(market.regime, 'market.regime'),
    inEvent: bool(position.has_position_in_event, 'position.has_position_in_event'),
    inMarket: bool(position.has_position_in_market, 'position.has_position_in_market'),
    openPositions: num(position.open_positions_count, 'position.open_positions_count'),
    afterFillNotional: num(position.after_fill_notional_usd, 'position.after_fill_notional_usd'),
    afterFillQuantity: num(position.after_fill_quantity, 'position.after_fill_quantity'),
    execQuality: num(execution.quality_score, 'execution.quality_score'),
    rejectRate: num(execution.reject_rate, 'execution.reject_rate'),
    killLevel: str(controls.kill_level, 'controls.kill_level', KILL_LEVELS),
    allowedInstruments: strList(controls.allowed_instruments, 'controls.allowed_instruments'),
    allowedStrategies: strList(controls.allowed_strategies, 'controls.allowed_strategies'),
    now: num(time.now_ms, 'time.now_ms'),
    bars: num(time.bars_since_start, 'time.bars_since_start'),
    stale: bool(feed.stale, 'feed.stale'),
    age: num(feed.age_ms, 'feed.age_ms'),
    gapOpen: bool(feed.gap_open, 'feed.gap_open'),
  };
}

function text(value: unknown): string {
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

/** The limits and templates of one rule, taken from the rule set at build time. */
function ruleConfig(ruleSet: RuleSet, id: string) {
  const rule = ruleSet.byId.get(id);
  if (!rule) throw new Error(`the hand-written gate expects rule ${id} in the default rule set`);
  const params: Record<string, Literal> = {};
  for (const [name, spec] of Object.entries(rule.params)) params[name] = spec.value;
  const render = (facts: Readonly<Record<string, unknown>>): string =>
    rule.message.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (whole, name: string) =>
      Object.hasOwn(facts, name) ? text(facts[name]) : Object.hasOwn(params, name) ? text(params[name]) : whole,
    );
  return { id, action: rule.action, params, render };
}

export type HandWrittenGate = (snapshot: FactSnapshot, context: DecisionContext) => Decision;

interface RuleOut {
  readonly id: string;
  readonly action: Action;
  readonly render: (facts: Readonly<Record<string, unknown>>) => string;
}

export function handWrittenGate(ruleSet: RuleSet, clock: Clock): HandWrittenGate {
  const paramsOf = (id: string) => ruleConfig(ruleSet, id).params;
  const num = (id: string, name: string): number => paramsOf(id)[name] as number;
  const list = (id: string, name: string): readonly string[] => paramsOf(id)[name] as readonly string[];
  const maxLosses = num('consecutive-loss-lockout', 'max_losses');
  const lockoutMs = num('consecutive-loss-lockout', 'lockout_ms');
  const maxDailyLoss = num('daily-loss-limit', 'max_loss_fraction');
  const minDataQuality = num('data-quality-threshold', 'min_score');
  const minExecQuality = num('execution-quality-threshold', 'min_score');
  const maxRejectRate = num('execution-quality-threshold', 'max_reject_rate');
  const maxFailures = num('failure-cooldown', 'max_failures');
  const cooldownMs = num('failure-cooldown', 'cooldown_period_ms');
  const allowedOrderTypes = list('limit-orders-only', 'allowed_order_types');
  const maxCycleNotional = num('max-notional-per-cycle', 'max_usd');
  const maxPositions = num('max-open-positions', 'max_positions');
  const maxCycleOrders = num('max-orders-per-cycle', 'max_orders');
  const maxWindowOrders = num('max-orders-per-window', 'max_orders');
  const maxPositionUsd = num('max-position-usd', 'max_usd');
  const maxDrift = num('max-price-drift-bps', 'max_bps');
  const maxSlippage = num('max-slippage-bps', 'max_bps');
  const maxUnits = num('max-symbol-position', 'max_units');
  const maxTrades = num('max-trades-per-market-per-day', 'max_trades');
  const minEdgeBps = num('min-edge-at-execution', 'min_bps');
  const lockedRegimes = list('regime-lockout', 'locked_regimes');
  const ruleInstruments = list('scope-guard-instruments', 'allowed_instruments');
  const ruleStrategies = list('scope-guard-strategies', 'allowed_strategies');
  const maxDrawdown = num('session-drawdown-limit', 'max_drawdown_fraction');
  const maxAgeMs = num('stale-feed-pause', 'max_age_ms');
  const minBars = num('warmup-bars', 'min_bars');
  const symbolInstruments = ruleSet.byId.get('max-symbol-position')?.filters.instruments;
  const byId = new Map<string, RuleOut>(ruleSet.rules.map((rule) => [rule.id, ruleConfig(ruleSet, rule.id)]));
  /** max-symbol-position is filtered to some instruments; a context that names none gets it, as in the gate. */
  const symbolApplies = (context: DecisionContext) =>
    context.instrument === undefined || symbolInstruments === undefined || symbolInstruments.includes(context.instrument);

  return (snapshot, context) => {
    const evaluatedAt = clock.now();
    let f: ReturnType<typeof readFacts>;
    try {
      f = readFacts(snapshot);
    } catch (error) {
      if (!(error instanceof BadFact)) throw error;
      return { outcome: 'reject', violations: [], evaluated: [], errors: [error.error], ruleSetVersion: ruleSet.version, evaluatedAt, context };
    }
    // One array literal of fixed-shape verdicts, the way a careful hand-written gate builds them.
    const evaluated: RuleVerdict[] = [
      {
        ruleId: 'balance-check',
        fired: f.notional > f.cash || f.notional > f.venueBalance,
        facts: {
          'order.notional_usd': f.notional,
          'account.cash_usd': f.cash,
          'account.venue_balance_usd': f.venueBalance,
        },
      },
      {
        ruleId: 'consecutive-loss-lockout',
        fired: f.losses >= maxLosses && f.msSinceLoss < lockoutMs,
        facts: {
          'activity.consecutive_losses': f.losses,
          'activity.ms_since_last_loss': f.msSinceLoss,
        },
      },
      { ruleId: 'daily-loss-limit', fired: f.dailyLoss >= maxDailyLoss, facts: { 'account.daily_loss_fraction': f.dailyLoss } },
      { ruleId: 'data-quality-threshold', fired: f.dataQuality < minDataQuality, facts: { 'market.data_quality_score': f.dataQuality } },
      { ruleId: 'duplicate-event-guard', fired: f.inEvent === true, facts: { 'position.has_position_in_event': f.inEvent } },
      { ruleId: 'duplicate-market-guard', fired: f.inMarket === true, facts: { 'position.has_position_in_market': f.inMarket } },
      {
        ruleId: 'execution-quality-threshold',
        fired: f.execQuality < minExecQuality || f.rejectRate > maxRejectRate,
        facts: {
          'execution.quality_score': f.execQuality,
          'execution.reject_rate': f.rejectRate,
        },
      },
      {
        ruleId: 'failure-cooldown',
        fired: f.failures >= maxFailures && f.msSinceFailure < cooldownMs,
        facts: {
          'activity.consecutive_failures': f.failures,
          'activity.ms_since_last_failure': f.msSinceFailure,
        },
      },
      { ruleId: 'kill-switch', fired: f.killLevel !== 'none', facts: { 'controls.kill_level': f.killLevel } },
      { ruleId: 'limit-orders-only', fired: !allowedOrderTypes.includes(f.orderType), facts: { 'order.order_type': f.orderType } },
      {
        ruleId: 'max-notional-per-cycle',
        fired: f.cycleNotional > maxCycleNotional,
        facts: {
          'activity.notional_this_cycle_after_order_usd': f.cycleNotional,
        },
      },
      {
        ruleId: 'max-open-positions',
        fired: f.openPositions >= maxPositions && f.inMarket === false,
        facts: {
          'position.open_positions_count': f.openPositions,
          'position.has_position_in_market': f.inMarket,
        },
      },
      { ruleId: 'max-orders-per-cycle', fired: f.cycleOrders >= maxCycleOrders, facts: { 'activity.orders_this_cycle': f.cycleOrders } },
      {
        ruleId: 'max-orders-per-window',
        fired: f.windowOrders >= maxWindowOrders,
        facts: {
          'activity.orders_in_window_for_instrument': f.windowOrders,
        },
      },
      { ruleId: 'max-position-usd', fired: f.afterFillNotional > maxPositionUsd, facts: { 'position.after_fill_notional_usd': f.afterFillNotional } },
      { ruleId: 'max-price-drift-bps', fired: f.drift > maxDrift, facts: { 'market.drift_bps': f.drift } },
      { ruleId: 'max-slippage-bps', fired: f.slippage > maxSlippage, facts: { 'market.slippage_bps': f.slippage } },
      { ruleId: 'max-symbol-position', fired: f.afterFillQuantity > maxUnits, facts: { 'position.after_fill_quantity': f.afterFillQuantity } },
      { ruleId: 'max-trades-per-market-per-day', fired: f.tradesToday >= maxTrades, facts: { 'activity.trades_today_for_market': f.tradesToday } },
      { ruleId: 'min-edge-at-execution', fired: f.edge < minEdgeBps, facts: { 'market.edge_bps': f.edge } },
      { ruleId: 'no-future-windows', fired: f.windowStart > f.now, facts: { 'order.window_start_ms': f.windowStart, 'time.now_ms': f.now } },
      { ruleId: 'regime-lockout', fired: lockedRegimes.includes(f.regime), facts: { 'market.regime': f.regime } },
      {
        ruleId: 'scope-guard-instruments',
        fired: !ruleInstruments.includes(f.instrument) || !f.allowedInstruments.includes(f.instrument),
        facts: {
          'order.instrument': f.instrument,
          'controls.allowed_instruments': f.allowedInstruments,
        },
      },
      {
        ruleId: 'scope-guard-strategies',
        fired: !ruleStrategies.includes(f.strategy) || !f.allowedStrategies.includes(f.strategy),
        facts: {
          'order.strategy': f.strategy,
          'controls.allowed_strategies': f.allowedStrategies,
        },
      },
      { ruleId: 'session-drawdown-limit', fired: f.drawdown >= maxDrawdown, facts: { 'account.drawdown_fraction': f.drawdown } },
      {
        ruleId: 'stale-feed-pause',
        fired: f.stale === true || f.age > maxAgeMs || f.gapOpen === true,
        facts: {
          'feed.stale': f.stale,
          'feed.age_ms': f.age,
          'feed.gap_open': f.gapOpen,
        },
      },
      { ruleId: 'unknown-order-block', fired: f.unknownOrders > 0, facts: { 'activity.unknown_orders_for_instrument': f.unknownOrders } },
      { ruleId: 'warmup-bars', fired: f.bars < minBars, facts: { 'time.bars_since_start': f.bars } },
    ];
    if (!symbolApplies(context)) evaluated.splice(evaluated.findIndex((v) => v.ruleId === 'max-symbol-position'), 1);
    const violations: Violation[] = [];
    let outcome: Outcome = 'allow';
    for (const verdict of evaluated) {
      if (!verdict.fired) continue;
      const rule = byId.get(verdict.ruleId)!;
      violations.push({ ruleId: verdict.ruleId, action: rule.action, message: rule.render(verdict.facts), facts: verdict.facts });
      outcome = mostSevere(outcome, rule.action);
    }
    return { outcome, violations, evaluated, errors: [], ruleSetVersion: ruleSet.version, evaluatedAt, context };
  };
}
