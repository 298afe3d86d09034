// Tests of the state journal: the line seal, decoding snapshot plus lines (torn, damaged, gaps), and the writer's lines, compaction and bounds.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogCapture } from '../../../../engine/observe/log-capture.ts';
import { createLogger } from '../../../../engine/observe/logger.ts';
import { type BookState, emptyState, type OrderRecord } from '../../../../plugins/venues/paper/book-state.ts';
import { writeStateAtomic } from '../../../../plugins/venues/paper/state-file.ts';
import { BookJournal, decodeStateFile, openLine, savedBookDefect, sealLine } from '../../../../plugins/venues/paper/state-journal.ts';

let dir: string;
let path: string;
let capture: LogCapture;
const logger = () => createLogger({ destination: capture, level: 'debug', env: {} });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tg-journal-'));
  path = join(dir, 'book.json');
  capture = new LogCapture();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function newOrder(book: BookState, status: OrderRecord['status'] = 'open'): OrderRecord {
  const seq = book.orders.length + 1;
  const o: OrderRecord = {
    seq, clientOrderId: `c${seq}`, venueOrderId: `${book.bookId}-o${seq}`, instrument: 'BTC-USD', side: 'buy', type: 'limit', quantity: 1, filledQuantity: 0,
    limitPrice: 100, reduceOnly: false, status, rejectReason: status === 'rejected' ? 'no' : null, placedAt: seq, arrivalTs: seq, expiresAt: null, arrived: false, resting: false, updatedAt: seq,
  };
  book.orders.push(o);
  book.ordersReceived++;
  return o;
}

function addFill(book: BookState, o: OrderRecord, quantity: number): void {
  const seq = book.fills.length + 1;
  book.fills.push({ seq, venueFillId: `${book.bookId}-f${seq}`, venueOrderId: o.venueOrderId, clientOrderId: o.clientOrderId, instrument: o.instrument, side: o.side, quantity, price: 100, feeUsd: 0.01, liquidity: 'maker', ts: seq });
  o.filledQuantity += quantity;
  o.status = o.filledQuantity >= o.quantity ? 'filled' : 'partially_filled';
  book.cashMicros -= quantity * 100_000_000;
  book.positions['BTC-USD'] = (book.positions['BTC-USD'] ?? 0) + quantity;
}

const copy = (book: BookState): BookState => structuredClone(book);
const decoded = () => decodeStateFile(readFileSync(path, 'utf8'));
const lines = () => readFileSync(path, 'utf8').split('\n');

