// The robustness layer every streaming feed goes through: reconnect with back-off, one subscribe per fresh connection, health facts, a consumer queue.
import { EventBus } from '../bus.ts';
import type { Clock } from '../clock.ts';
import { Backoff, type BackoffOptions } from './backoff.ts';
import type { DataQualityOptions } from './data-quality.ts';
import type { FeedEvents } from './feed-events.ts';
import { FeedIngest } from './feed-ingest.ts';
import type { FeedMessage, MessageParser, ReceivedMessage } from './feed-message.ts';
import type { FeedTransport, TransportConnection } from './feed-transport.ts';
import { ALL_INSTRUMENTS, type Gap } from './gap-table.ts';
import type { RandomSource } from './seeded-random.ts';
import type { Sleep } from './sleep.ts';

export type { FeedEvents } from './feed-events.ts';

export interface RobustFeedOptions {
  readonly transport: FeedTransport;
  readonly parse: MessageParser;
  readonly instruments: readonly string[];
  readonly clock: Clock;
  readonly sleep: Sleep;
  readonly random: RandomSource;
  readonly backoff?: Omit<BackoffOptions, 'random'>;
  /** No data for this long makes an instrument (and, for all of them, the feed) stale. */
  readonly staleAfterMs?: number;
  /** Messages kept for the consumer; beyond it the oldest are dropped and counted. */
  readonly queueCapacity?: number;
  readonly dedupCapacity?: number;
  readonly quality?: DataQualityOptions;
  /**
   * Fetches what a gap missed (usually over REST, through a RateLimiter); without it gaps are recorded
   * as unrecoverable. Called when a gap is found and again for open gaps after every reconnect; the
   * signal aborts when the feed stops, and stop() waits for the hook to return.
   */
  readonly backfill?: (gap: Readonly<Gap>, signal: AbortSignal) => Promise<readonly FeedMessage[]>;
  readonly maxBackfillAttempts?: number;
  /** For venues whose sequence numbers restart on every connection. */
  readonly sequenceResetsOnConnect?: boolean;
  /** How often the feed checks itself for staleness on a timer; 0 when the caller calls checkHealth() every tick. */
  readonly healthCheckIntervalMs?: number;
}

/** The `feed.*` facts and the data quality score for one instrument, fail-closed. */
export interface FeedFacts {
  readonly age_ms: number;
  readonly stale: boolean;
  readonly gap_open: boolean;
  /** 0 until the first message has been judged. */
  readonly data_quality_score: number;
}

export interface FeedStats {
  readonly connected: boolean;
  readonly connections: number;
  readonly reconnectAttempts: number;
  readonly subscribes: number;
  /** Raw payloads received from the transport. */
  readonly received: number;
  readonly delivered: number;
  readonly heartbeats: number;
  readonly duplicates: number;
  readonly outOfOrder: number;
  readonly invalid: number;
  readonly parseErrors: number;
  readonly overflows: number;
  readonly queueDepth: number;
  readonly outliers: number;
  readonly missingFields: number;
  readonly gapsTotal: number;
  readonly gapsOpen: number;
  readonly lastMessageAt: number | null;
  readonly lastHeartbeatAt: number | null;
}

