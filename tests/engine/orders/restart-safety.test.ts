// Restart safety: a session in a child process SIGKILLed at seeded random points, then restarted on the same folders, again and again.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { realSleep } from '../../../engine/market/sleep.ts';
import { seededRandom } from '../../../engine/market/seeded-random.ts';
import { OrderManager } from '../../../engine/orders/order-manager.ts';
import { ruleSetGate } from '../../../engine/orders/order-ports.ts';
import { comparePositions } from '../../../engine/orders/reconcile-books.ts';
import type { Venue, VenueFill } from '../../../engine/plugins/plugin-api.ts';
import { loadRuleSet } from '../../../engine/rules/load-rules.ts';
import { type ChildCommand, childCommand } from '../../helpers/child-bundle.ts';
import { type ChildArgs, SESSION_DAY } from '../../helpers/order-session-args.ts';
import { openPaperVenue, openTestLedger, paperConfig, ROOT, shippedEvents } from '../../helpers/paper-session.ts';

const CHILD = join(ROOT, 'tests', 'helpers', 'order-session-child.ts');
let command: ChildCommand;
const KILLS = 50;
const SEED = 20260105;

const dir = mkdtempSync(join(tmpdir(), 'tg-restart-'));
beforeAll(async () => {
  command = await childCommand(ROOT, CHILD);
});
afterAll(() => {
  command.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  readonly killed: boolean;
  /** Events the child finished before it stopped. */
  readonly events: number;
  readonly lastEndTs: number | null;
  readonly stderr: string;
}

/**
 * One child. `killAfterEvents`: SIGKILL once it has reported that many events (plus a few ms of
 * seeded jitter, so the kill lands anywhere inside the next one); `killAfterMs`: SIGKILL that long
 * after spawn, ready or not (a kill during startup reconciliation); neither: run to the end.
 */
function runChild(args: ChildArgs, kill: { afterEvents?: number; afterMs?: number; jitterMs: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [...command.args, JSON.stringify(args)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let events = 0;
    let lastEndTs: number | null = null;
    let stderr = '';
    let killed = false;
    const killNow = () => {
      if (killed || child.exitCode !== null) return;
      killed = true;
      child.kill('SIGKILL');
    };
    if (kill.afterMs !== undefined) setTimeout(killNow, kill.afterMs);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^e (\d+) (\d+)$/.exec(line);
      if (!m) return;
      events += 1;
      lastEndTs = Number(m[2]);
      if (kill.afterEvents !== undefined && events >= kill.afterEvents) setTimeout(killNow, kill.jitterMs);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL' && code !== 0) reject(new Error(`child exited ${code} ${signal}: ${stderr}`));
      else resolve({ killed: signal === 'SIGKILL', events, lastEndTs, stderr });
    });
  });
}

async function allFills(venue: Venue): Promise<VenueFill[]> {
  const out: VenueFill[] = [];
  let cursor: string | null = null;
  do {
    const page = await venue.listFills({ cursor, limit: 500 });
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== null);
  return out;
}

/** What must hold after every restart and reconciliation; checked by a restart of our own on the same folders. */
async function checkAfterRestart(atMs: number): Promise<{ orders: number; fills: number; pendingResolved: number }> {
  const clock = new ManualClock(atMs);
  const ledger = openTestLedger(join(dir, 'ledger'), clock);
  const venue = await openPaperVenue(join(dir, 'venue'), clock, 11, paperConfig({ participation: 0.2 }));
  try {
    if (ledger.runs.get('session')) ledger.resumeRun('session');
    else ledger.startRun({ runId: 'session' });
    const loaded = await loadRuleSet(join(dir, 'rules'));
    if (!loaded.ok) throw new Error('rules do not load');
    const ruleSet = loaded.ruleSet;
    const manager = new OrderManager({ ledger, venue, gate: ruleSetGate(() => ruleSet, { clock }), clock, sleep: realSleep });
    const report = await manager.start();
    const stats = await venue.stats!();
    expect(stats.ordersReceived).toBe(stats.distinctClientOrderIds);
    const theirs = (await allFills(venue)).map((f) => f.venueFillId).sort();
    const mine = ledger.fills.all().map((f) => f.venueFillId).sort();
    expect(mine).toEqual(theirs);
    expect(comparePositions(ledger.openPositions(), await venue.positions())).toEqual([]);
    expect(Math.abs(ledger.cashUsd() - (await venue.balance()).cashUsd)).toBeLessThan(0.01);
    expect(report.mismatches).toEqual([]);
    expect(report.foreignOrders).toEqual([]);
    expect(ledger.breaker.state()).toMatchObject({ tripped: false });
    const pendingResolved = report.changes.filter((c) => c.from === 'pending_submit').length;
    return { orders: stats.distinctClientOrderIds, fills: mine.length, pendingResolved };
  } finally {
    await venue.close();
    ledger.close();
  }
}

describe('restart safety', () => {
  it(`survives ${KILLS} SIGKILLs at seeded random points: nothing sent twice, every fill booked once, books equal the venue's`, async () => {
    mkdirSync(join(dir, 'rules'));
    for (const f of ['kill-switch.yaml', 'execution-quality.yaml']) copyFileSync(join(ROOT, 'rules', f), join(dir, 'rules', f));
    const events = shippedEvents(SESSION_DAY);
    const args: ChildArgs = { dir, first: 100, count: 700 };
    const random = seededRandom(SEED);
    let kills = 0;
    let duringStartup = 0;
    let processed = 0;
    let pendingResolved = 0;
    let lastEndTs = events[args.first]!.endTs;
    for (let run = 0; kills < KILLS && run < KILLS * 2; run++) {
      const startup = random() < 0.12;
      const jitterMs = Math.floor(random() * 4);
      const kill = startup ? { afterMs: 50 + Math.floor(random() * 500), jitterMs } : { afterEvents: 1 + Math.floor(random() * 20), jitterMs };
      const result = await runChild(args, kill);
      if (result.killed) kills += 1;
      if (result.killed && result.events === 0) duringStartup += 1;
      processed += result.events;
      lastEndTs = result.lastEndTs ?? lastEndTs;
      pendingResolved += (await checkAfterRestart(lastEndTs)).pendingResolved;
    }
    expect(kills).toBe(KILLS);
    const finished = await runChild(args, { jitterMs: 0 });
    expect(finished.killed).toBe(false);
    const totals = await checkAfterRestart(finished.lastEndTs ?? lastEndTs);
    expect(duringStartup).toBeGreaterThan(0);
    // Some kills landed between persisting pending_submit and recording the venue's answer.
    expect(pendingResolved).toBeGreaterThan(0);
    expect(processed).toBeGreaterThan(KILLS * 5);
    expect(totals.orders).toBeGreaterThan(100);
    expect(totals.fills).toBeGreaterThan(50);
  }, 240_000);
});
