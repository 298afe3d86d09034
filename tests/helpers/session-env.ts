// Real sessions for tests: a temporary folder, an engine config derived from the shipped one, rule folders, and runs in-process.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { type RunRequest, type RunResult, runSession } from '../../engine/main.ts';
import { LogCapture } from '../../engine/observe/log-capture.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SHIPPED_CONFIG = join(ROOT, 'config', 'engine.yaml');
export const SHIPPED_RULES = join(ROOT, 'rules');

/** The canary on BTC-USD, declaring an edge above the default min-edge rule so its entries pass: a trade every window (within the daily cap). */
export const CANARY = { name: 'canary', instruments: ['BTC-USD'], config: { quantity: 0.001, window_minutes: 15, declared_edge_bps: 10 } };

export interface SessionEnv {
  readonly dir: string;
  /** Writes an engine config (the shipped one with `patch` applied, paths made absolute, no HTTP server) and returns its path. */
  config(patch?: (c: Record<string, unknown>) => void, name?: string): string;
  /** The shipped rules plus extra rule files, in a folder of their own; returns the folder. */
  rules(extra?: Readonly<Record<string, string>>): string;
  /** Runs a session in-process with logs captured; paths are relative to `dir` unless absolute. */
  run(req: Partial<Omit<RunRequest, 'cwd' | 'signal' | 'logDestination' | 'logLevel'>> & { signal?: AbortSignal }): Promise<{ result: RunResult; logs: LogCapture }>;
  cleanup(): void;
}

export function sessionEnv(): SessionEnv {
  const dir = mkdtempSync(join(tmpdir(), 'tg-session-'));
  let configs = 0;
  let ruleDirs = 0;
  return {
    dir,
    config(patch, name) {
      const c = parse(readFileSync(SHIPPED_CONFIG, 'utf8')) as Record<string, unknown>;
      c['rules_dir'] = SHIPPED_RULES;
      (c['market_data'] as Record<string, unknown>)['path'] = join(ROOT, 'config/replay/coinbase-btcusd-minute');
      // engine run listens on the config's port: tests run side by side, so none listens unless it says so (--http-port).
      c['http'] = { host: '127.0.0.1', port: 0 };
      patch?.(c);
      const file = join(dir, name ?? `engine-${++configs}.yaml`);
      writeFileSync(file, stringify(c));
      return file;
    },
    rules(extra = {}) {
      const target = join(dir, `rules-${++ruleDirs}`);
      cpSync(SHIPPED_RULES, target, { recursive: true });
      for (const [file, text] of Object.entries(extra)) writeFileSync(join(target, file), text);
      return target;
    },
    async run(req) {
      const logs = new LogCapture();
      mkdirSync(dir, { recursive: true });
      const result = await runSession({ cwd: dir, signal: req.signal ?? new AbortController().signal, logDestination: logs, logLevel: 'info', ...req });
      return { result, logs };
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A tick rule that takes a kill action once the session has seen `bars` bars: a drill of the kill switch by rule. */
export function killDrillRule(action: 'pause' | 'flatten' | 'emergency', bars: number): string {
  return `rules:
  - id: drill-${action}
    description: A drill that ${action}s once the session has seen ${bars} bars.
    applies_to: [tick]
    action: ${action}
    when:
      all:
        - fact: time.bars_since_start
          operator: greaterThanInclusive
          value: ${bars}
    message: Drill ${action} at {{time.bars_since_start}} bars.
`;
}
