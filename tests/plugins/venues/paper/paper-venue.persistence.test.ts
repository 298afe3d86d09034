// Tests of the paper venue's memory: idempotent client ids and counters, pagination, restarts, corrupt and half-written state files.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { VenueFill } from '../../../../engine/plugins/plugin-api.ts';
import { STATE_FILE } from '../../../../plugins/venues/paper/paper-venue.ts';
import { endedPid, holdSave } from '../../../helpers/paper-saves.ts';
import { event, type Harness, MINUTE, minute, openPaper, order, PERP, SPOT, T0 } from './paper-fixture.ts';

let h: Harness;
afterEach(() => h?.cleanup());

describe('idempotency and counters', () => {
  it('returns the existing order for a client order id it already has, and still counts the request', async () => {
    h = openPaper();
    h.feed(minute(-1, 6800, 6801));
    const first = await h.venue.placeOrder(order({ clientOrderId: 'dup' }));
    const again = await h.venue.placeOrder(order({ clientOrderId: 'dup', quantity: 0.5 }));
    expect(again).toEqual(first);
    h.feed(minute(0, 6800, 6801));
    const third = await h.venue.placeOrder(order({ clientOrderId: 'dup' }));
    expect(third).toMatchObject({ venueOrderId: first.venueOrderId, status: 'filled', quantity: 0.1 });
    expect(await h.venue.stats()).toEqual({ ordersReceived: 3, distinctClientOrderIds: 1, fills: 1 });
    expect(h.capture.events('paper.duplicate_client_order_id')).toHaveLength(2);
  });

  it('a duplicate of a refused order returns the refusal on record instead of judging it again', async () => {
    h = openPaper();
    h.feed(minute(-1, 6800, 6801));
    await expect(h.venue.placeOrder(order({ clientOrderId: 'no', quantity: 5 }))).rejects.toMatchObject({ code: 'VENUE_ORDER_REJECTED' });
    expect(await h.venue.placeOrder(order({ clientOrderId: 'no', quantity: 0.1 }))).toMatchObject({ status: 'rejected', quantity: 5 });
    expect(await h.venue.stats()).toEqual({ ordersReceived: 2, distinctClientOrderIds: 1, fills: 0 });
  });
});

describe('pagination', () => {
  async function allFills(limit: number): Promise<{ pages: number; fills: VenueFill[]; resume: string | undefined }> {
    const fills: VenueFill[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let resume: string | undefined;
    do {
      const page = await h.venue.listFills({ cursor, limit });
      fills.push(...page.items);
      cursor = page.cursor;
      resume = page.resumeCursor;
      pages++;
    } while (cursor !== null);
    return { pages, fills, resume };
  }

  it('a caller follows the cursor to the end, then polls only what was appended since', async () => {
    h = openPaper();
    h.feed(minute(-1, 6800, 6801));
    for (let i = 0; i < 25; i++) await h.venue.placeOrder(order({ clientOrderId: `o${i}`, quantity: 0.01 }));
    h.feed(minute(0, 6800, 6801));
    const { pages, fills, resume } = await allFills(10);
    expect(pages).toBe(3);
    expect(fills.map((f) => f.clientOrderId)).toEqual(Array.from({ length: 25 }, (_, i) => `o${i}`));
    expect(new Set(fills.map((f) => f.venueFillId)).size).toBe(25);
    expect((await h.venue.listFills({ cursor: resume ?? null })).items).toEqual([]);
    await h.venue.placeOrder(order({ clientOrderId: 'late', quantity: 0.01 }));
    h.feed(minute(1, 6800, 6801));
    const next = await h.venue.listFills({ cursor: resume ?? null });
    expect(next.items.map((f) => f.clientOrderId)).toEqual(['late']);
    expect(next.cursor).toBeNull();
  });

  it('a page boundary stays put when items are appended between pages', async () => {
    h = openPaper();
    h.feed(minute(-1, 6800, 6801));
    for (let i = 0; i < 4; i++) await h.venue.placeOrder(order({ clientOrderId: `a${i}`, type: 'limit', limitPrice: 6000 + i, quantity: 0.01 }));
    const first = await h.venue.listOrders({ openOnly: false, limit: 3 });
    await h.venue.placeOrder(order({ clientOrderId: 'b', type: 'limit', limitPrice: 6100, quantity: 0.01 }));
    const second = await h.venue.listOrders({ openOnly: false, cursor: first.cursor, limit: 3 });
    expect([...first.items, ...second.items].map((o) => o.clientOrderId)).toEqual(['a0', 'a1', 'a2', 'a3', 'b']);
    expect(second.cursor).toBeNull();
  });

  it('openOnly lists working orders only; filters apply across pages; sinceMs filters fills by time', async () => {
    h = openPaper();
    h.feed(minute(-1, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 'filled-1', quantity: 0.01 }));
    await h.venue.placeOrder(order({ clientOrderId: 'open-1', type: 'limit', limitPrice: 6000, quantity: 0.01 }));
    h.feed(minute(0, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 'filled-2', quantity: 0.01 }));
    await h.venue.placeOrder(order({ clientOrderId: 'open-2', type: 'limit', limitPrice: 6000, quantity: 0.01 }));
    h.feed(minute(1, 6800, 6801));
    const page1 = await h.venue.listOrders({ openOnly: true, limit: 1 });
    const page2 = await h.venue.listOrders({ openOnly: true, limit: 1, cursor: page1.cursor });
    expect([...page1.items, ...page2.items].map((o) => o.clientOrderId)).toEqual(['open-1', 'open-2']);
    expect(page2.cursor).toBeNull();
    expect((await h.venue.listFills({ sinceMs: T0 + 60_000 })).items.map((f) => f.clientOrderId)).toEqual(['filled-2']);
  });

  it('refuses a cursor it did not issue for that listing, and a limit that is not a page size', async () => {
    h = openPaper();
    const ordersCursor = (await h.venue.listOrders({ openOnly: false })).resumeCursor ?? null;
    await expect(h.venue.listFills({ cursor: ordersCursor })).rejects.toMatchObject({ code: 'VENUE_CURSOR_INVALID', kind: 'deny' });
    await expect(h.venue.listFills({ cursor: 'garbage' })).rejects.toMatchObject({ code: 'VENUE_CURSOR_INVALID' });
    await expect(h.venue.listFills({ limit: 0 })).rejects.toMatchObject({ code: 'VENUE_CURSOR_INVALID' });
  });
});

