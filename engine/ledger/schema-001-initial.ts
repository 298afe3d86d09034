// Migration 1: every table of the embedded ledger, with the constraints that keep the books honest.
import { ORDER_STATES } from '../types.ts';

const STATES = ORDER_STATES.map((s) => `'${s}'`).join(', ');

/** A trigger pair that makes a table append-only: history is corrected by a new row, never by an edit. */
function appendOnly(table: string): string {
  return `
CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;
CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;`;
}

/*
 * Units: *_micros are integer micro-dollars, *_e8 integer 1e-8 instrument units (engine/ledger/money.ts);
 * *_ms are epoch milliseconds from the injected clock (venue times are kept beside them as venue_ts_ms).
 */
export const SCHEMA_001_INITIAL = `
CREATE TABLE ledger_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE runs (
  run_id TEXT PRIMARY KEY,
  mode TEXT NOT NULL,
  started_at_ms INTEGER NOT NULL,
  ended_at_ms INTEGER,
  config_hash TEXT,
  rule_set_version TEXT,
  start_equity_micros INTEGER,
  peak_equity_micros INTEGER,
  summary_json TEXT
) STRICT;

CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  client_order_id TEXT NOT NULL UNIQUE,
  venue TEXT NOT NULL,
  venue_order_id TEXT,
  mode TEXT NOT NULL,
  instrument TEXT NOT NULL,
  side TEXT NOT NULL,
  order_type TEXT NOT NULL,
  qty_e8 INTEGER NOT NULL CHECK (qty_e8 > 0),
  limit_price REAL,
  sent_price REAL,
  sent_qty_e8 INTEGER,
  sent_notional_micros INTEGER,
  filled_qty_e8 INTEGER NOT NULL DEFAULT 0,
  fees_micros INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL CHECK (state IN (${STATES})),
  strategy TEXT NOT NULL,
  intent_key TEXT NOT NULL,
  ttl_ms INTEGER,
  run_id TEXT,
  created_at_ms INTEGER NOT NULL,
  submitted_at_ms INTEGER,
  updated_at_ms INTEGER NOT NULL,
  UNIQUE (venue, venue_order_id)
) STRICT;
CREATE INDEX orders_by_state ON orders (state, instrument);

CREATE TABLE order_events (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL REFERENCES orders (id),
  from_state TEXT CHECK (from_state IS NULL OR from_state IN (${STATES})),
  to_state TEXT NOT NULL CHECK (to_state IN (${STATES})),
  event TEXT NOT NULL,
  source TEXT NOT NULL,
  reason TEXT,
  payload_json TEXT,
  ts_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX order_events_by_order ON order_events (order_id, id);
${appendOnly('order_events')}

CREATE TABLE fills (
  id INTEGER PRIMARY KEY,
  venue TEXT NOT NULL,
  venue_fill_id TEXT NOT NULL,
  order_id INTEGER REFERENCES orders (id),
  mode TEXT NOT NULL,
  instrument TEXT NOT NULL,
  leg TEXT NOT NULL CHECK (leg IN ('outright', 'yes', 'no')),
  side TEXT NOT NULL,
  qty_e8 INTEGER NOT NULL CHECK (qty_e8 > 0),
  price REAL NOT NULL CHECK (price >= 0),
  notional_micros INTEGER NOT NULL,
  fee_micros INTEGER NOT NULL,
  liquidity TEXT NOT NULL CHECK (liquidity IN ('maker', 'taker')),
  realized_micros INTEGER NOT NULL,
  venue_ts_ms INTEGER NOT NULL,
  recorded_at_ms INTEGER NOT NULL,
  UNIQUE (venue, venue_fill_id)
) STRICT;
CREATE INDEX fills_by_order ON fills (order_id);
${appendOnly('fills')}

CREATE TABLE lots (
  id INTEGER PRIMARY KEY,
  mode TEXT NOT NULL,
  instrument TEXT NOT NULL,
  leg TEXT NOT NULL,
  side TEXT NOT NULL CHECK (side IN ('long', 'short')),
  fill_id INTEGER REFERENCES fills (id),
  price REAL NOT NULL,
  opened_qty_e8 INTEGER NOT NULL CHECK (opened_qty_e8 > 0),
  remaining_qty_e8 INTEGER NOT NULL CHECK (remaining_qty_e8 >= 0),
  remaining_cost_micros INTEGER NOT NULL CHECK (remaining_cost_micros >= 0),
  opened_at_ms INTEGER NOT NULL,
  closed_at_ms INTEGER
) STRICT;
CREATE INDEX lots_open ON lots (mode, instrument, leg, id) WHERE remaining_qty_e8 > 0;

CREATE TABLE positions (
  mode TEXT NOT NULL,
  instrument TEXT NOT NULL,
  leg TEXT NOT NULL,
  qty_e8 INTEGER NOT NULL,
  cost_micros INTEGER NOT NULL,
  realized_micros INTEGER NOT NULL,
  fees_micros INTEGER NOT NULL,
  funding_micros INTEGER NOT NULL,
  opened_at_ms INTEGER,
  peak_price REAL,
  peak_pnl_fraction REAL,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (mode, instrument, leg)
) STRICT;

CREATE TABLE cash_movements (
  id INTEGER PRIMARY KEY,
  mode TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('deposit', 'withdrawal', 'trade', 'fee', 'rebate', 'funding', 'settlement', 'adjustment')),
  amount_micros INTEGER NOT NULL,
  balance_after_micros INTEGER NOT NULL,
  instrument TEXT,
  reference TEXT,
  fill_id INTEGER REFERENCES fills (id),
  note TEXT,
  ts_ms INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX cash_movements_once ON cash_movements (kind, reference) WHERE reference IS NOT NULL;
${appendOnly('cash_movements')}

CREATE TABLE equity_snapshots (
  id INTEGER PRIMARY KEY,
  mode TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('day_start', 'session_start', 'mark')),
  utc_day TEXT NOT NULL,
  equity_micros INTEGER NOT NULL,
  cash_micros INTEGER NOT NULL,
  positions_value_micros INTEGER NOT NULL,
  run_id TEXT,
  ts_ms INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX equity_one_day_start ON equity_snapshots (mode, utc_day) WHERE kind = 'day_start';
CREATE INDEX equity_by_time ON equity_snapshots (ts_ms);
${appendOnly('equity_snapshots')}

CREATE TABLE breaker_state (
  name TEXT PRIMARY KEY,
  tripped INTEGER NOT NULL CHECK (tripped IN (0, 1)),
  reason TEXT,
  tripped_by TEXT,
  tripped_at_ms INTEGER,
  reset_by TEXT,
  reset_at_ms INTEGER
) STRICT;

CREATE TABLE breaker_events (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('trip', 'reset')),
  reason TEXT,
  actor TEXT NOT NULL,
  ts_ms INTEGER NOT NULL
) STRICT;
${appendOnly('breaker_events')}

CREATE TABLE locks (
  scope TEXT PRIMARY KEY,
  until_ms INTEGER NOT NULL,
  reason TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE runtime_controls (
  key TEXT PRIMARY KEY,
  value_json TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE control_changes (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  old_value_json TEXT,
  new_value_json TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  ts_ms INTEGER NOT NULL
) STRICT;
${appendOnly('control_changes')}

CREATE TABLE decisions (
  id INTEGER PRIMARY KEY,
  ts_ms INTEGER NOT NULL,
  evaluated_at_ms INTEGER NOT NULL,
  mode TEXT NOT NULL,
  applies_to TEXT NOT NULL,
  venue TEXT,
  instrument TEXT,
  strategy TEXT,
  client_order_id TEXT,
  outcome TEXT NOT NULL,
  violations_json TEXT NOT NULL,
  errors_json TEXT NOT NULL,
  rule_set_version TEXT NOT NULL,
  facts_json TEXT NOT NULL,
  context_json TEXT NOT NULL,
  run_id TEXT
) STRICT;
CREATE INDEX decisions_by_time ON decisions (ts_ms);
CREATE INDEX decisions_by_instrument ON decisions (instrument, ts_ms);
${appendOnly('decisions')}
`;
