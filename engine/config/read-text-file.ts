// Reads an operator file as UTF-8 text behind guards: size cap before reading, no binary, no invalid UTF-8.
import { open } from 'node:fs/promises';
import type { Problem } from '../errors.ts';
import { ROOT_POINTER } from './json-pointer.ts';

/** Operator files are hand-written: anything over 1 MiB is a mistake or an attack, refused unread. */
export const MAX_OPERATOR_FILE_BYTES = 1024 * 1024;

export type TextResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problem: Problem };

function fileProblem(file: string, code: Problem['code'], message: string): TextResult {
  return { ok: false, problem: { code, file, line: 1, col: 1, pointer: ROOT_POINTER, message } };
}

function describeError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'ENOENT') return 'no such file';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'EISDIR') return 'it is a folder, not a file';
  return e.code ?? e.message ?? String(err);
}

/** Reads at most `limit + 1` bytes, so a file that grows after stat (or lies about its size) is still caught. */
async function readBounded(path: string, limit: number): Promise<Buffer | 'too-large' | 'not-a-file'> {
  // Opened once and checked through the handle: no window between the size check and the read.
  const handle = await open(path, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return 'not-a-file';
    if (stat.size > limit) return 'too-large';
    let buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > limit) return 'too-large';
        const bigger = Buffer.alloc(Math.min(buffer.length * 2, limit + 1));
        buffer.copy(bigger);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** Bytes to text, or the reason they are not operator-file text. */
export function decodeText(bytes: Uint8Array, file: string): TextResult {
  if (bytes.includes(0)) return fileProblem(file, 'FILE_NOT_TEXT', 'the file holds NUL bytes: it is binary (or UTF-16), not UTF-8 text');
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return fileProblem(file, 'FILE_NOT_TEXT', 'the file is not valid UTF-8 text');
  }
}

/** Reads `path` as UTF-8 text; every failure is a Problem located at 1:1 of the file. */
export async function readTextFile(path: string, limit = MAX_OPERATOR_FILE_BYTES): Promise<TextResult> {
  let bytes: Buffer | 'too-large' | 'not-a-file';
  try {
    bytes = await readBounded(path, limit);
  } catch (err) {
    return fileProblem(path, 'FILE_UNREADABLE', `cannot read the file: ${describeError(err)}`);
  }
  if (bytes === 'not-a-file') return fileProblem(path, 'FILE_UNREADABLE', 'cannot read the file: it is not a regular file');
  if (bytes === 'too-large') {
    const mib = (limit / (1024 * 1024)).toFixed(limit % (1024 * 1024) === 0 ? 0 : 2);
    return fileProblem(path, 'FILE_TOO_LARGE', `the file is larger than ${mib} MiB (${limit} bytes), the most an operator file may hold`);
  }
  return decodeText(bytes, path);
}
