// Books the settlement of binary markets the ledger holds YES or NO legs in, once the venue says how each resolved.
import type { Venue } from '../plugins/plugin-api.ts';
import type { OrderLedger } from './order-ports.ts';

export interface SettledMarket {
  readonly instrument: string;
  readonly outcome: 'yes' | 'no';
  /** Cash the settlement paid in, both legs together (1.00 a winning contract, 0 a losing one). */
  readonly payoutUsd: number;
}

export interface SettlementSyncReport {
  /** Markets with an open YES or NO leg that were asked about. */
  readonly checked: number;
  readonly settled: readonly SettledMarket[];
  /** Markets the venue could not be asked about now (asked again next time). */
  readonly failed: readonly { readonly instrument: string; readonly message: string }[];
}

const NOTHING: SettlementSyncReport = { checked: 0, settled: [], failed: [] };

/**
 * A settled market moves cash without any order or fill: until the payout is booked, the ledger
 * holds legs the venue has closed and lacks the cash it paid, and reconciliation trips the breaker.
 * Only markets the ledger holds a leg in are asked about; settling is once per leg (by reference),
 * so asking again after a restart posts nothing twice. A venue without binary markets has no
 * `settlement`, and this does nothing.
 */
export class SettlementSync {
  readonly #ledger: Pick<OrderLedger, 'openPositions' | 'applySettlement'>;
  readonly #venue: Venue;

  constructor(ledger: Pick<OrderLedger, 'openPositions' | 'applySettlement'>, venue: Venue) {
    this.#ledger = ledger;
    this.#venue = venue;
  }

  async sync(): Promise<SettlementSyncReport> {
    if (!this.#venue.settlement) return NOTHING;
    const markets = [...new Set(this.#ledger.openPositions().filter((p) => p.leg !== 'outright').map((p) => p.instrument))].sort();
    const settled: SettledMarket[] = [];
    const failed: { instrument: string; message: string }[] = [];
    for (const instrument of markets) {
      let outcome: 'yes' | 'no' | null;
      try {
        outcome = await this.#venue.settlement(instrument);
      } catch (error) {
        failed.push({ instrument, message: error instanceof Error ? error.message : String(error) });
        continue;
      }
      if (outcome === null) continue;
      const legs = this.#ledger.applySettlement({ instrument, outcome });
      settled.push({ instrument, outcome, payoutUsd: legs.reduce((sum, l) => sum + l.payoutUsd, 0) });
    }
    return { checked: markets.length, settled, failed };
  }
}
