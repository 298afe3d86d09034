// A kill switch on a real ledger for tests: controls service, ledger store, recorded actions, and a timer that fires only when the test moves time.
import { EventBus } from '../../engine/bus.ts';
import type { ManualClock } from '../../engine/clock.ts';
import type { Ledger } from '../../engine/ledger/ledger.ts';
import { ControlsService } from '../../engine/runtime/controls.ts';
import type { KillFileReading } from '../../engine/runtime/kill-file.ts';
import { ledgerKillStore } from '../../engine/runtime/kill-ports.ts';
import { type Every, type KillActions, type KillStore, KillSwitch } from '../../engine/runtime/kill-switch.ts';
import type { KillLevelChanged } from '../../engine/trading-events.ts';

/** `every` on a manual clock: advance() moves time in steps and runs each timer as its time comes. */
export class ManualEvery {
  readonly #clock: ManualClock;
  #timers: { ms: number; next: number; fn: () => void }[] = [];

  constructor(clock: ManualClock) {
    this.#clock = clock;
  }

  readonly every: Every = (ms, fn) => {
    const timer = { ms, next: this.#clock.now() + ms, fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  };

  get active(): number {
    return this.#timers.length;
  }

  advance(ms: number): void {
    const end = this.#clock.now() + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.next <= end).sort((a, b) => a.next - b.next)[0];
      if (!due) break;
      this.#clock.set(Math.max(this.#clock.now(), due.next));
      due.next += due.ms;
      due.fn();
    }
    this.#clock.set(end);
  }
}

export function controlsOf(ledger: Ledger, clock: ManualClock | { now(): number }): ControlsService {
  return new ControlsService({
    repository: ledger.controls,
    transaction: (fn) => ledger.transaction(fn),
    clock,
    defaults: { killLevel: 'none', tradingMode: 'paper', maxPositionUsd: null, maxSessionLossUsd: null, allowedInstruments: ['BTC-USD'], allowedStrategies: ['canary'] },
  });
}

export interface KillRig {
  readonly killSwitch: KillSwitch;
  readonly controls: ControlsService;
  readonly store: KillStore;
  readonly timers: ManualEvery;
  readonly bus: EventBus;
  /** Every action the switch asked for, in order. */
  readonly calls: string[];
  readonly changes: KillLevelChanged[];
  /** What the kill file reads as, set by the test (null: no file). */
  file: KillFileReading | null;
}

export function killRig(ledger: Ledger, clock: ManualClock, overrides: { actions?: Partial<KillActions>; store?: KillStore; pollMs?: number } = {}): KillRig {
  const controls = controlsOf(ledger, clock);
  const store = overrides.store ?? ledgerKillStore(ledger, controls, clock);
  const timers = new ManualEvery(clock);
  const bus = new EventBus();
  const calls: string[] = [];
  const changes: KillLevelChanged[] = [];
  bus.on('kill.level_changed', (c) => void changes.push(c));
  const rig: KillRig = {
    controls,
    store,
    timers,
    bus,
    calls,
    changes,
    file: null,
    killSwitch: undefined as unknown as KillSwitch,
  };
  const actions: KillActions = {
    cancelAll: async () => void calls.push('cancelAll'),
    flattenAll: async () => void calls.push('flattenAll'),
    stop: async (code) => void calls.push(`stop(${code})`),
    ...overrides.actions,
  };
  (rig as { killSwitch: KillSwitch }).killSwitch = new KillSwitch({
    store, actions, clock, bus, every: timers.every, killFile: () => rig.file, ...(overrides.pollMs ? { pollMs: overrides.pollMs } : {}),
  });
  return rig;
}
