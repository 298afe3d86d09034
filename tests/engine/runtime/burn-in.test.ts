// Specs for dry-run burn-in evidence: rows extended as the session runs, a new row per config hash and per process, hours the go/no-go gate counts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { EvidenceRepository } from '../../../engine/ledger/evidence-repository.ts';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { BURN_IN_RECORD_EVERY_MS, BurnInRecorder } from '../../../engine/runtime/burn-in.ts';
import { goLiveConfigHash } from '../../../engine/runtime/config-hash.ts';
import { burnInHours } from '../../../engine/runtime/go-live-evidence.ts';
import { T0, type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

const HOUR = 3_600_000;
const CONFIG = { mode: 'dry_run', scope: { instruments: ['BTC-USD'], strategies: ['canary'] }, data_dir: 'data' };

let env: TempLedgers;
let ledger: Ledger;
let wall: ManualClock;

beforeEach(() => {
  env = tempLedgers();
  ledger = env.open({ mode: 'dry_run' });
  wall = new ManualClock(T0);
});
afterEach(() => env.cleanup());

const rows = () => new EvidenceRepository(ledger.db, wall).list('dry_run_session');
const recorder = () => new BurnInRecorder({ db: ledger.db, runId: 'dry-1', config: CONFIG, wallClock: wall });

describe('BurnInRecorder', () => {
  it('records the session at its start under the config hash, extends it every 5 minutes and at the end', () => {
    const r = recorder();
    r.start('rs-1');
    expect(r.configHash).toBe(goLiveConfigHash(CONFIG, 'rs-1'));
    expect(rows()).toEqual([expect.objectContaining({ runId: 'dry-1', configHash: r.configHash, startedAtMs: T0, endedAtMs: T0 })]);
    wall.advance(BURN_IN_RECORD_EVERY_MS - 1);
    r.tick();
    expect(rows()[0]!.endedAtMs).toBe(T0);
    wall.advance(1);
    r.tick();
    expect(rows()[0]!.endedAtMs).toBe(T0 + BURN_IN_RECORD_EVERY_MS);
    wall.set(T0 + 2 * HOUR + 1_234);
    r.finish();
    expect(rows()[0]).toMatchObject({ endedAtMs: T0 + 2 * HOUR + 1_234 });
    expect(burnInHours(rows(), r.configHash ?? goLiveConfigHash(CONFIG, 'rs-1'))).toBe(2);
  });

  it('ends the stretch on a rules reload and counts what follows under the new hash', () => {
    const r = recorder();
    r.start('rs-1');
    wall.advance(HOUR);
    r.start('rs-2');
    wall.advance(3 * HOUR);
    r.finish();
    const [first, second] = rows();
    expect(first).toMatchObject({ runId: 'dry-1', configHash: goLiveConfigHash(CONFIG, 'rs-1'), hours: 1 });
    expect(second).toMatchObject({ runId: 'dry-1#2', configHash: goLiveConfigHash(CONFIG, 'rs-2'), hours: 3 });
    expect(burnInHours(rows(), goLiveConfigHash(CONFIG, 'rs-2'))).toBe(3);
  });

  it('gives a resumed run a row of its own: a recorded session is never rewritten', () => {
    const before = recorder();
    before.start('rs-1');
    wall.advance(HOUR);
    before.finish();
    wall.advance(HOUR);
    const after = recorder();
    after.start('rs-1');
    wall.advance(HOUR);
    after.finish();
    expect(rows().map((r) => [r.runId, r.startedAtMs, r.endedAtMs])).toEqual([
      ['dry-1', T0, T0 + HOUR],
      ['dry-1#2', T0 + 2 * HOUR, T0 + 3 * HOUR],
    ]);
    expect(burnInHours(rows(), goLiveConfigHash(CONFIG, 'rs-1'))).toBe(2);
  });
});
