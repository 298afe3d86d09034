// Specs for the LEAN minute zip reader: the shipped files load exactly as PROVENANCE.md says; damaged zips and bad rows are named, never crash.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadLeanMinuteDir, loadLeanMinuteZip, parseLeanFileName, readLeanMinuteZip } from '../../../engine/market/lean-zip.ts';

const DIR = resolve(import.meta.dirname, '../../../config/replay/coinbase-btcusd-minute');
const DAY_0404 = Date.UTC(2018, 3, 4);

/** The file table of PROVENANCE.md: name -> [rows, first ms, last ms]. */
function provenanceTable(): Map<string, [number, number, number]> {
  const text = readFileSync(join(DIR, 'PROVENANCE.md'), 'utf8');
  const rows = [...text.matchAll(/^\| (\d{8}_(?:trade|quote)\.zip) \| [0-9a-f]{64} \| (\d+) \| (\d+) \| (\d+)/gm)];
  return new Map(rows.map((m) => [m[1]!, [Number(m[2]), Number(m[3]), Number(m[4])]]));
}

function zipOf(name: string, csv: string): Uint8Array {
  return zipSync({ [name]: strToU8(csv) });
}

describe('parseLeanFileName', () => {
  it('reads the UTC day and tick type from YYYYMMDD_trade.zip and YYYYMMDD_quote.zip', () => {
    expect(parseLeanFileName('/x/20180404_trade.zip')).toEqual({ date: '20180404', dayStartMs: DAY_0404, tickType: 'trade' });
    expect(parseLeanFileName('20180405_quote.zip')?.tickType).toBe('quote');
  });

  it('refuses other names and impossible dates', () => {
    expect(parseLeanFileName('20180404_trades.zip')).toBeNull();
    expect(parseLeanFileName('btcusd_trade.zip')).toBeNull();
    expect(parseLeanFileName('20180231_trade.zip')).toBeNull();
  });
});

describe('the shipped Coinbase BTC-USD data', () => {
  const table = provenanceTable();

  it('lists five files in PROVENANCE.md', () => {
    expect([...table.keys()].sort()).toEqual([
      '20180404_quote.zip',
      '20180404_trade.zip',
      '20180405_quote.zip',
      '20180405_trade.zip',
      '20180406_trade.zip',
    ]);
  });

  for (const [file, [rows, firstMs, lastMs]] of provenanceTable()) {
    it(`${file} loads ${rows} rows from ${firstMs} to ${lastMs} ms with no problem`, () => {
      const set = loadLeanMinuteZip(join(DIR, file), 'BTC-USD');
      expect(set.problems).toEqual([]);
      const bars = file.includes('trade') ? set.trades : set.quotes;
      const dayStart = parseLeanFileName(file)!.dayStartMs;
      expect(bars).toHaveLength(rows);
      expect(bars[0]!.ts - dayStart).toBe(firstMs);
      expect(bars.at(-1)!.ts - dayStart).toBe(lastMs);
    });
  }

  it('gives the first trade bar of 2018-04-04 its values, its minute and the time it became known', () => {
    const { trades } = loadLeanMinuteZip(join(DIR, '20180404_trade.zip'), 'BTC-USD');
    expect(trades[0]).toEqual({
      instrument: 'BTC-USD',
      ts: DAY_0404,
      periodMs: 60_000,
      open: 7424.91,
      high: 7424.91,
      low: 7422,
      close: 7422,
      volume: 7.14319709,
      sourceTs: DAY_0404 + 60_000,
      receiveTs: DAY_0404 + 60_000,
    });
  });

  it('reads quote bars with both sides and their sizes, not synthesized', () => {
    const { quotes } = loadLeanMinuteZip(join(DIR, '20180404_quote.zip'), 'BTC-USD');
    expect(quotes[0]).toMatchObject({ bidClose: 7424.9, bidSize: 1.88483821, askClose: 7424.91, askSize: 33.35399601000002, synthesized: false });
  });

  it('loads the whole folder in day order and ignores LICENSE and PROVENANCE.md', () => {
    const set = loadLeanMinuteDir(DIR, 'BTC-USD');
    expect(set.problems).toEqual([]);
    expect(set.trades).toHaveLength(1007 + 1440 + 1440);
    expect(set.quotes).toHaveLength(1437 + 1436);
    const ts = set.trades.map((b) => b.ts);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(new Date(ts.at(-1)!).toISOString()).toBe('2018-04-06T23:59:00.000Z');
  });

  it('shows the 8.9% fall of 2018-04-04 from the open to the low', () => {
    const { trades } = loadLeanMinuteZip(join(DIR, '20180404_trade.zip'), 'BTC-USD');
    const low = Math.min(...trades.map((b) => b.low));
    expect(low).toBe(6766.5);
    expect(1 - low / trades[0]!.open).toBeCloseTo(0.0887, 4);
  });
});

