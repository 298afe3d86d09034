// One seeded random stream per plugin, derived from the session seed and the plugin's name, so adding a plugin never shifts another's draws.
import { type RandomSource, seededRandom } from '../market/seeded-random.ts';
import type { PluginKind } from '../plugins/plugin-api.ts';

/** FNV-1a (32 bit) of `seed:kind:name`: stable across runs, machines and plugin order. */
export function pluginSeed(seed: number, kind: PluginKind, name: string): number {
  let hash = 0x811c9dc5;
  for (const ch of `${seed}:${kind}:${name}`) {
    hash ^= ch.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function pluginRandom(seed: number, kind: PluginKind, name: string): RandomSource {
  return seededRandom(pluginSeed(seed, kind, name));
}
