// Specs for the session's market data: loaded strictly, merged into events, split where a resumed run left off.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMarketSource, splitAtResume } from '../../../engine/runtime/market-source.ts';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function csv(text: string): string {
  dir = mkdtempSync(join(tmpdir(), 'tg-source-'));
  const file = join(dir, 'bars.csv');
  writeFileSync(file, text);
  return file;
}

const BARS = 'ts,open,high,low,close,volume\n' + [0, 1, 2, 3, 4].map((m) => `${Date.UTC(2018, 3, 4, 0, m)},100,101,99,100,1`).join('\n');

describe('loadMarketSource', () => {
  it('merges bars into events, synthesizing the spread asked for where there is no quote', () => {
    const source = loadMarketSource(csv(BARS), 'BTC-USD', 10);
    expect(source.events).toHaveLength(5);
    expect(source.events[0]!.quote).toMatchObject({ synthesized: true, bidClose: 99.95, askClose: 100.05 });
  });

  it('refuses a file with any bad row, naming it, and a file with no bars at all', () => {
    expect(() => loadMarketSource(csv(`${BARS}\n${Date.UTC(2018, 3, 4, 0, 9)},100,99,101,100,1`), 'BTC-USD', 2)).toThrow(expect.objectContaining({ code: 'MARKET_DATA_BAD_ROW', message: expect.stringContaining('bars.csv:7') }));
    expect(() => loadMarketSource(csv('ts,open,high,low,close,volume\n'), 'BTC-USD', 2)).toThrow(expect.objectContaining({ code: 'MARKET_DATA_UNREADABLE' }));
  });
});

describe('splitAtResume', () => {
  it('gives everything to trade for a new run, and for a resumed one the bars after its last mark, with history before', () => {
    const { events } = loadMarketSource(csv(BARS), 'BTC-USD', 2);
    expect(splitAtResume(events, null, 10)).toEqual({ history: [], pending: events });
    const split = splitAtResume(events, events[2]!.endTs, 2);
    expect(split.history).toEqual(events.slice(1, 3));
    expect(split.pending).toEqual(events.slice(3));
  });
});
