// Specs for the JSON logger: event names, injected time, child loggers, and secrets that never reach a line.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { LogCapture } from '../../../engine/observe/log-capture.ts';
import {
  EVENT_NAME,
  MIN_SECRET_LENGTH,
  REDACTED,
  censorSecretKeys,
  createLogger,
  isSecretKey,
  secretValues,
} from '../../../engine/observe/logger.ts';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

function setup(env: Record<string, string> = {}, time: 'iso' | 'epoch' = 'iso') {
  const capture = new LogCapture();
  const clock = new ManualClock(T0);
  const log = createLogger({ destination: capture, clock, env, time, level: 'debug' });
  return { capture, clock, log };
}

describe('createLogger', () => {
  it('writes one JSON object per line with the event name, a text level and the message', () => {
    const { capture, log } = setup();
    log.info({ event: 'rules.reloaded', version: 'rs-abc' }, 'rule set reloaded');
    const [record] = capture.records();
    expect(record).toMatchObject({ event: 'rules.reloaded', level: 'info', version: 'rs-abc', msg: 'rule set reloaded' });
    expect(capture.lines()[0]).toContain('"event":"rules.reloaded"');
  });

  it('stamps ISO time from the injected clock', () => {
    const { capture, clock, log } = setup();
    log.info({ event: 'a.b' });
    clock.advance(1000);
    log.info({ event: 'a.c' });
    expect(capture.records().map((r) => r['time'])).toEqual(['2026-01-02T03:04:05.678Z', '2026-01-02T03:04:06.678Z']);
  });

  it('stamps epoch milliseconds when asked', () => {
    const { capture, log } = setup({}, 'epoch');
    log.warn({ event: 'a.b' });
    expect(capture.records()[0]?.['time']).toBe(T0);
  });

  it('gives child loggers their parent destination plus their own bindings', () => {
    const { capture, log } = setup();
    const child = log.child({ component: 'hot-reload' });
    child.error({ event: 'rules.reload_failed' }, 'refused');
    log.debug({ event: 'a.b' });
    const records = capture.records();
    expect(records[0]).toMatchObject({ component: 'hot-reload', event: 'rules.reload_failed', level: 'error' });
    expect(records[1]).not.toHaveProperty('component');
    expect(records[1]).toMatchObject({ level: 'debug' });
  });

  it('drops records below the level', () => {
    const capture = new LogCapture();
    const log = createLogger({ destination: capture, env: {}, level: 'warn' });
    log.info({ event: 'a.b' });
    log.warn({ event: 'a.c' });
    expect(capture.records().map((r) => r['event'])).toEqual(['a.c']);
  });
});

describe('secret redaction by key', () => {
  it('censors secret-named keys at any depth and in any spelling', () => {
    const { capture, log } = setup();
    log.info({
      event: 'venue.connected',
      api_key: 'k1-visible?',
      venue: { apiKey: 'k2-visible?', auth: { deep: { client_secret: 'k3-visible?', PASSWORD: 'k4-visible?' } } },
      req: { headers: { Authorization: 'Bearer k5-visible?', 'x-api-key': 'k6-visible?', cookie: 'k7-visible?' } },
      list: [{ access_token: 'k8-visible?' }],
      quantity: 3,
    });
    const line = capture.lines()[0] ?? '';
    for (let i = 1; i <= 8; i++) expect(line).not.toContain(`k${i}-visible`);
    const record = capture.records()[0]!;
    expect(record['api_key']).toBe(REDACTED);
    expect((record['req'] as { headers: Record<string, unknown> }).headers['Authorization']).toBe(REDACTED);
    expect(record['quantity']).toBe(3);
  });

  it('censors secret-named keys in child and grandchild bindings', () => {
    const { capture, log } = setup();
    const child = log.child({ token: 'bound-token-value' });
    child.info({ event: 'a.b' });
    child.child({ venue: { password: 'grandchild-password' } }).info({ event: 'a.c' });
    expect(capture.lines()).toHaveLength(2);
    for (const line of capture.lines()) {
      expect(line).not.toContain('bound-token-value');
      expect(line).not.toContain('grandchild-password');
    }
  });

  it('leaves the caller’s object untouched', () => {
    const input = { nested: { password: 'hunter2-hunter2' } };
    const out = censorSecretKeys(input) as typeof input;
    expect(out.nested.password).toBe(REDACTED);
    expect(input.nested.password).toBe('hunter2-hunter2');
  });

  it('copies nothing when there is no secret and survives cycles', () => {
    const plain = { a: { b: [1, 2, { c: 'd' }] } };
    expect(censorSecretKeys(plain)).toBe(plain);
    const cyclic: Record<string, unknown> = { token: 'cyclic-token' };
    cyclic['self'] = cyclic;
    expect((censorSecretKeys(cyclic) as Record<string, unknown>)['token']).toBe(REDACTED);
  });

  it('recognises secret key names and leaves ordinary ones', () => {
    for (const key of ['api_key', 'apiKey', 'X-API-KEY', 'token', 'accessToken', 'secret', 'password', 'Authorization', 'private_key']) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of ['key', 'idempotency_key', 'token_id', 'quantity', 'ruleId', 'tokens_count']) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });
});

