// The error catalog: every failure has a stable code and a kind that says what happens next.

/**
 * - `config`: an operator must fix a file or a flag; nothing runs until they do.
 * - `deny`: this order or decision is refused; the engine keeps running.
 * - `retry`: transient; the same call may succeed later.
 * - `halt`: stop taking risk now; an operator must look.
 */
export type ErrorKind = 'config' | 'deny' | 'retry' | 'halt';

interface ErrorSpec {
  readonly kind: ErrorKind;
  readonly summary: string;
}

export const ERRORS = {
  // Reading operator files.
  RULES_DIR_NOT_FOUND: { kind: 'config', summary: 'the rules folder does not exist or is not a folder' },
  RULES_DIR_EMPTY: { kind: 'config', summary: 'the rules folder holds no rule files; with no rules nothing is guarded' },
  FILE_UNREADABLE: { kind: 'config', summary: 'the file could not be read' },
  FILE_TOO_LARGE: { kind: 'config', summary: 'the file is larger than an operator file may be' },
  FILE_NOT_TEXT: { kind: 'config', summary: 'the file is not UTF-8 text' },
  FILE_EMPTY: { kind: 'config', summary: 'the file holds no document' },
  FILE_CHANGED_WHILE_READ: { kind: 'retry', summary: 'the file changed while it was read (a save in progress): what was read may be half a file, so it is read again once the save is done' },
  YAML_SYNTAX: { kind: 'config', summary: 'the file is not valid YAML' },
  YAML_DUPLICATE_KEY: { kind: 'config', summary: 'a key appears twice in one map' },
  YAML_ALIAS_LIMIT: { kind: 'config', summary: 'the file expands too many aliases (a YAML bomb)' },
  YAML_MULTIPLE_DOCUMENTS: { kind: 'config', summary: 'an operator file holds exactly one YAML document' },
  // Structural validation (JSON Schema).
  SCHEMA_UNKNOWN_KEY: { kind: 'config', summary: 'a key the schema does not define (a typo is never ignored)' },
  SCHEMA_REQUIRED: { kind: 'config', summary: 'a required key is missing' },
  SCHEMA_TYPE: { kind: 'config', summary: 'a value has the wrong type' },
  SCHEMA_ENUM: { kind: 'config', summary: 'a value is not one of the allowed choices' },
  SCHEMA_PATTERN: { kind: 'config', summary: 'a value does not have the required form' },
  SCHEMA_RANGE: { kind: 'config', summary: 'a value is outside its allowed range or length' },
  SCHEMA_INVALID: { kind: 'config', summary: 'a value does not match the schema' },
  // Rule semantics.
  RULE_DUPLICATE_ID: { kind: 'config', summary: 'two rules share one id' },
  RULE_UNKNOWN_FACT: { kind: 'config', summary: 'a condition reads a fact the catalog does not define' },
  RULE_UNKNOWN_OPERATOR: { kind: 'config', summary: 'a condition uses an operator the engine does not define' },
  RULE_UNKNOWN_PARAM: { kind: 'config', summary: 'a condition or message names a parameter the rule does not declare' },
  RULE_UNUSED_PARAM: { kind: 'config', summary: 'a declared parameter is read by no condition (often a misspelt limit)' },
  RULE_TYPE_MISMATCH: { kind: 'config', summary: 'an operator, fact and value do not agree in type' },
  RULE_PARAM_OUT_OF_RANGE: { kind: 'config', summary: 'a parameter value is outside the range it declares' },
  RULE_ACTION_NOT_ALLOWED: { kind: 'config', summary: 'the action cannot be taken at the moment the rule applies to' },
  RULE_UNKNOWN_PLACEHOLDER: { kind: 'config', summary: 'a message placeholder names no parameter and no fact the rule reads' },
  RULE_CASE_UNKNOWN_RULE: { kind: 'config', summary: 'a rule test case names a rule id that no rule file defines' },
  RULE_CASE_FAILED: { kind: 'config', summary: 'a rule test case expected a different decision' },
  RULE_CASE_UNKNOWN_FACT: { kind: 'config', summary: 'a rule test case sets a fact the catalog does not define (a misspelt override would test nothing)' },
  RULE_CASES_NOT_FOUND: { kind: 'config', summary: 'the rules folder holds no rule test files (*.test.yaml); nothing was tested' },
  CONFIG_INVALID: { kind: 'config', summary: 'the engine configuration is not valid' },
  USAGE: { kind: 'config', summary: 'the command was called with missing or unknown arguments' },
  // Decisions: the gate fails closed on each of these.
  FACT_MISSING: { kind: 'deny', summary: 'a fact a rule reads is absent from the snapshot' },
  FACT_NOT_FINITE: { kind: 'deny', summary: 'a numeric fact is NaN, Infinity or not a number' },
  FACT_WRONG_TYPE: { kind: 'deny', summary: 'a fact has a different type than the catalog declares' },
  FACT_UNKNOWN: { kind: 'deny', summary: 'the snapshot carries a fact the catalog does not define' },
  EVALUATION_FAILED: { kind: 'deny', summary: 'rule evaluation threw; the decision fails closed' },
  RULE_SET_UNAVAILABLE: { kind: 'halt', summary: 'no valid rule set is loaded; nothing may trade' },
  RULES_RELOAD_FAILED: { kind: 'config', summary: 'an edited rule set was refused; the last good set stays in force' },
  // Market data (engine/market): replay files, streaming feeds, REST rate limits.
  MARKET_DATA_UNREADABLE: { kind: 'config', summary: 'a market data file could not be read, unzipped or decoded' },
  MARKET_DATA_BAD_NAME: { kind: 'config', summary: 'a market data file name does not say its date and kind (YYYYMMDD_trade.zip, YYYYMMDD_quote.zip)' },
  MARKET_DATA_BAD_ROW: { kind: 'config', summary: 'a market data row has the wrong fields, a non-finite number or impossible prices' },
  MARKET_DATA_ORDER: { kind: 'config', summary: 'market data rows are not in strictly ascending time order' },
  FEED_CONNECT_FAILED: { kind: 'retry', summary: 'the market data connection could not be opened; the feed backs off and retries' },
  FEED_MESSAGE_UNREADABLE: { kind: 'retry', summary: 'a market data message could not be parsed; it is dropped and counted' },
  FEED_BACKFILL_FAILED: { kind: 'retry', summary: 'the backfill of a data gap failed; the gap stays open' },
  // Ledger and orders (engine/ledger, engine/orders): storage, accounting, order lifecycle.
  LEDGER_OPEN_FAILED: { kind: 'config', summary: 'the ledger database could not be opened (no data directory or path, unreadable file)' },
  LEDGER_LIVE_FILE_REFUSED: { kind: 'config', summary: 'a dry_run, paper or backtest process refuses the live database unless explicitly allowed' },
  LEDGER_MODE_MISMATCH: { kind: 'config', summary: "the database file belongs to another mode than the process's" },
  LEDGER_REHEARSED: { kind: 'config', summary: 'a paper or dry_run session booked into this live ledger (--allow-live-database), so a live process will not write to it; restore it from a backup' },
  LEDGER_SCHEMA_TOO_NEW: { kind: 'config', summary: 'the database was written by a newer engine; this engine will not touch it' },
  LEDGER_NOT_FOUND: { kind: 'config', summary: 'a command that only reads found no ledger to read: no such file, or a file holding no ledger schema (the engine has not run there)' },
  LEDGER_SCHEMA_TOO_OLD: { kind: 'config', summary: 'the database predates the tables a command that only reads needs, and such a command never migrates; the next session of this engine on it does' },
  LEDGER_MIGRATION_FAILED: { kind: 'halt', summary: 'a schema migration failed and was rolled back' },
  LEDGER_INVALID_AMOUNT: { kind: 'halt', summary: 'a price, quantity or money amount is not finite, out of range or of the wrong sign; the books would be wrong' },
  LEDGER_MARK_MISSING: { kind: 'deny', summary: 'an open position has no usable mark price, so equity cannot be computed' },
  LEDGER_EQUITY_NOT_POSITIVE: { kind: 'deny', summary: 'a fraction of equity was asked for while the equity baseline is zero or negative' },
  LEDGER_RUN_NOT_STARTED: { kind: 'halt', summary: 'an equity observation needs a started run (session) in the ledger' },
  LEDGER_ORDER_NOT_FOUND: { kind: 'halt', summary: 'the ledger holds no order with that client order id' },
  LEDGER_COMMIT_FAILED: { kind: 'halt', summary: 'deferred writes (what a venue already reported) could not be committed; the books in memory and on disk may differ until reconciliation' },
  LEDGER_BUSY: { kind: 'retry', summary: 'another process held or changed the ledger during a write (SQLITE_BUSY); the transaction rolled back whole and the work is retried' },
  LEDGER_ORDER_CONFLICT: { kind: 'halt', summary: 'the order already exists, or is not in the state the caller expected (a concurrent or stale update)' },
  ORDER_TRANSITION_INVALID: { kind: 'halt', summary: 'an order state change is not in the transition table; the order model disagrees with reality' },
  ORDER_STATE_INVALID: { kind: 'halt', summary: 'a value is not one of the order states' },
  ORDER_INTENT_INVALID: { kind: 'deny', summary: 'an order intent lacks a field the client order id is derived from' },
  // Plugins (engine/plugins): loading strategy and venue plugins; each names the plugin file and the problem.
  PLUGIN_NOT_FOUND: { kind: 'config', summary: 'no plugin of that name: no plugins/<kind>s/<name>/index.ts and no installed npm package' },
  PLUGIN_SYNTAX_ERROR: { kind: 'config', summary: 'a plugin file is not valid TypeScript or JavaScript' },
  PLUGIN_IMPORT_FAILED: { kind: 'config', summary: 'importing the plugin threw (an error at module load, or a module it imports is missing)' },
  PLUGIN_NO_DEFAULT_EXPORT: { kind: 'config', summary: 'the plugin module has no default export; a plugin default-exports its manifest' },
  PLUGIN_MANIFEST_INVALID: { kind: 'config', summary: 'the default export is not a plugin manifest (name, version, kind, apiVersion, configSchema, create)' },
  PLUGIN_WRONG_KIND: { kind: 'config', summary: 'the plugin is of another kind than the one configured (a venue named as a strategy)' },
  PLUGIN_API_INCOMPATIBLE: { kind: 'config', summary: "the plugin's apiVersion range does not accept this engine's plugin API version, or is not a valid range" },
  PLUGIN_CONFIG_SCHEMA_INVALID: { kind: 'config', summary: "the plugin's configSchema is refused by strict JSON Schema validation or lets unknown keys through" },
  PLUGIN_CONFIG_INVALID: { kind: 'config', summary: "the plugin's configuration does not match the plugin's configSchema" },
  PLUGIN_CREATE_FAILED: { kind: 'config', summary: "the plugin's create() threw or returned something that is not a strategy or venue" },
  // Venue plugins: answers a venue gives the order manager.
  VENUE_ORDER_REJECTED: { kind: 'deny', summary: 'the venue refused the order (unknown instrument, bad size or price, insufficient balance, reduce-only)' },
  VENUE_CURSOR_INVALID: { kind: 'deny', summary: 'a pagination cursor was not issued by this venue for this listing' },
  // Sizing and position exits (engine/plugins/sizing, engine/orders): inputs checked, lifecycle enforced.
  SIZING_INPUT_INVALID: { kind: 'deny', summary: 'a sizing input (price, probability, multiplier, cap, bankroll) is missing, NaN or out of range; no size is computed' },
  POSITION_STATE_INVALID: { kind: 'halt', summary: 'a value is not one of the position lifecycle states' },
  POSITION_TRANSITION_INVALID: { kind: 'halt', summary: 'a position lifecycle change is not in the transition table; the position model disagrees with reality' },
  POSITION_EXIT_PENDING: { kind: 'deny', summary: 'the position has an exit in flight; nothing else may change it until that exit resolves' },
  EXIT_INPUT_INVALID: { kind: 'halt', summary: 'the exit decision was given inputs that do not belong together (another instrument, not a tick decision, an entry signal, a non-finite quantity or time)' },
  // Operations (engine/server, engine/runtime/controls, engine/observe): the HTTP API, runtime controls, alerts.
  HTTP_UNAUTHORIZED: { kind: 'deny', summary: 'the request carries no bearer token, a wrong one, or the API token is not configured (TRADEGATE_API_TOKEN)' },
  HTTP_BAD_REQUEST: { kind: 'deny', summary: 'a request to the HTTP API has a malformed body, header or query parameter' },
  HTTP_HOST_REFUSED: { kind: 'deny', summary: 'the Host header names no loopback address while the server listens on loopback (DNS rebinding guard)' },
  HTTP_LISTEN_FAILED: { kind: 'config', summary: 'the HTTP server could not listen on its host and port (in use by another program, or not an address of this machine)' },
  CONTROLS_CHANGE_INVALID: { kind: 'deny', summary: 'a runtime controls change was refused; every control keeps its value' },
  CONTROLS_STORED_INVALID: { kind: 'halt', summary: 'a stored runtime control is unreadable or out of range; the engine fails closed to kill level pause' },
  ALERT_DELIVERY_FAILED: { kind: 'retry', summary: 'an alert could not be delivered to its webhook after every retry' },
  // Order manager and reconciliation (engine/orders/order-manager.ts, reconcile.ts): submission outcomes, venue agreement.
  ORDER_SIZE_INVALID: { kind: 'deny', summary: "the order quantity or price is not finite, below the instrument's minimum after rounding to its step, or the venue does not list the instrument" },
  ORDER_NO_VENUE_ORDER_ID: { kind: 'halt', summary: 'the venue acknowledged an order without a venue order id; the order cannot be tracked and the breaker trips' },
  ORDER_ACK_TIMEOUT: { kind: 'retry', summary: 'no confirmation arrived from the venue in time; the order is unknown and blocks entries on its instrument until reconciled' },
  ORDER_UNKNOWN_ON_INSTRUMENT: { kind: 'deny', summary: 'an order on this instrument is unknown (sent, outcome not confirmed); no entry goes there until reconciliation resolves it, whatever the rules say' },
  ORDER_BREAKER_TRIPPED: { kind: 'deny', summary: 'the circuit breaker is tripped; no entry is sent until an operator resets it (exits still go)' },
  ORDER_FACTS_UNAVAILABLE: { kind: 'deny', summary: 'the ledger could not give the account or position facts (no mark price, no started run); the gate fails closed' },
  RECONCILE_NOT_FOUND: { kind: 'deny', summary: 'after every retry the venue does not know an order the ledger recorded; the order is marked failed (not_found)' },
  RECONCILE_MISMATCH: { kind: 'halt', summary: 'the ledger and the venue disagree on a position, cash, an order or a fill; the breaker trips with the difference' },
  RECONCILE_LISTING_LOOP: { kind: 'halt', summary: 'a venue listing handed back a cursor it had already given in one read, so its pages cannot be read to the end; the breaker trips' },
  RECONCILE_FOREIGN_ORDER: { kind: 'halt', summary: 'the venue holds an order or a fill the ledger never sent; the breaker trips' },
  // Venue transport faults (venue adapters map them; kind retry: the outcome of the call is unknown, never resent blindly).
  VENUE_TIMEOUT: { kind: 'retry', summary: 'the venue did not answer in time; a call that sends an order may still have been executed' },
  VENUE_RATE_LIMITED: { kind: 'retry', summary: 'the venue answered 429 (rate limited); wait before calling again' },
  VENUE_UNAVAILABLE: { kind: 'retry', summary: 'the venue answered 5xx or dropped the connection; an order sent may or may not have been accepted' },
  // Sessions (engine/main.ts, engine/runtime): starting, resuming and running one trading session.
  SESSION_LIVE_UNAVAILABLE: { kind: 'config', summary: 'live mode needs a venue plugin that trades for real and a live market data feed; none is configured (the paper venue is simulated)' },
  SESSION_DATA_DIR_AHEAD: { kind: 'config', summary: "the data directory's ledger already holds trading after the replay starts; a replay cannot run back in time on it (use a fresh --data-dir, or --run-dir of the run to resume)" },
  SESSION_RUN_DIR_INVALID: { kind: 'config', summary: 'the run directory holds another run (another mode or data directory) or an unreadable run.json' },
  SESSION_LOCKED: { kind: 'config', summary: 'another live process already runs this mode on this data directory' },
  SESSION_INSTRUMENT_UNLISTED: { kind: 'config', summary: 'a strategy is configured on an instrument the venue does not list' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export function kindOf(code: ErrorCode): ErrorKind {
  return ERRORS[code].kind;
}

/** An error as data: thrown across boundaries, printed with its code, never as a bare stack. */
export class TradegateError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'TradegateError';
    this.code = code;
    this.kind = ERRORS[code].kind;
    this.details = details;
  }
}

/** The text of anything thrown (a plugin may throw undefined, or an object String() cannot print); never throws itself. */
export function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return 'an error that cannot be printed';
  }
}

/** One problem found in an operator file, located precisely enough to jump to it. */
export interface Problem {
  readonly code: ErrorCode;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** JSON pointer into the document (`/rules/3/when/all/0/fact`). */
  readonly pointer: string;
  readonly ruleId?: string;
  readonly message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}  ${p.code}  ${p.message}`;
}
