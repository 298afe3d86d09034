// Tests of cursor pagination over append-only lists: opaque positions, filters across pages, refusing foreign cursors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, MAX_PAGE_SIZE, pageSize, paginate, paginateSubset } from '../../../../plugins/venues/paper/pagination.ts';

const items = Array.from({ length: 7 }, (_, i) => ({ seq: i + 1, even: (i + 1) % 2 === 0 }));
const all = () => true;
const seqOf = (x: { seq: number }) => x.seq;

describe('paginate', () => {
  it('pages through to the end, the last page with a null cursor but a resume cursor', () => {
    const p1 = paginate('fills', items, 0, 3, all, seqOf);
    const p2 = paginate('fills', items, decodeCursor('fills', p1.cursor), 3, all, seqOf);
    const p3 = paginate('fills', items, decodeCursor('fills', p2.cursor), 3, all, seqOf);
    expect([p1.items, p2.items, p3.items]).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(p3.cursor).toBeNull();
    expect(decodeCursor('fills', p3.resumeCursor)).toBe(7);
  });

  it('says there is no next page when only unmatched items remain', () => {
    const page = paginate('orders', items, 0, 3, (x) => x.even, seqOf);
    expect(page.items).toEqual([2, 4, 6]);
    expect(page.cursor).toBeNull();
    const partial = paginate('orders', items, 0, 2, (x) => x.even, seqOf);
    expect(partial.items).toEqual([2, 4]);
    expect(paginate('orders', items, decodeCursor('orders', partial.cursor), 2, (x) => x.even, seqOf).items).toEqual([6]);
  });
});

describe('paginateSubset', () => {
  it('gives the page, cursor and resume cursor paginate gives over the whole list filtered to the subset, from any position', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 40 }), fc.integer({ min: 0, max: 45 }), fc.integer({ min: 1, max: 6 }), (kept, afterSeq, limit) => {
        const list = kept.map((k, i) => ({ seq: i + 1, k }));
        const subset = list.filter((x) => x.k);
        expect(paginateSubset('orders', subset, list.length, afterSeq, limit, seqOf)).toEqual(paginate('orders', list, afterSeq, limit, (x) => x.k, seqOf));
      }),
      { numRuns: 2000 },
    );
  });

  it('skips no later item when items of an earlier page leave the subset between pages', () => {
    const subset = new Map(items.filter((x) => x.even).map((x) => [x.seq, x]));
    const p1 = paginateSubset('orders', subset.values(), items.length, 0, 2, seqOf);
    expect(p1.items).toEqual([2, 4]);
    subset.delete(2);
    subset.delete(4);
    expect(paginateSubset('orders', subset.values(), items.length, decodeCursor('orders', p1.cursor), 2, seqOf).items).toEqual([6]);
  });
});

describe('cursors', () => {
  it('round-trip and are opaque text', () => {
    const c = encodeCursor('funding', 12);
    expect(c).not.toContain('12');
    expect(decodeCursor('funding', c)).toBe(12);
    expect(decodeCursor('funding', null)).toBe(0);
  });

  it('are refused for another listing or when forged', () => {
    expect(() => decodeCursor('fills', encodeCursor('orders', 3))).toThrow(expect.objectContaining({ code: 'VENUE_CURSOR_INVALID' }));
    expect(() => decodeCursor('fills', Buffer.from('paper:fills:-1').toString('base64url'))).toThrow(/not issued/);
    expect(() => decodeCursor('fills', 'x')).toThrow(/not issued/);
  });

  it('page sizes default, cap, and refuse nonsense', () => {
    expect(pageSize(undefined)).toBe(100);
    expect(pageSize(10 ** 6)).toBe(MAX_PAGE_SIZE);
    expect(() => pageSize(1.5)).toThrow(expect.objectContaining({ code: 'VENUE_CURSOR_INVALID' }));
  });
});
