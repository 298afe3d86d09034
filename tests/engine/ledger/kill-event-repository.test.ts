// Specs of the kill trail: every trigger with source, actor and reason, append-only, and kill file versions remembered.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KillEventRepository } from '../../../engine/ledger/kill-event-repository.ts';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
let ledger: Ledger;
beforeEach(() => {
  env = tempLedgers();
  ledger = env.open();
});
afterEach(() => env.cleanup());

describe('KillEventRepository', () => {
  it('records each trigger with its time and lists the newest first', () => {
    const repo = new KillEventRepository(ledger.db, env.clock);
    repo.record({ level: 'pause', previousLevel: 'none', source: 'cli', actor: 'cli:alice@h', reason: 'lunch' });
    env.clock.advance(1000);
    const second = repo.record({ level: 'none', previousLevel: 'pause', source: 'cli', actor: 'cli:alice@h' });
    expect(second).toMatchObject({ level: 'none', previousLevel: 'pause', reason: null, fileIdentity: null, tsMs: env.clock.now() });
    expect(repo.latest(5).map((e) => e.level)).toEqual(['none', 'pause']);
  });

  it('remembers which kill file versions it applied', () => {
    const repo = new KillEventRepository(ledger.db, env.clock);
    expect(repo.fileApplied('1:6:100:abc')).toBe(false);
    repo.record({ level: 'flatten', previousLevel: 'none', source: 'file', actor: 'kill-file', reason: 'r', fileIdentity: '1:6:100:abc' });
    expect(repo.fileApplied('1:6:100:abc')).toBe(true);
  });

  it('refuses edits, deletions, unknown levels and unknown sources', () => {
    const repo = new KillEventRepository(ledger.db, env.clock);
    repo.record({ level: 'pause', previousLevel: null, source: 'signal', actor: 'signal:SIGUSR1' });
    expect(() => ledger.db.prepare("UPDATE kill_events SET level = 'none'").run()).toThrow(/append-only/);
    expect(() => ledger.db.prepare('DELETE FROM kill_events').run()).toThrow(/append-only/);
    expect(() => repo.record({ level: 'halt' as 'pause', previousLevel: null, source: 'cli', actor: 'x' })).toThrow(/CHECK/);
    expect(() => repo.record({ level: 'pause', previousLevel: null, source: 'email' as 'cli', actor: 'x' })).toThrow(/CHECK/);
  });
});
