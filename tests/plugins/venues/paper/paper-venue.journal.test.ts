// Tests of the paper venue's journaled state across restarts: random sessions closed, abandoned (as after SIGKILL) or torn, and damaged journals.
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../engine/clock.ts';
import { seededRandom } from '../../../../engine/market/seeded-random.ts';
import { LogCapture } from '../../../../engine/observe/log-capture.ts';
import { createLogger } from '../../../../engine/observe/logger.ts';
import type { Page, PluginContext, VenueOrder, VenueOrderRequest } from '../../../../engine/plugins/plugin-api.ts';
import type { BookState } from '../../../../plugins/venues/paper/book-state.ts';
import type { PaperConfigFile } from '../../../../plugins/venues/paper/paper-config.ts';
import { PaperVenue, STATE_FILE } from '../../../../plugins/venues/paper/paper-venue.ts';
import { decodeStateFile } from '../../../../plugins/venues/paper/state-journal.ts';
import { BASE_CONFIG, event, type Harness, minute, openPaper, order, PERP, SPOT, T0 } from './paper-fixture.ts';

/** Latency, slippage and fees on, so orders rest, arrive late, fill as maker or taker and pay; no fsync, for speed. */
const CONFIG: PaperConfigFile = { ...BASE_CONFIG, latency_ms: { min: 0, max: 90_000 }, slippage: { base_bps: 2, bps_per_10k_usd: 1 }, fees: { maker_bps: 1, taker_bps: 5 }, fsync: false };

const ids = fc.integer({ min: 0, max: 11 }).map((i) => `c${i}`);
const action = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('place' as const), id: ids, instrument: fc.constantFrom(SPOT, PERP), side: fc.constantFrom('buy' as const, 'sell' as const), type: fc.constantFrom('market' as const, 'limit' as const), quantity: fc.constantFrom(0.001, 0.01, 0.1, 0.4, 3), offset: fc.integer({ min: -40, max: 40 }), ttlMs: fc.option(fc.integer({ min: 1, max: 900_000 }), { nil: undefined }), reduceOnly: fc.boolean(), garbled: fc.integer({ min: 0, max: 9 }).map((i) => i === 0) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), id: ids }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('market' as const), instrument: fc.constantFrom(SPOT, PERP), move: fc.integer({ min: -30, max: 30 }), swing: fc.integer({ min: 0, max: 40 }), volume: fc.option(fc.constantFrom(0.05, 1, 20), { nil: null }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 5 * 3_600_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('read' as const), id: ids }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('restart' as const), how: fc.constantFrom('close' as const, 'abandon' as const, 'torn' as const), garbage: fc.string({ maxLength: 300 }).map((s) => s.replaceAll('\n', ' ')) }) },
);
type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;
type Restart = Extract<Action, { kind: 'restart' }>;

async function everyPage<T>(list: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await list(cursor);
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== null);
  return items;
}

const working = (o: VenueOrder) => o.status === 'open' || o.status === 'partially_filled';

/** Everything a caller can see of the venue. */
async function visible(v: PaperVenue) {
  return {
    orders: await everyPage((cursor) => v.listOrders({ openOnly: false, cursor, limit: 1000 })),
    // Small pages, so the cursors over the venue's index of open orders are exercised too.
    open: await everyPage((cursor) => v.listOrders({ openOnly: true, cursor, limit: 2 })),
    fills: await everyPage((cursor) => v.listFills({ cursor, limit: 1000 })),
    funding: await everyPage((cursor) => v.fundingPayments({ cursor, limit: 1000 })),
    positions: await v.positions(),
    balance: await v.balance(),
    stats: await v.stats(),
  };
}

/**
 * What must survive any restart: every record (orders with their internal fields too), the account and the counter.
 * Marks and funding check times are left out: a market event that changes nothing else is not saved.
 */
function durable(book: BookState & { journalSeq?: number }) {
  const { marks: _m, fundingCheckedTs: _f, journalSeq: _s, ...rest } = book;
  return rest;
}

/**
 * The open-only listing pages over the venue's index of open orders, which lives beside the orders: an order that
 * closed without leaving it, or an open one missing from it or out of seq order, shows as a difference here. Checked
 * after reads, at the same clock, since a listing expires due orders as any read does; and before every restart,
 * the reopened venue (its index rebuilt from the loaded book) then having to list the same.
 */
function expectOpenIndexed(seen: Awaited<ReturnType<typeof visible>>): void {
  expect(seen.open).toEqual(seen.orders.filter(working));
}

