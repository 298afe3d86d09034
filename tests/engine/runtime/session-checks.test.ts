// Specs for the refusals before trading: unlisted instruments, a replay behind its books, live mode without a live venue.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../engine/clock.ts';
import { checkListed, refuseIfAhead, refuseLive } from '../../../engine/runtime/session-checks.ts';
import { openPaperVenue, paperConfig } from '../../helpers/paper-session.ts';
import { tempLedgers, type TempLedgers } from '../../helpers/temp-ledger.ts';
import { marketEvent, T0 } from '../../plugins/strategies/market-event-fixtures.ts';

let env: TempLedgers | undefined;
let dir = '';
afterEach(() => {
  env?.cleanup();
  env = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const strategies = (...instruments: string[]) => ({ strategies: [{ name: 'canary', instruments, config: {} }] });

describe('checkListed', () => {
  it('accepts instruments the paper venue lists and names the ones it does not', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-checks-'));
    const venue = await openPaperVenue(dir, new ManualClock(T0), 1, paperConfig());
    await expect(checkListed(venue, strategies('BTC-USD'))).resolves.toBeUndefined();
    await expect(checkListed(venue, strategies('BTC-USD', 'DOGE-USD'))).rejects.toMatchObject({ code: 'SESSION_INSTRUMENT_UNLISTED', message: expect.stringContaining('DOGE-USD (canary)') });
  });
});

describe('refuseIfAhead', () => {
  it('lets a replay start on empty books or after them, and refuses one that starts before what they hold', () => {
    env = tempLedgers(T0);
    const ledger = env.open();
    const source = { path: 'x', events: [marketEvent({ ts: T0 })] };
    expect(() => refuseIfAhead(ledger, source, { mode: 'paper', dataDir: env!.dir })).not.toThrow();
    ledger.startRun({ runId: 'earlier' });
    ledger.observeEquity(() => undefined, { snapshot: true });
    expect(() => refuseIfAhead(ledger, source, { mode: 'paper', dataDir: env!.dir })).toThrow(expect.objectContaining({ code: 'SESSION_DATA_DIR_AHEAD' }));
    expect(() => refuseIfAhead(ledger, { path: 'x', events: [marketEvent({ ts: T0 + 1 })] }, { mode: 'paper', dataDir: env!.dir })).not.toThrow();
  });
});

describe('refuseLive', () => {
  it('says why, naming the venue', () => {
    expect(() => refuseLive({ venue: { name: 'paper', config: {} } })).toThrow(expect.objectContaining({ code: 'SESSION_LIVE_UNAVAILABLE', message: expect.stringContaining("'paper' is simulated") }));
    expect(() => refuseLive({ venue: { name: 'kalshi', config: {} } })).toThrow(expect.objectContaining({ message: expect.stringContaining('not a live venue this engine ships') }));
  });
});
