// Reads a venue listing (fills, funding) to the end of its pages, and resumes the next read where the last one ended.
import type { Page } from '../plugins/plugin-api.ts';

export type ListingQuery = { sinceMs?: number; cursor?: string | null; limit?: number };

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
  #resume: string | null = null;
  #lastTs: number | undefined;

  constructor(list: (query: ListingQuery) => Promise<Page<T>>, options: { readonly pageLimit: number; readonly sinceMs?: number }) {
    this.#list = list;
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
    for (;;) {
      const page = await this.#list({ cursor, limit: this.#pageLimit, ...(since !== undefined ? { sinceMs: since } : {}) });
      for (const item of page.items) {
        items.push(item);
        if (item.ts > lastTs) lastTs = item.ts;
      }
      if (page.resumeCursor !== undefined) resume = page.resumeCursor;
      if (page.cursor === null) break;
      cursor = page.cursor;
    }
    return { items, resume, lastTs };
  }

  advance(pulled: Pulled<T>): void {
    this.#resume = pulled.resume;
    if (pulled.lastTs > (this.#lastTs ?? 0)) this.#lastTs = pulled.lastTs;
  }
}
