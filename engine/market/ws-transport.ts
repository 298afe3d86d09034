// The WebSocket transport (ws): the venue plugin supplies the URL and its subscribe message; pings catch half-open sockets.
import WebSocket from 'ws';
import { TradegateError } from '../errors.ts';
import type { FeedTransport, TransportConnection, TransportHandlers } from './feed-transport.ts';

export interface WebSocketTransportOptions {
  readonly url: string;
  /** The venue's subscribe payload(s) for these instruments; objects are sent as JSON. */
  readonly subscribeMessage: (instruments: readonly string[]) => string | object | readonly (string | object)[];
  readonly connectTimeoutMs?: number;
  /**
   * A ping every interval; no pong by the next one means the socket is dead without having said so
   * (a half-open TCP connection), and it is terminated so the feed reconnects. 0 disables.
   */
  readonly pingIntervalMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export function webSocketTransport(options: WebSocketTransportOptions): FeedTransport {
  return {
    connect: (handlers) => openSocket(options, handlers),
  };
}

function openSocket(options: WebSocketTransportOptions, handlers: TransportHandlers): Promise<TransportConnection> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(options.url, {
      handshakeTimeout: options.connectTimeoutMs ?? 10_000,
      ...(options.headers ? { headers: { ...options.headers } } : {}),
    });
    let opened = false;
    let closed = false;
    let pinger: NodeJS.Timeout | undefined;
    const finish = (reason: string) => {
      if (closed) return;
      closed = true;
      clearInterval(pinger);
      if (opened) handlers.onClose(reason);
      else reject(new TradegateError('FEED_CONNECT_FAILED', `cannot connect to ${options.url}: ${reason}`, { url: options.url }));
    };
    ws.on('message', (data, isBinary) => {
      if (!closed) handlers.onMessage(isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString());
    });
    ws.on('error', (err) => {
      if (!opened) finish(err.message);
    });
    ws.on('close', (code, reason) => finish(`closed ${code}${reason.length ? ` ${reason.toString()}` : ''}`));
    ws.on('open', () => {
      opened = true;
      pinger = startPinger(ws, options.pingIntervalMs ?? 15_000);
      resolve({
        subscribe(instruments) {
          const payload = options.subscribeMessage(instruments);
          for (const m of Array.isArray(payload) ? payload : [payload]) ws.send(typeof m === 'string' ? m : JSON.stringify(m));
        },
        close() {
          ws.close(1000, 'client closing');
          // A peer that never answers the close handshake must not keep the feed waiting.
          setTimeout(() => ws.terminate(), 2_000).unref();
        },
      });
    });
  });
}

function startPinger(ws: WebSocket, intervalMs: number): NodeJS.Timeout | undefined {
  if (intervalMs <= 0) return undefined;
  let alive = true;
  ws.on('pong', () => {
    alive = true;
  });
  const timer = setInterval(() => {
    if (!alive) {
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, intervalMs);
  timer.unref();
  return timer;
}
