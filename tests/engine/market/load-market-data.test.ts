// Specs for `--data PATH`: a LEAN folder or zip, a CSV or a JSONL file, each recognised by what the path is.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SHIPPED_REPLAY_DIR, SHIPPED_REPLAY_INSTRUMENT, loadMarketData } from '../../../engine/market/load-market-data.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tradegate-market-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('loadMarketData', () => {
  it('loads the shipped folder as LEAN minute data', () => {
    const set = loadMarketData(join(ROOT, SHIPPED_REPLAY_DIR), { instrument: SHIPPED_REPLAY_INSTRUMENT });
    expect(set.problems).toEqual([]);
    expect(set.trades).toHaveLength(3887);
    expect(set.quotes).toHaveLength(2873);
  });

  it('loads one LEAN zip', () => {
    const set = loadMarketData(join(ROOT, SHIPPED_REPLAY_DIR, '20180406_trade.zip'), { instrument: 'BTC-USD' });
    expect(set.trades).toHaveLength(1440);
  });

  it('loads CSV and JSONL by extension', () => {
    writeFileSync(join(dir, 'a.csv'), 'ts,open,high,low,close,volume\n0,1,1,1,1,1\n');
    writeFileSync(join(dir, 'b.jsonl'), '{"ts":0,"bid":1,"ask":2}\n');
    expect(loadMarketData(join(dir, 'a.csv'), { instrument: 'X' }).trades).toHaveLength(1);
    expect(loadMarketData(join(dir, 'b.jsonl'), { instrument: 'X' }).quotes).toHaveLength(1);
  });

  it('reports a missing path, an unknown extension and a file that is not UTF-8', () => {
    writeFileSync(join(dir, 'c.parquet'), 'x');
    writeFileSync(join(dir, 'd.csv'), Buffer.from([0x74, 0x73, 0xff, 0xfe]));
    const problems = ['nope.csv', 'c.parquet', 'd.csv'].map((f) => loadMarketData(join(dir, f), { instrument: 'X' }).problems[0]);
    expect(problems.map((p) => p?.code)).toEqual(['MARKET_DATA_UNREADABLE', 'MARKET_DATA_UNREADABLE', 'MARKET_DATA_UNREADABLE']);
    expect(problems[1]!.message).toMatch(/unknown market data format '.parquet'/);
    expect(problems[2]!.message).toMatch(/UTF-8/);
  });

  it('reports a folder with no zips in it', () => {
    expect(loadMarketData(dir, { instrument: 'X' }).problems[0]!.message).toMatch(/no .zip market data/);
  });
});