class Session {
  readonly clock = new ManualClock(T0);
  readonly capture = new LogCapture();
  readonly #logger = createLogger({ destination: this.capture, level: 'debug', clock: this.clock, time: 'epoch', env: {} });
  readonly #random = seededRandom(7);
  readonly #prices: Record<string, number> = { [SPOT]: 6800, [PERP]: 6790 };
  dir = mkdtempSync(join(tmpdir(), 'tg-paper-journal-'));
  venue = this.#open();
  restarts = 0;
  /** What the restarts carried over, so the test can tell it exercised more than empty books. */
  readonly carried = { fills: 0, funding: 0, openOrders: 0 };

  #open(): PaperVenue {
    const ctx: PluginContext<PaperConfigFile> = { config: CONFIG, logger: this.#logger, now: () => this.clock.now(), random: this.#random, stateDir: this.dir };
    return PaperVenue.open(ctx);
  }

  async act(a: Action): Promise<void> {
    const v = this.venue;
    if (a.kind === 'place') {
      const price = this.#prices[a.instrument]! + a.offset;
      const req: VenueOrderRequest = { clientOrderId: a.id, instrument: a.instrument, side: a.side, type: a.type, quantity: a.garbled ? -1 : a.quantity, reduceOnly: a.reduceOnly, ...(a.type === 'limit' ? { limitPrice: price } : {}), ...(a.ttlMs ? { ttlMs: a.ttlMs } : {}) };
      await v.placeOrder(req).catch(() => null);
    } else if (a.kind === 'cancel') await v.cancelOrder(a.id);
    else if (a.kind === 'read') {
      await v.getOrder(a.id);
      expectOpenIndexed(await visible(v));
    }
    else if (a.kind === 'wait') this.clock.set(this.clock.now() + a.ms);
    else if (a.kind === 'market') {
      const bid = Math.max(100, this.#prices[a.instrument]! + a.move);
      this.#prices[a.instrument] = bid;
      const e = event({ instrument: a.instrument, ts: this.clock.now(), bid, ask: bid + 1, bidHigh: bid + a.swing, askLow: bid + 1 - a.swing, volume: a.volume });
      this.clock.set(e.endTs);
      v.onMarketEvent(e);
    } else await this.restart(a);
  }

  /**
   * Closing folds the journal into the snapshot; abandoning leaves the files as a SIGKILL would (taken as a copy,
   * then the original is closed only to learn what it held in memory); torn adds the start of an unfinished line.
   */
  async restart(a: Restart): Promise<void> {
    const before = await visible(this.venue);
    expectOpenIndexed(before);
    const from = this.dir;
    if (a.how !== 'close') {
      this.dir = mkdtempSync(join(tmpdir(), 'tg-paper-journal-'));
      cpSync(from, this.dir, { recursive: true });
      if (a.how === 'torn') appendFileSync(join(this.dir, STATE_FILE), `\n${a.garbage}`);
    }
    await this.venue.close();
    const held = JSON.parse(readFileSync(join(from, STATE_FILE), 'utf8')) as BookState;
    if (from !== this.dir) rmSync(from, { recursive: true, force: true });
    const torn = this.capture.events('paper.state_torn_line').length;
    this.venue = this.#open();
    this.restarts++;
    expect(this.capture.events('paper.state_torn_line')).toHaveLength(torn + (a.how === 'torn' ? 1 : 0));
    expect(this.capture.events('paper.state_corrupt')).toEqual([]);
    expect(durable(decodeStateFile(readFileSync(join(this.dir, STATE_FILE), 'utf8')).book)).toEqual(durable(held));
    expect(await visible(this.venue)).toEqual(before);
    this.carried.fills += before.fills.length;
    this.carried.funding += before.funding.length;
    this.carried.openOrders += before.orders.filter(working).length;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

let h: Harness | undefined;
afterEach(() => h?.cleanup());

describe('restarts of random sessions', () => {
  it('a venue reopened after a close, an abandonment or a torn last append holds exactly the orders, fills, funding, account and counters the old one held', async () => {
    let restarts = 0;
    let journalLinesReplayed = 0;
    const carried = { fills: 0, funding: 0, openOrders: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 80, size: 'max' }), fc.constantFrom('close' as const, 'abandon' as const, 'torn' as const), async (actions, last) => {
        const s = new Session();
        try {
          for (const a of actions) await s.act(a);
          await s.restart({ kind: 'restart', how: last, garbage: '{"n":' });
          restarts += s.restarts;
          for (const k of ['fills', 'funding', 'openOrders'] as const) carried[k] += s.carried[k];
          journalLinesReplayed += s.capture.events('paper.state_loaded').reduce((sum, r) => sum + (r['journal_lines'] as number), 0);
        } finally {
          s.cleanup();
        }
      }),
      { numRuns: 150 },
    );
    // The property is only as strong as the journals it replayed and the books they carried.
    expect(restarts).toBeGreaterThan(300);
    expect(journalLinesReplayed).toBeGreaterThan(1000);
    expect(carried.fills).toBeGreaterThan(100);
    expect(carried.funding).toBeGreaterThan(10);
    expect(carried.openOrders).toBeGreaterThan(50);
  });
});

