// The go/no-go config hash: the rules version plus the engine config that decides trading, so burn-in counts only for the same behaviour.
import { createHash } from 'node:crypto';

/**
 * Keys that do not change what the engine trades: the mode itself (a dry run rehearses the live
 * config), where files live, and how a replay is paced and reported. Everything else counts, and so
 * does any key added later: a new setting resets the burn-in until it is listed here on purpose.
 */
export const CONFIG_HASH_EXCLUDED: readonly string[] = [
  'mode',
  'rules_dir',
  'data_dir',
  'reload',
  'market_data.path',
  'session.run_dir',
  'session.duration_s',
  'session.speed',
  'session.seed',
  'session.progress_every_ms',
  'http',
];

function canonical(value: unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v, path));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const at = path === '' ? key : `${path}.${key}`;
    if (CONFIG_HASH_EXCLUDED.includes(at)) continue;
    out[key] = canonical((value as Record<string, unknown>)[key], at);
  }
  return out;
}

/** The part of the config the hash covers, keys sorted: what an operator compares when two hashes differ. */
export function hashedConfig(config: object): unknown {
  return canonical(config, '');
}

/** `cfg-` and 16 hex digits of sha256 over the rule set version and the canonical config. Stable across key order and machines. */
export function goLiveConfigHash(config: object, ruleSetVersion: string): string {
  const text = JSON.stringify({ rules: ruleSetVersion, config: hashedConfig(config) });
  return `cfg-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}
