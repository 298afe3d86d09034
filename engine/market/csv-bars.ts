// Replay source for plain CSV and JSONL bars: one documented column set, every row checked, problems named by file:line:col.
//
// Columns (CSV header names, or JSONL object keys); a typo is a problem, never ignored:
//   ts          required. Start of the period: epoch ms UTC (integer), or ISO 8601 with Z or an offset.
//   instrument  optional when the caller names one (e.g. BTC-USD).
//   open, high, low, close, volume   the trade bar: all five, or none when nothing traded.
//   bid, ask    the best bid and ask at the close: both or neither.
//   bid_size, ask_size               optional sizes at the close.
// A row needs the trade bar, the quote, or both. CSV: comma-separated, no quoting, empty cell = absent.
// JSONL: one object per line, numbers as JSON numbers (no "50" strings), null = absent.
// Rows of one instrument must be in strictly ascending ts order.
import type { Problem } from '../errors.ts';
import { type Bar, MINUTE_MS, type Quote, barDefect, quoteDefect } from './bar.ts';
import { type BarSet, columnOf, dataProblem, parseDecimal } from './bar-set.ts';

export const BAR_COLUMNS = ['ts', 'instrument', 'open', 'high', 'low', 'close', 'volume', 'bid', 'ask', 'bid_size', 'ask_size'] as const;
type Column = (typeof BAR_COLUMNS)[number];

export interface BarFileOptions {
  /** Used for rows without an `instrument` column. */
  readonly instrument?: string;
  /** Length of one bar; 1 minute unless told. */
  readonly periodMs?: number;
}

type Cells = Partial<Record<Column, number | string>>;
interface Located {
  readonly line: number;
  colOf(column: Column): number;
}

const TRADE_KEYS = ['open', 'high', 'low', 'close', 'volume'] as const;
const NUMERIC = new Set<Column>(['open', 'high', 'low', 'close', 'volume', 'bid', 'ask', 'bid_size', 'ask_size']);

export function parseCsvBars(text: string, file: string, options: BarFileOptions = {}): BarSet {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const headerProblems = checkHeader(header, file);
  if (headerProblems.length > 0) return { trades: [], quotes: [], problems: headerProblems };
  const rows: { cells: Cells; at: Located }[] = [];
  const problems: Problem[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const values = line.split(',');
    if (values.length !== header.length) {
      problems.push(dataProblem('MARKET_DATA_BAD_ROW', file, i + 1, 1, `expected ${header.length} fields (${header.join(',')}), found ${values.length}`));
      continue;
    }
    const cells: Cells = {};
    const badCell = header.findIndex((h, f) => {
      const v = values[f]!.trim();
      if (v === '') return false;
      cells[h as Column] = NUMERIC.has(h as Column) ? parseDecimal(v) : v;
      return Number.isNaN(cells[h as Column]);
    });
    if (badCell >= 0) {
      const h = header[badCell]!;
      problems.push(dataProblem('MARKET_DATA_BAD_ROW', file, i + 1, columnOf(line, badCell), `${h} '${values[badCell]}' is not a finite number`, h));
      continue;
    }
    rows.push({ cells, at: { line: i + 1, colOf: (c) => columnOf(line, header.indexOf(c)) } });
  }
  return buildBars(rows, file, options, problems);
}

export function parseJsonlBars(text: string, file: string, options: BarFileOptions = {}): BarSet {
  const rows: { cells: Cells; at: Located }[] = [];
  const problems: Problem[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const parsed = parseJsonLine(line);
    if (typeof parsed === 'string' || 'message' in parsed) {
      const { message, field } = typeof parsed === 'string' ? { message: parsed, field: '' } : parsed;
      problems.push(dataProblem('MARKET_DATA_BAD_ROW', file, i + 1, 1, message, field));
      continue;
    }
    rows.push({ cells: parsed.cells, at: { line: i + 1, colOf: (c) => Math.max(1, line.indexOf(`"${c}"`) + 1) } });
  }
  return buildBars(rows, file, options, problems);
}

function parseJsonLine(line: string): { cells: Cells } | { message: string; field: string } | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return `not valid JSON: ${(err as Error).message}`;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'each line must be one JSON object';
  const cells: Cells = {};
  for (const [k, v] of Object.entries(value)) {
    if (!(BAR_COLUMNS as readonly string[]).includes(k)) return { message: `unknown key '${k}'; expected ${BAR_COLUMNS.join(', ')}`, field: k };
    if (v === null) continue;
    const expected = NUMERIC.has(k as Column) ? 'number' : k === 'ts' && typeof v === 'number' ? 'number' : 'string';
    if (typeof v !== expected) return { message: `${k} must be a JSON ${expected}, got ${JSON.stringify(v)}`, field: k };
    cells[k as Column] = v as number | string;
  }
  return { cells };
}