describe('damaged state files', () => {
  /** A session whose file holds a snapshot and a journal line per change. */
  async function journaled(): Promise<{ path: string; lines: string[] }> {
    h = openPaper();
    h.feed(minute(-1, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 'a', quantity: 0.1 }));
    await h.venue.placeOrder(order({ clientOrderId: 'b', type: 'limit', limitPrice: 6700, quantity: 0.1 }));
    h.feed(minute(0, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 'c', type: 'limit', limitPrice: 6600, quantity: 0.1 }));
    const path = join(h.stateDir, STATE_FILE);
    return { path, lines: readFileSync(path, 'utf8').split('\n') };
  }

  it('drops a last line torn by a crash inside a save, with a warning, and goes on from the change before it', async () => {
    const { path, lines } = await journaled();
    writeFileSync(path, `${lines.join('\n').slice(0, -40)}`);
    const restarted = h!.reopen();
    expect(h!.capture.events('paper.state_torn_line')).toEqual([expect.objectContaining({ level: 'warn', file: path })]);
    expect(await restarted.getOrder('c')).toBeNull();
    expect(await restarted.getOrder('b')).toMatchObject({ status: 'open' });
    expect(await restarted.stats()).toEqual({ ordersReceived: 2, distinctClientOrderIds: 2, fills: 1 });
    expect(readFileSync(path, 'utf8')).toBe(lines.slice(0, -1).join('\n'));
    await restarted.placeOrder(order({ clientOrderId: 'd', type: 'limit', limitPrice: 6600, quantity: 0.1 }));
    expect(await h!.reopen().getOrder('d')).toMatchObject({ status: 'open' });
    expect(h!.capture.events('paper.state_torn_line')).toHaveLength(1);
  });

  it.each([
    ['a damaged line in the middle', (l: string[]) => l.map((x, i) => (i === 2 ? x.replace('"ordersReceived":2', '"ordersReceived":9') : x)), /line 2 is damaged/],
    ['a gap: a line missing from the middle', (l: string[]) => l.filter((_, i) => i !== 2), /expected 2: a gap/],
  ])('%s sets the file aside with an alert and starts a fresh book, never a guessed one', async (_what, damage, reason) => {
    const { path, lines } = await journaled();
    const bad = damage(lines).join('\n');
    writeFileSync(path, bad);
    h!.clock.set(T0 + 999_000);
    const fresh = h!.reopen();
    expect(h!.capture.events('paper.state_corrupt')).toEqual([expect.objectContaining({ level: 'error', file: path, kept_as: `${path}.corrupt-${T0 + 999_000}`, reason: expect.stringMatching(reason) })]);
    expect(readFileSync(`${path}.corrupt-${T0 + 999_000}`, 'utf8')).toBe(bad);
    expect(await fresh.stats()).toEqual({ ordersReceived: 0, distinctClientOrderIds: 0, fills: 0 });
    expect(await fresh.balance()).toEqual({ cashUsd: 10_000 });
  });

  it('continues a book saved before the journal (version 1, no journalSeq), appending its changes after it', async () => {
    const { path } = await journaled();
    await h!.venue.close();
    const { journalSeq: _seq, ...old } = JSON.parse(readFileSync(path, 'utf8')) as BookState & { journalSeq: number };
    writeFileSync(path, JSON.stringify(old));
    const restarted = h!.reopen();
    expect(h!.capture.events('paper.state_loaded').at(-1)).toMatchObject({ orders: 3, fills: 1, journal_lines: 0, change: 0 });
    await restarted.cancelOrder('b');
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(2);
    expect(await h!.reopen().getOrder('b')).toMatchObject({ status: 'canceled' });
    expect(h!.capture.events('paper.state_loaded').at(-1)).toMatchObject({ orders: 3, journal_lines: 1, change: 1 });
  });
});
