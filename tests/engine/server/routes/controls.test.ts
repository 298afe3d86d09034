// Specs of /api/controls over real HTTP: bearer token required (never open by default), invalid input refused whole, who/when recorded, token never logged.
import { afterEach, describe, expect, it } from 'vitest';
import { type HttpFixture, startHttpFixture, TEST_TOKEN } from '../../../helpers/http-fixture.ts';

let fx: HttpFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

async function start(env?: Record<string, string | undefined>): Promise<HttpFixture> {
  fx = await startHttpFixture(env === undefined ? {} : { env });
  return fx;
}

function post(f: HttpFixture, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${f.url}/api/controls`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };

async function errorOf(res: Response): Promise<{ code: string; message: string; problems?: string[] }> {
  return ((await res.json()) as { error: { code: string; message: string; problems?: string[] } }).error;
}

describe('POST /api/controls authentication', () => {
  it('answers 401 without an Authorization header, and changes nothing', async () => {
    const f = await start();
    const res = await post(f, '{"kill_level":"pause"}');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="tradegate"');
    expect(await errorOf(res)).toMatchObject({ code: 'HTTP_UNAUTHORIZED', message: 'send the API token as "Authorization: Bearer <token>"' });
    expect(f.controls.current().killLevel).toBe('none');
    expect(f.ledger.controls.all()).toEqual([]);
  });

  it('answers 401 to a wrong token, of the same length or not', async () => {
    const f = await start();
    const sameLength = `${TEST_TOKEN.slice(0, -1)}X`;
    for (const token of [sameLength, 'short', `${TEST_TOKEN}extra`]) {
      const res = await post(f, '{"kill_level":"pause"}', { authorization: `Bearer ${token}` });
      expect(res.status).toBe(401);
      expect((await errorOf(res)).message).toBe('the bearer token is not valid');
    }
    expect(f.ledger.controls.all()).toEqual([]);
  });

  it('answers 401 to every request when TRADEGATE_API_TOKEN is unset: never open by default', async () => {
    const f = await start({});
    const res = await post(f, '{"kill_level":"pause"}', AUTH);
    expect(res.status).toBe(401);
    expect((await errorOf(res)).message).toMatch(/the controls API is disabled: TRADEGATE_API_TOKEN is not set/);
    expect(f.capture.events('http.listening')[0]).toMatchObject({ controls_api: 'disabled (TRADEGATE_API_TOKEN is not set)' });
  });

  it('stays closed with a token too short to be safe', async () => {
    const f = await start({ TRADEGATE_API_TOKEN: 'abc123' });
    const res = await post(f, '{"kill_level":"pause"}', { authorization: 'Bearer abc123' });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).message).toMatch(/shorter than 16 characters/);
  });

  it('checks the token before the body: an unauthenticated invalid body is a 401, not a 400', async () => {
    const f = await start();
    expect((await post(f, '{not json')).status).toBe(401);
    expect((await post(f, '{"kill_level":"stop"}')).status).toBe(401);
  });
});

describe('POST /api/controls validation', () => {
  it('answers 400 naming every problem and leaves every control unchanged', async () => {
    const f = await start();
    const res = await post(f, '{"kill_level":"stop","max_position_usd":100,"allowed_instrument":["BTC-USD"]}', AUTH);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('CONTROLS_CHANGE_INVALID');
    expect(error.message).toMatch(/^controls unchanged: /);
    expect(error.problems).toEqual([
      'unknown key "allowed_instrument"; did you mean "allowed_instruments"? (allowed here: kill_level, trading_mode, max_position_usd, max_session_loss_usd, allowed_instruments, allowed_strategies)',
      'kill_level is "stop", expected one of: none, pause, flatten, emergency',
    ]);
    expect(f.controls.current()).toMatchObject({ killLevel: 'none', maxPositionUsd: null });
    expect(f.ledger.controls.all()).toEqual([]);
  });

  it('answers 400 to malformed JSON or a repeated key, 415 to a body that is not JSON, 400 to a bad X-Operator', async () => {
    const f = await start();
    const bad = await post(f, '{"kill_level":', AUTH);
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).code).toBe('HTTP_BAD_REQUEST');
    const text = await fetch(`${f.url}/api/controls`, { method: 'POST', headers: { 'content-type': 'text/plain', ...AUTH }, body: 'pause' });
    expect(text.status).toBe(415);
    expect((await errorOf(text)).message).toBe('send the body as JSON with Content-Type: application/json');
    const twice = await post(f, '{"kill_level":"pause","kill_level":"none"}', AUTH);
    expect(twice.status).toBe(400);
    expect((await errorOf(twice)).message).toBe('the key "kill_level" is given more than once');
    const operator = await post(f, '{"kill_level":"pause"}', { ...AUTH, 'x-operator': 'alice\tbob' });
    expect(operator.status).toBe(400);
    expect(f.ledger.controls.all()).toEqual([]);
  });
});

describe('POST /api/controls changes', () => {
  it('changes the control at once and records who (operator and token fingerprint) and when', async () => {
    const f = await start();
    f.env.clock.advance(42);
    const res = await post(f, '{"kill_level":"pause","allowed_instruments":["BTC-USD"]}', { ...AUTH, 'x-operator': 'alice' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ changed: ['kill_level', 'allowed_instruments'], controls: { killLevel: 'pause', allowedInstruments: ['BTC-USD'] } });
    const actor = body['changedBy'] as string;
    expect(actor).toMatch(/^http:alice \(sha256:[0-9a-f]{8}\)$/);
    expect(f.controls.current().killLevel).toBe('pause');
    expect(f.ledger.controls.history('kill_level')).toEqual([
      expect.objectContaining({ oldValue: undefined, newValue: 'pause', changedBy: actor, tsMs: f.env.clock.now() }),
    ]);
    const view = (await (await fetch(`${f.url}/api/controls`)).json()) as Record<string, unknown>;
    expect(view).toMatchObject({ controls: { killLevel: 'pause' }, provenance: { kill_level: { updatedBy: actor, updatedAtMs: f.env.clock.now() } } });
  });

  it('names the token fingerprint alone when no X-Operator is sent', async () => {
    const f = await start();
    const res = await post(f, '{"max_session_loss_usd":250}', AUTH);
    expect(res.status).toBe(200);
    expect(f.ledger.controls.history('max_session_loss_usd')[0]?.changedBy).toMatch(/^http:anonymous \(sha256:[0-9a-f]{8}\)$/);
  });

  it('never writes the token to the log, whatever the request', async () => {
    const f = await start();
    await post(f, '{"kill_level":"pause"}', AUTH);
    await post(f, '{"kill_level":"stop"}', AUTH);
    await post(f, '{"kill_level":', AUTH);
    await post(f, '{"kill_level":"pause"}', { authorization: `Bearer ${TEST_TOKEN}x` });
    await fetch(`${f.url}/api/nothing`, { headers: AUTH });
    const lines = f.capture.lines();
    // The log did record these requests (at trace level), so absence of the token is meaningful.
    expect(f.capture.events('http.request').length).toBeGreaterThanOrEqual(5);
    expect(f.capture.events('http.unauthorized')).toHaveLength(1);
    expect(f.capture.events('controls.changed')).toHaveLength(1);
    expect(lines.filter((l) => l.includes(TEST_TOKEN.slice(0, 12)))).toEqual([]);
    expect(lines.filter((l) => /authorization|bearer/i.test(l))).toEqual([]);
  });

  it('redacts an Authorization header even if request headers are ever logged through the server logger', async () => {
    const f = await start();
    f.server.app.log.warn({ event: 'test.headers', request: { headers: { authorization: `Bearer ${TEST_TOKEN}`, Authorization: TEST_TOKEN } } }, 'headers');
    const [record] = f.capture.events('test.headers');
    expect(record?.['request']).toEqual({ headers: { authorization: '[redacted]', Authorization: '[redacted]' } });
    expect(f.capture.lines().some((l) => l.includes(TEST_TOKEN))).toBe(false);
  });
});
