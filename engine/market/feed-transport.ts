// The seam between the robust feed and the network: connect, subscribe, receive, close. WebSocket is one implementation.

export interface TransportHandlers {
  onMessage(raw: string): void;
  /** Called once when the connection ends for any reason, including close(). */
  onClose(reason: string): void;
}

/** One live connection. A new connection is a new object: subscriptions never carry over. */
export interface TransportConnection {
  subscribe(instruments: readonly string[]): void;
  close(): void;
}

export interface FeedTransport {
  /** Resolves once the connection is open; rejects when it cannot be. */
  connect(handlers: TransportHandlers): Promise<TransportConnection>;
}
