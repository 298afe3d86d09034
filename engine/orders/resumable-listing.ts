// Reads a venue listing (fills, funding) to the end of its pages, and resumes the next read where the last one ended.
import { TradegateError } from '../errors.ts';
import type { Page } from '../plugins/plugin-api.ts';

export type ListingQuery = { sinceMs?: number; cursor?: string | null; limit?: number };

/**
 * Takes the next cursor of one read, after the ones it has followed (`seen`). A venue handing one back again (a bug,
 * or an offset cursor into a list that changed under it) would be read forever, holding every later call of the
 * order manager behind it: the listing cannot be read to its end, so the read fails closed.
 */
export function followCursor(seen: Set<string>, cursor: string | null, listing: string): string | null {
  if (cursor === null) return null;
  if (seen.has(cursor)) {
    throw new TradegateError('RECONCILE_LISTING_LOOP', `the venue's ${listing} listing handed back cursor ${JSON.stringify(cursor)} twice in one read: its pages cannot be read to the end`, { listing, cursor });
  }
  seen.add(cursor);
  return cursor;
}

export interface Pulled<T> {
  readonly items: readonly T[];
  readonly resume: string | null;
  readonly lastTs: number;
}

/**
 * Follows `cursor` to the end of the listing and keeps the venue's `resumeCursor`, so the next pull
 * reads only what was appended since. A venue without resume cursors is re-read from the last item
 * time seen (the overlap is dropped as duplicates by the ledger). The position moves only on
 * advance(), which callers call once every pulled item is booked: a failure re-reads, never skips.
 */
export class ResumableListing<T extends { readonly ts: number }> {
  readonly #list: (query: ListingQuery) => Promise<Page<T>>;
  readonly #pageLimit: number;
  readonly #sinceMs: number | undefined;
  readonly #name: string;
  #resume: string | null = null;
  #lastTs: number | undefined;

  constructor(list: (query: ListingQuery) => Promise<Page<T>>, options: { readonly pageLimit: number; readonly sinceMs?: number; readonly name?: string }) {
    this.#list = list;
    this.#name = options.name ?? 'venue';
    this.#pageLimit = options.pageLimit;
    this.#sinceMs = options.sinceMs;
    this.#lastTs = options.sinceMs;
  }

  /** Reads again from the start (or `sinceMs`): reconciliation at startup wants the whole picture. */
  restart(sinceMs?: number): void {
    this.#resume = null;
    this.#lastTs = sinceMs ?? this.#sinceMs;
  }

  async pull(): Promise<Pulled<T>> {
    const items: T[] = [];
    let cursor: string | null = this.#resume;
    let resume: string | null = this.#resume;
    let lastTs = 0;
    const since = this.#resume === null ? this.#lastTs : undefined;
    const seen = new Set<string>(cursor === null ? [] : [cursor]);
    for (;;) {
      const page = await this.#list({ cursor, limit: this.#pageLimit, ...(since !== undefined ? { sinceMs: since } : {}) });
      for (const item of page.items) {
        items.push(item);
        if (item.ts > lastTs) lastTs = item.ts;
      }
      if (page.resumeCursor !== undefined) resume = page.resumeCursor;
      cursor = followCursor(seen, page.cursor, this.#name);
      if (cursor === null) break;
    }
    return { items, resume, lastTs };
  }

  advance(pulled: Pulled<T>): void {
    this.#resume = pulled.resume;
    if (pulled.lastTs > (this.#lastTs ?? 0)) this.#lastTs = pulled.lastTs;
  }
}
