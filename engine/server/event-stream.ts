// Fans bus events out to WebSocket clients as one JSON object per message; a client that reads too slowly is dropped, never buffered without bound.
import type { WebSocket } from 'ws';
import type { EventBus, TradegateEvents } from '../bus.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../observe/logger.ts';

/** What the stream carries: the trading flow, reloads, assertions, the breaker, control changes and the kill switch's level. */
export const STREAMED_EVENTS = [
  'signal.emitted',
  'decision.recorded',
  'order.updated',
  'order.unknown',
  'fill.applied',
  'rules.reloaded',
  'rules.reload_failed',
  'assertions.checked',
  'assertion.failed',
  'breaker.tripped',
  'breaker.reset',
  'controls.changed',
  'controls.invalid',
  'kill.level_changed',
] as const satisfies readonly (keyof TradegateEvents)[];

export type StreamedEvent = (typeof STREAMED_EVENTS)[number];

export interface EventStreamOptions {
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** A client with more than this many bytes queued and unsent is too slow and is dropped. */
  readonly maxBufferedBytes?: number;
  readonly maxClients?: number;
  /** Told of every dropped client (metrics count them). */
  readonly onDrop?: () => void;
}

export const EVENT_STREAM_DEFAULTS = { maxBufferedBytes: 1024 * 1024, maxClients: 32 } as const;

/** WebSocket close codes: 1001 going away (server stops), 1008 policy (too slow), 1013 try again later (full). */
const CLOSE_GOING_AWAY = 1001;
const CLOSE_TRY_LATER = 1013;
const OPEN = 1;

export class EventStream {
  readonly #clients = new Set<WebSocket>();
  readonly #o: EventStreamOptions;
  readonly #maxBuffered: number;
  readonly #maxClients: number;
  readonly #offs: (() => void)[];
  #dropped = 0;

  constructor(options: EventStreamOptions) {
    this.#o = options;
    this.#maxBuffered = options.maxBufferedBytes ?? EVENT_STREAM_DEFAULTS.maxBufferedBytes;
    this.#maxClients = options.maxClients ?? EVENT_STREAM_DEFAULTS.maxClients;
    // One subscription per event for all clients: each event is serialized once, however many listen.
    this.#offs = STREAMED_EVENTS.map((event) => options.bus.on(event, (payload) => this.#broadcast(event, payload)));
  }

  /** Takes a newly opened socket; greets it with the list of events it will receive. */
  add(socket: WebSocket): void {
    if (this.#clients.size >= this.#maxClients) {
      socket.close(CLOSE_TRY_LATER, 'too many event stream clients');
      return;
    }
    this.#clients.add(socket);
    socket.on('close', () => this.#clients.delete(socket));
    socket.on('error', () => this.#clients.delete(socket));
    this.#send(socket, this.#frame('stream.hello', { events: STREAMED_EVENTS }));
  }

  clientCount(): number {
    return this.#clients.size;
  }

  droppedCount(): number {
    return this.#dropped;
  }

  /** Unsubscribes from the bus and closes every client. */
  close(): void {
    for (const off of this.#offs) off();
    for (const socket of this.#clients) socket.close(CLOSE_GOING_AWAY, 'server stopping');
    this.#clients.clear();
  }

  #frame(event: string, data: unknown): string | undefined {
    try {
      return JSON.stringify({ event, ts: this.#o.clock.now(), data });
    } catch (error) {
      this.#o.logger?.error({ event: 'http.event_unserializable', name: event, err: (error as Error).message }, 'an event could not be serialized');
      return undefined;
    }
  }

  #broadcast(event: StreamedEvent, payload: unknown): void {
    if (this.#clients.size === 0) return;
    const frame = this.#frame(event, payload);
    if (frame === undefined) return;
    for (const socket of [...this.#clients]) this.#send(socket, frame);
  }

  #send(socket: WebSocket, frame: string | undefined): void {
    if (frame === undefined || socket.readyState !== OPEN) return;
    // The backlog is bounded by the limit plus one frame: a large frame never drops a client that keeps up.
    if (socket.bufferedAmount > this.#maxBuffered) {
      this.#drop(socket);
      return;
    }
    socket.send(frame);
  }

  /** terminate, not close: a close frame would only queue behind the backlog the client is not reading. */
  #drop(socket: WebSocket): void {
    this.#clients.delete(socket);
    this.#dropped++;
    socket.terminate();
    this.#o.onDrop?.();
    this.#o.logger?.warn({ event: 'http.event_client_dropped', dropped_total: this.#dropped }, 'an event stream client read too slowly and was dropped');
  }
}
