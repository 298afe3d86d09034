// Specs for `engine backtest`: run --mode backtest --speed max, books kept in the run directory, so the same backtest repeats.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { engine } from '../../helpers/engine-child.ts';
import { type SessionEnv, sessionEnv } from '../../helpers/session-env.ts';

let env: SessionEnv;
afterEach(() => env.cleanup());

function stopped(stdout: string): Record<string, unknown> {
  const line = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r['event'] === 'session.stopped');
  if (!line) throw new Error(`no session.stopped line in:\n${stdout}`);
  return line;
}

describe('engine backtest', () => {
  it('replays as fast as it can in backtest mode, books in the run directory, and repeats identically', async () => {
    env = sessionEnv();
    const config = env.config();
    const a = await engine(env.dir, ['backtest', '--config', config, '--duration', '43200', '--run-dir', 'a', '--output', 'json']);
    const b = await engine(env.dir, ['backtest', '--config', config, '--duration', '43200', '--run-dir', 'b', '--output', 'json']);
    expect([a.code, b.code]).toEqual([0, 0]);
    const sa = stopped(a.stdout)['summary'] as Record<string, unknown>;
    const sb = stopped(b.stdout)['summary'] as Record<string, unknown>;
    expect(sa['mode']).toBe('backtest');
    expect({ ...sb, run_id: null }).toEqual({ ...sa, run_id: null });
    expect(readdirSync(join(env.dir, 'a', 'data'))).toContain('backtest.sqlite');
  }, 120_000);

  it('takes neither --mode nor --speed (exit 2)', async () => {
    env = sessionEnv();
    expect((await engine(env.dir, ['backtest', '--mode', 'paper'])).code).toBe(2);
    expect((await engine(env.dir, ['backtest', '--speed', '1'])).code).toBe(2);
  });
});
