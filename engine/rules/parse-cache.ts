// Remembers each rule file's parse and schema check by path and content hash, so a reload re-parses only the files whose text changed.
import { createHash } from 'node:crypto';
import { checkParsed, type OperatorFile } from '../config/operator-file.ts';
import { nodeFileIo, readTextFile, type TextFileIo } from '../config/read-text-file.ts';
import { parseYaml } from '../config/source-map.ts';

export interface ParseCacheStats {
  /** Files read and found changed (or new), so parsed and schema-checked again. */
  readonly parses: number;
  /** Files read and found byte-for-byte as cached, so not parsed again. */
  readonly hits: number;
  /** Files the cache holds now. */
  readonly size: number;
}

interface Entry {
  readonly hash: string;
  readonly result: OperatorFile;
}

/**
 * Parse and schema-check results of one folder's operator files, keyed by path and by the sha256 of the text
 * just read. Every call reads the file: a hit needs the same text, never the same mtime or size (editors keep
 * mtimes, and two writes fit in one second). The parse depends on nothing but the path and the text, so a hit
 * is exactly what a fresh parse would give. The text is hashed rather than the raw bytes because the guarded
 * reader hands out only text; it decodes strict UTF-8, so equal text means equal bytes up to a leading BOM,
 * which the decoder drops before the parser could see it.
 */
export class ParseCache {
  readonly #schemaFile: string;
  readonly #entries = new Map<string, Entry>();
  #parses = 0;
  #hits = 0;

  constructor(schemaFile: string) {
    this.#schemaFile = schemaFile;
  }

  /**
   * Reads `path` and returns its parse and schema check; as parseOperatorFile, never throws for the file's content.
   * A read a save overlapped (FILE_CHANGED_WHILE_READ) is neither parsed nor cached: its text may be half a file.
   */
  async read<T = unknown>(path: string, io: TextFileIo = nodeFileIo): Promise<OperatorFile<T>> {
    const read = await readTextFile(path, undefined, io);
    if (!read.ok) {
      this.#entries.delete(path);
      return checkParsed<T>({ ok: false, problems: [read.problem] }, path, this.#schemaFile);
    }
    const hash = createHash('sha256').update(read.text, 'utf8').digest('hex');
    const cached = this.#entries.get(path);
    if (cached?.hash === hash) {
      this.#hits++;
      return cached.result as OperatorFile<T>;
    }
    this.#parses++;
    // Frozen: one result is handed to every later load of the same text, so no caller may change it.
    const result = deepFreeze(checkParsed<T>(parseYaml(read.text, path), path, this.#schemaFile));
    this.#entries.set(path, { hash, result });
    return result;
  }

  /** Forgets every file not in `paths` (deleted or renamed away), so the cache holds only the folder's current files. */
  retainOnly(paths: readonly string[]): void {
    const keep = new Set(paths);
    for (const path of this.#entries.keys()) if (!keep.has(path)) this.#entries.delete(path);
  }

  stats(): ParseCacheStats {
    return { parses: this.#parses, hits: this.#hits, size: this.#entries.size };
  }
}

/** A process that loads many folders (tests, `engine validate` on several dirs) keeps the caches of this many, least recently used dropped. */
export const MAX_CACHED_FOLDERS = 8;

const folders = new Map<string, ParseCache>();

/** The cache for the operator files of `dir` checked against `schemaFile`, made on first use. */
export function parseCacheFor(dir: string, schemaFile: string): ParseCache {
  const key = `${schemaFile}\0${dir}`;
  const cache = folders.get(key) ?? new ParseCache(schemaFile);
  // Re-inserted so Map order is least recently used first.
  folders.delete(key);
  folders.set(key, cache);
  for (const oldest of folders.keys()) {
    if (folders.size <= MAX_CACHED_FOLDERS) break;
    folders.delete(oldest);
  }
  return cache;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
