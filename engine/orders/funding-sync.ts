// Pulls the venue's perpetual funding payments page by page and books each exactly once, resuming where the last pull ended.
import type { Venue, VenueFundingPayment } from '../plugins/plugin-api.ts';
import type { OrderLedger } from './order-ports.ts';
import { ResumableListing } from './resumable-listing.ts';

export interface FundingSyncOptions {
  readonly pageLimit: number;
  /** The first pull starts here (epoch ms); undefined reads the venue's whole funding history. */
  readonly sinceMs?: number;
}

export interface FundingSyncReport {
  readonly fetched: number;
  /** Payments booked now (cash moved in the ledger). */
  readonly applied: number;
  /** Payments the ledger already held (by reference): a re-read after a restart, or an overlap. */
  readonly duplicates: number;
  /** Net USD booked by this pull, from the holder's side. */
  readonly amountUsd: number;
}

const NOTHING: FundingSyncReport = { fetched: 0, applied: 0, duplicates: 0, amountUsd: 0 };

/**
 * Funding moves a perpetual account's cash without any order: unless it is booked, the ledger's cash
 * drifts from the venue's at every interval and reconciliation trips the breaker on a book that is
 * in fact right. The venue's own amount is booked (the money that moved), each payment once by its
 * reference, so re-reading the whole history after a restart posts nothing twice. A venue without
 * funding (spot, binary markets) has no `fundingPayments`, and this does nothing.
 */
export class FundingSync {
  readonly #ledger: Pick<OrderLedger, 'applyFunding'>;
  readonly #listing: ResumableListing<VenueFundingPayment> | null;

  constructor(ledger: Pick<OrderLedger, 'applyFunding'>, venue: Venue, options: FundingSyncOptions) {
    this.#ledger = ledger;
    this.#listing = venue.fundingPayments ? new ResumableListing((q) => venue.fundingPayments!(q), { ...options, name: 'funding' }) : null;
  }

  /** Reads again from the start (or `sinceMs`): reconciliation at startup wants the whole picture. */
  restart(sinceMs?: number): void {
    this.#listing?.restart(sinceMs);
  }

  async sync(): Promise<FundingSyncReport> {
    if (!this.#listing) return NOTHING;
    const pulled = await this.#listing.pull();
    let applied = 0;
    let duplicates = 0;
    let amountUsd = 0;
    for (const p of pulled.items) {
      const r = this.#ledger.applyFunding({ instrument: p.instrument, rate: p.rate, markPrice: p.markPrice, reference: p.reference, amountUsd: p.amountUsd });
      if (r.duplicate) {
        duplicates += 1;
        continue;
      }
      if (r.amountUsd !== 0) applied += 1;
      amountUsd += r.amountUsd;
    }
    // Moved only once every payment fetched is booked: a failure re-reads, never skips.
    this.#listing.advance(pulled);
    return { fetched: pulled.items.length, applied, duplicates, amountUsd };
  }
}
