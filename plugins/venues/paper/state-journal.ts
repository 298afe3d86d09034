// The paper venue's journal: one checksummed JSON line per change, appended after the snapshot in the state file, replayed on load, folded into a new snapshot as it grows.
import { createHash } from 'node:crypto';
import { closeSync, fdatasyncSync, openSync, truncateSync } from 'node:fs';
import type { PluginLogger } from '../../../engine/plugins/plugin-api.ts';
import { isOpen } from './account.ts';
import { type BookState, type OrderRecord, stateDefect } from './book-state.ts';
import { writeFully, writeStateAtomic } from './state-file.ts';

/**
 * The state file is the snapshot (the whole book as one JSON object, the format saved before there was a journal,
 * plus `journalSeq`: the last change it includes), then one line per change since, each starting with a newline.
 * Snapshot and journal share the file so that no reader, such as `engine report` copying the folder while a session
 * runs, can pair a snapshot with another snapshot's journal: it gets one inode, a snapshot and a prefix of its lines.
 */
export const JOURNAL_EVENTS = { tornLine: 'paper.state_torn_line', compactionFailed: 'paper.state_compaction_failed' } as const;

/** The journal may grow to the snapshot's size, and at least this, before it is folded into a new snapshot. */
export const MIN_JOURNAL_BYTES = 1 << 20;

/** The book's fields that are not lists: every line carries them whole, as they are small. */
const WHOLE_FIELDS = ['cashMicros', 'positions', 'ordersReceived', 'marks', 'fundingCheckedTs'] as const;
/** Set when the book is made and never changed: the snapshot holds them. */
const FIXED_FIELDS = ['version', 'bookId'] as const;
type ListField = 'orders' | 'fills' | 'funding';
// A field added to BookState but not journaled would be lost at every restart: this fails to compile instead.
type Unjournaled = Exclude<keyof BookState, (typeof WHOLE_FIELDS)[number] | (typeof FIXED_FIELDS)[number] | ListField>;
const everyFieldJournaled: [Unjournaled] extends [never] ? true : Unjournaled = true;
void everyFieldJournaled;

const SUM_HEX = 16;
const SUM_HEAD = ',"sum":"';
const SUM_TAIL_LENGTH = SUM_HEAD.length + SUM_HEX + 2;

function sumOf(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, SUM_HEX);
}

/** A line is its JSON object with the checksum of that object's text as a last field, so it stays a JSON line. */
export function sealLine(body: string): string {
  return `${body.slice(0, -1)}${SUM_HEAD}${sumOf(body)}"}`;
}

