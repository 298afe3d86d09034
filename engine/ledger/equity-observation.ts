// Equity observations: marking the books to market reads only; recording one writes just the baselines and peaks it moved.
import type { Clock } from '../clock.ts';
import type { CashRepository } from './cash-repository.ts';
import {
  type AccountMetrics,
  accountMetrics,
  type EquityBreakdown,
  equityOf,
  type MarkLookup,
  markPosition,
  requireMark,
  utcDayOf,
} from './equity.ts';
import type { EquityRepository } from './equity-repository.ts';
import type { PeakTarget, PositionRecord, PositionRepository } from './position-repository.ts';
import type { RunRepository } from './run-repository.ts';

export interface PositionPeak {
  readonly position: PeakTarget;
  readonly peakPrice: number;
  readonly peakPnlFraction: number;
}

/** What recording an observation changes in the books; all false and empty when they already hold it. */
export interface ObservationMoves {
  readonly runId: string;
  readonly utcDay: string;
  /** No baseline for this UTC day yet: this observation becomes it. */
  readonly dayStart: boolean;
  /** The run has no start equity yet: this observation is its session start. */
  readonly sessionStart: boolean;
  /** Equity above the run's peak (or the first observation): the peak rises. */
  readonly peak: boolean;
  readonly positionPeaks: readonly PositionPeak[];
}

export interface EquityObservation {
  readonly breakdown: EquityBreakdown;
  /** Computed as if the observation were already recorded: the baselines include it. */
  readonly metrics: AccountMetrics;
  /** The open positions it was marked from. */
  readonly positions: readonly PositionRecord[];
  readonly moves: ObservationMoves;
}

export interface ObserverBooks {
  readonly clock: Clock;
  readonly positions: PositionRepository;
  readonly cash: CashRepository;
  readonly equity: EquityRepository;
  readonly runs: RunRepository;
}

/** True when recording the observation would write nothing but an optional mark snapshot. */
export function movesNothing(m: ObservationMoves): boolean {
  return !m.dayStart && !m.sessionStart && !m.peak && m.positionPeaks.length === 0;
}

/**
 * Marks everything to market without writing. The metrics are those the recorded observation would
 * give: a day with no baseline takes this equity as its start, the peak includes it, and a run with
 * no start starts here. So a reader (the gate, for an order) sees the same figures whether the
 * observation is recorded now, later in its own transaction, or folded into another one.
 */
export function observeEquity(books: ObserverBooks, runId: string, mark: MarkLookup): EquityObservation {
  const positions = books.positions.open();
  const breakdown = equityOf(books.cash.balanceMicros(), positions, mark);
  const equity = breakdown.equityMicros;
  const utcDay = utcDayOf(books.clock.now());
  const run = books.runs.require(runId);
  const dayStart = books.equity.dayStart(utcDay);
  const positionPeaks: PositionPeak[] = [];
  for (const p of positions) {
    const m = markPosition(p, requireMark(mark, p.instrument, p.leg));
    if (m.peakPrice !== p.peakPrice || m.peakPnlFraction !== p.peakPnlFraction) {
      positionPeaks.push({ position: p, peakPrice: m.peakPrice, peakPnlFraction: m.peakPnlFraction });
    }
  }
  const metrics = accountMetrics(breakdown, {
    dayStartEquityMicros: dayStart?.equityMicros ?? equity,
    peakEquityMicros: run.peakEquityMicros ?? equity,
    sessionStartEquityMicros: run.startEquityMicros ?? equity,
  });
  const moves: ObservationMoves = {
    runId,
    utcDay,
    dayStart: dayStart === undefined,
    sessionStart: run.startEquityMicros === null,
    peak: run.peakEquityMicros === null || equity > run.peakEquityMicros,
    positionPeaks,
  };
  return { breakdown, metrics, positions, moves };
}

/**
 * Writes what the observation moved, and a mark snapshot when asked; nothing at all otherwise. Every
 * write is first-wins or monotone (the day's baseline is kept if one exists, the session start is set
 * once, peaks only rise on the position that was marked), so a recording that lands after another
 * never moves anything backwards. Call inside the caller's transaction to commit it with other writes.
 */
export function recordEquity(books: ObserverBooks, o: EquityObservation, opts: { snapshot?: boolean } = {}): void {
  const { moves } = o;
  const snap = { ...o.breakdown, utcDay: moves.utcDay, runId: moves.runId };
  if (moves.dayStart) books.equity.record({ kind: 'day_start', ...snap });
  if (moves.sessionStart && books.runs.setStartIfUnset(moves.runId, o.breakdown.equityMicros)) {
    books.equity.record({ kind: 'session_start', ...snap });
  }
  if (opts.snapshot === true) books.equity.record({ kind: 'mark', ...snap });
  if (moves.peak) books.runs.raisePeak(moves.runId, o.breakdown.equityMicros);
  for (const p of moves.positionPeaks) books.positions.raisePeak(p.position, p.peakPrice, p.peakPnlFraction);
}
