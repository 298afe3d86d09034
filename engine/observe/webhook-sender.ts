// POSTs one JSON payload to a webhook: retries with exponential back-off on network errors, 5xx and 429 (honouring Retry-After); never throws.
import { parseRetryAfter } from '../market/rate-limiter.ts';
import type { Sleep } from '../market/sleep.ts';

export interface WebhookSendOptions {
  readonly sleep: Sleep;
  readonly nowMs: () => number;
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  /** The longest wait between attempts, Retry-After included: an alert that waits an hour is no alert. */
  readonly retryCapMs?: number;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly onRetry?: (info: { readonly attempt: number; readonly status: number | null; readonly error: string | null; readonly delayMs: number }) => void;
}

export interface WebhookResult {
  readonly ok: boolean;
  readonly attempts: number;
  /** The last HTTP status; null when no answer came. */
  readonly status: number | null;
  /** The last network failure as a code (ECONNREFUSED, TimeoutError), never a message that could hold the URL. */
  readonly error: string | null;
}

export const RETRY_CAP_MS = 30_000;

function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

function errorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'Error';
}

type Attempt = { readonly status: number | null; readonly error: string | null; readonly retryAfter: string | null };

async function attempt(url: string, body: string, timeoutMs: number, signal?: AbortSignal): Promise<Attempt> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      // A redirect would carry the alert (and maybe credentials) to a place nobody configured.
      redirect: 'manual',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    await res.arrayBuffer().catch(() => undefined);
    return { status: res.status, error: null, retryAfter: res.headers.get('retry-after') };
  } catch (error) {
    return { status: null, error: errorCode(error), retryAfter: null };
  }
}

export async function postWebhook(url: string, payload: unknown, o: WebhookSendOptions): Promise<WebhookResult> {
  const body = JSON.stringify(payload);
  const cap = o.retryCapMs ?? RETRY_CAP_MS;
  let last: Attempt = { status: null, error: 'not attempted', retryAfter: null };
  for (let n = 1; n <= o.maxAttempts; n++) {
    last = await attempt(url, body, o.timeoutMs, o.signal);
    if (last.status !== null && last.status >= 200 && last.status < 300) return { ok: true, attempts: n, status: last.status, error: null };
    const again = last.status === null || retryable(last.status);
    if (!again || n === o.maxAttempts || o.signal?.aborted) return { ok: false, attempts: n, status: last.status, error: last.error };
    const told = last.status === 429 ? parseRetryAfter(last.retryAfter, o.nowMs()) : null;
    const delayMs = Math.min(cap, told ?? o.retryBaseMs * 2 ** (n - 1));
    o.onRetry?.({ attempt: n, status: last.status, error: last.error, delayMs });
    await o.sleep(delayMs, o.signal);
  }
  return { ok: false, attempts: o.maxAttempts, status: last.status, error: last.error };
}
