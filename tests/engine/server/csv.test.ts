// Specs of CSV export: RFC 4180 quoting, CRLF lines, JSON for objects, and formula injection made inert.
import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../../engine/server/csv.ts';

describe('csvCell', () => {
  it('writes numbers, booleans and empties plainly', () => {
    expect([csvCell(1.5), csvCell(-2), csvCell(true), csvCell(null), csvCell(undefined), csvCell(Number.NaN)]).toEqual(['1.5', '-2', 'true', '', '', '']);
  });

  it('quotes commas, quotes, line breaks and edge spaces, doubling inner quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' padded')).toBe('" padded"');
    expect(csvCell('plain')).toBe('plain');
  });

  it('prefixes text a spreadsheet would run as a formula, but leaves signed numbers alone', () => {
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('+cmd')).toBe("'+cmd");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-5.25')).toBe('-5.25');
    expect(csvCell('-1e3')).toBe('-1e3');
  });

  it('writes objects as quoted JSON', () => {
    expect(csvCell({ a: 1, b: 'x' })).toBe('"{""a"":1,""b"":""x""}"');
    expect(csvCell(['BTC-USD'])).toBe('"[""BTC-USD""]"');
  });
});

describe('toCsv', () => {
  it('writes a header and rows with CRLF line ends', () => {
    expect(toCsv(['id', 'note'], [[1, 'ok'], [2, 'a,b']])).toBe('id,note\r\n1,ok\r\n2,"a,b"\r\n');
    expect(toCsv(['id'], [])).toBe('id\r\n');
  });
});
