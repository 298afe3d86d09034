// Specs for the CSV and JSONL bar sources: the documented columns, strict types, and every bad row named by file:line:col.
import { describe, expect, it } from 'vitest';
import { BAR_COLUMNS, parseCsvBars, parseJsonlBars } from '../../../engine/market/csv-bars.ts';

const T0 = Date.UTC(2018, 3, 4);

describe('parseCsvBars', () => {
  it('reads trade bars and quotes with epoch-ms or ISO times and an instrument column', () => {
    const csv = [
      'ts,instrument,open,high,low,close,volume,bid,ask,bid_size,ask_size',
      `${T0},BTC-USD,100,101,99,100.5,2,100.4,100.6,1.5,2.5`,
      '2018-04-04T00:01:00Z,BTC-USD,100.5,102,100,101,3,,,,',
      '2018-04-04T00:02:00+00:00,BTC-USD,,,,,,101,101.2,,',
    ].join('\n');
    const set = parseCsvBars(csv, 'bars.csv');
    expect(set.problems).toEqual([]);
    expect(set.trades.map((b) => [b.ts - T0, b.close, b.volume])).toEqual([
      [0, 100.5, 2],
      [60_000, 101, 3],
    ]);
    expect(set.trades[0]).toMatchObject({ instrument: 'BTC-USD', periodMs: 60_000, sourceTs: T0 + 60_000 });
    expect(set.quotes.map((q) => [q.ts - T0, q.bidClose, q.askClose, q.bidSize ?? null])).toEqual([
      [0, 100.4, 100.6, 1.5],
      [120_000, 101, 101.2, null],
    ]);
    expect(set.quotes[0]).toMatchObject({ bidOpen: 100.4, bidHigh: 100.4, bidLow: 100.4, synthesized: false });
  });

  it('takes the instrument and period from the caller when the file has none', () => {
    const set = parseCsvBars(`ts,open,high,low,close,volume\r\n${T0},1,1,1,1,0\r\n`, 'b.csv', { instrument: 'ETH-USD', periodMs: 300_000 });
    expect(set.problems).toEqual([]);
    expect(set.trades[0]).toMatchObject({ instrument: 'ETH-USD', periodMs: 300_000, sourceTs: T0 + 300_000 });
  });

  it('refuses an unknown or repeated column in the header, naming its column', () => {
    const set = parseCsvBars('ts,open,hihg,low,close,volume,open\n', 'b.csv', { instrument: 'X' });
    expect(set.problems.map((p) => [p.line, p.col, p.message])).toEqual([
      [1, 9, `unknown column 'hihg'; expected ${BAR_COLUMNS.join(', ')}`],
      [1, 31, "column 'open' appears twice"],
    ]);
  });

  it('needs a ts column', () => {
    const set = parseCsvBars('open,high,low,close,volume\n1,1,1,1,1\n', 'b.csv', { instrument: 'X' });
    expect(set.problems[0]!.message).toMatch(/needs a 'ts' column/);
  });

  it('reports every bad row in one pass and keeps the good ones', () => {
    const csv = [
      'ts,open,high,low,close,volume,bid,ask',
      `${T0},100,101,99,100,1,,`, // 2 good
      `${T0 + 60_000},100,101,99,100`, // 3 too few fields
      `${T0 + 120_000},100,1O1,99,100,1,,`, // 4 a letter O
      `${T0 + 180_000},100,101,99,,1,,`, // 5 close missing
      `${T0 + 240_000},,,,,,100,`, // 6 ask missing
      `${T0 + 300_000},,,,,,101,100`, // 7 crossed
      '2018-04-04 00:06:00,100,101,99,100,1,,', // 8 no time zone
      `${T0 + 60_000},100,101,99,100,1,,`, // 9 goes back in time
      `${T0 + 420_000},,,,,,,`, // 10 nothing at all
      `${T0 + 480_000},100,101,99,100,1,99.9,100.1`, // 11 good
    ].join('\n');
    const set = parseCsvBars(csv, 'x.csv', { instrument: 'BTC-USD' });
    expect(set.trades.map((b) => b.ts - T0)).toEqual([0, 480_000]);
    expect(set.quotes.map((q) => q.ts - T0)).toEqual([480_000]);
    expect(set.problems.map((p) => [p.code, p.line])).toEqual([
      ['MARKET_DATA_BAD_ROW', 3],
      ['MARKET_DATA_BAD_ROW', 4],
      ['MARKET_DATA_BAD_ROW', 5],
      ['MARKET_DATA_BAD_ROW', 6],
      ['MARKET_DATA_BAD_ROW', 7],
      ['MARKET_DATA_BAD_ROW', 8],
      ['MARKET_DATA_ORDER', 9],
      ['MARKET_DATA_BAD_ROW', 10],
    ]);
    const byLine = new Map(set.problems.map((p) => [p.line, p]));
    expect(byLine.get(4)).toMatchObject({ col: 19, message: "high '1O1' is not a finite number" });
    expect(byLine.get(5)!.message).toMatch(/come together; missing close/);
    expect(byLine.get(6)!.message).toMatch(/bid and ask come together; missing ask/);
    expect(byLine.get(7)!.message).toMatch(/crossed book/);
    expect(byLine.get(8)!.message).toMatch(/neither epoch ms nor ISO 8601 with a time zone/);
    expect(byLine.get(10)!.message).toMatch(/neither a trade bar .* nor a quote/);
    expect(set.problems.every((p) => p.file === 'x.csv')).toBe(true);
  });

  it('refuses rows without an instrument when the caller gives none', () => {
    const set = parseCsvBars(`ts,open,high,low,close,volume\n${T0},1,1,1,1,1\n`, 'b.csv');
    expect(set.problems[0]!.message).toMatch(/no instrument column and none given/);
  });

  it('orders rows per instrument, so two instruments may interleave', () => {
    const csv = ['ts,instrument,open,high,low,close,volume', `${T0},A,1,1,1,1,1`, `${T0},B,1,1,1,1,1`, `${T0 + 60_000},A,1,1,1,1,1`].join('\n');
    expect(parseCsvBars(csv, 'b.csv').problems).toEqual([]);
  });
});

