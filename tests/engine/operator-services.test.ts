// Specs for the operator services of a session: the server on its port (refusing a taken one), metrics and alerts fed by the bus, the UTC jobs.
import { createServer, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../engine/bus.ts';
import { ManualClock, systemClock } from '../../engine/clock.ts';
import type { Ledger } from '../../engine/ledger/ledger.ts';
import { LogCapture } from '../../engine/observe/log-capture.ts';
import { createLogger } from '../../engine/observe/logger.ts';
import { type OperatorServices, type OperatorServicesInput, startOperatorServices } from '../../engine/operator-services.ts';
import { LiveStatus } from '../../engine/runtime/live-status.ts';
import { controlsOf, killRig } from '../helpers/kill-fixture.ts';
import { T0, type TempLedgers, tempLedgers } from '../helpers/temp-ledger.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';

let env: TempLedgers;
let ledger: Ledger;
let bus: EventBus;
let logs: LogCapture;
let services: OperatorServices | undefined;
let receiver: WebhookReceiver | undefined;
let blocker: Server | undefined;

beforeEach(() => {
  env = tempLedgers();
  ledger = env.open();
  ledger.deposit(10_000, 'seed');
  bus = new EventBus();
  logs = new LogCapture();
});
afterEach(async () => {
  await services?.close();
  services = undefined;
  await receiver?.close();
  receiver = undefined;
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  blocker = undefined;
  env.cleanup();
});

function input(overrides: Partial<OperatorServicesInput> = {}): OperatorServicesInput {
  const controls = controlsOf(ledger, systemClock);
  const status = new LiveStatus({
    mode: 'paper', runId: 'run-1', bus, wallClock: systemClock, feed: 'replay', instruments: ['BTC-USD'], stale: () => false,
    cashUsd: () => ledger.cashUsd(), ruleSetVersion: () => 'rs-1', assertions: () => [],
  });
  const { killSwitch } = killRig(ledger, new ManualClock(T0));
  return {
    ledger, runtime: { controls, status, killSwitch }, bus, logger: createLogger({ destination: logs, level: 'debug', env: {} }), clock: env.clock,
    wallClock: systemClock, http: null, health: {}, alerts: null, env: {}, dayStart: null, ...overrides,
  };
}

describe('startOperatorServices', () => {
  it('refuses a port another program holds, naming it and the way out', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    await expect(startOperatorServices(input({ http: { host: '127.0.0.1', port } }))).rejects.toMatchObject({
      code: 'HTTP_LISTEN_FAILED', message: expect.stringContaining(`127.0.0.1:${port}`),
    });
  });

  it('serves metrics the bus feeds: orders, fills, equity', async () => {
    services = await startOperatorServices(input({ http: { host: '127.0.0.1', port: 0 } }));
    expect(services.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    bus.emit('order.updated', { clientOrderId: 'a', venue: 'paper', instrument: 'BTC-USD', strategy: 'canary', side: 'buy', mode: 'paper', fromState: 'submitted', state: 'filled', qty: 1, filledQty: 1, reason: null });
    bus.emit('fill.applied', { clientOrderId: 'a', venue: 'paper', venueFillId: 'f', instrument: 'BTC-USD', side: 'buy', qty: 1, price: 100, feeUsd: 0, realizedPnlUsd: 0, liquidity: 'taker' });
    bus.emit('equity.observed', { equityUsd: 10_001, cashUsd: 9_900, sessionPnlUsd: 1, dailyLossFraction: 0, drawdownFraction: 0 });
    const text = await (await fetch(`${services.url}/metrics`)).text();
    expect(text).toContain('tradegate_orders_total{outcome="filled"} 1');
    expect(text).toContain('tradegate_fills_total{instrument="BTC-USD"} 1');
    expect(text).toContain('tradegate_equity_usd 10001');
  });

  it('runs without a server when told (http null), and still alerts through the webhook, flushing at close', async () => {
    receiver = await startWebhookReceiver();
    services = await startOperatorServices(input({ alerts: { webhookUrl: `${receiver.url}/hook`, format: 'slack' } }));
    expect(services.url).toBeNull();
    bus.emit('kill.level_changed', { from: 'none', to: 'flatten', source: 'api', actor: 'http:alice', reason: 'drill' });
    await services.close();
    services = undefined;
    expect(receiver.requests.map((r) => (r.body as { text: string }).text)).toEqual([expect.stringContaining('CRITICAL: kill switch none -> flatten')]);
  });

  it('runs the day-start reset and the daily summary as the UTC schedule would', async () => {
    const days: string[] = [];
    services = await startOperatorServices(input({ dayStart: async (day) => void days.push(day) }));
    expect(await services.schedules!.run('day-start-reset', new Date('2024-03-11T00:00:00Z'))).toBe(true);
    expect(days).toEqual(['2024-03-11']);
    expect(await services.schedules!.run('daily-summary', new Date('2024-03-11T00:01:00Z'))).toBe(true);
    expect(logs.events('daily.summary')).toEqual([expect.objectContaining({ title: 'daily summary 2024-03-09 (UTC)' })]);
  });
});