describe('secret redaction by value', () => {
  const env = {
    KALSHI_API_KEY: 'kalshi-9f8e7d6c5b4a',
    TELEGRAM_BOT_TOKEN: '123456:AAE-quoted"and\\slashed',
    VENUE_SECRET: 'shh-venue-secret',
    DB_PASSWORD: 'correct horse battery',
    SHORT_TOKEN: 'abc',
    PATH: '/usr/bin',
  };

  it('scrubs configured secret values from messages, fields, bindings and errors', () => {
    const { capture, log } = setup(env);
    const child = log.child({ note: `bound ${env.VENUE_SECRET}` });
    child.info({ event: 'a.b', url: `https://x.test/?k=${env.KALSHI_API_KEY}` }, `connecting with ${env.DB_PASSWORD}`);
    child.error({ event: 'a.c', err: new Error(`refused ${env.TELEGRAM_BOT_TOKEN}`) }, 'failed');
    log.warn({ event: 'a.d', nested: { deep: [env.VENUE_SECRET] } });
    const lines = capture.lines();
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      for (const secret of [env.KALSHI_API_KEY, env.TELEGRAM_BOT_TOKEN, env.VENUE_SECRET, env.DB_PASSWORD]) {
        expect(line).not.toContain(secret);
        expect(line).not.toContain(JSON.stringify(secret).slice(1, -1));
      }
      expect(line).toContain(REDACTED);
      expect(() => JSON.parse(line)).not.toThrow();
    }
  });

  it('takes secrets only from variables with a secret suffix and long enough to be one', () => {
    const values = secretValues(env, ['explicit-secret']);
    expect(values).toContain(env.KALSHI_API_KEY);
    expect(values).toContain('explicit-secret');
    expect(values).not.toContain('/usr/bin');
    expect(values).not.toContain('abc');
    expect(values.every((v) => v.length >= MIN_SECRET_LENGTH)).toBe(true);
  });

  it('never lets a configured secret through, whatever the line holds', () => {
    const secretArb = fc.string({ minLength: MIN_SECRET_LENGTH, maxLength: 24 });
    const payloadArb = fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(secretArb, payloadArb, (secret, [before, after]) => {
        const capture = new LogCapture();
        const log = createLogger({ destination: capture, env: { SOME_TOKEN: secret }, clock: new ManualClock(T0) });
        log.info({ event: 'a.b', field: `${before}${secret}${after}`, [before || 'k']: secret }, `${after}${secret}`);
        const line = capture.lines().join('\n');
        return !line.includes(secret) && !line.includes(JSON.stringify(secret).slice(1, -1));
      }),
      { seed: 20260102, numRuns: 300 },
    );
  });
});

describe('EVENT_NAME', () => {
  it('accepts dotted lower-case names and refuses others', () => {
    expect(EVENT_NAME.test('rules.reloaded')).toBe(true);
    expect(EVENT_NAME.test('rules.reload_failed')).toBe(true);
    expect(EVENT_NAME.test('rules')).toBe(false);
    expect(EVENT_NAME.test('Rules.Reloaded')).toBe(false);
  });
});