describe('parseJsonlBars', () => {
  it('reads the same columns as JSON keys, null meaning absent', () => {
    const text = [
      JSON.stringify({ ts: T0, instrument: 'BTC-USD', open: 1, high: 2, low: 0.5, close: 1.5, volume: 10, bid: 1.4, ask: 1.6 }),
      '',
      JSON.stringify({ ts: '2018-04-04T00:01:00Z', instrument: 'BTC-USD', open: null, bid: 1.5, ask: 1.7, ask_size: 3 }),
    ].join('\n');
    const set = parseJsonlBars(text, 'b.jsonl');
    expect(set.problems).toEqual([]);
    expect(set.trades).toHaveLength(1);
    expect(set.quotes.map((q) => [q.ts - T0, q.askClose, q.askSize])).toEqual([
      [0, 1.6, undefined],
      [60_000, 1.7, 3],
    ]);
  });

  it('does not coerce a number written as a string, and names the key', () => {
    const set = parseJsonlBars(JSON.stringify({ ts: T0, instrument: 'X', open: '1', high: 1, low: 1, close: 1, volume: 1 }), 'b.jsonl');
    expect(set.trades).toEqual([]);
    expect(set.problems[0]).toMatchObject({ code: 'MARKET_DATA_BAD_ROW', line: 1, pointer: '/1/open' });
    expect(set.problems[0]!.message).toBe('open must be a JSON number, got "1"');
  });

  it('reports broken JSON, non-objects and unknown keys by line', () => {
    const text = ['{"ts": 1,', '[1,2]', JSON.stringify({ ts: T0, instrument: 'X', price: 1 })].join('\n');
    const set = parseJsonlBars(text, 'b.jsonl');
    expect(set.problems.map((p) => [p.line, p.message.slice(0, 20)])).toEqual([
      [1, 'not valid JSON: Expe'.slice(0, 20)],
      [2, 'each line must be on'],
      [3, "unknown key 'price';"],
    ]);
  });
});
