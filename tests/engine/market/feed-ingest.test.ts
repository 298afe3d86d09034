// Specs for the per-message pipeline without a network: gaps in sequences and bars, backfill, late ticks by source time, sequence resets.
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../engine/bus.ts';
import { ManualClock } from '../../../engine/clock.ts';
import type { FeedEvents } from '../../../engine/market/feed-events.ts';
import { FeedIngest, type FeedIngestOptions } from '../../../engine/market/feed-ingest.ts';
import type { FeedMessage } from '../../../engine/market/feed-message.ts';

const M = 60_000;

function setup(overrides: Partial<FeedIngestOptions> = {}) {
  const clock = new ManualClock(1_000);
  const bus = new EventBus<FeedEvents>();
  const abort = new AbortController();
  const ingest = new FeedIngest({ clock, bus, parse: (raw) => JSON.parse(raw) as FeedMessage | FeedMessage[] | null, signal: abort.signal, ...overrides });
  const send = (m: FeedMessage | FeedMessage[] | null, connection = 1) => ingest.raw(JSON.stringify(m), connection);
  return { clock, bus, ingest, send };
}

const t = (seq: number, extra: Partial<FeedMessage> = {}): FeedMessage => ({ kind: 'trade', instrument: 'A', seq, price: 100, size: 1, sourceTs: seq, ...extra });
const bar = (minute: number): FeedMessage => ({
  kind: 'bar',
  instrument: 'A',
  sourceTs: (minute + 1) * M,
  bar: { ts: minute * M, periodMs: M, open: 1, high: 1, low: 1, close: 1, volume: 1 },
});

describe('FeedIngest', () => {
  it('backfills a mid-stream sequence gap at once and marks what the backfill brought', async () => {
    const asked: string[] = [];
    const { ingest, send } = setup({
      backfill: async (gap, signal) => {
        asked.push(`${gap.kind} ${gap.start}..${gap.end} aborted=${signal.aborted}`);
        return [t(2), t(3), t(4)];
      },
    });
    send([t(1), t(4)]);
    await ingest.backfillsSettled();
    expect(asked).toEqual(['sequence 2..3 aborted=false']);
    const got = ingest.queue.drain();
    expect(got.map((m) => [m.seq, m.backfill, m.connection])).toEqual([
      [1, false, 1],
      [4, false, 1],
      [2, true, 0],
      [3, true, 0],
    ]);
    expect(ingest.gaps.rows()[0]).toMatchObject({ status: 'backfilled', recovered: 2 });
  });

  it('records missing bar minutes as a gap and fills it when the bars come late', () => {
    const { ingest, send } = setup();
    send([bar(0), bar(1), bar(4)]);
    expect(ingest.gaps.rows()).toMatchObject([{ kind: 'bars', start: 2 * M, end: 3 * M, remaining: 2, status: 'unrecoverable' }]);
    send([bar(2), bar(3)]);
    expect(ingest.gaps.rows()[0]).toMatchObject({ status: 'filled', remaining: 0 });
    expect(ingest.counts.outOfOrder).toBe(2);
    send(bar(3));
    expect(ingest.dedup.duplicates).toBe(1);
  });

  it('counts a tick without a sequence number as out of order when its source time goes back', () => {
    const { ingest, send } = setup();
    const q = (ts: number): FeedMessage => ({ kind: 'quote', instrument: 'A', bid: 1, ask: 2, sourceTs: ts });
    send([q(10), q(20), q(15), q(30)]);
    expect(ingest.queue.drain().map((m) => m.outOfOrder)).toEqual([false, false, true, false]);
    expect(ingest.counts.outOfOrder).toBe(1);
  });

  it('lets sequences start over on a new connection when the venue says they do', () => {
    const { ingest, send } = setup({ sequenceResetsOnConnect: true });
    send([t(1), t(2)], 1);
    ingest.newConnection();
    send([t(1), t(2)], 2);
    expect(ingest.queue.size).toBe(4);
    expect(ingest.gaps.total).toBe(0);
    expect(ingest.counts.outOfOrder).toBe(0);
    expect(ingest.dedup.duplicates).toBe(0);
  });

  it('gives up on a gap after the allowed failed backfills', async () => {
    let calls = 0;
    const { ingest, send, bus } = setup({
      maxBackfillAttempts: 2,
      backfill: async () => {
        calls++;
        throw new Error('HTTP 500');
      },
    });
    const problems: string[] = [];
    bus.on('problem', (p) => void problems.push(p.code));
    send([t(1), t(5)]);
    await ingest.backfillsSettled();
    const [gap] = ingest.gaps.open();
    expect(gap).toBeDefined();
    ingest.scheduleBackfill(gap!);
    await ingest.backfillsSettled();
    expect(calls).toBe(2);
    expect(ingest.gaps.rows()[0]).toMatchObject({ status: 'unrecoverable', attempts: 2, lastError: 'HTTP 500' });
    expect(ingest.gaps.hasOpen('A')).toBe(false);
    expect(problems).toEqual(['FEED_BACKFILL_FAILED', 'FEED_BACKFILL_FAILED']);
  });

  it('does not let backfilled (old) data make a silent instrument fresh', async () => {
    const { ingest, send, clock } = setup({ staleAfterMs: 1_000, backfill: async () => [t(2)] });
    ingest.stale.watch('A', clock.now());
    send([t(1)]);
    clock.advance(500);
    send([t(3)]);
    clock.advance(2_000);
    await ingest.backfillsSettled();
    expect(ingest.stale.isStale('A', clock.now())).toBe(true);
    expect(ingest.queue.drain().map((m) => m.seq)).toEqual([1, 3, 2]);
  });

  it('ignores payloads the parser says carry no data, and counts ones it cannot parse', () => {
    const { ingest, send } = setup();
    send(null);
    send([]);
    ingest.raw('{broken', 1);
    expect(ingest.counts).toMatchObject({ received: 3, delivered: 0, parseErrors: 1 });
  });
});
