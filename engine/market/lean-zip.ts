// Reads QuantConnect LEAN minute zips (YYYYMMDD_trade.zip, YYYYMMDD_quote.zip) into bars, validating every row.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { unzipSync } from 'fflate';
import type { Problem } from '../errors.ts';
import { type Bar, DAY_MS, MINUTE_MS, type Quote, barDefect, quoteDefect } from './bar.ts';
import { type BarSet, columnOf, dataProblem, mergeBarSets, parseDecimal } from './bar-set.ts';
import { zipEntryCrcs } from './zip-crc.ts';

export type LeanTickType = 'trade' | 'quote';

export interface LeanFileName {
  /** YYYYMMDD, UTC. */
  readonly date: string;
  readonly dayStartMs: number;
  readonly tickType: LeanTickType;
}

const TRADE_FIELDS = ['ms', 'open', 'high', 'low', 'close', 'volume'] as const;
const QUOTE_FIELDS = [
  'ms', 'bidOpen', 'bidHigh', 'bidLow', 'bidClose', 'bidSize', 'askOpen', 'askHigh', 'askLow', 'askClose', 'askSize',
] as const;

/** `20180404_trade.zip` -> its UTC day and tick type; null when the name does not follow LEAN's pattern. */
export function parseLeanFileName(path: string): LeanFileName | null {
  const m = /^(\d{4})(\d{2})(\d{2})_(trade|quote)\.zip$/.exec(basename(path));
  if (!m) return null;
  const [, y, mo, d, tickType] = m as unknown as [string, string, string, string, LeanTickType];
  const dayStartMs = Date.UTC(Number(y), Number(mo) - 1, Number(d));
  const check = new Date(dayStartMs);
  if (check.getUTCFullYear() !== Number(y) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return null;
  return { date: `${y}${mo}${d}`, dayStartMs, tickType };
}

/** Decode one zip's bytes. `file` is only used to name problems and to read the date and kind. */
export function readLeanMinuteZip(bytes: Uint8Array, file: string, instrument: string): BarSet {
  const name = parseLeanFileName(file);
  if (!name) {
    return only(dataProblem('MARKET_DATA_BAD_NAME', file, 0, 0, `'${basename(file)}' is not YYYYMMDD_trade.zip or YYYYMMDD_quote.zip`));
  }
  const text = unzipSingleCsv(bytes, file);
  if (typeof text !== 'string') return only(text);
  return parseRows(text, file, instrument, name);
}

export function loadLeanMinuteZip(path: string, instrument: string): BarSet {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    return only(dataProblem('MARKET_DATA_UNREADABLE', path, 0, 0, `cannot read: ${(err as Error).message}`));
  }
  return readLeanMinuteZip(bytes, path, instrument);
}

/** Every LEAN minute zip in a folder, oldest day first; other files (LICENSE, PROVENANCE.md) are ignored. */
export function loadLeanMinuteDir(dir: string, instrument: string): BarSet {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.zip')).sort();
  } catch (err) {
    return only(dataProblem('MARKET_DATA_UNREADABLE', dir, 0, 0, `cannot list folder: ${(err as Error).message}`));
  }
  if (names.length === 0) return only(dataProblem('MARKET_DATA_UNREADABLE', dir, 0, 0, 'the folder holds no .zip market data'));
  return mergeBarSets(names.map((n) => loadLeanMinuteZip(join(dir, n), instrument)));
}

function only(problem: Problem): BarSet {
  return { trades: [], quotes: [], problems: [problem] };
}

function unzipSingleCsv(bytes: Uint8Array, file: string): string | Problem {
  const unreadable = (why: string) => dataProblem('MARKET_DATA_UNREADABLE', file, 0, 0, why);
  const crcs = zipEntryCrcs(bytes);
  if (typeof crcs === 'string') return unreadable(`not a readable zip: ${crcs}`);
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (f) => !f.name.endsWith('/') });
  } catch (err) {
    return unreadable(`not a readable zip: ${(err as Error).message}`);
  }
  const names = Object.keys(entries);
  if (names.length !== 1) return unreadable(`expected exactly one CSV inside the zip, found ${names.length} (${names.join(', ')})`);
  const entryName = names[0]!;
  const data = entries[entryName]!;
  const expected = crcs.find((c) => c.name === entryName);
  if (!expected || expected.crc !== crc32(data) >>> 0) {
    return unreadable(`'${entryName}' fails its CRC-32 check: the archive is damaged`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return unreadable(`'${entryName}' is not UTF-8 text`);
  }
}

