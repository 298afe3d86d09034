// Runtime controls service: stored controls read through a short cache, validated, failing closed to pause; changes record who and when.
import type { EventBus } from '../bus.ts';
import type { Clock } from '../clock.ts';
import { schemaErrorsToProblems } from '../config/schema-problems.ts';
import { schemaValidator } from '../config/validator.ts';
import type { ControlsRepository } from '../ledger/controls-repository.ts';
import type { Logger } from '../observe/logger.ts';
import type { ControlFacts } from '../orders/order-facts.ts';
import { KILL_LEVELS, type KillLevel, type Mode } from '../types.ts';

export interface RuntimeControls {
  readonly killLevel: KillLevel;
  readonly tradingMode: Mode;
  /** Operator overrides of the position and session-loss caps; null when none is set. */
  readonly maxPositionUsd: number | null;
  readonly maxSessionLossUsd: number | null;
  readonly allowedInstruments: readonly string[];
  readonly allowedStrategies: readonly string[];
}

/** Stored keys (runtime_controls.key) and request body keys, in one vocabulary. */
export const CONTROL_KEYS = [
  'kill_level',
  'trading_mode',
  'max_position_usd',
  'max_session_loss_usd',
  'allowed_instruments',
  'allowed_strategies',
] as const;
export type ControlKey = (typeof CONTROL_KEYS)[number];

export const CONTROLS_SCHEMA = 'controls-request.schema.json';
export const CONTROLS_CACHE_TTL_MS = 1_000;

const FIELD: Record<ControlKey, keyof RuntimeControls> = {
  kill_level: 'killLevel',
  trading_mode: 'tradingMode',
  max_position_usd: 'maxPositionUsd',
  max_session_loss_usd: 'maxSessionLossUsd',
  allowed_instruments: 'allowedInstruments',
  allowed_strategies: 'allowedStrategies',
};

export interface ControlProvenance {
  readonly updatedBy: string;
  readonly updatedAtMs: number;
}

export type ChangeResult =
  | { readonly ok: true; readonly controls: RuntimeControls; readonly changed: readonly ControlKey[] }
  | { readonly ok: false; readonly problems: readonly string[] };

export interface ControlsServiceOptions {
  readonly repository: ControlsRepository;
  /** Runs the writes of one change in one transaction (Ledger.transaction). */
  readonly transaction: <T>(fn: () => T) => T;
  readonly clock: Clock;
  /** Values in force while nothing is stored: the configured mode and scope, kill level none, no overrides. */
  readonly defaults: RuntimeControls;
  readonly ttlMs?: number;
  readonly logger?: Logger;
  readonly bus?: EventBus;
}

/** Validates controls against the request schema; every problem as one sentence. */
export function validateControls(body: unknown): string[] {
  const validate = schemaValidator(CONTROLS_SCHEMA);
  if (validate(body)) return [];
  const problems = schemaErrorsToProblems(validate.errors ?? [], body, 'request', () => ({ line: 1, col: 1 }));
  return problems.map((p) => p.message.replace(/^the file\b/, 'the request body'));
}

export function atLeast(level: KillLevel, floor: KillLevel): KillLevel {
  return KILL_LEVELS.indexOf(level) >= KILL_LEVELS.indexOf(floor) ? level : floor;
}

export function controlsFacts(c: RuntimeControls): ControlFacts {
  return {
    kill_level: c.killLevel,
    trading_mode: c.tradingMode,
    allowed_instruments: c.allowedInstruments,
    allowed_strategies: c.allowedStrategies,
  };
}

interface Loaded {
  readonly controls: RuntimeControls;
  readonly problems: readonly string[];
  readonly atMs: number;
}

export class ControlsService {
  readonly #o: ControlsServiceOptions;
  readonly #ttlMs: number;
  #cache: Loaded | undefined;
  #lastGood: RuntimeControls;
  #reportedProblems = '';

  constructor(options: ControlsServiceOptions) {
    this.#o = options;
    this.#ttlMs = options.ttlMs ?? CONTROLS_CACHE_TTL_MS;
    this.#lastGood = options.defaults;
  }

  /** The controls in force: at most `ttlMs` old by the injected clock. Never throws. */
  current(): RuntimeControls {
    return this.#load().controls;
  }

  /** Why the controls in force differ from what is stored (empty when every stored value is valid). */
  problems(): readonly string[] {
    return this.#load().problems;
  }

  facts(): ControlFacts {
    return controlsFacts(this.current());
  }

  /** Who last set each stored control and when (read now, not cached: for operators, not for ticks). */
  provenance(): Partial<Record<ControlKey, ControlProvenance>> {
    const out: Partial<Record<ControlKey, ControlProvenance>> = {};
    for (const key of CONTROL_KEYS) {
      try {
        const row = this.#o.repository.get(key);
        if (row) out[key] = { updatedBy: row.updatedBy, updatedAtMs: row.updatedAtMs };
      } catch {
        // An unreadable row is reported by problems(); provenance just leaves it out.
      }
    }
    return out;
  }

  /** Forget the cache: the next read goes to the database. */
  invalidate(): void {
    this.#cache = undefined;
  }