/** The object a line holds, or null when it is torn, altered or not one of ours. */
export function openLine(line: string): unknown {
  const tail = line.slice(-SUM_TAIL_LENGTH);
  if (line.length < SUM_TAIL_LENGTH + 2 || !tail.startsWith(SUM_HEAD) || !tail.endsWith('"}')) return null;
  const body = `${line.slice(0, -SUM_TAIL_LENGTH)}}`;
  if (sumOf(body) !== tail.slice(SUM_HEAD.length, SUM_HEAD.length + SUM_HEX)) return null;
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

export interface SavedBook {
  readonly book: BookState;
  /** The last change the book includes: the snapshot's journalSeq, or the last good line's number. */
  readonly seq: number;
  readonly lines: number;
  readonly snapshotBytes: number;
  /** The snapshot and the good lines: where the next line goes. */
  readonly goodBytes: number;
  readonly fileBytes: number;
  /** Why the last line was dropped (an append the process died inside), or null. */
  readonly torn: string | null;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function appendAll(list: { seq: number }[], items: unknown, what: string): void {
  if (!Array.isArray(items)) throw new Error(`its ${what} are not a list`);
  for (const item of items) {
    if (!isObj(item) || item['seq'] !== list.length + 1) throw new Error(`a ${what} has seq ${String(isObj(item) ? item['seq'] : item)}, expected ${list.length + 1}`);
    list.push(item as { seq: number });
  }
}

/** Orders are replaced by seq or appended at the next one; fills and funding only appended. */
function applyChange(book: BookState, change: Record<string, unknown>): void {
  const fields = change['book'];
  if (!isObj(fields)) throw new Error('it has no book fields');
  for (const k of WHOLE_FIELDS) {
    if (!(k in fields)) throw new Error(`its book fields lack ${k}`);
    (book as unknown as Record<string, unknown>)[k] = fields[k];
  }
  const orders = change['orders'];
  if (!Array.isArray(orders)) throw new Error('its orders are not a list');
  for (const o of orders) {
    const seq = isObj(o) ? o['seq'] : undefined;
    if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1 || seq > book.orders.length + 1) throw new Error(`an order has seq ${String(seq)}, past the ${book.orders.length} held`);
    book.orders[seq - 1] = o as unknown as OrderRecord;
  }
  appendAll(book.fills, change['fills'], 'fill');
  appendAll(book.funding, change['funding'], 'funding payment');
}

/**
 * The state file's text as the book it describes (`readState`'s decoder). Throws, so the file is set aside as
 * corrupt, when a line other than the last is damaged or a change number is not the one after the last: a gap.
 * A damaged last line is the append a crash interrupted, before the venue answered its caller: it is dropped.
 */
export function decodeStateFile(text: string): SavedBook {
  const segments = text.split('\n');
  const snapshot = segments[0]!;
  const { journalSeq = 0, ...book } = JSON.parse(snapshot) as BookState & { journalSeq?: unknown };
  if (!Number.isSafeInteger(journalSeq) || (journalSeq as number) < 0) throw new Error(`journalSeq is ${String(journalSeq)}, not a change number`);
  const snapshotBytes = Buffer.byteLength(snapshot);
  const saved = { book, seq: journalSeq as number, lines: 0, snapshotBytes, goodBytes: snapshotBytes, fileBytes: Buffer.byteLength(text), torn: null as string | null };
  // A defective snapshot is not replayed onto; the defect check reports it in its own words.
  if (stateDefect(book) !== null) return saved;
  for (let i = 1; i < segments.length; i++) {
    const change = openLine(segments[i]!);
    if (!isObj(change)) {
      if (i < segments.length - 1) throw new Error(`journal line ${i} is damaged (checksum or JSON) and lines follow it`);
      saved.torn = `journal line ${i} is damaged (checksum or JSON) and is the last: an interrupted append`;
      break;
    }
    if (change['n'] !== saved.seq + 1) throw new Error(`journal line ${i} is change ${String(change['n'])}, expected ${saved.seq + 1}: a gap`);
    try {
      applyChange(book, change);
    } catch (err) {
      throw new Error(`journal line ${i} (change ${saved.seq + 1}): ${(err as Error).message}`);
    }
    saved.seq++;
    saved.lines++;
    saved.goodBytes += 1 + Buffer.byteLength(segments[i]!);
  }
  return saved;
}

/** The defect check `readState` applies to a decoded file: the replayed book must be one the venue can trust. */
export function savedBookDefect(value: unknown): string | null {
  return stateDefect((value as SavedBook).book);
}

export interface JournalOptions {
  readonly fsync: boolean;
  readonly minJournalBytes?: number;
}

/**
 * Writes the book's changes. A save appends one line holding the whole-book fields, the orders that are new or
 * changed, and the new fills and funding payments, so its cost follows what changed, not the book's size. Only an
 * order open at the last save or placed since can have changed: the venue never touches a closed one again.
 */
export class BookJournal {
  readonly #path: string;
  readonly #book: BookState;
  readonly #fsync: boolean;
  readonly #minJournalBytes: number;
  readonly #logger: PluginLogger;
  #fd: number | null = null;
  #seq: number;
  #fileBytes: number;
  #snapshotBytes: number;
  /** After a failed append the file's tail is unknown: the next save rewrites the whole file instead. */
  #damaged = false;
  #ordersSaved = 0;
  #fillsSaved = 0;
  #fundingSaved = 0;
  /** The orders open at the last save, by seq, with the JSON then saved: a change shows as a different text. */
  #open = new Map<number, string>();

  private constructor(path: string, book: BookState, options: JournalOptions, logger: PluginLogger, at: { seq: number; fileBytes: number; snapshotBytes: number }) {
    this.#path = path;
    this.#book = book;
    this.#fsync = options.fsync;
    this.#minJournalBytes = options.minJournalBytes ?? MIN_JOURNAL_BYTES;
    this.#logger = logger;
    this.#seq = at.seq;
    this.#fileBytes = at.fileBytes;
    this.#snapshotBytes = at.snapshotBytes;
    this.#settle();
  }

  /** A new book: its first snapshot is written at once. */
  static start(path: string, book: BookState, options: JournalOptions, logger: PluginLogger): BookJournal {
    const journal = new BookJournal(path, book, options, logger, { seq: 0, fileBytes: 0, snapshotBytes: 0 });
    journal.compact();
    return journal;
  }

  /** Continues a decoded file; a torn last line is cut off first, so the next line follows a good one. */
  static resume(path: string, saved: SavedBook, options: JournalOptions, logger: PluginLogger): BookJournal {
    if (saved.torn !== null) {
      truncateSync(path, saved.goodBytes);
      logger.warn({ event: JOURNAL_EVENTS.tornLine, file: path, reason: saved.torn, kept_bytes: saved.goodBytes, dropped_bytes: saved.fileBytes - saved.goodBytes }, 'dropped the torn last line of the paper venue journal');
    }
    return new BookJournal(path, saved.book, options, logger, { seq: saved.seq, fileBytes: saved.goodBytes, snapshotBytes: saved.snapshotBytes });
  }

  get seq(): number {
    return this.#seq;
  }

  /** Makes what changed since the last save durable (fdatasync when fsync is on) before returning. */
  record(): void {
    if (this.#damaged) {
      this.compact();
      return;
    }
    const { written, open } = this.#changedOrders();
    const book = this.#book;
    const n = this.#seq + 1;
    const whole = JSON.stringify(Object.fromEntries(WHOLE_FIELDS.map((k) => [k, book[k]])));
    const fills = JSON.stringify(book.fills.slice(this.#fillsSaved));
    const funding = JSON.stringify(book.funding.slice(this.#fundingSaved));
    this.#append(`\n${sealLine(`{"n":${n},"book":${whole},"orders":[${written.join(',')}],"fills":${fills},"funding":${funding}}`)}`);
    this.#seq = n;
    this.#open = open;
    this.#ordersSaved = book.orders.length;
    this.#fillsSaved = book.fills.length;
    this.#fundingSaved = book.funding.length;
    // Folding in when the journal outgrows the snapshot bounds the file and keeps the rewrite's cost per change O(1).
    if (this.#fileBytes - this.#snapshotBytes > Math.max(this.#minJournalBytes, this.#snapshotBytes)) this.#compactAfterSave();
  }

  /** The change is already durable in its line: a failed fold must not fail the call that made it; the next save retries. */
  #compactAfterSave(): void {
    try {
      this.compact();
    } catch (err) {
      this.#logger.warn({ event: JOURNAL_EVENTS.compactionFailed, file: this.#path, error: (err as Error).message }, 'could not fold the paper venue journal into a new snapshot; the next save rewrites the whole file');
    }
  }

  /** Writes the whole book as the new snapshot (temp file, rename), which drops the journal lines it includes. */
  compact(): void {
    this.#closeFd();
    // Until the new snapshot is known to be in place, the file's length is not: appending at a stale end could leave a hole.
    this.#damaged = true;
    this.#snapshotBytes = writeStateAtomic(this.#path, { ...this.#book, journalSeq: this.#seq }, this.#fsync);
    this.#fileBytes = this.#snapshotBytes;
    this.#damaged = false;
    this.#settle();
  }

  /** Folds the journal into the snapshot, so a closed venue leaves the plain whole-book file, and lets the file go. */
  close(): void {
    this.compact();
  }

  #settle(): void {
    const book = this.#book;
    this.#ordersSaved = book.orders.length;
    this.#fillsSaved = book.fills.length;
    this.#fundingSaved = book.funding.length;
    this.#open = new Map(book.orders.filter(isOpen).map((o) => [o.seq, JSON.stringify(o)]));
  }

  #changedOrders(): { written: string[]; open: Map<number, string> } {
    const orders = this.#book.orders;
    const written: string[] = [];
    const open = new Map<number, string>();
    const consider = (o: OrderRecord) => {
      const json = JSON.stringify(o);
      if (json !== this.#open.get(o.seq)) written.push(json);
      if (isOpen(o)) open.set(o.seq, json);
    };
    for (const seq of this.#open.keys()) consider(orders[seq - 1]!);
    for (let i = this.#ordersSaved; i < orders.length; i++) consider(orders[i]!);
    return { written, open };
  }

  /** Writes at the known end rather than O_APPEND, and never creates the file: a journal line without its snapshot is no state. */
  #append(text: string): void {
    const bytes = Buffer.from(text);
    try {
      this.#fd ??= openSync(this.#path, 'r+');
      writeFully(this.#fd, bytes, this.#fileBytes);
      if (this.#fsync) fdatasyncSync(this.#fd);
    } catch (err) {
      this.#damaged = true;
      throw err;
    }
    this.#fileBytes += bytes.length;
  }

  #closeFd(): void {
    if (this.#fd === null) return;
    const fd = this.#fd;
    this.#fd = null;
    closeSync(fd);
  }
}