describe('state across restarts', () => {
  it('after a SIGKILL, funding is computed at the quote nearest the funding time, not at the mark of the last save', async () => {
    const B = T0 + 8 * 3_600_000;
    const perp = (ts: number, bid: number) => event({ instrument: PERP, ts, bid, ask: bid + 1 });
    h = openPaper();
    h.feed(perp(T0, 6900));
    await h.venue.placeOrder(order({ clientOrderId: 'long', instrument: PERP, quantity: 1 }));
    // The fill is the last save: the hours of quotes after it change only the mark, which no save carries.
    h.feed(perp(T0 + MINUTE, 6900));
    for (let ts = T0 + 2 * MINUTE; ts < B; ts += 30 * MINUTE) h.feed(perp(ts, 7000));
    h.feed(perp(B - MINUTE, 7200));
    // Reopened without a close, as after a SIGKILL: the file holds the book of the last save.
    h.reopen();
    h.feed(perp(B, 7200));
    const { items } = await h.venue.fundingPayments({});
    // 1 x 7200.5 x 0.0001, paid by the long: what a venue that never stopped books for this interval.
    expect(items).toEqual([expect.objectContaining({ ts: B, markPrice: 7200.5, positionQuantity: 1, amountUsd: -0.72005 })]);
  });

  it('a new instance on the same state folder continues the book: balance, positions, orders, fills, counters', async () => {
    h = openPaper({ fees: { maker_bps: 0, taker_bps: 10 } });
    h.feed(minute(-1, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 'bought', quantity: 0.5 }));
    await h.venue.placeOrder(order({ clientOrderId: 'resting', type: 'limit', limitPrice: 6700, quantity: 0.2 }));
    h.feed(minute(0, 6800, 6801));
    const before = {
      balance: await h.venue.balance(),
      positions: await h.venue.positions(),
      orders: await h.venue.listOrders({ openOnly: false }),
      fills: await h.venue.listFills({}),
      stats: await h.venue.stats(),
    };
    const restarted = h.reopen();
    expect(await restarted.balance()).toEqual(before.balance);
    expect(await restarted.positions()).toEqual(before.positions);
    expect(await restarted.listOrders({ openOnly: false })).toEqual(before.orders);
    expect(await restarted.listFills({})).toEqual(before.fills);
    expect(await restarted.stats()).toEqual(before.stats);
    expect(h.capture.events('paper.state_loaded')).toHaveLength(1);
    // The resting order still works after the restart, and new ids never repeat old ones.
    h.feed(minute(1, 6650, 6690));
    expect(await restarted.getOrder('resting')).toMatchObject({ status: 'filled' });
    const next = await restarted.placeOrder(order({ clientOrderId: 'after', quantity: 0.01 }));
    expect(before.orders.items.map((o) => o.venueOrderId)).not.toContain(next.venueOrderId);
    expect(await restarted.positions()).toEqual([{ instrument: SPOT, quantity: 0.7 }]);
  });

  it.each([
    ['truncated JSON', (text: string) => text.slice(0, Math.floor(text.length / 2))],
    ['not JSON at all', () => '\u0000\u0001garbage'],
    ['JSON of the wrong shape', (text: string) => JSON.stringify({ ...JSON.parse(text), cashMicros: 'lots' })],
    ['an order with a bad status', (text: string) => text.replace('"status":"filled"', '"status":"done"')],
  ])('a corrupt state file (%s) starts a fresh book with an alert, keeps the file aside, and never crashes', async (_what, corrupt) => {
    h = openPaper();
    h.feed(minute(-1, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 'x', quantity: 0.5 }));
    h.feed(minute(0, 6800, 6801));
    await h.venue.close();
    const path = join(h.stateDir, STATE_FILE);
    const bad = corrupt(readFileSync(path, 'utf8'));
    writeFileSync(path, bad);
    h.clock.set(T0 + 999_000);
    const fresh = h.reopen();
    expect(await fresh.balance()).toEqual({ cashUsd: 10_000 });
    expect(await fresh.getOrder('x')).toBeNull();
    const [alert] = h.capture.events('paper.state_corrupt');
    expect(alert).toMatchObject({ level: 'error', file: path, kept_as: `${path}.corrupt-${T0 + 999_000}` });
    expect(readFileSync(`${path}.corrupt-${T0 + 999_000}`, 'utf8')).toBe(bad);
    expect(() => JSON.parse(readFileSync(path, 'utf8'))).not.toThrow();
    // Ids of the fresh book differ from the lost one's, so the ledger cannot take a new fill for an old one.
    h.feed(minute(20, 6800, 6801));
    await fresh.placeOrder(order({ clientOrderId: 'y', quantity: 0.01 }));
    h.feed(minute(21, 6800, 6801));
    const [newFill] = (await fresh.listFills({})).items;
    expect(bad.includes(newFill!.venueFillId)).toBe(false);
  });

  it('a temp file left by a save whose process has ended does not corrupt the state and is cleaned up', async () => {
    h = openPaper();
    h.feed(minute(-1, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 'kept', quantity: 0.5 }));
    h.feed(minute(0, 6800, 6801));
    const leftover = join(h.stateDir, `${STATE_FILE}.tmp-${endedPid()}-7`);
    writeFileSync(leftover, '{"version":1,"cashMic');
    const restarted = h.reopen();
    expect(await restarted.getOrder('kept')).toMatchObject({ status: 'filled' });
    expect(existsSync(leftover)).toBe(false);
    expect(h.capture.events('paper.state_temp_removed')).toHaveLength(1);
    expect(h.capture.events('paper.state_corrupt')).toHaveLength(0);
  });

  it("opening the venue while another process is midway through a save leaves that save's temp file, and the save lands", async () => {
    h = openPaper();
    h.feed(minute(-1, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 'first', quantity: 0.5 }));
    h.feed(minute(0, 6800, 6801));
    await h.venue.close();
    const path = join(h.stateDir, STATE_FILE);
    const saved = readFileSync(path, 'utf8');
    const save = await holdSave(path, saved);
    const opened = h.reopen();
    const tempAfterOpen = existsSync(save.temp);
    const done = await save.finish();
    expect(tempAfterOpen).toBe(true);
    expect(done).toEqual({ line: { saved: true, pid: save.pid }, code: 0 });
    expect(await opened.getOrder('first')).toMatchObject({ status: 'filled' });
    expect(readdirSync(h.stateDir)).toEqual([STATE_FILE]);
    expect(readFileSync(path, 'utf8')).toBe(saved);
    expect(h.capture.events('paper.state_temp_kept')).toHaveLength(1);
    expect(h.capture.events('paper.state_temp_removed')).toHaveLength(0);
  });

  it('a save appends one line to the state file; closing folds the lines into one plain snapshot, leaving only the state file', async () => {
    h = openPaper();
    const path = join(h.stateDir, STATE_FILE);
    h.feed(minute(-1, 6800, 6801));
    for (let i = 0; i < 5; i++) await h.venue.placeOrder(order({ clientOrderId: `s${i}`, quantity: 0.01 }));
    h.feed(minute(0, 6800, 6801));
    // The fresh book's snapshot, then the five orders and the one market event that filled them.
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(1 + 6);
    await h.venue.close();
    expect(readdirSync(h.stateDir)).toEqual([STATE_FILE]);
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { orders: unknown[]; fills: unknown[]; ordersReceived: number; journalSeq: number };
    expect([saved.orders.length, saved.fills.length, saved.ordersReceived, saved.journalSeq]).toEqual([5, 5, 5, 6]);
  });
});
