// Specs of the /api/events WebSocket with real clients: bus events arrive as JSON with name and ts; a client that stops reading is dropped.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { TradegateEvents } from '../../../engine/bus.ts';
import { decision, type HttpFixture, startHttpFixture, violation } from '../../helpers/http-fixture.ts';

let fx: HttpFixture | undefined;
const opened: WebSocket[] = [];
const raw: Socket[] = [];
afterEach(async () => {
  for (const ws of opened.splice(0)) ws.terminate();
  for (const s of raw.splice(0)) s.destroy();
  await fx?.close();
  fx = undefined;
});

interface Frame {
  readonly event: string;
  readonly ts: number;
  readonly data: Record<string, unknown>;
}

/** A client that queues every frame so a test can await them one by one. */
async function client(f: HttpFixture): Promise<{ ws: WebSocket; next(): Promise<Frame> }> {
  const ws = new WebSocket(`${f.url.replace('http', 'ws')}/api/events`);
  opened.push(ws);
  const queue: Frame[] = [];
  const waiters: ((f: Frame) => void)[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Frame;
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else queue.push(frame);
  });
  const next = () => {
    const queued = queue.shift();
    return queued ? Promise.resolve(queued) : new Promise<Frame>((resolve) => waiters.push(resolve));
  };
  const hello = await next();
  expect(hello.event).toBe('stream.hello');
  return { ws, next };
}

/** A WebSocket client made by hand on a raw TCP socket, which stops reading once the handshake is done. */
function stalledClient(f: HttpFixture): Promise<Socket> {
  const { port } = new URL(f.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    raw.push(socket);
    let seen = '';
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      // The 101 answer and the hello frame: the server has registered this client.
      if (seen.includes('101 Switching Protocols') && seen.includes('stream.hello')) {
        socket.pause();
        resolve(socket);
      }
    });
    socket.write(
      `GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
  });
}

const EVENTS: { [K in keyof TradegateEvents]?: TradegateEvents[K] } = {
  'signal.emitted': { strategy: 'canary', signalId: 's-1', instrument: 'BTC-USD', side: 'buy', quantity: 1, intent: 'entry', reason: 'book favors bids' },
  'decision.recorded': { decisionId: 7, clientOrderId: 'c-1', decision: decision('reject', [violation('max-position-usd', 'over cap')], 0) },
  'order.updated': {
    clientOrderId: 'c-1', venue: 'paper', instrument: 'BTC-USD', strategy: 'canary', side: 'buy', mode: 'paper',
    fromState: 'submitted', state: 'filled', qty: 1, filledQty: 1, reason: null,
  },
  'fill.applied': {
    clientOrderId: 'c-1', venue: 'paper', venueFillId: 'f-1', instrument: 'BTC-USD', side: 'buy', qty: 1, price: 100, feeUsd: 0.1,
    realizedPnlUsd: 0, liquidity: 'taker',
  },
  'rules.reload_failed': { problems: [], keptVersion: 'rs-1' },
  'assertion.failed': { name: 'pnl_match', message: 'ledger 10 vs venue 12' },
  'kill.level_changed': { from: 'none', to: 'pause', source: 'api', actor: 'http:alice', reason: 'news at 14:00' },
};

describe('WebSocket /api/events', () => {
  it('streams signals, decisions, orders, fills, reloads, assertions and kill level changes with their name and the clock time', async () => {
    fx = await startHttpFixture();
    const c = await client(fx);
    fx.env.clock.advance(250);
    for (const [name, payload] of Object.entries(EVENTS)) fx.bus.emit(name as keyof TradegateEvents, payload as never);
    for (const [name, payload] of Object.entries(EVENTS)) {
      expect(await c.next()).toEqual({ event: name, ts: fx.env.clock.now(), data: JSON.parse(JSON.stringify(payload)) });
    }
  });

  it('carries only the streamed events: equity observations stay off the socket', async () => {
    fx = await startHttpFixture();
    const c = await client(fx);
    fx.bus.emit('equity.observed', { equityUsd: 1, cashUsd: 1, sessionPnlUsd: 0, dailyLossFraction: 0, drawdownFraction: 0 });
    fx.bus.emit('breaker.tripped', { reason: 'assertion pnl_match', actor: 'assertions' });
    expect((await c.next()).event).toBe('breaker.tripped');
  });

  it('drops a client that stops reading, and keeps serving one that reads', async () => {
    fx = await startHttpFixture({ server: { maxEventBufferedBytes: 64 * 1024 } });
    const f = fx;
    const reader = await client(f);
    await stalledClient(f);
    expect(f.server.events.clientCount()).toBe(2);
    const big = 'x'.repeat(256 * 1024);
    let rounds = 0;
    // Kernel buffers absorb a few MB first; the bound only keeps a broken test from spinning forever.
    while (f.server.events.clientCount() > 1 && rounds < 1_000) {
      f.bus.emit('assertion.failed', { name: `round-${rounds}`, message: big });
      expect((await reader.next()).data['name']).toBe(`round-${rounds}`);
      rounds++;
    }
    expect(f.server.events.clientCount()).toBe(1);
    expect(f.server.events.droppedCount()).toBe(1);
    expect(await f.metrics.render()).toContain('tradegate_event_clients_dropped_total 1');
    expect(f.capture.events('http.event_client_dropped')).toHaveLength(1);
    f.bus.emit('breaker.reset', { actor: 'alice' });
    expect((await reader.next()).event).toBe('breaker.reset');
  });

  it('refuses a connection from a web page of another origin (browsers apply no CORS to WebSockets)', async () => {
    fx = await startHttpFixture();
    const foreign = new WebSocket(`${fx.url.replace('http', 'ws')}/api/events`, { origin: 'https://evil.example' });
    opened.push(foreign);
    // The refused handshake ends in an error event by design; the status is what this test reads.
    foreign.on('error', () => {});
    const status = await new Promise<number>((resolve) => foreign.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(403);
    expect(fx.server.events.clientCount()).toBe(0);
  });

  it('turns away clients over the limit with close code 1013', async () => {
    fx = await startHttpFixture({ server: { maxEventClients: 1 } });
    await client(fx);
    const extra = new WebSocket(`${fx.url.replace('http', 'ws')}/api/events`);
    opened.push(extra);
    const code = await new Promise<number>((resolve) => extra.on('close', (c) => resolve(c)));
    expect(code).toBe(1013);
  });

  it('closes clients with 1001 when the server stops, and unsubscribes from the bus', async () => {
    const f = await startHttpFixture();
    const c = await client(f);
    const closed = new Promise<number>((resolve) => c.ws.on('close', (code) => resolve(code)));
    await f.close();
    expect(await closed).toBe(1001);
    expect(f.bus.listenerCount('decision.recorded')).toBe(0);
  });
});
