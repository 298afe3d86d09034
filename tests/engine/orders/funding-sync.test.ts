// Specs of funding pulls: a perpetual's funding booked as the venue booked it, each payment once, so reconciliation finds the books equal.
import { beforeAll, describe, expect, it } from 'vitest';
import { FundingSync } from '../../../engine/orders/funding-sync.ts';
import type { Venue } from '../../../engine/plugins/plugin-api.ts';
import type { RuleSet } from '../../../engine/rules/rule-set.ts';
import { type OrderEnv, orderEnvHarness, shippedRules } from '../../helpers/order-env.ts';
import { callerFacts, entrySignal, INSTRUMENT, paperConfig } from '../../helpers/paper-session.ts';

const HOUR = 3_600_000;
/** A perpetual that charges longs 0.1% of their notional every hour: large enough to see in cents. */
const PERPETUAL = paperConfig().instruments.map((i) => ({ ...i, type: 'perpetual' as const, funding_rate: 0.001, funding_interval_ms: HOUR }));

let rules: RuleSet;
beforeAll(async () => {
  rules = await shippedRules(['kill-switch.yaml']);
});

const openEnv = orderEnvHarness(() => ({ ruleSet: rules, paper: { instruments: PERPETUAL } }));
const open = (dir?: string): Promise<OrderEnv> => openEnv(dir ? { dir } : {});

/** A long position held through `hours` funding times, the manager ticking on every minute bar. */
async function holdLong(env: OrderEnv, hours: number): Promise<void> {
  const r = await env.manager.execute(entrySignal(env.event, 'long', { limitPrice: env.event.quote.askClose, quantity: 0.05 }), callerFacts(env.event));
  expect(r.status).toBe('sent');
  await env.steps(hours * 60 + 5);
  expect(env.ledger.position(INSTRUMENT).qty).toBe(0.05);
}

async function venueFunding(env: OrderEnv) {
  return (await env.paper.fundingPayments!({ limit: 1000 })).items;
}

describe('FundingSync through the order manager', () => {
  it('books every funding payment the venue booked, at its amount, so cash matches the venue and reconciliation passes', async () => {
    const env = await open();
    await holdLong(env, 2);
    const paid = await venueFunding(env);
    expect(paid.length).toBeGreaterThanOrEqual(2);
    expect(paid.every((p) => p.amountUsd < 0)).toBe(true);
    const booked = env.ledger.cash.list(1000).filter((m) => m.kind === 'funding');
    expect(booked.map((m) => m.reference).sort()).toEqual(paid.map((p) => p.reference).sort());
    expect(booked.reduce((s, m) => s + m.amountUsd, 0)).toBeCloseTo(paid.reduce((s, p) => s + p.amountUsd, 0), 6);
    expect(env.ledger.position(INSTRUMENT).fundingUsd).toBeCloseTo(paid.reduce((s, p) => s + p.amountUsd, 0), 6);
    expect(env.ledger.cashUsd()).toBeCloseTo((await env.paper.balance()).cashUsd, 6);
    const report = await env.manager.reconcile();
    expect(report.mismatches).toEqual([]);
    expect(report.breakerTripped).toBe(false);
  });

  it('re-reads the whole funding history at a restart and posts none of it twice', async () => {
    const first = await open();
    await holdLong(first, 1);
    const cash = first.ledger.cashUsd();
    const paid = await venueFunding(first);
    await first.close();
    const again = await openEnv({ dir: first.dir }, false);
    const report = await again.manager.start();
    expect(report.funding).toMatchObject({ fetched: paid.length, applied: 0, duplicates: paid.length });
    expect(again.ledger.cashUsd()).toBe(cash);
    expect(report.breakerTripped).toBe(false);
  });
});

describe('FundingSync', () => {
  it('follows every page, then reads only what was appended since the last pull', async () => {
    const env = await open();
    await holdLong(env, 3);
    const total = (await venueFunding(env)).length;
    const sync = new FundingSync(env.ledger, env.paper, { pageLimit: 1 });
    expect(await sync.sync()).toMatchObject({ fetched: total, applied: 0, duplicates: total });
    expect(await sync.sync()).toMatchObject({ fetched: 0 });
    await env.steps(61);
    expect((await sync.sync()).fetched).toBe(1);
    sync.restart();
    expect((await sync.sync()).fetched).toBe(total + 1);
  });

  it('does nothing against a venue without funding', async () => {
    const env = await open();
    // The real paper venue with its funding listing hidden, as a spot-only venue would be.
    const spot = Object.create(env.paper, { fundingPayments: { value: undefined } }) as Venue;
    const sync = new FundingSync(env.ledger, spot, { pageLimit: 10 });
    expect(await sync.sync()).toEqual({ fetched: 0, applied: 0, duplicates: 0, amountUsd: 0 });
  });
});
