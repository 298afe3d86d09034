// Specs of a resumable venue listing: every page to the end, then only what was appended, and nothing skipped when a pull is not advanced.
import { describe, expect, it } from 'vitest';
import { TradegateError } from '../../../engine/errors.ts';
import type { Page } from '../../../engine/plugins/plugin-api.ts';
import { type ListingQuery, ResumableListing } from '../../../engine/orders/resumable-listing.ts';

interface Item {
  readonly id: number;
  readonly ts: number;
}

/** A venue-like listing over a growing array: numeric cursors, optional resume cursors, `sinceMs` filtering. */
function listing(opts: { resumeCursors: boolean }) {
  const items: Item[] = [];
  const queries: ListingQuery[] = [];
  const list = async (q: ListingQuery): Promise<Page<Item>> => {
    queries.push(q);
    const from = q.cursor ? Number(q.cursor) : 0;
    const visible = items.filter((i) => i.ts >= (q.sinceMs ?? Number.NEGATIVE_INFINITY));
    const end = Math.min(visible.length, from + (q.limit ?? 100));
    const page = visible.slice(from, end);
    const resume = opts.resumeCursors ? { resumeCursor: String(items.indexOf(page.at(-1) ?? items[from - 1]!) + 1) } : {};
    return { items: page, cursor: end < visible.length ? String(end) : null, ...resume };
  };
  const add = (...ts: number[]) => {
    for (const t of ts) items.push({ id: items.length + 1, ts: t });
  };
  return { list, add, queries };
}

describe('ResumableListing', () => {
  it('follows every page to the end, then reads only what was appended since the last advance', async () => {
    const venue = listing({ resumeCursors: true });
    venue.add(10, 20, 30, 40, 50);
    const l = new ResumableListing(venue.list, { pageLimit: 2 });
    const first = await l.pull();
    expect(first.items.map((i) => i.id)).toEqual([1, 2, 3, 4, 5]);
    expect(first.lastTs).toBe(50);
    l.advance(first);
    venue.add(60, 70);
    expect((await l.pull()).items.map((i) => i.id)).toEqual([6, 7]);
  });

  it('reads the same items again when a pull was not advanced (the caller failed to book them)', async () => {
    const venue = listing({ resumeCursors: true });
    venue.add(10, 20);
    const l = new ResumableListing(venue.list, { pageLimit: 10 });
    await l.pull();
    expect((await l.pull()).items.map((i) => i.id)).toEqual([1, 2]);
  });

  it('re-reads from the last item time when the venue gives no resume cursor, overlap included', async () => {
    const venue = listing({ resumeCursors: false });
    venue.add(10, 20, 30);
    const l = new ResumableListing(venue.list, { pageLimit: 2 });
    l.advance(await l.pull());
    venue.add(40);
    expect((await l.pull()).items.map((i) => i.ts)).toEqual([30, 40]);
    expect(venue.queries.at(-1)).toMatchObject({ sinceMs: 30 });
  });

  it('starts at sinceMs, and restart() goes back to it (or to a new start)', async () => {
    const venue = listing({ resumeCursors: true });
    venue.add(10, 20, 30);
    const l = new ResumableListing(venue.list, { pageLimit: 5, sinceMs: 20 });
    const first = await l.pull();
    expect(first.items.map((i) => i.ts)).toEqual([20, 30]);
    l.advance(first);
    l.restart();
    expect((await l.pull()).items.map((i) => i.ts)).toEqual([20, 30]);
    l.restart(0);
    expect((await l.pull()).items.map((i) => i.ts)).toEqual([10, 20, 30]);
  });

  it('fails closed with RECONCILE_LISTING_LOOP when the venue hands back a cursor it already gave in this pull, instead of reading forever', async () => {
    let calls = 0;
    // A broken venue: page 2 points back at page 2. Bounded here only so the old endless loop ends and shows.
    const list = async (_q: ListingQuery): Promise<Page<Item>> => {
      calls++;
      if (calls > 1_000) return { items: [], cursor: null };
      return { items: [{ id: calls, ts: calls }], cursor: 'p2' };
    };
    const l = new ResumableListing(list, { pageLimit: 1 });
    const error = await l.pull().then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(TradegateError);
    expect(error).toMatchObject({ code: 'RECONCILE_LISTING_LOOP', kind: 'halt' });
    expect(calls).toBe(2);
  });
});
