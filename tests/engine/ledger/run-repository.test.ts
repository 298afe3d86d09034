// Specs of run metadata: start and end with config and rule versions, session start equity set once, peak only rising.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
let ledger: Ledger;
beforeEach(() => {
  env = tempLedgers();
  ledger = env.open();
});
afterEach(() => env.cleanup());

describe('RunRepository', () => {
  it('records a run with its config hash and rule set version, and ends it with a summary', () => {
    ledger.runs.start({ runId: 'r1', configHash: 'c', ruleSetVersion: 'rs-1' });
    env.clock.advance(5000);
    ledger.runs.end('r1', { trades: 3 });
    expect(ledger.runs.get('r1')).toMatchObject({ mode: 'paper', configHash: 'c', ruleSetVersion: 'rs-1',
      endedAtMs: env.clock.now(), summary: { trades: 3 } });
    expect(ledger.runs.latest()?.runId).toBe('r1');
  });

  it('sets the session start equity once and raises the peak only', () => {
    ledger.runs.start({ runId: 'r1' });
    ledger.runs.observeEquity('r1', 100);
    ledger.runs.observeEquity('r1', 150);
    expect(ledger.runs.observeEquity('r1', 120)).toMatchObject({ startEquityMicros: 100, peakEquityMicros: 150 });
  });

  it('sets the start once (saying whether this call set it) and raises the peak without ever lowering it', () => {
    ledger.runs.start({ runId: 'r1' });
    expect(ledger.runs.setStartIfUnset('r1', 100)).toBe(true);
    expect(ledger.runs.setStartIfUnset('r1', 90)).toBe(false);
    ledger.runs.raisePeak('r1', 150);
    ledger.runs.raisePeak('r1', 120);
    expect(ledger.runs.require('r1')).toMatchObject({ startEquityMicros: 100, peakEquityMicros: 150 });
  });
});
