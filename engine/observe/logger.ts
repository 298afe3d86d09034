// The JSON logger factory (pino): one `event` name per record, injected time, secrets redacted by key and by value.
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { type Clock, systemClock } from '../clock.ts';

export type { Logger } from 'pino';

/** Where log lines go: anything with `write(line)`, so tests capture and production streams to stdout or a file. */
export type LogDestination = DestinationStream | NodeJS.WritableStream;

export interface LoggerOptions {
  readonly level?: pino.LevelWithSilent;
  /** `iso` (2026-01-02T03:04:05.000Z) reads well in a terminal; `epoch` (ms) sorts and joins well. */
  readonly time?: 'iso' | 'epoch';
  readonly clock?: Clock;
  /** Default: stdout, written synchronously so the last lines before a crash are not lost. */
  readonly destination?: LogDestination;
  /** Variables whose names end in a secret suffix have their values scrubbed from every line. Default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Secret values that do not come from the environment (a venue key read from a credentials file). */
  readonly secrets?: readonly string[];
  /** Fields on every line, e.g. `{run_id}`. */
  readonly base?: Readonly<Record<string, unknown>>;
}

/** Record keys whose values are never logged, compared case-insensitively without `-` and `_` and matched as suffixes. */
export const SECRET_KEY_SUFFIXES: readonly string[] = [
  'apikey',
  'token',
  'secret',
  'password',
  'passphrase',
  'privatekey',
  'authorization',
  'cookie',
];

/** Environment variable names whose values are secrets wherever they show up in a line. */
export const SECRET_ENV_NAME = /_(KEY|TOKEN|SECRET|PASSWORD|PASSPHRASE)$/i;

/** Shorter values would scrub ordinary words and numbers out of every line; no real credential is this short. */
export const MIN_SECRET_LENGTH = 6;

export const REDACTED = '[redacted]';

/** A grep-friendly event name: dotted lower-case words, e.g. `rules.reloaded`, `order.submit_failed`. */
export const EVENT_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[-_]/g, '');
  return SECRET_KEY_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
}

/**
 * Copies a record with every secret-named key censored, at any depth. Objects are copied only on the
 * path to a secret, so ordinary records cost one walk and no allocation.
 */
export function censorSecretKeys(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const next = censorSecretKeys(item, seen);
      if (next === item) return;
      copy ??= [...value];
      copy[i] = next;
    });
    return copy ?? value;
  }
  if (value instanceof Error || !isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const next = isSecretKey(key) && item !== undefined && item !== null ? REDACTED : censorSecretKeys(item, seen);
    if (next === item) continue;
    copy ??= { ...value };
    copy[key] = next;
  }
  return copy ?? value;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The secret values to scrub: secret-named environment variables plus explicit ones, longest first. */
export function secretValues(env: Readonly<Record<string, string | undefined>>, extra: readonly string[] = []): string[] {
  const fromEnv = Object.entries(env)
    .filter(([name, value]) => SECRET_ENV_NAME.test(name) && typeof value === 'string')
    .map(([, value]) => value as string);
  const all = [...fromEnv, ...extra].filter((v) => v.length >= MIN_SECRET_LENGTH);
  return [...new Set(all)].sort((a, b) => b.length - a.length);
}

/**
 * A line scrubber for the secret values: each value is matched raw and in its JSON-escaped form
 * (a secret holding a quote or backslash is written escaped), so it cannot survive serialization.
 */
export function valueScrubber(values: readonly string[]): (line: string) => string {
  const forms = new Set<string>();
  for (const v of values) {
    forms.add(v);
    forms.add(JSON.stringify(v).slice(1, -1));
  }
  if (forms.size === 0) return (line) => line;
  const ordered = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(ordered.join('|'), 'g');
  return (line) => line.replace(pattern, REDACTED);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function timestamp(kind: 'iso' | 'epoch', clock: Clock): () => string {
  return kind === 'epoch'
    ? () => `,"time":${clock.now()}`
    : () => `,"time":"${new Date(clock.now()).toISOString()}"`;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const clock = options.clock ?? systemClock;
  const scrub = valueScrubber(secretValues(options.env ?? process.env, options.secrets));
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { ...(options.base ?? {}) },
      timestamp: timestamp(options.time ?? 'iso', clock),
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => censorSecretKeys(bindings) as Record<string, unknown>,
        log: (record) => censorSecretKeys(record) as Record<string, unknown>,
      },
      hooks: { streamWrite: scrub },
    },
    destination,
  );
  return censorChildBindings(logger);
}

/**
 * pino applies the bindings formatter to the root's base only, never to `child()` bindings; wrapping
 * `child` on the root covers every descendant, since pino builds each child on top of its parent.
 */
function censorChildBindings(root: Logger): Logger {
  const child = root.child;
  root.child = function censoredChild(this: Logger, bindings, options) {
    return child.call(this, censorSecretKeys(bindings) as typeof bindings, options);
  } as Logger['child'];
  return root;
}
