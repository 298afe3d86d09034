// What happens to each message a feed receives: parse, drop unusable and duplicates, spot gaps and late ticks, score, stamp, queue.
import type { EventBus } from '../bus.ts';
import type { Clock } from '../clock.ts';
import { BoundedQueue } from './bounded-queue.ts';
import { DataQuality, type DataQualityOptions } from './data-quality.ts';
import { Dedup } from './dedup.ts';
import type { FeedEvents } from './feed-events.ts';
import { type FeedMessage, type MessageParser, type ReceivedMessage, fieldCheck, priceOf } from './feed-message.ts';
import { BarGapDetector, type Observation, SequenceGapDetector } from './gap-detector.ts';
import { ALL_INSTRUMENTS, type Gap, type GapKind, GapTable } from './gap-table.ts';
import { StaleDetector } from './stale-detector.ts';

export interface FeedIngestOptions {
  readonly clock: Clock;
  readonly bus: EventBus<FeedEvents>;
  readonly parse: MessageParser;
  readonly staleAfterMs?: number;
  readonly queueCapacity?: number;
  readonly dedupCapacity?: number;
  readonly quality?: DataQualityOptions;
  readonly backfill?: (gap: Readonly<Gap>, signal: AbortSignal) => Promise<readonly FeedMessage[]>;
  readonly maxBackfillAttempts?: number;
  readonly sequenceResetsOnConnect?: boolean;
  /** Aborted when the feed stops; handed to the backfill hook so a slow fetch can give up. */
  readonly signal: AbortSignal;
}

export class FeedIngest {
  readonly stale: StaleDetector;
  readonly queue: BoundedQueue<ReceivedMessage>;
  readonly dedup: Dedup;
  readonly quality: DataQuality;
  readonly gaps = new GapTable();
  readonly counts = { received: 0, delivered: 0, heartbeats: 0, outOfOrder: 0, invalid: 0, parseErrors: 0 };
  lastMessageAt: number | null = null;
  lastHeartbeatAt: number | null = null;
  readonly #o: FeedIngestOptions;
  readonly #seqGaps = new SequenceGapDetector();
  readonly #barGaps = new BarGapDetector();
  readonly #lastSourceTs = new Map<string, number>();
  readonly #backfilling = new Set<number>();
  #backfillChain: Promise<void> = Promise.resolve();
  #onQueued: () => void = () => {};

  constructor(options: FeedIngestOptions) {
    this.#o = options;
    this.stale = new StaleDetector(options.staleAfterMs ?? 10_000);
    this.queue = new BoundedQueue(options.queueCapacity ?? 10_000);
    this.dedup = new Dedup(options.dedupCapacity ?? 10_000);
    this.quality = new DataQuality(options.quality);
  }

  /** Called after each message is queued (the feed wakes a waiting consumer). */
  onQueued(fn: () => void): void {
    this.#onQueued = fn;
  }

