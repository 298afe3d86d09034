// The running session as the operator sees it (mode, money, heartbeat, feeds, assertions): the EngineStatusSource the server, metrics and schedules read.
import type { EventBus } from '../bus.ts';
import type { Clock } from '../clock.ts';
import type { EngineStatus, EngineStatusSource, FeedStatus } from '../observe/engine-status.ts';
import type { AssertionOutcome, EquityObserved } from '../trading-events.ts';
import type { Mode } from '../types.ts';

export interface LiveStatusOptions {
  readonly mode: Mode;
  readonly runId: string;
  readonly bus: EventBus;
  /** Wall time: heartbeats and feed ages are what an operator's watch measures. */
  readonly wallClock: Clock;
  /** The feed's name in the status (`replay` for a replayed file). */
  readonly feed: string;
  /** The instruments the feed delivers. */
  readonly instruments: readonly string[];
  /** Whether the session clock has gone past the stale limit for the instrument (the rules' feed.stale). */
  readonly stale: (instrument: string) => boolean;
  /** Cash now, read from the books before the first equity mark. */
  readonly cashUsd: () => number;
  readonly ruleSetVersion: () => string | null;
  readonly assertions: () => readonly AssertionOutcome[];
}

/**
 * Fed by the runner (beats, market events) and the bus (equity marks); every read is from memory but
 * cash before the first mark, and never throws: /health calls it on every poll.
 */
export class LiveStatus implements EngineStatusSource {
  readonly #o: LiveStatusOptions;
  readonly #startedAtMs: number;
  readonly #lastEventMs = new Map<string, number>();
  readonly #off: () => void;
  #equity: EquityObserved | null = null;
  #heartbeatAtMs: number | null = null;

  constructor(options: LiveStatusOptions) {
    this.#o = options;
    this.#startedAtMs = options.wallClock.now();
    this.#off = options.bus.on('equity.observed', (e) => {
      this.#equity = e;
    });
  }

  /** The loop completed a step or an idle beat. */
  beat(): void {
    this.#heartbeatAtMs = this.#o.wallClock.now();
  }

  /** A market event of this instrument reached the session. */
  observed(instrument: string): void {
    this.#lastEventMs.set(instrument, this.#o.wallClock.now());
  }

  close(): void {
    this.#off();
  }

  status(): EngineStatus {
    const e = this.#equity;
    return {
      mode: this.#o.mode,
      runId: this.#o.runId,
      startedAtMs: this.#startedAtMs,
      balanceUsd: e?.cashUsd ?? this.#cash(),
      equityUsd: e?.equityUsd ?? null,
      sessionPnlUsd: e?.sessionPnlUsd ?? null,
      drawdownFraction: e?.drawdownFraction ?? null,
      heartbeatAtMs: this.#heartbeatAtMs,
      ruleSetVersion: this.#safe(() => this.#o.ruleSetVersion(), null),
      feeds: this.#feeds(),
      assertions: this.#o.assertions(),
      rateLimiters: [],
    };
  }

  #feeds(): FeedStatus[] {
    const now = this.#o.wallClock.now();
    return this.#o.instruments.map((instrument) => {
      const last = this.#lastEventMs.get(instrument);
      return {
        feed: this.#o.feed,
        instrument,
        ageMs: last === undefined ? null : Math.max(0, now - last),
        stale: last !== undefined && this.#safe(() => this.#o.stale(instrument), true),
        reconnects: 0,
      };
    });
  }

  #cash(): number {
    return this.#safe(() => this.#o.cashUsd(), Number.NaN);
  }

  #safe<T>(read: () => T, fallback: T): T {
    try {
      return read();
    } catch {
      return fallback;
    }
  }
}
