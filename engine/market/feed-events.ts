// Everything a robust feed announces, by name and payload: what logs, metrics, alerts and the runtime listen to.
import type { ErrorCode } from '../errors.ts';
import type { ReceivedMessage } from './feed-message.ts';
import type { Gap } from './gap-table.ts';

export interface FeedEvents {
  connected: { readonly connection: number; readonly reconnect: boolean };
  subscribed: { readonly connection: number; readonly instruments: readonly string[] };
  disconnected: { readonly connection: number; readonly reason: string };
  reconnecting: { readonly attempt: number; readonly delayMs: number; readonly reason: string };
  /** `instrument` is '*' for the feed as a whole. */
  stale: { readonly instrument: string; readonly ageMs: number };
  fresh: { readonly instrument: string; readonly ageMs: number };
  gap: Readonly<Gap>;
  backfilled: Readonly<Gap>;
  /** Every message a gap missed arrived late on the stream: no backfill needed. */
  filled: Readonly<Gap>;
  message: ReceivedMessage;
  overflow: { readonly dropped: ReceivedMessage; readonly overflows: number };
  problem: { readonly code: ErrorCode; readonly message: string };
}
