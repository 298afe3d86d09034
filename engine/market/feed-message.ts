// What a venue's message parser hands the robust feed, what the feed hands on, and which fields each kind needs.

export type FeedMessageKind = 'trade' | 'quote' | 'bar' | 'heartbeat';

export interface FeedBar {
  /** Start of the period, epoch ms UTC. */
  readonly ts: number;
  readonly periodMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/**
 * One market data message, venue-neutral. A parser fills what the venue sends; whatever a kind
 * needs and lacks is counted against data quality (see fieldCheck).
 */
export interface FeedMessage {
  readonly kind: FeedMessageKind;
  /** Engine instrument id (BTC-USD); '' for a heartbeat that is not about one instrument. */
  readonly instrument: string;
  /**
   * Venue sequence number, rising by one per message of this instrument across everything the parser
   * hands over. Gaps and late ticks are judged on it, so for a venue that numbers each channel
   * separately the parser passes the numbers of one channel only (usually trades) and omits the rest.
   */
  readonly seq?: number;
  readonly tradeId?: string;
  /** When the venue says the event happened, epoch ms. */
  readonly sourceTs?: number;
  readonly price?: number;
  readonly size?: number;
  readonly bid?: number;
  readonly ask?: number;
  readonly bar?: FeedBar;
}

/** A message as delivered: stamped on receipt and judged. */
export interface ReceivedMessage extends FeedMessage {
  readonly receiveTs: number;
  /** 1 for the first connection, 2 after the first reconnect... 0 for backfilled messages. */
  readonly connection: number;
  /** Arrived behind a newer one (lower sequence number or earlier source time). */
  readonly outOfOrder: boolean;
  /** Its price jumped beyond the outlier band; delivered, but it lowers the quality score. */
  readonly outlier: boolean;
  /** Delivered by the backfill hook after a gap rather than by the stream. */
  readonly backfill: boolean;
}

/** Venue payload -> messages. Return null (or []) for payloads that carry no data (acks); throw for garbage. */
export type MessageParser = (raw: string) => FeedMessage | readonly FeedMessage[] | null;

export interface FieldCheck {
  /** Fields without which the message cannot be used at all: it is dropped. */
  readonly unusable: readonly string[];
  /** Fields it should carry but can be used without: it is delivered and lowers the score. */
  readonly missing: readonly string[];
}

const positive = (v: number | undefined) => v !== undefined && Number.isFinite(v) && v > 0;
const present = (v: number | undefined) => v !== undefined && Number.isFinite(v);

export function fieldCheck(m: FeedMessage): FieldCheck {
  const unusable: string[] = [];
  const missing: string[] = [];
  if (m.kind !== 'heartbeat' && !m.instrument) unusable.push('instrument');
  if (m.kind === 'trade') {
    if (!positive(m.price)) unusable.push('price');
    if (!positive(m.size)) missing.push('size');
  } else if (m.kind === 'quote') {
    if (!positive(m.bid)) unusable.push('bid');
    if (!positive(m.ask)) unusable.push('ask');
    if (positive(m.bid) && positive(m.ask) && m.bid! > m.ask!) unusable.push('bid<=ask');
  } else if (m.kind === 'bar') {
    const b = m.bar;
    const ok = b && [b.open, b.high, b.low, b.close].every(positive) && b.high >= b.low && present(b.ts) && positive(b.periodMs);
    if (!ok) unusable.push('bar');
    else if (!(b.volume >= 0)) missing.push('bar.volume');
  }
  if (m.kind !== 'heartbeat' && !present(m.sourceTs)) missing.push('sourceTs');
  return { unusable, missing };
}

/** The price a message says the instrument is at: trade price, mid, or bar close. */
export function priceOf(m: FeedMessage): number | undefined {
  if (m.kind === 'trade') return m.price;
  if (m.kind === 'quote' && m.bid !== undefined && m.ask !== undefined) return (m.bid + m.ask) / 2;
  if (m.kind === 'bar') return m.bar?.close;
  return undefined;
}
