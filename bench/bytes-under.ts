// What a folder holds on disk: the bytes of its files, through its subfolders, for benchmarks that report state size.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes of the files under `path` whose names `match` accepts (every file by default; subfolders are always walked). */
export function bytesUnder(path: string, match: (name: string) => boolean = () => true): number {
  let total = 0;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, e.name);
    if (e.isDirectory()) total += bytesUnder(p, match);
    else if (match(e.name)) total += statSync(p).size;
  }
  return total;
}
