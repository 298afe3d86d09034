// Test helper: a real WebSocket + HTTP market data server on 127.0.0.1 that can drop, refuse, freeze and flood, with a tiny JSON protocol.
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { FeedMessage, MessageParser } from '../../engine/market/feed-message.ts';

/** What the server sends: one trade per message, or a heartbeat. */
export interface WireTrade {
  readonly type: 'trade';
  readonly product: string;
  readonly seq?: number;
  readonly id?: string;
  readonly price?: number;
  readonly size?: number;
  readonly time?: number;
}

export type WireMessage = WireTrade | { readonly type: 'heartbeat' };

/** The parser a venue plugin would supply for this protocol. */
export const parseWire: MessageParser = (raw) => {
  const m = JSON.parse(raw) as WireMessage | { type: 'subscribed' };
  if (m.type === 'subscribed') return null;
  if (m.type === 'heartbeat') return { kind: 'heartbeat', instrument: '' };
  const out: { -readonly [K in keyof FeedMessage]: FeedMessage[K] } = { kind: 'trade', instrument: m.product };
  if (m.seq !== undefined) out.seq = m.seq;
  if (m.id !== undefined) out.tradeId = m.id;
  if (m.price !== undefined) out.price = m.price;
  if (m.size !== undefined) out.size = m.size;
  if (m.time !== undefined) out.sourceTs = m.time;
  return out;
};

export const subscribeWire = (instruments: readonly string[]) => ({ type: 'subscribe', instruments });

export function trade(seq: number, price = 6_800, product = 'BTC-USD'): WireTrade {
  return { type: 'trade', product, seq, id: `t${seq}`, price, size: 0.01, time: 1_522_800_000_000 + seq * 1_000 };
}

export interface ServerConnection {
  readonly socket: WebSocket;
  /** Subscribe requests this connection received. */
  readonly subscribes: unknown[];
}

export class LocalFeedServer {
  readonly connections: ServerConnection[] = [];
  /** Handshakes turned away while `refuse` was set. */
  refused = 0;
  /** While set, WebSocket handshakes get HTTP 503. */
  refuse = false;
  /** Trades the REST endpoint serves: GET /trades?product=P&from=A&to=B (inclusive sequence numbers). */
  readonly history: WireTrade[] = [];
  readonly restCalls: string[] = [];
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #waiters: (() => void)[] = [];

  private constructor(autoPong: boolean) {
    this.#http = createServer((req, res) => this.#rest(req, res));
    this.#wss = new WebSocketServer({
      server: this.#http,
      autoPong,
      verifyClient: (_info, cb) => {
        if (this.refuse) this.refused++;
        cb(!this.refuse, 503, 'refusing for the test');
      },
    });
    this.#wss.on('connection', (socket) => {
      const conn: ServerConnection = { socket, subscribes: [] };
      this.connections.push(conn);
      socket.on('message', (data) => {
        const msg = JSON.parse(data.toString()) as { type?: string };
        if (msg.type === 'subscribe') {
          conn.subscribes.push(msg);
          socket.send(JSON.stringify({ type: 'subscribed' }));
        }
        this.#notify();
      });
      socket.on('close', () => this.#notify());
      this.#notify();
    });
  }

  /** Starts on 127.0.0.1 with a free port. `autoPong: false` makes it a socket that never answers pings. */
  static async start(options: { autoPong?: boolean } = {}): Promise<LocalFeedServer> {
    const server = new LocalFeedServer(options.autoPong ?? true);
    await new Promise<void>((resolve) => server.#http.listen(0, '127.0.0.1', resolve));
    return server;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.#http.address() as AddressInfo).port}/feed`;
  }

  get restUrl(): string {
    return `http://127.0.0.1:${(this.#http.address() as AddressInfo).port}`;
  }

  /** The newest connection. */
  get current(): ServerConnection {
    const c = this.connections.at(-1);
    if (!c) throw new Error('no client has connected');
    return c;
  }

  /** Sends to the newest connection, in order, in one go. */
  send(...messages: readonly WireMessage[]): void {
    for (const m of messages) this.current.socket.send(JSON.stringify(m));
  }

  /** Cuts every client off at the TCP level, as a crashed venue or a network drop would. */
  dropAll(): void {
    for (const c of this.connections) c.socket.terminate();
  }

  /** Resolves once `predicate` holds, re-checked on every connection and client message. */
  async until(predicate: () => boolean): Promise<void> {
    while (!predicate()) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #rest(req: IncomingMessage, res: import('node:http').ServerResponse): void {
    const url = new URL(req.url ?? '/', this.restUrl);
    this.restCalls.push(`${url.pathname}${url.search}`);
    if (url.pathname !== '/trades') {
      res.writeHead(404).end();
      return;
    }
    const from = Number(url.searchParams.get('from'));
    const to = Number(url.searchParams.get('to'));
    const product = url.searchParams.get('product');
    const rows = this.history.filter((t) => t.product === product && t.seq !== undefined && t.seq >= from && t.seq <= to);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows));
  }

  #notify(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}
