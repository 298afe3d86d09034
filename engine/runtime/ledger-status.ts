// What `engine status` reads from one ledger and its data directory: engine process, kill level and trail, breaker, controls, open books, last run.
import { existsSync } from 'node:fs';
import { systemClock } from '../clock.ts';
import type { BreakerState } from '../ledger/breaker-repository.ts';
import { type KillEvent, KillEventRepository } from '../ledger/kill-event-repository.ts';
import type { Ledger, PositionView } from '../ledger/ledger.ts';
import type { RunRecord } from '../ledger/run-repository.ts';
import type { KillLevel, Mode, OrderState } from '../types.ts';
import type { ControlsService, RuntimeControls } from './controls.ts';
import { type LockHolder, processAlive, readLockHolder } from './instance-lock.ts';
import { killFilePath, type KillFileReading, readKillFile } from './kill-file.ts';
import { LIVE_ORDER_STATES } from './position-tracker.ts';

export interface OpenOrderView {
  readonly clientOrderId: string;
  readonly instrument: string;
  readonly side: string;
  readonly state: OrderState;
  readonly qty: number;
  readonly filledQty: number;
  readonly venueOrderId: string | null;
}

export interface LedgerStatus {
  readonly mode: Mode;
  readonly ledgerPath: string;
  /** The process holding the instance lock, when its holder file names one that is alive. */
  readonly engine: { readonly running: boolean; readonly holder: LockHolder | null };
  readonly kill: {
    readonly level: KillLevel;
    readonly setBy: string | null;
    readonly setAtMs: number | null;
    /** The latest trigger with its reason (kill_events). */
    readonly lastEvent: KillEvent | null;
    readonly file: (KillFileReading & { readonly path: string }) | null;
  };
  readonly breaker: BreakerState;
  readonly controls: RuntimeControls;
  readonly controlsProblems: readonly string[];
  readonly openOrders: readonly OpenOrderView[];
  readonly positions: readonly PositionView[];
  readonly lastRun: RunRecord | null;
}

export function readLedgerStatus(ledger: Ledger, controls: ControlsService, dataDir: string): LedgerStatus {
  const holder = readLockHolder(dataDir, ledger.mode);
  const kill = controls.provenance().kill_level;
  const file = killFilePath(dataDir);
  const reading = existsSync(file) ? readKillFile(file) : null;
  return {
    mode: ledger.mode,
    ledgerPath: ledger.path,
    engine: { running: holder !== null && processAlive(holder.pid), holder },
    kill: {
      level: controls.current().killLevel,
      setBy: kill?.updatedBy ?? null,
      setAtMs: kill?.updatedAtMs ?? null,
      lastEvent: new KillEventRepository(ledger.db, systemClock).latest(1)[0] ?? null,
      file: reading === null ? null : { ...reading, path: file },
    },
    breaker: ledger.breaker.state(),
    controls: controls.current(),
    controlsProblems: controls.problems(),
    openOrders: ledger.orders.inStates(LIVE_ORDER_STATES).map((o) => ({
      clientOrderId: o.clientOrderId, instrument: o.instrument, side: o.side, state: o.state, qty: o.qty, filledQty: o.filledQty, venueOrderId: o.venueOrderId,
    })),
    positions: ledger.openPositions(),
    lastRun: ledger.runs.latest() ?? null,
  };
}

/** Why the ledger alone says the engine is not healthy (kill levels are an operator's choice, not a fault). */
export function ledgerProblems(s: LedgerStatus): string[] {
  return [
    ...(s.breaker.tripped ? [`circuit breaker is tripped: ${s.breaker.reason ?? 'no reason recorded'} (by ${s.breaker.trippedBy ?? '?'})`] : []),
    ...s.controlsProblems.map((p) => `runtime controls invalid, running paused: ${p}`),
  ];
}
