// The typed in-process event bus: components announce what happened; a failing listener never breaks the announcer.
import type { Problem } from './errors.ts';
import type { RuleSetDiff } from './rules/rule-diff.ts';
import type { TradingEvents } from './trading-events.ts';

export interface RulesReloaded {
  readonly version: string;
  readonly previousVersion: string;
  readonly diff: RuleSetDiff;
  /** Milliseconds from the start of the load to the swap, by the injected clock. */
  readonly ms: number;
}

export interface RulesReloadFailed {
  readonly problems: readonly Problem[];
  /** The version that stays in force. */
  readonly keptVersion: string;
}

/** A reload found rules identical to those in force (a comment edit, a test-file save, an invalid edit undone). */
export interface RulesReloadUnchanged {
  readonly version: string;
}

/** Rules missing from a reload stay in force for the grace period (an editor's rename-away save, or a real deletion). */
export interface RulesRemovalHeld {
  /** Ids of the rules kept in force although the folder no longer holds them. */
  readonly held: readonly string[];
  readonly graceMs: number;
  /** The version the folder loaded as, without them. */
  readonly loadedVersion: string;
  /** The version in force: the loaded rules plus the held ones. */
  readonly version: string;
}

/**
 * Every event name and its payload. To add an event, add one line here: `emit` and `on` check
 * names and payloads against this map, so a typo or a wrong payload fails the type check.
 */
export interface TradegateEvents extends TradingEvents {
  'rules.reloaded': RulesReloaded;
  'rules.reload_failed': RulesReloadFailed;
  'rules.reload_unchanged': RulesReloadUnchanged;
  'rules.removal_held': RulesRemovalHeld;
}

export type Listener<P> = (payload: P) => void | Promise<void>;

export interface EventBusOptions {
  /** Told about every listener that threw or rejected; production wires it to the logger. */
  readonly onListenerError?: (error: unknown, event: string) => void;
}

function warnListenerError(error: unknown, event: string): void {
  const text = error instanceof Error ? error.message : String(error);
  process.emitWarning(`a listener for ${event} failed: ${text}`, { code: 'TRADEGATE_LISTENER_FAILED' });
}

export class EventBus<Events extends object = TradegateEvents> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();
  readonly #onListenerError: (error: unknown, event: string) => void;

  constructor(options: EventBusOptions = {}) {
    this.#onListenerError = options.onListenerError ?? warnListenerError;
  }

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const set = this.#listeners.get(event) ?? new Set<Listener<never>>();
    this.#listeners.set(event, set);
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    const set = this.#listeners.get(event);
    set?.delete(listener as Listener<never>);
    if (set?.size === 0) this.#listeners.delete(event);
  }

  /** The next payload of `event` that satisfies `accept` (every payload when omitted). */
  once<K extends keyof Events>(event: K, accept: (payload: Events[K]) => boolean = () => true): Promise<Events[K]> {
    return new Promise((resolve) => {
      const off = this.on(event, (payload) => {
        if (!accept(payload)) return;
        off();
        resolve(payload);
      });
    });
  }

  /**
   * Delivers synchronously to the listeners subscribed when the call starts, in subscription
   * order. A listener that throws or rejects is reported and skipped; the others still run.
   */
  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        const result = (listener as Listener<Events[K]>)(payload);
        if (result instanceof Promise) result.catch((error: unknown) => this.#report(error, event));
      } catch (error) {
        this.#report(error, event);
      }
    }
  }

  listenerCount<K extends keyof Events>(event: K): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  #report(error: unknown, event: keyof Events): void {
    try {
      this.#onListenerError(error, String(event));
    } catch {
      // The error reporter itself failed: there is no one left to tell, and the emitter must go on.
    }
  }
}
