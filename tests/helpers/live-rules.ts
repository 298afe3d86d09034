// Test helper: a hot-reloaded rule set on a temporary folder, with a captured log and a bus that records listener errors.
import { EventBus } from '../../engine/bus.ts';
import { ManualClock } from '../../engine/clock.ts';
import { LogCapture } from '../../engine/observe/log-capture.ts';
import { createLogger } from '../../engine/observe/logger.ts';
import { type HotReloadOptions, startRuleSet } from '../../engine/rules/hot-reload.ts';
import { makeRulesDir, orderCapFile, positionCapFile, removeDir } from './rule-folder.ts';

/** Two files, two rules: the example order (68 USD) is allowed under the 100 USD cap. */
export const baseFiles = () => ({ 'limits.yaml': positionCapFile({ maxUsd: 100 }), 'flow.yaml': orderCapFile() });

/**
 * Starts hot reload on a new folder holding `files`, with the shipped default debounce unless `extra` says otherwise.
 * Each cleanup it pushes (close, then remove the folder) is for the caller's afterEach.
 */
export async function startLive(files: Record<string, string>, cleanups: Array<() => Promise<void>>, extra: Partial<HotReloadOptions> = {}) {
  const dir = await makeRulesDir(files);
  cleanups.push(() => removeDir(dir));
  const capture = new LogCapture();
  const listenerErrors: unknown[] = [];
  const bus = new EventBus({ onListenerError: (error) => listenerErrors.push(error) });
  const logger = createLogger({ destination: capture, env: {}, clock: new ManualClock(1_700_000_000_000) });
  const live = await startRuleSet(dir, { logger, bus, ...extra });
  cleanups.push(() => live.close());
  return { dir, capture, bus, live, listenerErrors };
}

/** Runs the cleanups, last pushed first. */
export async function runCleanups(cleanups: Array<() => Promise<void>>): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}