function checkHeader(header: readonly string[], file: string): Problem[] {
  const problems: Problem[] = [];
  const line = header.join(',');
  header.forEach((h, i) => {
    if (!(BAR_COLUMNS as readonly string[]).includes(h)) {
      problems.push(dataProblem('MARKET_DATA_BAD_ROW', file, 1, columnOf(line, i), `unknown column '${h}'; expected ${BAR_COLUMNS.join(', ')}`, h));
    } else if (header.indexOf(h) !== i) {
      problems.push(dataProblem('MARKET_DATA_BAD_ROW', file, 1, columnOf(line, i), `column '${h}' appears twice`, h));
    }
  });
  if (!header.includes('ts')) problems.push(dataProblem('MARKET_DATA_BAD_ROW', file, 1, 1, "the header needs a 'ts' column"));
  return problems;
}

function buildBars(rows: readonly { cells: Cells; at: Located }[], file: string, options: BarFileOptions, problems: Problem[]): BarSet {
  const periodMs = options.periodMs ?? MINUTE_MS;
  const trades: Bar[] = [];
  const quotes: Quote[] = [];
  const lastTs = new Map<string, number>();
  for (const { cells, at } of rows) {
    const bad = (column: Column, msg: string, code: 'MARKET_DATA_BAD_ROW' | 'MARKET_DATA_ORDER' = 'MARKET_DATA_BAD_ROW') =>
      problems.push(dataProblem(code, file, at.line, at.colOf(column), msg, column));
    const instrument = (cells.instrument as string | undefined) ?? options.instrument;
    if (!instrument || /\s/.test(instrument)) {
      bad('instrument', instrument ? `instrument '${instrument}' contains whitespace` : 'no instrument column and none given by the caller');
      continue;
    }
    const ts = parseTs(cells.ts);
    if (typeof ts === 'string') {
      bad('ts', ts);
      continue;
    }
    const previous = lastTs.get(instrument);
    if (previous !== undefined && ts <= previous) {
      bad('ts', `ts ${new Date(ts).toISOString()} is not after the previous ${instrument} row's ${new Date(previous).toISOString()}`, 'MARKET_DATA_ORDER');
      continue;
    }
    lastTs.set(instrument, ts);
    const built = rowToBars(cells, { instrument, ts, periodMs, sourceTs: ts + periodMs, receiveTs: ts + periodMs });
    if (typeof built === 'string') {
      bad(/^(bid|ask|crossed)/.test(built) ? 'bid' : 'open', built);
      continue;
    }
    if (built.trade) trades.push(built.trade);
    if (built.quote) quotes.push(built.quote);
  }
  return { trades, quotes, problems };
}

function parseTs(value: number | string | undefined): number | string {
  if (value === undefined) return 'ts is missing';
  if (typeof value === 'number' || /^\d+$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) && n >= 0 ? n : `ts ${value} is not a whole number of epoch ms`;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    return `ts '${value}' is neither epoch ms nor ISO 8601 with a time zone (2018-04-04T00:00:00Z)`;
  }
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : `ts '${value}' is not a real date`;
}

type Timing = Pick<Bar, 'instrument' | 'ts' | 'periodMs' | 'sourceTs' | 'receiveTs'>;

function rowToBars(c: Cells, t: Timing): { trade: Bar | null; quote: Quote | null } | string {
  const present = TRADE_KEYS.filter((k) => c[k] !== undefined);
  if (present.length > 0 && present.length < TRADE_KEYS.length) {
    return `open, high, low, close and volume come together; missing ${TRADE_KEYS.filter((k) => c[k] === undefined).join(', ')}`;
  }
  if ((c.bid === undefined) !== (c.ask === undefined)) return `bid and ask come together; missing ${c.bid === undefined ? 'bid' : 'ask'}`;
  if (present.length === 0 && c.bid === undefined) return 'the row has neither a trade bar (open..volume) nor a quote (bid, ask)';
  let trade: Bar | null = null;
  if (present.length > 0) {
    trade = { ...t, open: num(c.open), high: num(c.high), low: num(c.low), close: num(c.close), volume: num(c.volume) };
    const defect = barDefect(trade);
    if (defect) return defect;
  }
  let quote: Quote | null = null;
  if (c.bid !== undefined) {
    const bid = num(c.bid);
    const ask = num(c.ask);
    quote = {
      ...t,
      bidOpen: bid, bidHigh: bid, bidLow: bid, bidClose: bid,
      askOpen: ask, askHigh: ask, askLow: ask, askClose: ask,
      ...(c.bid_size !== undefined ? { bidSize: num(c.bid_size) } : {}),
      ...(c.ask_size !== undefined ? { askSize: num(c.ask_size) } : {}),
      synthesized: false,
    };
    const defect = quoteDefect(quote);
    if (defect) return defect;
  }
  return { trade, quote };
}

function num(v: number | string | undefined): number {
  return typeof v === 'number' ? v : Number.NaN;
}