describe('sealLine and openLine', () => {
  it('round-trips a line, which stays JSON on its own, and refuses one cut short or altered', () => {
    const line = sealLine('{"n":1,"book":{"cashMicros":5}}');
    expect(openLine(line)).toEqual({ n: 1, book: { cashMicros: 5 } });
    expect(JSON.parse(line)).toMatchObject({ n: 1, sum: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(openLine(line.slice(0, -1))).toBeNull();
    expect(openLine(line.replace('5', '6'))).toBeNull();
    expect(openLine('')).toBeNull();
  });
});

describe('BookJournal writes and decodeStateFile reads', () => {
  it('starts with a plain snapshot, then appends one line per save holding only the new and changed orders', () => {
    const book = emptyState('b1', 1_000_000_000);
    const journal = BookJournal.start(path, book, { fsync: true }, logger());
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ ...book, journalSeq: 0 });
    newOrder(book, 'filled');
    const resting = newOrder(book);
    journal.record();
    newOrder(book);
    journal.record();
    resting.status = 'canceled';
    journal.record();
    const written = lines().slice(1).map((l) => openLine(l) as { n: number; orders: OrderRecord[] });
    expect(written.map((l) => [l.n, l.orders.map((o) => o.seq)])).toEqual([[1, [1, 2]], [2, [3]], [3, [2]]]);
    expect(decoded()).toMatchObject({ book, seq: 3, lines: 3, torn: null });
    expect(savedBookDefect(decoded())).toBeNull();
  });

  it('a book without a journal, as saved before there was one (no journalSeq), loads as a snapshot at change 0 and takes lines after it', () => {
    const book = emptyState('old', 1_000_000);
    newOrder(book);
    writeStateAtomic(path, book, false);
    const saved = decoded();
    expect(saved).toMatchObject({ book, seq: 0, lines: 0, torn: null });
    const journal = BookJournal.resume(path, saved, { fsync: false }, logger());
    saved.book.ordersReceived = 5;
    journal.record();
    expect(decoded()).toMatchObject({ seq: 1, lines: 1, book: { ordersReceived: 5 } });
  });

  it('drops a torn last line with a warning, cuts the file back to the good lines, and the next line follows them', () => {
    const book = emptyState('b', 1_000_000);
    const journal = BookJournal.start(path, book, { fsync: false }, logger());
    newOrder(book);
    journal.record();
    const before = copy(book);
    const good = statSync(path).size;
    newOrder(book);
    journal.record();
    const whole = readFileSync(path, 'utf8');
    writeFileSync(path, whole.slice(0, whole.length - 7));
    const saved = decoded();
    expect(saved).toMatchObject({ book: before, seq: 1, goodBytes: good, torn: expect.stringContaining('last') });
    const resumed = BookJournal.resume(path, saved, { fsync: false }, logger());
    expect(statSync(path).size).toBe(good);
    expect(capture.events('paper.state_torn_line')).toEqual([expect.objectContaining({ level: 'warn', file: path, kept_bytes: good })]);
    newOrder(saved.book);
    resumed.record();
    expect(decoded()).toMatchObject({ seq: 2, lines: 2, torn: null });
  });

  it.each([
    ['a damaged line with lines after it', /line 2 is damaged .* and lines follow it/, (l: string[]) => l.map((x, i) => (i === 2 ? x.replace('"n":2', '"n":7') : x))],
    ['a missing line: a gap in the change numbers', /line 2 is change 3, expected 2: a gap/, (l: string[]) => l.filter((_, i) => i !== 2)],
    ['a line numbered at or below the snapshot it follows', /line 1 is change 1, expected 3: a gap/, (l: string[]) => [l[0]!.replace('"journalSeq":0', '"journalSeq":2'), ...l.slice(1)]],
    ['a snapshot whose journalSeq is no change number', /journalSeq is -1/, (l: string[]) => [l[0]!.replace('"journalSeq":0', '"journalSeq":-1'), ...l.slice(1)]],
    ['a sealed line that adds an order past the end of the list', /an order has seq 9, past the 3 held/, (l: string[]) => [...l, sealLine('{"n":4,"book":{"cashMicros":1,"positions":{},"ordersReceived":0,"marks":{},"fundingCheckedTs":{}},"orders":[{"seq":9}],"fills":[],"funding":[]}')]],
    ['a sealed line that skips a fill', /a fill has seq 5, expected 1/, (l: string[]) => [...l, sealLine('{"n":4,"book":{"cashMicros":1,"positions":{},"ordersReceived":0,"marks":{},"fundingCheckedTs":{}},"orders":[],"fills":[{"seq":5}],"funding":[]}')]],
  ])('refuses the file (it is set aside as corrupt) for %s', (_what, reason, alter) => {
    const book = emptyState('b', 1_000_000);
    const journal = BookJournal.start(path, book, { fsync: false }, logger());
    for (let i = 0; i < 3; i++) {
      newOrder(book);
      journal.record();
    }
    writeFileSync(path, alter(lines()).join('\n'));
    expect(() => decoded()).toThrow(reason);
  });

  it('returns a line whose replay breaks the book (an order id twice) for the defect check to refuse', () => {
    const book = emptyState('b', 1_000_000);
    const journal = BookJournal.start(path, book, { fsync: false }, logger());
    newOrder(book);
    journal.record();
    const twin = { ...book.orders[0]!, seq: 2, venueOrderId: 'b-o2' };
    appendFileSync(path, `\n${sealLine(`{"n":2,"book":${JSON.stringify({ cashMicros: 1, positions: {}, ordersReceived: 2, marks: {}, fundingCheckedTs: {} })},"orders":[${JSON.stringify(twin)}],"fills":[],"funding":[]}`)}`);
    const saved = decoded();
    expect(saved).toMatchObject({ lines: 2, seq: 2 });
    expect(savedBookDefect(saved)).toBe('client order id c1 appears twice');
    expect(saved.book.orders).toHaveLength(2);
  });

  it('folds the journal into a new snapshot once it outgrows the snapshot, so the file stays bounded', () => {
    const book = emptyState('b', 1_000_000_000);
    const journal = BookJournal.start(path, book, { fsync: false, minJournalBytes: 4096 }, logger());
    let snapshots = 0;
    for (let i = 0; i < 400; i++) {
      const o = newOrder(book);
      if (i % 2 === 0) addFill(book, o, 1);
      journal.record();
      const text = readFileSync(path, 'utf8');
      if (!text.includes('\n')) snapshots++;
      const snapshotBytes = Buffer.byteLength(text.split('\n')[0]!);
      // A save that takes the journal past max(min, snapshot) folds it in at once.
      expect(text.length).toBeLessThanOrEqual(snapshotBytes + Math.max(4096, snapshotBytes));
    }
    expect(snapshots).toBeGreaterThan(3);
    expect(JSON.parse(readFileSync(path, 'utf8').split('\n')[0]!).journalSeq).toBeGreaterThan(0);
    expect(decoded()).toMatchObject({ book, seq: 400 });
  });

  it('close() leaves one plain JSON snapshot holding every change, even those no save carried', () => {
    const book = emptyState('b', 1_000_000);
    const journal = BookJournal.start(path, book, { fsync: true }, logger());
    newOrder(book);
    journal.record();
    book.marks['BTC-USD'] = { bid: 1, ask: 2, ts: 3 };
    journal.close();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ ...book, journalSeq: 1 });
  });

  it('a fold that fails after a durable save is logged, not thrown; the file stays good and the next save rewrites it whole', () => {
    const book = emptyState('b', 1_000_000);
    const journal = BookJournal.start(path, book, { fsync: false, minJournalBytes: 0 }, logger());
    const closed = newOrder(book, 'filled');
    journal.record();
    // A closed order is in every snapshot and in no line: failing to serialise it fails only the fold.
    Object.defineProperty(closed, 'toJSON', { configurable: true, value: () => { throw new Error('no space left'); } });
    let saves = 0;
    while (capture.events('paper.state_compaction_failed').length === 0 && saves < 20) {
      book.ordersReceived++;
      journal.record();
      saves++;
    }
    expect(capture.events('paper.state_compaction_failed')).toEqual([expect.objectContaining({ level: 'warn', file: path, error: 'no space left' })]);
    expect(decoded()).toMatchObject({ seq: 1 + saves, book: { ordersReceived: book.ordersReceived } });
    book.ordersReceived++;
    expect(() => journal.record()).toThrow('no space left');
    delete (closed as { toJSON?: unknown }).toJSON;
    journal.record();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ ...book, journalSeq: 1 + saves });
  });

  it('after a failed append rewrites the whole file at the next save instead of appending after an unknown tail', () => {
    const book = emptyState('b', 1_000_000);
    const journal = BookJournal.start(path, book, { fsync: false }, logger());
    rmSync(path);
    newOrder(book);
    expect(() => journal.record()).toThrow(/ENOENT/);
    newOrder(book);
    journal.record();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ ...book, journalSeq: 0 });
  });
});

