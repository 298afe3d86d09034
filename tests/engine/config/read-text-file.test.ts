// Specs for the guarded read of operator files: size cap before reading, binary and invalid UTF-8 refused, never a throw.
import { existsSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_OPERATOR_FILE_BYTES, nodeFileIo, readTextFile, type TextFileIo } from '../../../engine/config/read-text-file.ts';
import { tempFolder } from '../../helpers/operator-fixtures.ts';

let cleanup = (): void => {};
afterEach(() => cleanup());

function folder(files: Record<string, string | Uint8Array> = {}): string {
  const made = tempFolder(files);
  cleanup = made.cleanup;
  return made.dir;
}

describe('readTextFile', () => {
  it('returns the text of a UTF-8 file, without a byte order mark', async () => {
    const dir = folder({ 'a.yaml': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a: é\n')]) });
    expect(await readTextFile(join(dir, 'a.yaml'))).toEqual({ ok: true, text: 'a: é\n' });
  });

  it('reports a missing file as FILE_UNREADABLE at 1:1', async () => {
    const dir = folder();
    const result = await readTextFile(join(dir, 'nope.yaml'));
    expect(result).toMatchObject({ ok: false, problem: { code: 'FILE_UNREADABLE', line: 1, col: 1, pointer: '/' } });
    expect(result.ok || result.problem.message).toContain('no such file');
  });

  it('reports a folder where a file belongs as FILE_UNREADABLE', async () => {
    const dir = folder();
    expect(await readTextFile(dir)).toMatchObject({ ok: false, problem: { code: 'FILE_UNREADABLE' } });
  });

  it('refuses a 10 MB file as FILE_TOO_LARGE even when it is valid YAML', async () => {
    const dir = folder({ 'big.yaml': 'a: 1\n'.repeat(2_000_000) });
    const result = await readTextFile(join(dir, 'big.yaml'));
    expect(result).toMatchObject({ ok: false, problem: { code: 'FILE_TOO_LARGE' } });
    expect(result.ok || result.problem.message).toContain('1 MiB');
  });

  it('refuses a huge sparse file from its size alone, without reading it', async () => {
    const dir = folder({ 'sparse.yaml': '' });
    truncateSync(join(dir, 'sparse.yaml'), 8 * 1024 * 1024 * 1024);
    expect(await readTextFile(join(dir, 'sparse.yaml'))).toMatchObject({ ok: false, problem: { code: 'FILE_TOO_LARGE' } });
  });

  it('accepts a file of exactly the limit and refuses one byte more', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'at.yaml'), `#${'x'.repeat(MAX_OPERATOR_FILE_BYTES - 2)}\n`);
    writeFileSync(join(dir, 'over.yaml'), `#${'x'.repeat(MAX_OPERATOR_FILE_BYTES - 1)}\n`);
    expect((await readTextFile(join(dir, 'at.yaml'))).ok).toBe(true);
    expect(await readTextFile(join(dir, 'over.yaml'))).toMatchObject({ ok: false, problem: { code: 'FILE_TOO_LARGE' } });
  });

  it.runIf(existsSync('/proc/self/status'))('reads to the end of a file whose reported size is wrong (/proc files report 0)', async () => {
    const result = await readTextFile('/proc/self/status');
    expect(result.ok && result.text).toContain('Name:');
  });

  it('refuses binary garbage (NUL bytes) as FILE_NOT_TEXT', async () => {
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256);
    const dir = folder({ 'bin.yaml': bytes });
    expect(await readTextFile(join(dir, 'bin.yaml'))).toMatchObject({ ok: false, problem: { code: 'FILE_NOT_TEXT' } });
  });

  it('refuses UTF-16 text, which is full of NUL bytes', async () => {
    const dir = folder({ 'u16.yaml': Buffer.from('\ufeffrules: []\n', 'utf16le') });
    expect(await readTextFile(join(dir, 'u16.yaml'))).toMatchObject({ ok: false, problem: { code: 'FILE_NOT_TEXT' } });
  });

  it('refuses bytes that are not valid UTF-8 (a Latin-1 file)', async () => {
    const dir = folder({ 'latin1.yaml': Buffer.from('description: caf\xe9\n', 'latin1') });
    const result = await readTextFile(join(dir, 'latin1.yaml'));
    expect(result).toMatchObject({ ok: false, problem: { code: 'FILE_NOT_TEXT', message: 'the file is not valid UTF-8 text' } });
  });

  describe('a save that lands during the read (real files, the save run between two of the read\'s own calls)', () => {
    /** The real file system; `midRead` runs once, after the bytes are read and before the handle's closing stat. */
    function saveMidRead(midRead: () => void): TextFileIo {
      return {
        stat: (path) => nodeFileIo.stat(path),
        async open(path) {
          const real = await nodeFileIo.open(path);
          let stats = 0;
          const stat = () => {
            if (++stats === 2) midRead();
            return real.stat();
          };
          return { ...real, stat };
        },
      };
    }

    it('refuses a read an in-place save overlapped as FILE_CHANGED_WHILE_READ (kind retry), never as text', async () => {
      const dir = folder({ 'a.yaml': 'limit: 5\n' });
      const path = join(dir, 'a.yaml');
      const result = await readTextFile(path, undefined, saveMidRead(() => writeFileSync(path, 'limit: 50000\n')));
      expect(result).toMatchObject({ ok: false, problem: { code: 'FILE_CHANGED_WHILE_READ', file: path, line: 1, col: 1 } });
      expect(await readTextFile(path)).toEqual({ ok: true, text: 'limit: 50000\n' });
    });

    it('refuses a read whose path was renamed over meanwhile: the path now names another file', async () => {
      const dir = folder({ 'a.yaml': 'limit: 5\n', 'a.yaml.tmp': 'limit: 6\n' });
      const path = join(dir, 'a.yaml');
      const result = await readTextFile(path, undefined, saveMidRead(() => renameSync(join(dir, 'a.yaml.tmp'), path)));
      expect(result).toMatchObject({ ok: false, problem: { code: 'FILE_CHANGED_WHILE_READ' } });
    });

    it('reads a file nothing touched during the read, through the same calls', async () => {
      const dir = folder({ 'a.yaml': 'limit: 5\n' });
      expect(await readTextFile(join(dir, 'a.yaml'), undefined, saveMidRead(() => undefined))).toEqual({ ok: true, text: 'limit: 5\n' });
    });
  });
});
