// Specs of migration 3: a ledger at version 2 loses decisions_by_instrument and keeps listing decisions by time and instrument.
import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { DecisionRepository } from '../../../engine/ledger/decision-repository.ts';
import { MIGRATIONS, migrate } from '../../../engine/ledger/migrations.ts';
import type { Decision } from '../../../engine/types.ts';
import { memoryDatabases } from '../../helpers/ledger-databases.ts';

const clock = new ManualClock(1_700_000_000_000);
const memory = memoryDatabases();

const indexesOf = (db: Database.Database, table: string): string[] =>
  db.prepare<[string], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name").all(table).map((r) => r.name);

function decision(instrument: string): Decision {
  return {
    outcome: 'allow', violations: [], errors: [], evaluated: [], ruleSetVersion: 'rs-test', evaluatedAt: clock.now(),
    context: { appliesTo: 'entry', mode: 'paper', venue: 'paper', instrument, strategy: 'canary' },
  } as unknown as Decision;
}

describe('migration 3 (drop-unused-index)', () => {
  it('drops decisions_by_instrument from a ledger at version 2 and keeps decisions_by_time', () => {
    const db = memory();
    migrate(db, clock, MIGRATIONS.slice(0, 2));
    expect(indexesOf(db, 'decisions')).toEqual(['decisions_by_instrument', 'decisions_by_time']);
    expect(migrate(db, clock)).toEqual([3]);
    expect(indexesOf(db, 'decisions')).toEqual(['decisions_by_time']);
  });

  it('leaves listing decisions by time and instrument working on the remaining index', () => {
    const db = memory();
    migrate(db, clock);
    const decisions = new DecisionRepository(db, clock);
    for (const instrument of ['BTC-USD', 'ETH-USD', 'BTC-USD']) {
      clock.advance(1000);
      decisions.record(decision(instrument), { facts: {}, runId: null });
    }
    const btc = decisions.list({ instrument: 'BTC-USD' });
    expect(btc.map((d) => d.context.instrument)).toEqual(['BTC-USD', 'BTC-USD']);
    expect(decisions.list({ sinceMs: clock.now() - 1500 })).toHaveLength(2);
  });
});
