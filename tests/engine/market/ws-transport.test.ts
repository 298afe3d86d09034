// Specs for the WebSocket transport against a real local server: connect errors as data, subscribe payloads, pings that catch a dead socket.
import { afterEach, describe, expect, it } from 'vitest';
import { TradegateError } from '../../../engine/errors.ts';
import { webSocketTransport } from '../../../engine/market/ws-transport.ts';
import { LocalFeedServer, subscribeWire } from '../../helpers/local-feed-server.ts';

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

const servers: LocalFeedServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function startServer(options: { autoPong?: boolean } = {}): Promise<LocalFeedServer> {
  const s = await LocalFeedServer.start(options);
  servers.push(s);
  return s;
}

const ignore = { onMessage: () => {}, onClose: () => {} };

describe('webSocketTransport', () => {
  it('rejects with FEED_CONNECT_FAILED (retry) when nothing listens', async () => {
    const gone = await LocalFeedServer.start();
    const url = gone.url;
    await gone.close();
    const err = await webSocketTransport({ url, subscribeMessage: subscribeWire, pingIntervalMs: 0 }).connect(ignore).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TradegateError);
    expect(err).toMatchObject({ code: 'FEED_CONNECT_FAILED', kind: 'retry' });
    expect((err as Error).message).toContain(url);
  });

  it('rejects when the server turns the handshake away', async () => {
    const server = await startServer();
    server.refuse = true;
    const err = await webSocketTransport({ url: server.url, subscribeMessage: subscribeWire, pingIntervalMs: 0 }).connect(ignore).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FEED_CONNECT_FAILED' });
    expect((err as Error).message).toMatch(/503/);
  });

  it('sends every subscribe payload, objects as JSON and strings as they are', async () => {
    const server = await startServer();
    const transport = webSocketTransport({
      url: server.url,
      subscribeMessage: (instruments) => [{ type: 'subscribe', instruments }, JSON.stringify({ type: 'subscribe', instruments: ['X'] })],
      pingIntervalMs: 0,
    });
    const conn = await transport.connect(ignore);
    conn.subscribe(['BTC-USD']);
    await within(server.until(() => server.current.subscribes.length === 2), 'two subscribe messages');
    expect(server.current.subscribes).toEqual([
      { type: 'subscribe', instruments: ['BTC-USD'] },
      { type: 'subscribe', instruments: ['X'] },
    ]);
    conn.close();
  });

  it('passes text and binary frames on as UTF-8 text, and reports its own close once', async () => {
    const server = await startServer();
    const got: string[] = [];
    const closes: string[] = [];
    let twoFrames!: () => void;
    const whenTwo = new Promise<void>((resolve) => {
      twoFrames = resolve;
    });
    let closed!: () => void;
    const whenClosed = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const conn = await webSocketTransport({ url: server.url, subscribeMessage: subscribeWire, pingIntervalMs: 0 }).connect({
      onMessage: (raw) => {
        got.push(raw);
        if (got.length === 2) twoFrames();
      },
      onClose: (reason) => {
        closes.push(reason);
        closed();
      },
    });
    await within(server.until(() => server.connections.length === 1), 'the connection');
    server.current.socket.send('{"a":"é"}');
    server.current.socket.send(Buffer.from('{"b":"ü"}', 'utf8'), { binary: true });
    await within(whenTwo, 'two frames');
    conn.close();
    await within(whenClosed, 'close');
    expect(got).toEqual(['{"a":"é"}', '{"b":"ü"}']);
    expect(closes).toHaveLength(1);
    expect(closes[0]).toMatch(/^closed 1000/);
  });

  it('terminates a socket that stops answering pings, so the feed can reconnect', async () => {
    const server = await startServer({ autoPong: false });
    let closed!: (reason: string) => void;
    const whenClosed = new Promise<string>((resolve) => {
      closed = resolve;
    });
    await webSocketTransport({ url: server.url, subscribeMessage: subscribeWire, pingIntervalMs: 25 }).connect({
      onMessage: () => {},
      onClose: (reason) => closed(reason),
    });
    expect(await within(whenClosed, 'the dead socket to be terminated')).toMatch(/^closed 1006/);
  });
});
