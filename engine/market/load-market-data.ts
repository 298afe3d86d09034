// One entry point for `--data PATH`: a LEAN minute folder or zip, a CSV file or a JSONL file, chosen by what the path is.
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { type BarSet, dataProblem } from './bar-set.ts';
import { type BarFileOptions, parseCsvBars, parseJsonlBars } from './csv-bars.ts';
import { loadLeanMinuteDir, loadLeanMinuteZip } from './lean-zip.ts';

/** Folder shipped in the repo: Coinbase BTC-USD minute bars, 2018-04-04 to 2018-04-06 (see its PROVENANCE.md). */
export const SHIPPED_REPLAY_DIR = 'config/replay/coinbase-btcusd-minute';
export const SHIPPED_REPLAY_INSTRUMENT = 'BTC-USD';

export interface LoadOptions extends BarFileOptions {
  /** LEAN files carry no instrument; CSV/JSONL rows may. */
  readonly instrument: string;
}

/** Bars and every problem found; pass the result to requireClean() to fail closed. */
export function loadMarketData(path: string, options: LoadOptions): BarSet {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    return { trades: [], quotes: [], problems: [dataProblem('MARKET_DATA_UNREADABLE', path, 0, 0, `cannot read: ${(err as Error).message}`)] };
  }
  if (isDir) return loadLeanMinuteDir(path, options.instrument);
  const ext = extname(path).toLowerCase();
  if (ext === '.zip') return loadLeanMinuteZip(path, options.instrument);
  if (ext !== '.csv' && ext !== '.jsonl' && ext !== '.ndjson') {
    return { trades: [], quotes: [], problems: [dataProblem('MARKET_DATA_UNREADABLE', path, 0, 0, `unknown market data format '${ext}'; expected a folder, .zip, .csv, .jsonl or .ndjson`)] };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
  } catch (err) {
    return { trades: [], quotes: [], problems: [dataProblem('MARKET_DATA_UNREADABLE', path, 0, 0, `cannot read as UTF-8 text: ${(err as Error).message}`)] };
  }
  return ext === '.csv' ? parseCsvBars(text, path, options) : parseJsonlBars(text, path, options);
}
