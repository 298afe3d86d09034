// Specs of the bearer-token check: closed when unset or weak, constant-time digest comparison, fingerprints that do not reveal the token.
import { describe, expect, it } from 'vitest';
import { actorName, OPERATOR_NAME, tokenCheck } from '../../../engine/server/auth.ts';

const TOKEN = 'a-long-enough-token-123';

describe('tokenCheck', () => {
  it('refuses everything when the variable is unset or empty', () => {
    for (const env of [{}, { TRADEGATE_API_TOKEN: '' }]) {
      const check = tokenCheck(env);
      expect(check.enabled).toBe(false);
      expect(check.verify(`Bearer ${TOKEN}`)).toMatchObject({ ok: false, failure: 'disabled' });
    }
  });

  it('refuses a short token or one with surrounding white space', () => {
    expect(tokenCheck({ TRADEGATE_API_TOKEN: 'short' }).disabledReason).toBe('TRADEGATE_API_TOKEN is shorter than 16 characters');
    expect(tokenCheck({ TRADEGATE_API_TOKEN: ` ${TOKEN}` }).disabledReason).toBe('TRADEGATE_API_TOKEN starts or ends with white space');
  });

  it('accepts exactly the configured token as a Bearer credential', () => {
    const check = tokenCheck({ TRADEGATE_API_TOKEN: TOKEN });
    expect(check.verify(`Bearer ${TOKEN}`)).toEqual({ ok: true });
    expect(check.verify(`bearer ${TOKEN}`)).toEqual({ ok: true });
    expect(check.verify(undefined)).toMatchObject({ ok: false, failure: 'missing' });
    expect(check.verify(`Basic ${TOKEN}`)).toMatchObject({ ok: false, failure: 'missing' });
    expect(check.verify(`Bearer ${TOKEN} extra`)).toMatchObject({ ok: false, failure: 'missing' });
    expect(check.verify(`Bearer ${TOKEN.toUpperCase()}`)).toMatchObject({ ok: false, failure: 'invalid' });
    expect(check.verify('Bearer x')).toMatchObject({ ok: false, failure: 'invalid' });
  });

  it('fingerprints the token by a short hash prefix that does not contain it', () => {
    const check = tokenCheck({ TRADEGATE_API_TOKEN: TOKEN });
    expect(check.fingerprint).toMatch(/^sha256:[0-9a-f]{8}$/);
    expect(check.fingerprint).not.toContain(TOKEN.slice(0, 4));
    expect(tokenCheck({ TRADEGATE_API_TOKEN: `${TOKEN}x` }).fingerprint).not.toBe(check.fingerprint);
  });
});

describe('actorName and operator names', () => {
  it('names the operator and the token', () => {
    expect(actorName('alice', 'sha256:0123abcd')).toBe('http:alice (sha256:0123abcd)');
    expect(actorName(undefined, 'sha256:0123abcd')).toBe('http:anonymous (sha256:0123abcd)');
  });

  it('accepts plain names and refuses separators that could forge a record', () => {
    expect(['alice', 'ops.bob@desk', 'a_b-c'].every((n) => OPERATOR_NAME.test(n))).toBe(true);
    expect(['', 'a b', 'a,b', 'a\nb', '-lead', 'x'.repeat(65)].some((n) => OPERATOR_NAME.test(n))).toBe(false);
  });
});