export class RobustFeed {
  readonly #o: RobustFeedOptions;
  readonly #bus = new EventBus<FeedEvents>();
  readonly #backoff: Backoff;
  readonly #in: FeedIngest;
  readonly #abort = new AbortController();
  readonly #createdAt: number;
  #run: Promise<void> | null = null;
  #conn: TransportConnection | null = null;
  #connections = 0;
  #reconnectAttempts = 0;
  #subscribes = 0;
  #dataConnection = 0;
  #disconnectedAt: number | null = null;
  #waiter: (() => void) | null = null;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: RobustFeedOptions) {
    this.#o = options;
    this.#backoff = new Backoff({ ...options.backoff, random: options.random });
    this.#in = new FeedIngest({ ...options, bus: this.#bus, signal: this.#abort.signal });
    this.#in.onQueued(() => this.#wake());
    this.#createdAt = options.clock.now();
  }

  on<K extends keyof FeedEvents>(event: K, listener: (payload: FeedEvents[K]) => void): () => void {
    return this.#bus.on(event, listener);
  }

  once<K extends keyof FeedEvents>(event: K, accept?: (payload: FeedEvents[K]) => boolean): Promise<FeedEvents[K]> {
    return this.#bus.once(event, accept);
  }

  /** Starts connecting in the background; events tell what happens. */
  start(): void {
    if (this.#run) return;
    const now = this.#o.clock.now();
    for (const key of [ALL_INSTRUMENTS, ...this.#o.instruments]) this.#in.stale.watch(key, now);
    const every = this.#o.healthCheckIntervalMs ?? 1_000;
    if (every > 0) this.#timer = setInterval(() => this.checkHealth(), every).unref();
    this.#run = this.#loop();
  }

  /** Closes the connection, stops reconnecting, lets a running backfill finish, and wakes any waiting consumer. */
  async stop(): Promise<void> {
    this.#abort.abort();
    clearInterval(this.#timer);
    this.#conn?.close();
    await this.#run;
    await this.#in.backfillsSettled();
    this.#wake();
  }

  /** Announces instruments (or the whole feed, '*') that went stale since the last check. */
  checkHealth(): void {
    for (const t of this.#in.stale.check(this.#o.clock.now())) this.#bus.emit('stale', { instrument: t.key, ageMs: t.ageMs });
  }

  facts(instrument: string): FeedFacts {
    const now = this.#o.clock.now();
    return {
      age_ms: this.#in.stale.ageMs(instrument, now) ?? Math.max(0, now - this.#createdAt),
      stale: this.#in.stale.isStale(instrument, now),
      gap_open: this.#in.gaps.hasOpen(instrument),
      data_quality_score: this.#in.quality.score(instrument) ?? 0,
    };
  }

  stats(): FeedStats {
    const i = this.#in;
    return {
      ...i.counts,
      connected: this.#conn !== null,
      connections: this.#connections,
      reconnectAttempts: this.#reconnectAttempts,
      subscribes: this.#subscribes,
      duplicates: i.dedup.duplicates,
      overflows: i.queue.overflows,
      queueDepth: i.queue.size,
      outliers: i.quality.outliers,
      missingFields: i.quality.missing,
      gapsTotal: i.gaps.total,
      gapsOpen: i.gaps.open().length,
      lastMessageAt: i.lastMessageAt,
      lastHeartbeatAt: i.lastHeartbeatAt,
    };
  }

  /** The recorded gap table, oldest first. */
  gaps(): Gap[] {
    return this.#in.gaps.rows();
  }

  /** Resolves when every backfill started so far has finished. */
  backfillsSettled(): Promise<void> {
    return this.#in.backfillsSettled();
  }

  poll(): ReceivedMessage | undefined {
    return this.#in.queue.shift();
  }

  drain(max?: number): ReceivedMessage[] {
    return this.#in.queue.drain(max);
  }

  /** The next queued message, waiting for one; null once the feed is stopped and empty. */
  async next(): Promise<ReceivedMessage | null> {
    for (;;) {
      const m = this.#in.queue.shift();
      if (m) return m;
      if (this.#abort.signal.aborted) return null;
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
      });
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ReceivedMessage> {
    for (let m = await this.next(); m; m = await this.next()) yield m;
  }

  async #loop(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      const id = this.#connections + 1;
      let onClose!: (reason: string) => void;
      const closed = new Promise<string>((resolve) => {
        onClose = resolve;
      });
      let conn: TransportConnection;
      try {
        conn = await this.#o.transport.connect({ onMessage: (raw) => this.#onRaw(raw, id), onClose: (reason) => onClose(reason) });
      } catch (err) {
        const reason = (err as Error).message;
        this.#bus.emit('problem', { code: 'FEED_CONNECT_FAILED', message: reason });
        await this.#waitBeforeReconnect(reason);
        continue;
      }
      if (signal.aborted) {
        conn.close();
        break;
      }
      this.#connected(conn, id);
      const reason = await closed;
      this.#conn = null;
      this.#disconnectedAt = this.#o.clock.now();
      this.#bus.emit('disconnected', { connection: id, reason });
      if (!signal.aborted) await this.#waitBeforeReconnect(reason);
    }
  }

  /** A fresh connection: subscribe exactly once on it, then recover what the outage missed. */
  #connected(conn: TransportConnection, id: number): void {
    this.#conn = conn;
    this.#connections = id;
    conn.subscribe(this.#o.instruments);
    this.#subscribes++;
    this.#bus.emit('connected', { connection: id, reconnect: id > 1 });
    this.#bus.emit('subscribed', { connection: id, instruments: this.#o.instruments });
    if (this.#disconnectedAt !== null) {
      this.#in.recordGap(ALL_INSTRUMENTS, 'disconnect', this.#disconnectedAt, this.#o.clock.now());
      this.#disconnectedAt = null;
      for (const gap of this.#in.gaps.open()) this.#in.scheduleBackfill(gap);
    }
  }

  async #waitBeforeReconnect(reason: string): Promise<void> {
    const delayMs = this.#backoff.next();
    this.#reconnectAttempts++;
    this.#bus.emit('reconnecting', { attempt: this.#reconnectAttempts, delayMs, reason });
    await this.#o.sleep(delayMs, this.#abort.signal);
  }

  #onRaw(raw: string, connection: number): void {
    if (connection !== this.#dataConnection) {
      // Data on a connection proves it works: only now may the back-off start over. Resetting on
      // connect alone would let a server that accepts and drops at once be hammered at the base delay.
      this.#dataConnection = connection;
      this.#backoff.reset();
      this.#in.newConnection();
    }
    this.#in.raw(raw, connection);
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = null;
    w?.();
  }
}
