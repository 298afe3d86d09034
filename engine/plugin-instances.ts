// Creates the configured plugins of a session: each with its own seeded random stream, the session clock and a state folder per mode.
import { join } from 'node:path';
import type { Clock } from './clock.ts';
import { REPOSITORY_PLUGINS } from './config/plugin-refs.ts';
import type { Logger } from './observe/logger.ts';
import { loadPlugin } from './plugins/load-plugins.ts';
import type { PluginKind } from './plugins/plugin-api.ts';
import type { PluginRef } from './plugins/plugin-ref.ts';
import { pluginRandom } from './runtime/seeds.ts';
import type { SessionPlan } from './runtime/session-plan.ts';
import type { Mode } from './types.ts';

/** Each plugin gets its own seeded stream and a state folder per mode, so a dry run never shares the paper venue's book. */
export function pluginStateRoot(dataDir: string, mode: Mode): string {
  return join(dataDir, 'plugins', mode);
}

export async function createPlugin<K extends PluginKind>(ref: PluginRef & { kind: K }, plan: Pick<SessionPlan, 'seed' | 'dataDir' | 'mode'>, clock: Clock, logger: Logger) {
  const runtime = { logger, now: () => clock.now(), random: pluginRandom(plan.seed, ref.kind, ref.name), stateRoot: pluginStateRoot(plan.dataDir, plan.mode) };
  return (await loadPlugin(ref, REPOSITORY_PLUGINS, runtime)).create();
}
