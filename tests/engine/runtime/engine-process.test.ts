// Specs for the engine CLI in a child process: JSON log lines as they come, waits that end with the process or a time limit, exit codes.
import { afterEach, describe, expect, it } from 'vitest';
import { lineTimeMs, runEngineCommand, startEngineProcess } from '../../../engine/runtime/engine-process.ts';
import { CANARY, type SessionEnv, sessionEnv } from '../../helpers/session-env.ts';

let env: SessionEnv;
afterEach(() => env?.cleanup());

describe('startEngineProcess', () => {
  it('hands over the JSON log lines of a real backtest, then its exit; a wait after the end resolves null at once', async () => {
    env = sessionEnv();
    const config = env.config((c) => {
      c['strategies'] = [CANARY];
    });
    const child = startEngineProcess(['backtest', '--config', config, '--duration', '3600', '--run-dir', 'run', '--output', 'json'], env.dir);
    expect(await child.waitFor((r) => r['event'] === 'no.such.event', 1)).toBeNull();
    const started = await child.waitFor((r) => r['event'] === 'session.started', 60_000);
    expect(started?.record).toMatchObject({ mode: 'backtest', event: 'session.started' });
    const exit = await child.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(child.done()).toBe(true);
    expect(child.lines.some((l) => l.record['event'] === 'session.stopped')).toBe(true);
    // A line already seen is found again; one that never came is not waited for.
    expect((await child.waitFor((r) => r['event'] === 'session.started', 1))?.record).toBe(started?.record);
    expect(await child.waitFor((r) => r['event'] === 'no.such.event', 60_000)).toBeNull();
  });
});

describe('runEngineCommand', () => {
  it('runs a command to its end with its output and exit code', async () => {
    env = sessionEnv();
    const out = await runEngineCommand(['report', '--run-dir', 'nothing-here'], env.dir, 60_000);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('SESSION_RUN_DIR_INVALID');
  });
});

describe('lineTimeMs', () => {
  it("reads pino's time, ISO or epoch ms, else falls back to the arrival", () => {
    expect(lineTimeMs({ record: { time: '2026-01-05T10:00:00.250Z' }, receivedAtMs: 1 })).toBe(Date.UTC(2026, 0, 5, 10, 0, 0, 250));
    expect(lineTimeMs({ record: { time: 1_700_000_000_123 }, receivedAtMs: 1 })).toBe(1_700_000_000_123);
    expect(lineTimeMs({ record: { time: 'yesterday' }, receivedAtMs: 42 })).toBe(42);
    expect(lineTimeMs({ record: {}, receivedAtMs: 43 })).toBe(43);
  });
});
