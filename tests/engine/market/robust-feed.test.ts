// Specs for the robust feed against a real local WebSocket server that drops, refuses, freezes, floods, repeats, reorders and skips.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { Backoff } from '../../../engine/market/backoff.ts';
import type { FeedMessage, ReceivedMessage } from '../../../engine/market/feed-message.ts';
import { type FeedEvents, RobustFeed, type RobustFeedOptions } from '../../../engine/market/robust-feed.ts';
import { seededRandom } from '../../../engine/market/seeded-random.ts';
import { advancingSleep } from '../../../engine/market/sleep.ts';
import { webSocketTransport } from '../../../engine/market/ws-transport.ts';
import { LocalFeedServer, type WireTrade, parseWire, subscribeWire, trade } from '../../helpers/local-feed-server.ts';

const SEED = 2018;
const BACKOFF = { baseMs: 100, factor: 2, capMs: 2_000, jitter: 0.5 } as const;
const T0 = 1_522_800_000_000;

/** Waits for an I/O event with a generous limit, so a lost event fails the test instead of hanging it. */
async function within<T>(promise: Promise<T>, what: string, ms = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

let server: LocalFeedServer;
const feeds: RobustFeed[] = [];

beforeEach(async () => {
  server = await LocalFeedServer.start();
});

afterEach(async () => {
  for (const f of feeds.splice(0)) await f.stop();
  await server.close();
});

function makeFeed(overrides: Partial<RobustFeedOptions> = {}) {
  const clock = new ManualClock(T0);
  const sleep = advancingSleep(clock);
  const feed = new RobustFeed({
    transport: webSocketTransport({ url: server.url, subscribeMessage: subscribeWire, pingIntervalMs: 0 }),
    parse: parseWire,
    instruments: ['BTC-USD'],
    clock,
    sleep,
    random: seededRandom(SEED),
    backoff: BACKOFF,
    staleAfterMs: 5_000,
    healthCheckIntervalMs: 0,
    ...overrides,
  });
  feeds.push(feed);
  const events: { name: keyof FeedEvents; payload: unknown }[] = [];
  for (const name of ['connected', 'subscribed', 'disconnected', 'reconnecting', 'stale', 'fresh', 'gap', 'backfilled', 'filled', 'problem'] as const) {
    feed.on(name, (payload) => void events.push({ name, payload }));
  }
  return { feed, clock, sleep, events };
}

function seqs(messages: readonly ReceivedMessage[]): (number | undefined)[] {
  return messages.map((m) => m.seq);
}

/** The feed says it subscribed on connection n, and the server has read that request. */
async function subscribedOn(feed: RobustFeed, n: number): Promise<void> {
  await within(feed.once('subscribed', (p) => p.connection === n), `subscription on connection ${n}`);
  await within(server.until(() => (server.connections[n - 1]?.subscribes.length ?? 0) >= 1), `the server to read subscription ${n}`);
}

async function sendAndWait(feed: RobustFeed, messages: readonly WireTrade[]): Promise<void> {
  const last = messages.at(-1)!.seq;
  const arrived = feed.once('message', (m) => m.seq === last);
  server.send(...messages);
  await within(arrived, `seq ${last}`);
}

describe('RobustFeed: drops and reconnects', () => {
  it('reconnects with jittered exponential back-off, subscribing exactly once on each fresh connection', async () => {
    const { feed, sleep } = makeFeed();
    feed.start();
    await subscribedOn(feed, 1);
    await sendAndWait(feed, [trade(1)]);

    const second = subscribedOn(feed, 2);
    server.dropAll();
    await second;
    await sendAndWait(feed, [trade(2)]);

    // The venue now turns every handshake away: each failure waits longer.
    server.refuse = true;
    const afterTwoRefusals = feed.once('reconnecting', (p) => p.attempt === 4);
    server.dropAll();
    await within(afterTwoRefusals, 'two refused reconnects');
    server.refuse = false;
    await subscribedOn(feed, 3);
    await sendAndWait(feed, [trade(3)]);
    // A close frame follows anything the client sent before it: once the server sees it, it has read everything.
    await feed.stop();
    await within(server.until(() => server.current.socket.readyState === server.current.socket.CLOSED), 'the server to see the close');

    // Same seed, same draws: 100 nominal after the first drop; data on connection 2 reset the back-off, so 100, 200, 400 after the second.
    const expected = new Backoff({ ...BACKOFF, random: seededRandom(SEED) });
    const first = expected.next();
    expected.reset();
    expect(sleep.calls).toEqual([first, expected.next(), expected.next(), expected.next()]);
    expect(sleep.calls[1]).toBeGreaterThanOrEqual(50);
    expect(sleep.calls[3]).toBeGreaterThanOrEqual(200);
    expect(sleep.calls[3]).toBeLessThanOrEqual(400);

    expect(server.connections.map((c) => c.subscribes.length)).toEqual([1, 1, 1]);
    expect(server.refused).toBe(2);
    expect(feed.stats()).toMatchObject({ connected: false, connections: 3, reconnectAttempts: 4, subscribes: 3 });
    expect(seqs(feed.drain())).toEqual([1, 2, 3]);
  });

  it('stops reconnecting once stopped, and ends its consumers', async () => {
    const { feed } = makeFeed();
    feed.start();
    await within(feed.once('subscribed'), 'subscription');
    const consumed: ReceivedMessage[] = [];
    const consumer = (async () => {
      for await (const m of feed) consumed.push(m);
    })();
    await sendAndWait(feed, [trade(1), trade(2)]);
    await feed.stop();
    await within(consumer, 'the consumer to end');
    await within(server.until(() => server.connections[0]!.socket.readyState === server.connections[0]!.socket.CLOSED), 'server-side close');
    expect(seqs(consumed)).toEqual([1, 2]);
    expect(server.connections).toHaveLength(1);
    expect(await feed.next()).toBeNull();
    expect(feed.stats().connected).toBe(false);
  });
});

describe('RobustFeed: freezes', () => {
  it('announces stale after N seconds of silence and fresh when data returns, without resubscribing', async () => {
    const { feed, clock, events } = makeFeed({ instruments: ['BTC-USD', 'ETH-USD'] });
    feed.start();
    await subscribedOn(feed, 1);
    await sendAndWait(feed, [trade(1)]);
    expect(feed.facts('BTC-USD')).toMatchObject({ age_ms: 0, stale: false });

    clock.advance(4_999);
    feed.checkHealth();
    expect(events.filter((e) => e.name === 'stale').map((e) => e.payload)).toEqual([]);
    expect(feed.facts('BTC-USD')).toMatchObject({ age_ms: 4_999, stale: false });

    clock.advance(1);
    feed.checkHealth();
    feed.checkHealth();
    expect(events.filter((e) => e.name === 'stale').map((e) => e.payload)).toEqual([
      { instrument: '*', ageMs: 5_000 },
      { instrument: 'BTC-USD', ageMs: 5_000 },
      { instrument: 'ETH-USD', ageMs: 5_000 },
    ]);
    expect(feed.facts('BTC-USD')).toMatchObject({ age_ms: 5_000, stale: true });

    clock.advance(2_000);
    const fresh = feed.once('fresh', (p) => p.instrument === '*');
    await sendAndWait(feed, [trade(2)]);
    await within(fresh, 'fresh');
    expect(events.filter((e) => e.name === 'fresh').map((e) => e.payload)).toEqual([
      { instrument: 'BTC-USD', ageMs: 7_000 },
      { instrument: '*', ageMs: 7_000 },
    ]);
    expect(feed.facts('BTC-USD')).toMatchObject({ age_ms: 0, stale: false });
    expect(feed.facts('ETH-USD')).toMatchObject({ age_ms: 7_000, stale: true });
    expect(feed.facts('SOL-USD').stale).toBe(true);
    await feed.stop();
    await within(server.until(() => server.current.socket.readyState === server.current.socket.CLOSED), 'the server to see the close');
    expect(server.connections.map((c) => c.subscribes.length)).toEqual([1]);
  });

  it('counts heartbeats but does not let them make stale data fresh', async () => {
    const { feed, clock } = makeFeed();
    feed.start();
    await within(feed.once('subscribed'), 'subscription');
    await sendAndWait(feed, [trade(1)]);
    clock.advance(6_000);
    server.send({ type: 'heartbeat' });
    // TCP keeps order: once a later trade of another instrument is in, the heartbeat was handled.
    await sendAndWait(feed, [trade(1, 400, 'ETH-USD')]);
    expect(feed.stats().heartbeats).toBe(1);
    feed.checkHealth();
    expect(feed.stats().lastHeartbeatAt).toBe(T0 + 6_000);
    expect(feed.facts('BTC-USD').stale).toBe(true);
  });
});

describe('RobustFeed: floods', () => {
  it('keeps the newest messages in a bounded queue, dropping the oldest and counting every overflow', async () => {
    const { feed } = makeFeed({ queueCapacity: 100 });
    let overflowEvents = 0;
    let firstDropped: number | undefined;
    feed.on('overflow', (p) => {
      overflowEvents++;
      firstDropped ??= p.dropped.seq;
    });
    feed.start();
    await within(feed.once('subscribed'), 'subscription');
    await sendAndWait(feed, Array.from({ length: 1_000 }, (_, i) => trade(i + 1, 6_800 + (i % 7))));
    expect(feed.stats()).toMatchObject({ delivered: 1_000, overflows: 900, queueDepth: 100 });
    expect(overflowEvents).toBe(900);
    expect(firstDropped).toBe(1);
    const kept = feed.drain();
    expect(seqs(kept)).toEqual(Array.from({ length: 100 }, (_, i) => 901 + i));
  });
});

describe('RobustFeed: duplicates and out-of-order ticks', () => {
  it('drops repeated trade ids, counts them, and flags and counts a tick that arrives behind a newer one', async () => {
    const { feed, events } = makeFeed();
    feed.start();
    await within(feed.once('subscribed'), 'subscription');
    await sendAndWait(feed, [trade(1), trade(2), trade(3), trade(2), trade(3), trade(5), trade(4), trade(6)]);
    const got = feed.drain();
    expect(seqs(got)).toEqual([1, 2, 3, 5, 4, 6]);
    expect(got.filter((m) => m.outOfOrder).map((m) => m.seq)).toEqual([4]);
    expect(feed.stats()).toMatchObject({ duplicates: 2, outOfOrder: 1 });
    // 5 before 4 looked like a gap; 4 arriving late filled it.
    expect(feed.gaps()).toMatchObject([{ instrument: 'BTC-USD', kind: 'sequence', start: 4, end: 4, status: 'filled', remaining: 0 }]);
    expect(events.some((e) => e.name === 'filled')).toBe(true);
  });

  it('stamps every message with its source and receive times', async () => {
    const { feed, clock } = makeFeed();
    feed.start();
    await within(feed.once('subscribed'), 'subscription');
    clock.advance(250);
    await sendAndWait(feed, [trade(1)]);
    const [m] = feed.drain();
    expect(m).toMatchObject({ sourceTs: T0 + 1_000, receiveTs: T0 + 250, connection: 1, backfill: false });
  });
});

describe('RobustFeed: gaps and backfill', () => {
  function restBackfill(calls: { gap: FeedEvents['gap']; connection: number }[], feedRef: { feed?: RobustFeed }) {
    return async (gap: FeedEvents['gap']): Promise<FeedMessage[]> => {
      calls.push({ gap, connection: feedRef.feed!.stats().connections });
      if (gap.kind !== 'sequence') return [];
      const res = await fetch(`${server.restUrl}/trades?product=${gap.instrument}&from=${gap.start}&to=${gap.end}`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return ((await res.json()) as WireTrade[]).map((t) => parseWire(JSON.stringify(t)) as FeedMessage);
    };
  }

  it('records the outage and the skipped sequence numbers, and backfills them over REST after reconnecting', async () => {
    const calls: { gap: FeedEvents['gap']; connection: number }[] = [];
    const ref: { feed?: RobustFeed } = {};
    const { feed } = makeFeed({ backfill: restBackfill(calls, ref) });
    ref.feed = feed;
    server.history.push(...Array.from({ length: 8 }, (_, i) => trade(i + 1)));
    feed.start();
    await within(feed.once('subscribed'), 'subscription');
    await sendAndWait(feed, [trade(1), trade(2), trade(3)]);

    const reconnected = feed.once('subscribed', (p) => p.connection === 2);
    server.dropAll();
    await within(reconnected, 'reconnect');
    const backfilled = feed.once('backfilled', (g) => g.kind === 'sequence');
    await sendAndWait(feed, [trade(7), trade(8)]);
    await within(backfilled, 'the sequence backfill');
    await feed.backfillsSettled();

    expect(calls.map((c) => [c.gap.kind, c.gap.start, c.connection])).toEqual([
      ['disconnect', calls[0]!.gap.start, 2],
      ['sequence', 4, 2],
    ]);
    expect(server.restCalls).toEqual(['/trades?product=BTC-USD&from=4&to=6']);
    const [outage, skipped] = feed.gaps();
    expect(outage).toMatchObject({ instrument: '*', kind: 'disconnect', status: 'backfilled', backfilled: true });
    expect(outage!.end).toBeGreaterThan(outage!.start);
    expect(skipped).toMatchObject({ instrument: 'BTC-USD', kind: 'sequence', start: 4, end: 6, backfilled: true, recovered: 3 });
    expect(feed.facts('BTC-USD').gap_open).toBe(false);

    const got = feed.drain();
    expect([...seqs(got)].sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(got.filter((m) => m.backfill).map((m) => [m.seq, m.connection, m.outOfOrder])).toEqual([
      [4, 0, false],
      [5, 0, false],
      [6, 0, false],
    ]);
  });

  it('keeps a gap open when its backfill fails, and retries it after the next reconnect', async () => {
    const calls: { gap: FeedEvents['gap']; connection: number }[] = [];
    const ref: { feed?: RobustFeed } = {};
    const rest = restBackfill(calls, ref);
    let failNext = true;
    const { feed, events } = makeFeed({
      backfill: async (gap) => {
        if (failNext) {
          failNext = false;
          calls.push({ gap, connection: feed.stats().connections });
          throw new Error('HTTP 503');
        }
        return rest(gap);
      },
    });
    ref.feed = feed;
    server.history.push(...Array.from({ length: 5 }, (_, i) => trade(i + 1)));
    feed.start();
    await within(feed.once('subscribed'), 'subscription');
    const failed = feed.once('problem', (p) => p.code === 'FEED_BACKFILL_FAILED');
    await sendAndWait(feed, [trade(1), trade(4)]);
    await within(failed, 'the failed backfill');
    expect(feed.gaps()).toMatchObject([{ kind: 'sequence', start: 2, end: 3, status: 'open', attempts: 1, lastError: 'HTTP 503' }]);
    expect(feed.facts('BTC-USD').gap_open).toBe(true);

    const retried = feed.once('backfilled', (g) => g.kind === 'sequence');
    server.dropAll();
    await within(retried, 'the retried backfill');
    await feed.backfillsSettled();
    expect(feed.gaps()[0]).toMatchObject({ status: 'backfilled', attempts: 2, recovered: 2, lastError: null });
    expect(feed.facts('BTC-USD').gap_open).toBe(false);
    expect(events.filter((e) => e.name === 'problem')).toHaveLength(1);
  });

  it('records a gap it cannot backfill as unrecoverable, so it does not block forever', async () => {
    const { feed } = makeFeed();
    feed.start();
    await within(feed.once('subscribed'), 'subscription');
    await sendAndWait(feed, [trade(1), trade(9)]);
    expect(feed.gaps()).toMatchObject([{ start: 2, end: 8, status: 'unrecoverable', backfilled: false }]);
    expect(feed.facts('BTC-USD').gap_open).toBe(false);
  });
});

describe('RobustFeed: data quality', () => {
  it('lowers the score with outliers and missing fields, drops unusable messages, and counts garbage', async () => {
    const { feed, events } = makeFeed();
    feed.start();
    await within(feed.once('subscribed'), 'subscription');
    expect(feed.facts('BTC-USD').data_quality_score).toBe(0);
    const calm = Array.from({ length: 60 }, (_, i) => trade(i + 1, 6_800 + (i % 5)));
    await sendAndWait(feed, calm);
    expect(feed.facts('BTC-USD').data_quality_score).toBe(1);

    const spikes = [61, 62, 63, 64, 65].map((s) => trade(s, 9_000));
    const untimed = [66, 67, 68, 69, 70].map((s) => ({ ...trade(s), time: undefined }));
    const priceless = { ...trade(71), price: undefined };
    server.current.socket.send('this is not JSON');
    await sendAndWait(feed, [...spikes, ...untimed, priceless, trade(72)]);

    expect(feed.stats()).toMatchObject({ outliers: 5, missingFields: 6, invalid: 1, parseErrors: 1 });
    expect(feed.facts('BTC-USD').data_quality_score).toBeCloseTo(61 / 72, 10);
    const got = feed.drain();
    expect(got.filter((m) => m.outlier).map((m) => m.seq)).toEqual([61, 62, 63, 64, 65]);
    expect(seqs(got)).not.toContain(71);
    expect(events.find((e) => e.name === 'problem')?.payload).toMatchObject({ code: 'FEED_MESSAGE_UNREADABLE' });
  });
});
