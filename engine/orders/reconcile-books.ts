// Pure comparison of the ledger's positions and cash with the venue's: every difference named, none rounded away.
import type { PositionView } from '../ledger/ledger.ts';
import { qtyToE8 } from '../ledger/money.ts';
import type { VenuePosition } from '../plugins/plugin-api.ts';

export interface BooksComparison {
  readonly positions: readonly string[];
  readonly cash: string | null;
}

/**
 * Positions per instrument and leg, compared exactly in 1e-8 units (the ledger's scale). A venue
 * position without a leg is outright; a binary venue reports its YES and NO legs one entry each.
 */
export function comparePositions(ledger: readonly PositionView[], venue: readonly VenuePosition[]): string[] {
  const key = (instrument: string, leg: string): string => (leg === 'outright' ? instrument : `${instrument} (${leg})`);
  const mine = new Map<string, number>();
  for (const p of ledger) if (p.qty !== 0) mine.set(key(p.instrument, p.leg), qtyToE8(p.qty));
  const theirs = new Map<string, number>();
  for (const p of venue) {
    const q = qtyToE8(p.quantity, 'venue position');
    const k = key(p.instrument, p.leg ?? 'outright');
    if (q !== 0) theirs.set(k, (theirs.get(k) ?? 0) + q);
  }
  const out: string[] = [];
  for (const position of [...new Set([...mine.keys(), ...theirs.keys()])].sort()) {
    const a = mine.get(position) ?? 0;
    const b = theirs.get(position) ?? 0;
    if (a !== b) out.push(`position ${position}: ledger ${a / 1e8}, venue ${b / 1e8}`);
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
