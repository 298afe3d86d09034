// A fixed-capacity FIFO that drops the OLDEST item when full: under a flood the freshest market data survives, and every drop is counted.

export class BoundedQueue<T> {
  readonly capacity: number;
  readonly #items: (T | undefined)[];
  #head = 0;
  #size = 0;
  #overflows = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity must be an integer >= 1, got ${capacity}`);
    this.capacity = capacity;
    this.#items = new Array<T | undefined>(capacity);
  }

  /** Adds at the tail; returns the item dropped from the head to make room, if any. */
  push(item: T): T | undefined {
    let dropped: T | undefined;
    if (this.#size === this.capacity) {
      dropped = this.#items[this.#head];
      this.#items[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.capacity;
      this.#size--;
      this.#overflows++;
    }
    this.#items[(this.#head + this.#size) % this.capacity] = item;
    this.#size++;
    return dropped;
  }

  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.capacity;
    this.#size--;
    return item;
  }

  /** Removes and returns up to `max` items, oldest first. */
  drain(max = Number.POSITIVE_INFINITY): T[] {
    const out: T[] = [];
    while (this.#size > 0 && out.length < max) out.push(this.shift() as T);
    return out;
  }

  get size(): number {
    return this.#size;
  }

  /** Items dropped because the queue was full, since creation. */
  get overflows(): number {
    return this.#overflows;
  }
}