/** Changes a venue makes, as the journal sees them: closed orders are never touched again. */
const step = fc.oneof(
  fc.record({ kind: fc.constant('place' as const), rejected: fc.boolean() }),
  fc.record({ kind: fc.constant('fill' as const), pick: fc.nat(), quantity: fc.constantFrom(0.25, 0.5, 1) }),
  fc.record({ kind: fc.constant('close' as const), pick: fc.nat(), status: fc.constantFrom('canceled' as const, 'expired' as const) }),
  fc.record({ kind: fc.constant('touch' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('funding' as const), amount: fc.integer({ min: -5000, max: 5000 }) }),
  fc.record({ kind: fc.constant('mark' as const), bid: fc.integer({ min: 1, max: 1000 }) }),
  fc.record({ kind: fc.constant('save' as const) }),
  fc.record({ kind: fc.constant('compact' as const) }),
);
type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

function apply(book: BookState, s: Step): void {
  const open = book.orders.filter((o) => o.status === 'open' || o.status === 'partially_filled');
  const target = open.length > 0 && 'pick' in s ? open[s.pick % open.length]! : null;
  if (s.kind === 'place') newOrder(book, s.rejected ? 'rejected' : 'open');
  else if (s.kind === 'fill' && target) addFill(book, target, Math.min(s.quantity, target.quantity - target.filledQuantity));
  else if (s.kind === 'close' && target) target.status = s.status;
  else if (s.kind === 'touch' && target) [target.arrived, target.resting, target.updatedAt] = [true, !target.resting, target.updatedAt + 1];
  else if (s.kind === 'funding') {
    const seq = book.funding.length + 1;
    book.funding.push({ seq, reference: `${book.bookId}-funding-${seq}`, instrument: 'BTC-PERP', ts: seq, rate: 0.0001, markPrice: 100, positionQuantity: 1, amountUsd: s.amount / 1e6 });
    book.cashMicros += s.amount;
  } else if (s.kind === 'mark') book.marks['BTC-USD'] = { bid: s.bid, ask: s.bid + 1, ts: s.bid };
}

describe('the journal as a whole', () => {
  it('any run of changes, saves and compactions decodes to the book as of the last save, and any prefix of the file to the book as of a save', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60, size: 'max' }), fc.constantFrom(0, 600, 1 << 20), (steps, minJournalBytes) => {
        rmSync(path, { force: true });
        const book = emptyState('p', 1_000_000_000);
        const journal = BookJournal.start(path, book, { fsync: false, minJournalBytes }, logger());
        const asOfSeq = new Map<number, BookState>([[0, copy(book)]]);
        let lastSaved = copy(book);
        for (const s of steps) {
          apply(book, s);
          if (s.kind === 'save' || s.kind === 'compact') {
            if (s.kind === 'save') journal.record();
            else journal.compact();
            lastSaved = copy(book);
            asOfSeq.set(journal.seq, lastSaved);
          }
        }
        const text = readFileSync(path, 'utf8');
        const saved = decodeStateFile(text);
        expect(savedBookDefect(saved)).toBeNull();
        expect(saved.book).toEqual(lastSaved);
        // A copy taken while an append is under way: a snapshot and a prefix of its lines, never a mixed book.
        const snapshotEnd = Buffer.byteLength(text.split('\n')[0]!);
        for (let cut = snapshotEnd; cut <= text.length; cut += Math.max(1, Math.floor((text.length - snapshotEnd) / 17))) {
          const prefix = decodeStateFile(text.slice(0, cut));
          expect(prefix.book).toEqual(asOfSeq.get(prefix.seq));
        }
      }),
      { numRuns: 150 },
    );
  });
});
