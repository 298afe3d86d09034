// Specs of the HTTP server over real HTTP on 127.0.0.1: health transitions, metrics text, the read API with filters and CSV.
import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decision, type HttpFixture, healthyStatus, startHttpFixture, violation } from '../../helpers/http-fixture.ts';

let fx: HttpFixture;
beforeEach(async () => {
  fx = await startHttpFixture();
});
afterEach(async () => {
  await fx.close();
});

async function getJson(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${fx.url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** fetch cannot set Host; node:http can, as a rebinding page's browser would. */
function getWithHost(path: string, host: string): Promise<number> {
  const { port } = new URL(fx.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

function seedOrders(): void {
  const { orders } = fx.ledger;
  const base = { venue: 'paper', side: 'buy', orderType: 'limit', qty: 1, limitPrice: 100, strategy: 'canary' } as const;
  orders.insertPending({ ...base, clientOrderId: 'c-1', intentKey: 'i-1', instrument: 'BTC-USD' });
  fx.env.clock.advance(1_000);
  orders.insertPending({ ...base, clientOrderId: 'c-2', intentKey: 'i-2', instrument: 'ETH-USD', strategy: 'vwap, "quoted"' });
  orders.changeState({ clientOrderId: 'c-2', from: 'pending_submit', to: 'rejected', event: 'venue_rejected' });
  fx.env.clock.advance(1_000);
  orders.insertPending({ ...base, clientOrderId: 'c-3', intentKey: 'i-3', instrument: 'BTC-USD' });
}

function seedDecisions(): number {
  const t0 = fx.env.clock.now();
  const d = fx.ledger.decisions;
  d.record(decision('allow', [], t0), { facts: { 'order.notional_usd': 50 } });
  fx.env.clock.advance(1_000);
  d.record(decision('reject', [violation('max-position-usd', 'Position would be 150 USD, over the cap, "100"')], t0 + 1_000), {
    facts: { 'order.notional_usd': 150 },
    clientOrderId: 'c-9',
  });
  fx.env.clock.advance(1_000);
  d.record(decision('reject', [violation('stale-feed', '=HYPERLINK("x")')], t0 + 2_000, 'ETH-USD'), { facts: {} });
  return t0;
}

describe('GET /health', () => {
  it('answers 200 with the checks while the heartbeat is fresh and nothing has failed', async () => {
    const { status, body } = await getJson('/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', healthy: true, reasons: [], heartbeatAgeMs: 500, killLevel: 'none' });
  });

  it('turns 503 when the heartbeat ages past the threshold, and back to 200 when it beats again', async () => {
    fx.env.clock.advance(20_000);
    const stale = await getJson('/health');
    expect(stale.status).toBe(503);
    expect(stale.body['reasons']).toEqual(['heartbeat is 20.5 s old (limit 10.0 s)']);
    fx.status = { ...fx.status, heartbeatAtMs: fx.env.clock.now() };
    expect((await getJson('/health')).status).toBe(200);
  });

  it('turns 503 naming a tripped breaker, a failed assertion and a stale feed', async () => {
    fx.ledger.breaker.trip('position count mismatch', 'assertions');
    fx.status = {
      ...fx.status,
      assertions: [{ name: 'pnl_match', ok: false, message: 'ledger PnL 10 vs venue 12' }],
      feeds: [{ feed: 'replay', instrument: 'BTC-USD', ageMs: 45_000, stale: true, reconnects: 0 }],
    };
    const { status, body } = await getJson('/health');
    expect(status).toBe(503);
    expect(body['reasons']).toEqual([
      'circuit breaker is tripped: position count mismatch',
      'assertion pnl_match failed: ledger PnL 10 vs venue 12',
      'feed replay/BTC-USD is stale (last message 45.0 s ago)',
    ]);
  });

  it('answers 503 when the status source itself throws', async () => {
    fx.status = undefined as never;
    const { status, body } = await getJson('/health');
    expect(status).toBe(503);
    expect(String((body['reasons'] as string[])[0])).toMatch(/engine status unavailable/);
  });
});

describe('GET /metrics', () => {
  it('serves Prometheus text with every engine metric, refreshed from the status', async () => {
    fx.bus.emit('decision.recorded', { decisionId: 1, clientOrderId: null, decision: decision('reject', [violation('max-position-usd', 'm')], 0) });
    const res = await fetch(`${fx.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of [
      'tradegate_orders_total',
      'tradegate_fills_total',
      'tradegate_rejections_total',
      'tradegate_feed_age_seconds',
      'tradegate_feed_reconnects_total',
      'tradegate_rate_limiter_waits_total',
      'tradegate_equity_usd',
      'tradegate_breaker_tripped',
      'tradegate_kill_level',
      'tradegate_rule_set_info',
      'tradegate_rule_reload_failures_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toContain('tradegate_rejections_total{rule_id="max-position-usd"} 1');
    expect(text).toContain('tradegate_feed_age_seconds{feed="replay",instrument="BTC-USD"} 0.8');
    expect(text).toContain('tradegate_equity_usd 10050');
    expect(text).toContain('tradegate_rule_set_info{version="rs-abc123"} 1');
    // Every sample line parses as `name{labels} value`.
    const samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(samples.length).toBeGreaterThan(5);
    for (const line of samples) expect(line).toMatch(/^[a-z_:][a-z0-9_:]*(\{[^}]*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/i);
  });
});

describe('GET /api/state and /api/positions', () => {
  it('reports mode, money, breaker, controls and health in one read', async () => {
    const { status, body } = await getJson('/api/state');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      mode: 'paper',
      runId: 'run-1',
      balanceUsd: 10_000,
      equityUsd: 10_050,
      sessionPnlUsd: 50,
      openPositions: 0,
      breaker: { tripped: false },
      controls: { killLevel: 'none', allowedInstruments: ['BTC-USD', 'ETH-USD'] },
      health: { healthy: true, reasons: [] },
    });
  });

  it('lists open positions from the ledger', async () => {
    fx.ledger.deposit(1_000);
    fx.ledger.applyFill({ venue: 'paper', venueFillId: 'f-1', instrument: 'BTC-USD', side: 'buy', qty: 2, price: 100, fee: 0.1, liquidity: 'taker', tsMs: fx.env.clock.now() });
    const { body } = await getJson('/api/positions');
    expect(body['positions']).toEqual([expect.objectContaining({ instrument: 'BTC-USD', qty: 2, entryPrice: 100 })]);
    expect((await getJson('/api/positions?all=maybe')).status).toBe(400);
  });
});

describe('GET /api/orders', () => {
  it('filters by state, instrument and creation time', async () => {
    seedOrders();
    const t0 = fx.env.clock.now() - 2_000;
    const ids = async (q: string) => ((await getJson(`/api/orders${q}`)).body['orders'] as { clientOrderId: string }[]).map((o) => o.clientOrderId);
    expect(await ids('')).toEqual(['c-1', 'c-2', 'c-3']);
    expect(await ids('?state=rejected')).toEqual(['c-2']);
    expect(await ids('?state=pending_submit&instrument=BTC-USD')).toEqual(['c-1', 'c-3']);
    expect(await ids(`?from=${t0 + 1_000}&to=${t0 + 2_000}`)).toEqual(['c-2']);
    expect(await ids('?limit=1')).toEqual(['c-1']);
  });

  it('exports CSV with quoting for commas and quotes', async () => {
    seedOrders();
    const res = await fetch(`${fx.url}/api/orders?format=csv&state=rejected`);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="orders.csv"');
    const lines = (await res.text()).split('\r\n');
    expect(lines[0]).toMatch(/^id,client_order_id,created_at_ms,created_at_utc,state,/);
    expect(lines[1]).toContain(',"vwap, ""quoted""",');
    expect(lines).toHaveLength(3);
  });

  it('refuses unknown states and parameters with every problem named', async () => {
    const { status, body } = await getJson('/api/orders?state=open,filled&sort=id');
    expect(status).toBe(400);
    expect(body['error']).toMatchObject({ code: 'HTTP_BAD_REQUEST' });
    const problems = (body['error'] as { problems: string[] }).problems;
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/unknown query parameter "sort"/);
    expect(problems.join('\n')).toMatch(/"open", expected items of: pending_submit/);
  });
});

describe('GET /api/decisions', () => {
  it('queries the audit trail by time range, fired rule, instrument and outcome', async () => {
    const t0 = seedDecisions();
    const ids = async (q: string) => ((await getJson(`/api/decisions${q}`)).body['decisions'] as { id: number }[]).map((d) => d.id);
    expect(await ids('')).toEqual([1, 2, 3]);
    expect(await ids('?rule=max-position-usd')).toEqual([2]);
    expect(await ids(`?from=${t0 + 1_000}`)).toEqual([2, 3]);
    expect(await ids(`?from=${t0}&to=${t0 + 1_000}`)).toEqual([1]);
    expect(await ids('?outcome=reject&instrument=ETH-USD')).toEqual([3]);
    expect(await ids('?outcome=reject&limit=1')).toEqual([2]);
    const limited = await getJson('/api/decisions?limit=2');
    expect(limited.body['truncated']).toBe(true);
  });

  it('exports CSV: quoted messages, fact values as JSON, formulas made inert', async () => {
    seedDecisions();
    const res = await fetch(`${fx.url}/api/decisions?format=csv&outcome=reject`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('id,ts_ms,ts_utc,outcome,mode,applies_to,venue,instrument,strategy,client_order_id,rule_ids,messages,errors,rule_set_version,run_id,facts');
    expect(lines[1]).toContain(',max-position-usd,"Position would be 150 USD, over the cap, ""100""",');
    expect(lines[1]).toContain(',"{""order.notional_usd"":150}"');
    expect(lines[2]).toContain(`,stale-feed,"'=HYPERLINK(""x"")",`);
    expect(lines.at(-1)).toBe('');
  });

  it('refuses a bad time range', async () => {
    const { status, body } = await getJson('/api/decisions?from=20&to=10&limit=0');
    expect(status).toBe(400);
    expect((body['error'] as { problems: string[] }).problems).toEqual([
      'query parameter "from" (20) must be before "to" (10)',
      'query parameter "limit" must be a whole number from 1 to 10000, got "0"',
    ]);
  });
});

describe('the server as a whole', () => {
  it('answers unknown routes with a JSON 404', async () => {
    const { status, body } = await getJson('/api/nothing');
    expect(status).toBe(404);
    expect(body['error']).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses requests whose Host is not loopback (DNS rebinding) and serves those that are', async () => {
    expect(await getWithHost('/api/state', 'evil.example:80')).toBe(403);
    expect(await getWithHost('/api/state', 'localhost:8787')).toBe(200);
    expect(await getWithHost('/api/state', '[::1]:8787')).toBe(200);
  });

  it('listens on 127.0.0.1 by default', () => {
    expect(new URL(fx.url).hostname).toBe('127.0.0.1');
    expect(healthyStatus(0).mode).toBe('paper');
  });
});
