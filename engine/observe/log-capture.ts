// An in-memory log destination: keeps every emitted line so tests, `engine explain` or a dashboard feed can read them back.

export type LogRecord = Readonly<Record<string, unknown>>;

export class LogCapture {
  readonly #lines: string[] = [];

  /** Called by pino with one serialized line (newline included). */
  write(chunk: string): boolean {
    for (const line of chunk.split('\n')) if (line.length > 0) this.#lines.push(line);
    return true;
  }

  /** The raw lines, exactly as a log file would hold them. */
  lines(): readonly string[] {
    return [...this.#lines];
  }

  records(): readonly LogRecord[] {
    return this.#lines.map((line) => JSON.parse(line) as LogRecord);
  }

  /** The records carrying `event: name`, oldest first. */
  events(name: string): readonly LogRecord[] {
    return this.records().filter((r) => r['event'] === name);
  }

  clear(): void {
    this.#lines.length = 0;
  }
}