  /** A new connection delivered its first message. */
  newConnection(): void {
    if (this.#o.sequenceResetsOnConnect) this.#seqGaps.reset();
  }

  /** One payload off the wire, from connection number `connection`. */
  raw(raw: string, connection: number): void {
    const now = this.#o.clock.now();
    this.counts.received++;
    this.lastMessageAt = now;
    let parsed: ReturnType<MessageParser>;
    try {
      parsed = this.#o.parse(raw);
    } catch (err) {
      this.counts.parseErrors++;
      this.#o.bus.emit('problem', { code: 'FEED_MESSAGE_UNREADABLE', message: `${(err as Error).message}: ${raw.slice(0, 200)}` });
      return;
    }
    const list: readonly FeedMessage[] = parsed === null ? [] : Array.isArray(parsed) ? parsed : [parsed as FeedMessage];
    for (const m of list) this.#ingest(m, now, connection, false);
  }

  recordGap(instrument: string, kind: GapKind, start: number, end: number, detectedAt = this.#o.clock.now(), size = 0): void {
    const gap = this.gaps.record({ instrument, kind, start, end, detectedAt }, size);
    this.#o.bus.emit('gap', { ...gap });
    this.scheduleBackfill(gap);
  }

  /** Backfills run one at a time, in the order gaps were found; a gap already in flight is not asked for twice. */
  scheduleBackfill(gap: Gap): void {
    const hook = this.#o.backfill;
    if (!hook) {
      this.gaps.unrecoverable(gap, this.#o.clock.now());
      return;
    }
    if (this.#backfilling.has(gap.id)) return;
    this.#backfilling.add(gap.id);
    this.#backfillChain = this.#backfillChain.then(async () => {
      try {
        // Late messages may have filled it while it waited its turn.
        if (gap.status !== 'open') return;
        const messages = await hook({ ...gap }, this.#o.signal);
        const now = this.#o.clock.now();
        const recovered = messages.filter((m) => this.#ingest(m, now, 0, true)).length;
        this.gaps.backfilled(gap, recovered, now);
        this.#o.bus.emit('backfilled', { ...gap });
      } catch (err) {
        const why = (err as Error).message;
        this.gaps.failed(gap, why, this.#o.clock.now(), this.#o.maxBackfillAttempts ?? 3);
        this.#o.bus.emit('problem', { code: 'FEED_BACKFILL_FAILED', message: `backfill of gap ${gap.id} (${gap.kind} ${gap.start}..${gap.end}) failed: ${why}` });
      } finally {
        this.#backfilling.delete(gap.id);
      }
    });
  }

  /** Resolves when every backfill started so far (and any they started) has finished. */
  async backfillsSettled(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.#backfillChain;
      await seen;
    } while (seen !== this.#backfillChain);
  }

  /** Judges one message and queues it; false when it was dropped (heartbeat, unusable, duplicate). */
  #ingest(m: FeedMessage, now: number, connection: number, backfill: boolean): boolean {
    if (m.kind === 'heartbeat') {
      this.counts.heartbeats++;
      this.lastHeartbeatAt = now;
      return false;
    }
    const fields = fieldCheck(m);
    if (fields.unusable.length > 0) {
      this.counts.invalid++;
      this.quality.record(m.instrument, { missingFields: fields.unusable });
      return false;
    }
    const id = this.#dedupId(m, connection);
    if (id !== undefined && this.dedup.isDuplicate(m.instrument, id)) return false;
    const outOfOrder = !backfill && this.#checkOrder(m, now);
    if (outOfOrder) this.counts.outOfOrder++;
    const price = priceOf(m);
    const outlier = price !== undefined && this.quality.observePrice(m.instrument, price).outlier;
    this.quality.record(m.instrument, { outlier, missingFields: fields.missing });
    // Backfilled data is old by definition: it must not make a silent feed look fresh.
    if (!backfill) this.#touch(m.instrument, now);
    const received: ReceivedMessage = { ...m, receiveTs: now, connection: backfill ? 0 : connection, outOfOrder, outlier, backfill };
    const dropped = this.queue.push(received);
    this.counts.delivered++;
    if (dropped) this.#o.bus.emit('overflow', { dropped, overflows: this.queue.overflows });
    this.#o.bus.emit('message', received);
    this.#onQueued();
    return true;
  }

  #touch(instrument: string, now: number): void {
    for (const key of [instrument, ALL_INSTRUMENTS]) {
      const t = this.stale.touch(key, now);
      if (t) this.#o.bus.emit('fresh', { instrument: t.key, ageMs: t.ageMs });
    }
  }

  #dedupId(m: FeedMessage, connection: number): string | undefined {
    if (m.tradeId !== undefined) return `${m.kind}:id:${m.tradeId}`;
    if (m.seq !== undefined) return `${m.kind}:seq:${this.#o.sequenceResetsOnConnect ? `${connection}:` : ''}${m.seq}`;
    if (m.kind === 'bar' && m.bar) return `bar:${m.bar.ts}`;
    return undefined;
  }

  /** Records gaps; true when the message arrived behind a newer one. */
  #checkOrder(m: FeedMessage, now: number): boolean {
    let late = false;
    const note = (kind: GapKind, o: Observation, position: number, step: number) => {
      if (o.status === 'gap') this.recordGap(m.instrument, kind, o.from, o.to, now, (o.to - o.from) / step + 1);
      if (o.status !== 'late') return;
      late = true;
      const filled = this.gaps.arrivedLate(m.instrument, kind, position, now);
      if (filled) this.#o.bus.emit('filled', { ...filled });
    };
    if (m.seq !== undefined) note('sequence', this.#seqGaps.observe(m.instrument, m.seq), m.seq, 1);
    if (m.kind === 'bar' && m.bar) note('bars', this.#barGaps.observe(m.instrument, m.bar.ts, m.bar.periodMs), m.bar.ts, m.bar.periodMs);
    if (m.seq === undefined && m.sourceTs !== undefined) {
      const last = this.#lastSourceTs.get(m.instrument);
      if (last !== undefined && m.sourceTs < last) late = true;
      else this.#lastSourceTs.set(m.instrument, m.sourceTs);
    }
    return late;
  }
}