function parseRows(text: string, file: string, instrument: string, name: LeanFileName): BarSet {
  const fields = name.tickType === 'trade' ? TRADE_FIELDS : QUOTE_FIELDS;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const trades: Bar[] = [];
  const quotes: Quote[] = [];
  const problems: Problem[] = [];
  let lastMs = -1;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    const parsed = parseRow(line, fields, file, lineNo);
    if ('problem' in parsed) {
      problems.push(parsed.problem);
      continue;
    }
    const row = parsed.values;
    const ms = row['ms']!;
    if (ms <= lastMs) {
      problems.push(dataProblem('MARKET_DATA_ORDER', file, lineNo, 1, `time ${ms} ms is not after the previous row's ${lastMs} ms`, 'ms'));
      continue;
    }
    lastMs = ms;
    const ts = name.dayStartMs + ms;
    const timing = { instrument, ts, periodMs: MINUTE_MS, sourceTs: ts + MINUTE_MS, receiveTs: ts + MINUTE_MS };
    if (name.tickType === 'trade') {
      const bar = toBar(row, timing);
      const defect = barDefect(bar);
      if (defect) problems.push(dataProblem('MARKET_DATA_BAD_ROW', file, lineNo, columnOf(line, 1), defect));
      else trades.push(bar);
    } else {
      const quote = toQuote(row, timing);
      const defect = quoteDefect(quote);
      if (defect) problems.push(dataProblem('MARKET_DATA_BAD_ROW', file, lineNo, columnOf(line, 1), defect));
      else quotes.push(quote);
    }
  }
  return { trades, quotes, problems };
}

type ParsedRow = { readonly values: Record<string, number> } | { readonly problem: Problem };

function parseRow(line: string, fields: readonly string[], file: string, lineNo: number): ParsedRow {
  const cells = line.split(',');
  if (cells.length !== fields.length) {
    return { problem: dataProblem('MARKET_DATA_BAD_ROW', file, lineNo, 1, `expected ${fields.length} fields (${fields.join(',')}), found ${cells.length}`) };
  }
  const row: Record<string, number> = {};
  for (let f = 0; f < fields.length; f++) {
    const value = parseDecimal(cells[f]!);
    const field = fields[f]!;
    if (!Number.isFinite(value)) {
      return { problem: dataProblem('MARKET_DATA_BAD_ROW', file, lineNo, columnOf(line, f), `${field} '${cells[f]}' is not a finite number`, field) };
    }
    row[field] = value;
  }
  const ms = row['ms']!;
  if (!Number.isInteger(ms) || ms < 0 || ms >= DAY_MS || ms % MINUTE_MS !== 0) {
    return { problem: dataProblem('MARKET_DATA_BAD_ROW', file, lineNo, 1, `ms ${ms} is not a whole minute within the day (0..86340000, step 60000)`, 'ms') };
  }
  return { values: row };
}

type Timing = Pick<Bar, 'instrument' | 'ts' | 'periodMs' | 'sourceTs' | 'receiveTs'>;

function toBar(r: Record<string, number>, t: Timing): Bar {
  return { ...t, open: r['open']!, high: r['high']!, low: r['low']!, close: r['close']!, volume: r['volume']! };
}

function toQuote(r: Record<string, number>, t: Timing): Quote {
  return {
    ...t,
    bidOpen: r['bidOpen']!,
    bidHigh: r['bidHigh']!,
    bidLow: r['bidLow']!,
    bidClose: r['bidClose']!,
    bidSize: r['bidSize']!,
    askOpen: r['askOpen']!,
    askHigh: r['askHigh']!,
    askLow: r['askLow']!,
    askClose: r['askClose']!,
    askSize: r['askSize']!,
    synthesized: false,
  };
}
