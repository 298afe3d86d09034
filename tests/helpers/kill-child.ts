// A child process running a real kill switch on a data directory (wall clock, real timers, signals, kill file); prints each level change as JSON.
import { EventBus } from '../../engine/bus.ts';
import { systemClock } from '../../engine/clock.ts';
import { openLedger } from '../../engine/ledger/ledger.ts';
import { ControlsService } from '../../engine/runtime/controls.ts';
import { killFilePath, readKillFile } from '../../engine/runtime/kill-file.ts';
import { ledgerKillStore } from '../../engine/runtime/kill-ports.ts';
import { installKillSignals } from '../../engine/runtime/kill-signals.ts';
import { KillSwitch } from '../../engine/runtime/kill-switch.ts';
import type { Mode } from '../../engine/types.ts';

const [dataDir, mode] = process.argv.slice(2) as [string, Mode];
const print = (record: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(record)}\n`);
const ledger = openLedger({ dataDir, mode, clock: systemClock, synchronous: 'NORMAL' });
const controls = new ControlsService({
  repository: ledger.controls,
  transaction: (fn) => ledger.transaction(fn),
  clock: systemClock,
  defaults: { killLevel: 'none', tradingMode: mode, maxPositionUsd: null, maxSessionLossUsd: null, allowedInstruments: [], allowedStrategies: [] },
});
const bus = new EventBus();
bus.on('kill.level_changed', (c) => void print({ event: 'level', ...c, atMs: Date.now() }));
const killSwitch = new KillSwitch({
  store: ledgerKillStore(ledger, controls, systemClock),
  clock: systemClock,
  bus,
  killFile: () => readKillFile(killFilePath(dataDir)),
  actions: {
    cancelAll: async () => print({ event: 'cancelAll' }),
    flattenAll: async () => print({ event: 'flattenAll' }),
    stop: (code) => {
      print({ event: 'stop', code });
      ledger.close();
      process.exit(code);
    },
  },
});
installKillSignals(killSwitch);
killSwitch.start();
// Keeps the process alive (the switch's timer does not) until the test ends it.
const keepAlive = setInterval(() => {}, 60_000);
process.stdin.resume();
process.stdin.on('end', () => {
  clearInterval(keepAlive);
  killSwitch.close();
  ledger.close();
  process.exit(0);
});
print({ event: 'ready', pid: process.pid, level: killSwitch.level() });