  /**
   * Applies an operator's change: the whole body is validated first and nothing is written unless every
   * part is valid. Controls whose value does not change are not recorded again.
   */
  change(body: unknown, actor: string): ChangeResult {
    const problems = [...validateControls(body), ...this.#modeProblems(body)];
    if (problems.length > 0) return { ok: false, problems };
    const patch = body as Partial<Record<ControlKey, unknown>>;
    const repo = this.#o.repository;
    const changed = this.#o.transaction(() => {
      const keys: ControlKey[] = [];
      for (const key of CONTROL_KEYS) {
        if (!(key in patch)) continue;
        if (sameJson(storedValue(repo, key), patch[key])) continue;
        repo.set(key, patch[key], actor);
        keys.push(key);
      }
      return keys;
    });
    this.invalidate();
    const controls = this.current();
    if (changed.length > 0) this.#announceChange(changed, patch, actor);
    return { ok: true, controls, changed };
  }

  #modeProblems(body: unknown): string[] {
    if (typeof body !== 'object' || body === null || !('trading_mode' in body)) return [];
    const mode = (body as { trading_mode: unknown }).trading_mode;
    const allowed = [this.#o.defaults.tradingMode, 'dry_run'];
    if (typeof mode !== 'string' || allowed.includes(mode)) return [];
    return [
      `trading_mode is "${mode}", expected one of: ${[...new Set(allowed)].join(', ')} (at runtime the mode may only move between the configured mode and dry_run; restart with another configuration to change it)`,
    ];
  }

  #announceChange(changed: readonly ControlKey[], patch: Partial<Record<ControlKey, unknown>>, actor: string): void {
    const changes = Object.fromEntries(changed.map((k) => [k, patch[k]]));
    this.#o.logger?.warn({ event: 'controls.changed', changes, changed_by: actor }, 'runtime controls changed');
    this.#o.bus?.emit('controls.changed', { changes, changedBy: actor });
  }

  #load(): Loaded {
    const now = this.#o.clock.now();
    const cached = this.#cache;
    if (cached && now - cached.atMs < this.#ttlMs && now >= cached.atMs) return cached;
    const loaded = this.#read(now);
    this.#cache = loaded;
    this.#report(loaded);
    return loaded;
  }

  #read(now: number): Loaded {
    const problems: string[] = [];
    const next: Record<string, unknown> = { ...this.#o.defaults };
    let levelUnreadable = false;
    try {
      for (const key of CONTROL_KEYS) {
        const before = problems.length;
        const value = this.#readKey(key, problems);
        if (key === 'kill_level' && problems.length > before) levelUnreadable = true;
        if (value !== undefined) next[FIELD[key]] = value;
      }
    } catch (error) {
      // The store itself failed: keep the last good values, but take no new risk on them.
      const message = error instanceof Error ? error.message : String(error);
      const controls = { ...this.#lastGood, killLevel: atLeast(this.#lastGood.killLevel, 'pause') };
      return { controls, problems: [`runtime controls could not be read: ${message}`], atMs: now };
    }
    let controls = next as unknown as RuntimeControls;
    // No new risk while anything is unreadable; an unreadable kill level keeps the last good one (an emergency must not fall to pause).
    const level = levelUnreadable ? this.#lastGood.killLevel : controls.killLevel;
    if (problems.length > 0) controls = { ...controls, killLevel: atLeast(level, 'pause') };
    else this.#lastGood = controls;
    return { controls, problems, atMs: now };
  }

  /** A stored value when valid; undefined (the default applies) when absent or invalid, with the problem noted. */
  #readKey(key: ControlKey, problems: string[]): unknown {
    let stored: { value: unknown } | undefined;
    try {
      stored = this.#o.repository.get(key);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      problems.push(`${key}: the stored value is not valid JSON`);
      return undefined;
    }
    if (stored === undefined) return undefined;
    // A stored mode is held to the same rule as a requested one: a paper process never reads itself into live.
    const entry = { [key]: stored.value };
    const found = [...validateControls(entry), ...this.#modeProblems(entry)];
    if (found.length === 0) return stored.value;
    problems.push(...found.map((p) => `stored ${p}`));
    return undefined;
  }

  #report(loaded: Loaded): void {
    const signature = loaded.problems.join('\n');
    if (signature === this.#reportedProblems) return;
    this.#reportedProblems = signature;
    if (loaded.problems.length === 0) {
      this.#o.logger?.info({ event: 'controls.valid_again' }, 'stored runtime controls are valid again');
      return;
    }
    const killLevel = loaded.controls.killLevel;
    this.#o.logger?.error(
      { event: 'controls.invalid', code: 'CONTROLS_STORED_INVALID', problems: loaded.problems, kill_level: killLevel },
      'stored runtime controls are invalid; failing closed',
    );
    this.#o.bus?.emit('controls.invalid', { problems: loaded.problems, killLevel });
  }
}

function storedValue(repo: ControlsRepository, key: ControlKey): unknown {
  try {
    return repo.get(key)?.value;
  } catch {
    return Symbol('unreadable');
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return typeof a !== 'symbol' && a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