describe('damaged zips', () => {
  const good = readFileSync(join(DIR, '20180404_trade.zip'));

  it('reports a truncated zip as unreadable, naming the file', () => {
    const set = readLeanMinuteZip(good.subarray(0, 5_000), 'data/20180404_trade.zip', 'BTC-USD');
    expect(set.trades).toEqual([]);
    expect(set.problems).toHaveLength(1);
    expect(set.problems[0]).toMatchObject({ code: 'MARKET_DATA_UNREADABLE', file: 'data/20180404_trade.zip', line: 0 });
  });

  it('catches a flipped bit inside the compressed data by its CRC-32 instead of replaying garbage', () => {
    const flipped = Buffer.from(good);
    flipped[3_000] = flipped[3_000]! ^ 0xff;
    const set = readLeanMinuteZip(flipped, '20180404_trade.zip', 'BTC-USD');
    expect(set.trades).toEqual([]);
    expect(set.problems[0]?.code).toBe('MARKET_DATA_UNREADABLE');
    expect(set.problems[0]?.message).toMatch(/fails its CRC-32 check/);
  });

  it('reports bytes that are not a zip at all', () => {
    const set = readLeanMinuteZip(strToU8('ms,open\n0,1\n'), '20180404_trade.zip', 'BTC-USD');
    expect(set.problems[0]).toMatchObject({ code: 'MARKET_DATA_UNREADABLE' });
  });

  it('refuses a zip that holds more than one file', () => {
    const two = zipSync({ 'a.csv': strToU8('0,1,1,1,1,1'), 'b.csv': strToU8('0,1,1,1,1,1') });
    const set = readLeanMinuteZip(two, '20180404_trade.zip', 'BTC-USD');
    expect(set.problems[0]?.message).toMatch(/exactly one CSV.*found 2/);
  });

  it('refuses a file whose name does not say its day and kind', () => {
    const set = readLeanMinuteZip(good, 'btcusd.zip', 'BTC-USD');
    expect(set.problems[0]).toMatchObject({ code: 'MARKET_DATA_BAD_NAME', file: 'btcusd.zip' });
  });

  it('reports a missing file without throwing', () => {
    const set = loadLeanMinuteZip(join(DIR, '20990101_trade.zip'), 'BTC-USD');
    expect(set.problems[0]?.code).toBe('MARKET_DATA_UNREADABLE');
  });
});

describe('bad rows', () => {
  const csv = [
    '0,100,101,99,100.5,2', // 1 good
    '60000,100,101,99,100.5', // 2 five fields
    '120000,100,abc,99,100.5,2', // 3 not a number
    '180000,100,98,99,100.5,2', // 4 high below low
    '240000,100,101,99,100.5,-1', // 5 negative volume
    '240000,100,101,99,100.5,2', // 6 good values, but a second row for row 5's minute
    '200000,100,101,99,100.5,2', // 7 not a whole minute
    '300000,100,101,99,100.5,2', // 8 good
    '270000,100,101,99,100.5,2', // 9 not a whole minute either
    '360000,100,101,99,100.5,Infinity', // 10 not finite
    '420000,100,101,99,100.5,2', // 11 good
    '420000,100,101,99,100.5,2', // 12 repeats the minute
  ].join('\n');

  it('reports every bad row in one pass with file, line and column, and keeps the good ones', () => {
    const set = readLeanMinuteZip(zipOf('x.csv', csv), 'feed/20180404_trade.zip', 'BTC-USD');
    expect(set.trades.map((b) => (b.ts - DAY_0404) / 60_000)).toEqual([0, 5, 7]);
    const where = set.problems.map((p) => [p.code, p.line, p.col]);
    expect(where).toEqual([
      ['MARKET_DATA_BAD_ROW', 2, 1],
      ['MARKET_DATA_BAD_ROW', 3, 12],
      ['MARKET_DATA_BAD_ROW', 4, 8],
      ['MARKET_DATA_BAD_ROW', 5, 8],
      ['MARKET_DATA_ORDER', 6, 1],
      ['MARKET_DATA_BAD_ROW', 7, 1],
      ['MARKET_DATA_BAD_ROW', 9, 1],
      ['MARKET_DATA_BAD_ROW', 10, 25],
      ['MARKET_DATA_ORDER', 12, 1],
    ]);
    expect(set.problems.every((p) => p.file === 'feed/20180404_trade.zip')).toBe(true);
    expect(set.problems[0]!.message).toMatch(/expected 6 fields .* found 5/);
    expect(set.problems[1]!.message).toBe("high 'abc' is not a finite number");
    expect(set.problems[2]!.message).toMatch(/high 98 is below low 99/);
    expect(set.problems[3]!.message).toMatch(/volume must be a finite number >= 0/);
  });

  it('refuses a crossed quote and accepts CRLF line ends', () => {
    const quotes = ['0,10,10,10,10,1,10.1,10.1,10.1,10.1,1', '60000,10.2,10.2,10.2,10.2,1,10.1,10.1,10.1,10.1,1', ''].join('\r\n');
    const set = readLeanMinuteZip(zipOf('q.csv', quotes), '20180404_quote.zip', 'BTC-USD');
    expect(set.quotes).toHaveLength(1);
    expect(set.problems).toHaveLength(1);
    expect(set.problems[0]).toMatchObject({ code: 'MARKET_DATA_BAD_ROW', line: 2 });
    expect(set.problems[0]!.message).toMatch(/crossed book/);
  });
});
