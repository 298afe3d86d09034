// A trading session in its own process for the restart-safety test: open ledger and paper venue, reconcile, then trade a replay slice.
/*
 * Run: node --import tsx tests/helpers/order-session-child.ts '<json ChildArgs>' (or its bundle, see child-bundle.ts).
 * Prints `ready {...}` after the startup reconciliation, `e <index> <endTs>` after each event, `done` at the end.
 */
import { join } from 'node:path';
import { ManualClock } from '../../engine/clock.ts';
import { realSleep } from '../../engine/market/sleep.ts';
import { OrderManager } from '../../engine/orders/order-manager.ts';
import { ruleSetGate } from '../../engine/orders/order-ports.ts';
import { ORDER_STATES } from '../../engine/orders/order-state.ts';
import { loadRuleSet } from '../../engine/rules/load-rules.ts';
import { type ChildArgs, SESSION_DAY } from './order-session-args.ts';
import { callerFacts, entrySignal, exitSignal, INSTRUMENT, openPaperVenue, openTestLedger, paperConfig, shippedEvents } from './paper-session.ts';


/**
 * Where a restarted session picks up: the event at which the ledger's latest order was created
 * (its signals run again and must come back as duplicates), or the start of the slice.
 */
function resumeIndex(latestOrderMs: number | null, args: ChildArgs): number {
  const events = shippedEvents(SESSION_DAY);
  if (latestOrderMs === null) return args.first;
  for (let i = args.first; i < args.first + args.count; i++) if (events[i]!.endTs >= latestOrderMs) return i;
  return args.first + args.count;
}

async function main(args: ChildArgs): Promise<void> {
  const events = shippedEvents(SESSION_DAY);
  const clock = new ManualClock(events[args.first]!.endTs);
  const ledger = openTestLedger(join(args.dir, 'ledger'), clock);
  const latest = ledger.orders.inStates(ORDER_STATES).reduce<number | null>((m, o) => Math.max(m ?? 0, o.createdAtMs), null);
  const start = resumeIndex(latest, args);
  clock.set(events[Math.min(start, args.first + args.count - 1)]!.endTs);
  if (ledger.runs.get('session')) ledger.resumeRun('session');
  else ledger.startRun({ runId: 'session' });
  const venue = await openPaperVenue(join(args.dir, 'venue'), clock, 11, paperConfig({ participation: 0.2 }));
  const loaded = await loadRuleSet(join(args.dir, 'rules'));
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('; '));
  const ruleSet = loaded.ruleSet;
  const manager = new OrderManager({ ledger, venue, gate: ruleSetGate(() => ruleSet, { clock }), clock, sleep: realSleep });
  const report = await manager.start();
  process.stdout.write(`ready ${JSON.stringify({ start, changes: report.changes.length, fills: report.fills.applied })}\n`);
  for (let i = start; i < args.first + args.count; i++) {
    const event = events[i]!;
    clock.set(event.endTs);
    venue.onMarketEvent?.(event);
    await manager.tick();
    const facts = callerFacts(event);
    if (i % 2 === 0) {
      await manager.execute(entrySignal(event, `in-${i}`, { quantity: 0.001 + (i % 5) * 0.001 }), facts);
    } else {
      const offered = ledger.orders.inStates(['pending_submit', 'submitted', 'partially_filled', 'unknown'])
        .filter((o) => o.side === 'sell').reduce((s, o) => s + o.qty - o.filledQty, 0);
      const free = Math.round((ledger.position(INSTRUMENT).qty - offered) * 1e4) / 1e4;
      if (free > 0) await manager.execute(exitSignal(event, `out-${i}`, free), facts);
    }
    process.stdout.write(`e ${i} ${event.endTs}\n`);
  }
  await manager.idle();
  await venue.close();
  ledger.close();
  process.stdout.write('done\n');
}

await main(JSON.parse(process.argv[2] ?? '{}') as ChildArgs);
