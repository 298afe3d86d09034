// Tests of the state file: atomic saves, leftovers of interrupted saves, corrupt files set aside with an alert.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogCapture } from '../../../../engine/observe/log-capture.ts';
import { createLogger } from '../../../../engine/observe/logger.ts';
import { readState, writeStateAtomic } from '../../../../plugins/venues/paper/state-file.ts';
import { endedPid, holdSave } from '../../../helpers/paper-saves.ts';

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

  it('removes its temp file when the save fails, so a live process leaves nothing behind', () => {
    mkdirSync(join(path, 'in-the-way'), { recursive: true });
    expect(() => writeStateAtomic(path, { n: 1 }, true)).toThrow();
    expect(readdirSync(dir)).toEqual(['book.json']);
  });
});

describe('readState', () => {
  it('reports a missing file as a fresh start, without an alert', () => {
    expect(readState(path, noDefect, logger(), 5)).toEqual({ kind: 'missing' });
    expect(capture.records()).toEqual([]);
  });

  it('loads a good file and removes the temp files of saves whose process has ended', () => {
    writeStateAtomic(path, { n: 3 }, true);
    const pid = endedPid();
    writeFileSync(join(dir, `book.json.tmp-${pid}-1`), '{"n":');
    expect(readState(path, noDefect, logger(), 5)).toEqual({ kind: 'loaded', state: { n: 3 } });
    expect(readdirSync(dir)).toEqual(['book.json']);
    expect(capture.events('paper.state_temp_removed')).toEqual([expect.objectContaining({ level: 'warn', pid, file: join(dir, `book.json.tmp-${pid}-1`) })]);
  });

  it('leaves the temp file of a save still in progress in a running process, so that save renames it into place', async () => {
    writeStateAtomic(path, { n: 3 }, true);
    const save = await holdSave(path, '{"n":4}');
    const read = readState(path, noDefect, logger(), 5);
    const tempAfterRead = existsSync(save.temp);
    const done = await save.finish();
    expect(read).toEqual({ kind: 'loaded', state: { n: 3 } });
    expect(tempAfterRead).toBe(true);
    expect(done).toEqual({ line: { saved: true, pid: save.pid }, code: 0 });
    expect(readdirSync(dir)).toEqual(['book.json']);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ n: 4 });
    expect(capture.events('paper.state_temp_kept')).toEqual([expect.objectContaining({ level: 'warn', pid: save.pid, file: save.temp })]);
    expect(capture.events('paper.state_temp_removed')).toEqual([]);
  });

  it.each([['no pid', 'book.json.tmp-'], ['a pid that is not a number', 'book.json.tmp-x-1'], ['pid 0, a process group', 'book.json.tmp-0-1'], ['a pid past 2^31 - 1', 'book.json.tmp-2147483648-1']])(
    'removes a temp file whose name carries %s: no running writer can own it',
    (_what, name) => {
      writeFileSync(join(dir, name), '{"n":');
      expect(readState(path, noDefect, logger(), 5)).toEqual({ kind: 'missing' });
      expect(readdirSync(dir)).toEqual([]);
    },
  );

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
