// One order manager on real parts (SQLite ledger, paper venue behind a fault wrapper, the shipped rules and replay), driven event by event.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { ManualClock } from '../../engine/clock.ts';
import type { Ledger } from '../../engine/ledger/ledger.ts';
import { type OrderManager as Manager, OrderManager, type OrderManagerOptions, type TickReport } from '../../engine/orders/order-manager.ts';
import { ruleSetGate } from '../../engine/orders/order-ports.ts';
import type { MarketEvent, Venue } from '../../engine/plugins/plugin-api.ts';
import { loadRuleSet } from '../../engine/rules/load-rules.ts';
import type { RuleSet } from '../../engine/rules/rule-set.ts';
import type { Mode } from '../../engine/types.ts';
import type { PaperConfigFile } from '../../plugins/venues/paper/paper-config.ts';
import { FaultyVenue } from './faulty-venue.ts';
import { ManualTimers } from './manual-timers.ts';
import { openPaperVenue, openTestLedger, paperConfig, ROOT, shippedEvents } from './paper-session.ts';

/** Rule files of the shipped default set, copied into a folder of their own and loaded. */
export async function shippedRules(files?: readonly string[]): Promise<RuleSet> {
  let dir = join(ROOT, 'rules');
  let temp: string | undefined;
  if (files) {
    temp = mkdtempSync(join(tmpdir(), 'tg-rules-'));
    for (const f of files) copyFileSync(join(dir, f), join(temp, f));
    dir = temp;
  }
  try {
    const loaded = await loadRuleSet(dir);
    if (!loaded.ok) throw new Error(`rules do not load: ${loaded.problems.map((p) => p.message).join('; ')}`);
    return loaded.ruleSet;
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}

export interface OrderEnvOptions {
  readonly ruleSet: RuleSet;
  readonly mode?: Mode;
  readonly seed?: number;
  readonly paper?: Partial<PaperConfigFile>;
  /** Index into the shipped events of the first event the venue sees. */
  readonly startIndex?: number;
  readonly manager?: Partial<Omit<OrderManagerOptions, 'ledger' | 'venue' | 'gate' | 'clock' | 'sleep'>>;
  /** Reuse the folders of an earlier env: a restart. */
  readonly dir?: string;
}

export interface OrderEnv {
  readonly dir: string;
  readonly clock: ManualClock;
  readonly timers: ManualTimers;
  readonly ledger: Ledger;
  /** The paper venue itself, for its own counters and books. */
  readonly paper: Venue;
  /** The paper venue behind the fault wrapper: what the manager talks to. */
  readonly venue: FaultyVenue;
  readonly manager: Manager;
  readonly event: MarketEvent;
  /** The venue sees the next event (the clock moves to its end), then the manager ticks. */
  step(): Promise<TickReport>;
  /** Feeds `n` events. */
  steps(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function orderEnv(o: OrderEnvOptions): Promise<OrderEnv> {
  const events = shippedEvents();
  let index = o.startIndex ?? 100;
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'tg-orders-'));
  const clock = new ManualClock(events[index]!.endTs);
  const timers = new ManualTimers(clock);
  const ledger = openTestLedger(join(dir, 'ledger'), clock, o.mode ?? 'paper');
  if (ledger.runs.get('run-1')) ledger.resumeRun('run-1');
  else ledger.startRun({ runId: 'run-1' });
  const paper = await openPaperVenue(join(dir, 'venue'), clock, o.seed ?? 7, paperConfig(o.paper));
  const venue = new FaultyVenue(paper, clock);
  venue.onMarketEvent(events[index]!);
  const gate = ruleSetGate(() => o.ruleSet, { clock });
  const manager = new OrderManager({ ledger, venue, gate, clock, sleep: timers.sleep, ...o.manager });
  let closed = false;
  const env: OrderEnv = {
    dir, clock, timers, ledger, paper, venue, manager,
    get event() {
      return events[index]!;
    },
    async step() {
      index += 1;
      const e = events[index];
      if (!e) throw new Error('out of replay events');
      clock.set(e.endTs);
      venue.onMarketEvent(e);
      return manager.tick();
    },
    async steps(n) {
      for (let i = 0; i < n; i++) await env.step();
    },
    /** Once: a test that closes an env to reopen its folder leaves the harness's close a no-op (a second venue close would save a stale book over the new one's). */
    async close() {
      if (closed) return;
      closed = true;
      await manager.idle();
      await paper.close();
      ledger.close();
    },
  };
  return env;
}

export function removeEnv(env: OrderEnv): void {
  rmSync(env.dir, { recursive: true, force: true });
}

/**
 * A test file's order envs: `open` builds one from `base()` (read when called, so rules loaded in a
 * beforeAll are in it) and `extra`, starts its manager unless `start` is false, and closes and
 * removes every env it opened after each test. `ignoreCloseErrors` for files whose tests leave a
 * ledger that refuses to close cleanly on purpose (a failed commit).
 */
export function orderEnvHarness(
  base: () => OrderEnvOptions,
  opts: { readonly ignoreCloseErrors?: boolean } = {},
): (extra?: Partial<OrderEnvOptions>, start?: boolean) => Promise<OrderEnv> {
  const opened: OrderEnv[] = [];
  afterEach(async () => {
    const envs = opened.splice(0);
    // Every close before any removal: a test that reopens a folder has two envs on it.
    for (const e of envs) await (opts.ignoreCloseErrors === true ? e.close().catch(() => undefined) : e.close());
    for (const e of envs) removeEnv(e);
  });
  return async (extra = {}, start = true) => {
    const env = await orderEnv({ ...base(), ...extra });
    opened.push(env);
    if (start) await env.manager.start();
    return env;
  };
}
