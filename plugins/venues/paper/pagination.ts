// Opaque cursors over append-only lists: a cursor is a position, so new items never shift a page or get skipped.
import { type Page, TradegateError } from '../../../engine/plugins/plugin-api.ts';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export type Listing = 'orders' | 'fills' | 'funding';

/** Items carry their 1-based position in the list they live in. */
interface Sequenced {
  readonly seq: number;
}

export function encodeCursor(listing: Listing, afterSeq: number): string {
  return Buffer.from(`paper:${listing}:${afterSeq}`).toString('base64url');
}

/** The position after which the page starts; 0 (from the start) for no cursor. */
export function decodeCursor(listing: Listing, cursor: string | null | undefined): number {
  if (cursor === undefined || cursor === null) return 0;
  const text = typeof cursor === 'string' ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const m = /^paper:([a-z]+):(0|[1-9]\d{0,14})$/.exec(text);
  if (!m || m[1] !== listing) {
    throw new TradegateError('VENUE_CURSOR_INVALID', `cursor ${JSON.stringify(cursor)} was not issued by the paper venue for its ${listing}`, { cursor, listing });
  }
  return Number(m[2]);
}

export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new TradegateError('VENUE_CURSOR_INVALID', `page limit must be a whole number >= 1, got ${limit}`, { limit });
  }
  return Math.min(limit, MAX_PAGE_SIZE);
}

/**
 * One page of `items` (ordered by seq, seq = index + 1) after `afterSeq`, keeping those `keep` accepts.
 * `cursor` is null once nothing is left; `resumeCursor` always marks how far this page read, for polling later.
 */
export function paginate<T extends Sequenced, Out>(
  listing: Listing,
  items: readonly T[],
  afterSeq: number,
  limit: number,
  keep: (item: T) => boolean,
  view: (item: T) => Out,
): Page<Out> {
  const out: Out[] = [];
  let scanned = afterSeq;
  for (let i = afterSeq; i < items.length && out.length < limit; i++) {
    const item = items[i]!;
    scanned = item.seq;
    if (keep(item)) out.push(view(item));
  }
  let more = false;
  for (let i = scanned; i < items.length && !more; i++) more = keep(items[i]!);
  return { items: out, cursor: more ? encodeCursor(listing, scanned) : null, resumeCursor: encodeCursor(listing, scanned) };
}

/**
 * The page `paginate` gives of a list `total` long filtered to `subset` (some of its items, in seq order), with the
 * same cursors, at a cost that follows the subset rather than the list: the cursor stays a position in the list,
 * so an item leaving the subset between pages moves no later item past it.
 */
export function paginateSubset<T extends Sequenced, Out>(
  listing: Listing,
  subset: Iterable<T>,
  total: number,
  afterSeq: number,
  limit: number,
  view: (item: T) => Out,
): Page<Out> {
  const out: Out[] = [];
  let last = afterSeq;
  let more = false;
  for (const item of subset) {
    if (item.seq <= afterSeq) continue;
    if (out.length === limit) {
      more = true;
      break;
    }
    out.push(view(item));
    last = item.seq;
  }
  // A full page ends at its last item, as `paginate` stops reading there; a short one read the list to its end.
  const scanned = out.length === limit ? last : Math.max(afterSeq, total);
  return { items: out, cursor: more ? encodeCursor(listing, scanned) : null, resumeCursor: encodeCursor(listing, scanned) };
}
