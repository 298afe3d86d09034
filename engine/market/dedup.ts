// Remembers recent message ids per instrument so a resent trade is dropped once, within a bounded memory.

export class Dedup {
  readonly #capacity: number;
  /** Insertion-ordered: the first key is the oldest, evicted first. */
  readonly #seen = new Set<string>();
  #duplicates = 0;

  constructor(capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`dedup capacity must be an integer >= 1, got ${capacity}`);
    this.#capacity = capacity;
  }

  /** True (and counted) when this id was already seen for this instrument; otherwise remembers it. */
  isDuplicate(instrument: string, id: string): boolean {
    const key = `${instrument}\u0000${id}`;
    if (this.#seen.has(key)) {
      this.#duplicates++;
      return true;
    }
    this.#seen.add(key);
    if (this.#seen.size > this.#capacity) this.#seen.delete(this.#seen.values().next().value as string);
    return false;
  }

  get duplicates(): number {
    return this.#duplicates;
  }
}
