// Tests of the state file: atomic saves, leftovers of interrupted saves, corrupt files set aside with an alert.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogCapture } from '../../../../engine/observe/log-capture.ts';
import { createLogger } from '../../../../engine/observe/logger.ts';
import { readState, writeStateAtomic } from '../../../../plugins/venues/paper/state-file.ts';

let dir: string;
let capture: LogCapture;
let path: string;
const logger = () => createLogger({ destination: capture, level: 'debug', env: {} });
const noDefect = () => null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tg-state-'));
  capture = new LogCapture();
  path = join(dir, 'book.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeStateAtomic', () => {
  it('replaces the file whole and leaves no temp file, with or without fsync', () => {
    writeStateAtomic(path, { n: 1 }, true);
    writeStateAtomic(path, { n: 2 }, false);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ n: 2 });
    expect(readdirSync(dir)).toEqual(['book.json']);
  });
});

describe('readState', () => {
  it('reports a missing file as a fresh start, without an alert', () => {
    expect(readState(path, noDefect, logger(), 5)).toEqual({ kind: 'missing' });
    expect(capture.records()).toEqual([]);
  });

  it('loads a good file and removes temp files of interrupted saves', () => {
    writeStateAtomic(path, { n: 3 }, true);
    writeFileSync(join(dir, 'book.json.tmp-1-1'), '{"n":');
    expect(readState(path, noDefect, logger(), 5)).toEqual({ kind: 'loaded', state: { n: 3 } });
    expect(readdirSync(dir)).toEqual(['book.json']);
    expect(capture.events('paper.state_temp_removed')).toHaveLength(1);
  });

  it('sets a corrupt file aside as .corrupt-<ts> and alerts with a stable event name', () => {
    writeFileSync(path, '{"n": 3');
    const read = readState(path, noDefect, logger(), 1234);
    expect(read).toMatchObject({ kind: 'corrupt', keptAs: `${path}.corrupt-1234` });
    expect(existsSync(path)).toBe(false);
    expect(readFileSync(`${path}.corrupt-1234`, 'utf8')).toBe('{"n": 3');
    expect(capture.events('paper.state_corrupt')[0]).toMatchObject({ level: 'error', reason: expect.stringContaining('cannot read or parse') });
  });

  it('treats a file the defect check refuses as corrupt, and never overwrites an earlier corrupt copy', () => {
    writeFileSync(`${path}.corrupt-9`, 'older');
    writeFileSync(path, '{"n": "three"}');
    const read = readState(path, (v) => ((v as { n: unknown }).n === 3 ? null : 'n is not 3'), logger(), 9);
    expect(read).toEqual({ kind: 'corrupt', reason: 'n is not 3', keptAs: `${path}.corrupt-9-1` });
    expect(readFileSync(`${path}.corrupt-9`, 'utf8')).toBe('older');
  });
});
