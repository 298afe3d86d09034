// Specs of the initial schema's guarantees: append-only history tables, unique fills and client ids, typed columns.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { migrate } from '../../../engine/ledger/migrations.ts';

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, new ManualClock(1));
  db.exec(`
    INSERT INTO orders (id, client_order_id, venue, mode, instrument, side, order_type, qty_e8, state, strategy, intent_key,
      created_at_ms, updated_at_ms) VALUES (1, 'tg-a', 'paper', 'paper', 'BTC-USD', 'buy', 'limit', 100, 'pending_submit', 's', 'k', 1, 1);
    INSERT INTO order_events (order_id, from_state, to_state, event, source, ts_ms) VALUES (1, NULL, 'pending_submit', 'created', 'engine', 1);
    INSERT INTO fills (venue, venue_fill_id, order_id, mode, instrument, leg, side, qty_e8, price, notional_micros, fee_micros,
      liquidity, realized_micros, venue_ts_ms, recorded_at_ms) VALUES ('paper', 'f1', 1, 'paper', 'BTC-USD', 'outright', 'buy', 100, 1, 1, 0, 'taker', 0, 1, 1);
    INSERT INTO cash_movements (mode, kind, amount_micros, balance_after_micros, ts_ms) VALUES ('paper', 'deposit', 1, 1, 1);
    INSERT INTO equity_snapshots (mode, kind, utc_day, equity_micros, cash_micros, positions_value_micros, ts_ms)
      VALUES ('paper', 'mark', '2024-01-01', 1, 1, 0, 1);
    INSERT INTO decisions (ts_ms, evaluated_at_ms, mode, applies_to, outcome, violations_json, errors_json, rule_set_version,
      facts_json, context_json) VALUES (1, 1, 'paper', 'entry', 'allow', '[]', '[]', 'rs-x', '{}', '{}');
    INSERT INTO breaker_events (name, action, actor, ts_ms) VALUES ('main', 'trip', 'test', 1);
    INSERT INTO control_changes (key, new_value_json, changed_by, ts_ms) VALUES ('k', '1', 't', 1);
  `);
});
afterEach(() => db.close());

describe('schema 001', () => {
  const appendOnly = ['order_events', 'fills', 'cash_movements', 'equity_snapshots', 'decisions', 'breaker_events', 'control_changes'];

  it.each(appendOnly)('refuses UPDATE and DELETE on %s (append-only)', (table) => {
    expect(() => db.exec(`UPDATE ${table} SET ts_ms = 2`.replace('ts_ms', table === 'fills' ? 'recorded_at_ms' : 'ts_ms'))).toThrow(
      `${table} is append-only`,
    );
    expect(() => db.exec(`DELETE FROM ${table}`)).toThrow(`${table} is append-only`);
    expect(db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get()).toEqual({ n: 1 });
  });

  it('still accepts new rows in an append-only table', () => {
    db.exec("INSERT INTO order_events (order_id, from_state, to_state, event, source, ts_ms) VALUES (1, 'pending_submit', 'submitted', 'venue_ack', 'venue', 2)");
    expect(db.prepare('SELECT COUNT(*) AS n FROM order_events').get()).toEqual({ n: 2 });
  });

  it('keeps one fill per venue fill id and one order per client order id', () => {
    expect(() =>
      db.exec(`INSERT INTO fills (venue, venue_fill_id, mode, instrument, leg, side, qty_e8, price, notional_micros, fee_micros,
        liquidity, realized_micros, venue_ts_ms, recorded_at_ms) VALUES ('paper', 'f1', 'paper', 'X', 'outright', 'buy', 1, 1, 1, 0, 'maker', 0, 1, 1)`),
    ).toThrow(/UNIQUE/);
    expect(() =>
      db.exec(`INSERT INTO orders (client_order_id, venue, mode, instrument, side, order_type, qty_e8, state, strategy, intent_key,
        created_at_ms, updated_at_ms) VALUES ('tg-a', 'paper', 'paper', 'BTC-USD', 'buy', 'limit', 100, 'pending_submit', 's', 'k', 1, 1)`),
    ).toThrow(/UNIQUE/);
  });

  it('allows the same venue fill id on a different venue', () => {
    db.exec(`INSERT INTO fills (venue, venue_fill_id, mode, instrument, leg, side, qty_e8, price, notional_micros, fee_micros,
      liquidity, realized_micros, venue_ts_ms, recorded_at_ms) VALUES ('kalshi', 'f1', 'paper', 'X', 'yes', 'buy_yes', 1, 1, 1, 0, 'maker', 0, 1, 1)`);
    expect(db.prepare('SELECT COUNT(*) AS n FROM fills').get()).toEqual({ n: 2 });
  });

  it('refuses an unknown order state, a fractional money amount and an event for a missing order', () => {
    expect(() => db.exec("UPDATE orders SET state = 'done' WHERE id = 1")).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO cash_movements (mode, kind, amount_micros, balance_after_micros, ts_ms) VALUES ('paper', 'fee', ?, 0, 1)").run(1.5)).toThrow(/INTEGER/);
    expect(() => db.exec("INSERT INTO order_events (order_id, to_state, event, source, ts_ms) VALUES (99, 'submitted', 'x', 'engine', 1)")).toThrow(/FOREIGN KEY/);
  });

  it('keeps one day_start equity snapshot per mode and UTC day', () => {
    const insert = db.prepare(`INSERT INTO equity_snapshots (mode, kind, utc_day, equity_micros, cash_micros, positions_value_micros, ts_ms)
      VALUES ('paper', 'day_start', '2024-01-02', ?, 0, 0, 1)`);
    insert.run(1);
    expect(() => insert.run(2)).toThrow(/UNIQUE/);
  });
});
