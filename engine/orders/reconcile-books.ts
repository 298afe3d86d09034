// Pure comparison of the ledger's positions and cash with the venue's: every difference named, none rounded away.
import type { PositionView } from '../ledger/ledger.ts';
import { qtyToE8 } from '../ledger/money.ts';
import type { VenuePosition } from '../plugins/plugin-api.ts';

export interface BooksComparison {
  readonly positions: readonly string[];
  readonly cash: string | null;
}

/**
 * Outright positions, compared exactly in 1e-8 units (the ledger's scale). Binary YES/NO legs are
 * left out: a venue position is one signed number per instrument and cannot say which leg it is.
 */
export function comparePositions(ledger: readonly PositionView[], venue: readonly VenuePosition[]): string[] {
  const mine = new Map<string, number>();
  for (const p of ledger) if (p.leg === 'outright' && p.qty !== 0) mine.set(p.instrument, qtyToE8(p.qty));
  const theirs = new Map<string, number>();
  for (const p of venue) {
    const q = qtyToE8(p.quantity, 'venue position');
    if (q !== 0) theirs.set(p.instrument, (theirs.get(p.instrument) ?? 0) + q);
  }
  const out: string[] = [];
  for (const instrument of [...new Set([...mine.keys(), ...theirs.keys()])].sort()) {
    const a = mine.get(instrument) ?? 0;
    const b = theirs.get(instrument) ?? 0;
    if (a !== b) out.push(`position ${instrument}: ledger ${a / 1e8}, venue ${b / 1e8}`);
  }
  return out;
}

/** Cash agrees within a tolerance: the ledger rounds each fee to a micro-dollar, a venue may not. */
export function compareCash(ledgerUsd: number, venueUsd: number, toleranceUsd: number): string | null {
  if (!Number.isFinite(venueUsd)) return `cash: the venue reports ${venueUsd}`;
  const diff = ledgerUsd - venueUsd;
  return Math.abs(diff) > toleranceUsd ? `cash: ledger ${ledgerUsd}, venue ${venueUsd} (difference ${diff.toFixed(6)}, tolerance ${toleranceUsd})` : null;
}

export function compareBooks(
  ledger: { positions: readonly PositionView[]; cashUsd: number },
  venue: { positions: readonly VenuePosition[]; cashUsd: number },
  toleranceUsd: number,
): BooksComparison {
  return { positions: comparePositions(ledger.positions, venue.positions), cash: compareCash(ledger.cashUsd, venue.cashUsd, toleranceUsd) };
}
