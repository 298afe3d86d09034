// Bearer-token check for the control endpoints: read once at start, compared in constant time, never open by default.
import { createHash, timingSafeEqual } from 'node:crypto';

export const API_TOKEN_ENV = 'TRADEGATE_API_TOKEN';

/** A shorter token is guessable; the API stays closed rather than trusting it. */
export const MIN_TOKEN_LENGTH = 16;

export type AuthFailure = 'disabled' | 'missing' | 'invalid';

export type AuthResult = { readonly ok: true } | { readonly ok: false; readonly failure: AuthFailure; readonly message: string };

export interface TokenCheck {
  /** False when no usable token is configured: every request is refused. */
  readonly enabled: boolean;
  /** Why the API is closed, for the startup log; null when enabled. */
  readonly disabledReason: string | null;
  /** `sha256:` and 8 hex digits of the token's hash: names which token made a change without revealing it. */
  readonly fingerprint: string | null;
  verify(authorization: string | undefined): AuthResult;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function disabledReason(token: string | undefined): string | null {
  if (token === undefined || token === '') return `${API_TOKEN_ENV} is not set`;
  if (token.length < MIN_TOKEN_LENGTH) return `${API_TOKEN_ENV} is shorter than ${MIN_TOKEN_LENGTH} characters`;
  if (token.trim() !== token) return `${API_TOKEN_ENV} starts or ends with white space`;
  return null;
}

export function tokenCheck(env: Readonly<Record<string, string | undefined>>): TokenCheck {
  const token = env[API_TOKEN_ENV];
  const reason = disabledReason(token);
  // The check keeps only the digest, so nothing in the server holds the token itself.
  const expected = reason === null && token !== undefined ? sha256(token) : null;
  const fingerprint = expected === null ? null : `sha256:${expected.toString('hex').slice(0, 8)}`;
  return {
    enabled: expected !== null,
    disabledReason: reason,
    fingerprint,
    verify(authorization) {
      if (expected === null) {
        return { ok: false, failure: 'disabled', message: `the controls API is disabled: ${reason}; set it before starting the engine` };
      }
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      if (!match) return { ok: false, failure: 'missing', message: 'send the API token as "Authorization: Bearer <token>"' };
      // Equal-length digests make the comparison constant-time whatever the length of the guess.
      if (!timingSafeEqual(sha256(match[1]!), expected)) return { ok: false, failure: 'invalid', message: 'the bearer token is not valid' };
      return { ok: true };
    },
  };
}

/** An operator name from `X-Operator`: short, printable, no separators that could forge a log or CSV field. */
export const OPERATOR_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Who made a change, as recorded in the controls history: `http:alice (sha256:1a2b3c4d)`. */
export function actorName(operator: string | undefined, fingerprint: string | null): string {
  const who = operator ?? 'anonymous';
  return fingerprint === null ? `http:${who}` : `http:${who} (${fingerprint})`;
}
