// Pulls the venue's fills page by page and books each exactly once, resuming where the last pull ended.
import type { EventSource, OrderRecord } from '../ledger/order-repository.ts';
import type { Venue, VenueFill } from '../plugins/plugin-api.ts';
import { ingestFill, type MoveContext } from './order-moves.ts';
import { type Pulled, ResumableListing } from './resumable-listing.ts';

export interface FillSyncOptions {
  readonly pageLimit: number;
  /** The first pull starts here (epoch ms); undefined reads the venue's whole fill history. */
  readonly sinceMs?: number;
}

export interface FillSyncReport {
  readonly fetched: number;
  readonly applied: number;
  readonly duplicates: number;
  /** Fills of client order ids the ledger never recorded (booked anyway: the money moved). */
  readonly foreign: readonly string[];
  /** Fills the ledger holds with other terms than the venue now reports. */
  readonly conflicting: readonly string[];
  /** Each order a booked fill moved, as it stands after its last fill here, by client order id. */
  readonly orders: ReadonlyMap<string, OrderRecord>;
}

export type PulledFills = Pulled<VenueFill>;

/**
 * Pulls through a ResumableListing (every page, then only what was appended since) and books each
 * fill once; pull() and apply() are split from advance() so a caller can book the fills inside its
 * own transaction and move the position only once that committed.
 */
export class FillSync {
  readonly #ctx: MoveContext;
  readonly #listing: ResumableListing<VenueFill>;

  constructor(ctx: MoveContext, venue: Venue, options: FillSyncOptions) {
    this.#ctx = ctx;
    this.#listing = new ResumableListing((q) => venue.listFills(q), { ...options, name: 'fills' });
  }

  /** Reads again from the start (or `sinceMs`): reconciliation at startup wants the whole picture. */
  restart(sinceMs?: number): void {
    this.#listing.restart(sinceMs);
  }

  async sync(source: EventSource = 'venue'): Promise<FillSyncReport> {
    const pulled = await this.pull();
    const report = this.apply(pulled.items, source);
    this.advance(pulled);
    return report;
  }

  /** Reads every fill appended since the last advance, following `cursor` to the end. */
  pull(): Promise<PulledFills> {
    return this.#listing.pull();
  }

  advance(pulled: PulledFills): void {
    this.#listing.advance(pulled);
  }

  /** Books fills already in hand (an acknowledgement that carried them, or a fetched page). */
  apply(items: readonly VenueFill[], source: EventSource): FillSyncReport {
    let applied = 0;
    let duplicates = 0;
    const foreign: string[] = [];
    const conflicting: string[] = [];
    const orders = new Map<string, OrderRecord>();
    for (const fill of items) {
      const r = ingestFill(this.#ctx, fill, source);
      if (r.status === 'duplicate') {
        duplicates += 1;
        if (!r.matches) conflicting.push(fill.venueFillId);
        continue;
      }
      applied += 1;
      if (r.order) orders.set(r.order.clientOrderId, r.order);
      else foreign.push(fill.clientOrderId);
    }
    this.#tripOn(foreign, conflicting);
    return { fetched: items.length, applied, duplicates, foreign, conflicting, orders };
  }

  #tripOn(foreign: readonly string[], conflicting: readonly string[]): void {
    const { breaker } = this.#ctx.ledger;
    if (foreign.length > 0) {
      breaker.trip(`RECONCILE_FOREIGN_ORDER: the venue filled client order ids the ledger never sent: ${[...new Set(foreign)].join(', ')}`, 'orders');
    }
    if (conflicting.length > 0) {
      breaker.trip(`RECONCILE_MISMATCH: the venue reports other terms for fills already booked: ${conflicting.join(', ')}`, 'orders');
    }
  }
}
