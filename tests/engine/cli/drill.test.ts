// Specs of `engine drill kill|restart`: both drills end to end on paper (child sessions), their evidence read by `engine validate --live`; live refused.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../engine/clock.ts';
import { type DrillOutput, runDrillKill, runDrillRestart } from '../../../engine/cli/drill.ts';
import { runValidate } from '../../../engine/cli/validate.ts';
import { readEvidence } from '../../../engine/runtime/go-live-evidence.ts';
import { engine } from '../../helpers/engine-child.ts';
import { CANARY, type SessionEnv, sessionEnv } from '../../helpers/session-env.ts';

/** A minute bar every 50 ms: the canary holds a position within seconds. */
const SPEED = 1200;
/** Three hours of market: about 9 s of wall time across the killed and the resumed process. */
const RESTART_DURATION_S = 3 * 3600;

let env: SessionEnv;
let liveConfig: string;
let kill: DrillOutput;
let restart: DrillOutput;

beforeAll(async () => {
  env = sessionEnv();
  // The config going live: the canary, its books in data/. The drills rehearse it on paper, on scratch books.
  liveConfig = env.config((c) => {
    c['mode'] = 'live';
    c['data_dir'] = join(env.dir, 'data');
    c['strategies'] = [CANARY];
  }, 'live.yaml');
  const progress: string[] = [];
  // Scratch books inside this test's folder, as the other drill specs keep theirs: not under the shared temp folder's tradegate-drill-* names, which anything cleaning up drill leftovers there would take.
  const io = { cwd: env.dir, scratchRoot: env.dir };
  kill = await runDrillKill({ mode: 'paper', config: liveConfig, speed: SPEED }, { ...io, progress: (l) => void progress.push(l) });
  restart = await runDrillRestart({ mode: 'paper', config: liveConfig, speed: SPEED, duration: RESTART_DURATION_S }, io);
}, 300_000);
afterAll(() => env.cleanup());

describe('engine drill kill', () => {
  it('passes every level within 2 s, prints one PASS line per level and exits 0', () => {
    expect(kill.stderr).toBe('');
    expect(kill.exitCode, kill.stdout).toBe(0);
    expect(kill.stdout).toMatch(/^PASS {2}kill drill pause +in force in \d+ ms \(engine kill\); first entry refused after (\d+ ms|-)$/m);
    expect(kill.stdout).toMatch(/^PASS {2}kill drill flatten +in force in \d+ ms \(kill file\); first entry refused after (\d+ ms|-); flat after \d+ ms$/m);
    expect(kill.stdout).toMatch(/^PASS {2}kill drill emergency +in force in \d+ ms \(engine kill\); flat after \d+ ms; exit code 99 after \d+ ms$/m);
    expect(kill.stdout).toContain(`kill drill: 3 of 3 levels passed (paper); evidence recorded in ${join('data', 'paper.sqlite')}`);
  });

  it('records each level as a kill drill in the paper ledger of the config’s data directory', () => {
    const evidence = readEvidence(join(env.dir, 'data'), systemClock);
    expect(evidence.killDrills.map((d) => [d.level, d.passed])).toEqual([['pause', true], ['flatten', true], ['emergency', true]]);
    for (const d of evidence.killDrills) {
      expect(d.latencyMs).toBeLessThanOrEqual(2_000);
      expect(d.runId).toMatch(/^paper-/);
      expect(d.details).toMatchObject({ armed: true, entries_allowed_under_kill: 0, reasons: [] });
    }
    expect(evidence.killDrills[2]?.details).toMatchObject({ exit_code: 99 });
  });
});

describe('engine drill restart', () => {
  it('kills a session hard, resumes it, finds every client order id sent once and every fill booked', () => {
    expect(restart.exitCode, restart.stdout).toBe(0);
    expect(restart.stdout).toMatch(/^PASS {2}restart drill +venue received (\d+) orders for \1 client order ids; venue fills (\d+), ledger fills \2$/m);
    const drills = readEvidence(join(env.dir, 'data'), systemClock).restartDrills;
    expect(drills).toHaveLength(1);
    const drill = drills[0]!;
    expect(drill).toMatchObject({ passed: true, duplicates: 0 });
    expect(drill.details).toMatchObject({ killed: true, resumed: true, exit_code: 0 });
    expect((drill.details as { book_at_kill: { orders: number } }).book_at_kill.orders).toBeGreaterThanOrEqual(1);
  });
});

describe('engine validate --live after both drills', () => {
  it('passes the drill lines (burn-in still fails: no dry-run hours were recorded)', async () => {
    const out = await runValidate({ config: liveConfig, format: 'text', live: true }, env.dir);
    expect(out.stdout).toMatch(/PASS {2}kill-switch-drill +evidence\.kill_switch_drill_passed = true/);
    expect(out.stdout).toMatch(/PASS {2}restart-drill +evidence\.restart_drill_passed = true/);
    expect(out.stdout).toMatch(/FAIL {2}dry-run-burn-in /);
    expect(out.exitCode).toBe(1);
  });
});

describe('engine drill refusals', () => {
  it('refuses live and backtest with a reason, exit 2, before anything runs', async () => {
    const live = await runDrillKill({ mode: 'live', config: liveConfig }, { cwd: env.dir });
    expect(live).toMatchObject({ exitCode: 2, stdout: '' });
    expect(live.stderr).toContain('drills never run live');
    const backtest = await runDrillRestart({ mode: 'backtest', config: liveConfig }, { cwd: env.dir });
    expect(backtest.exitCode).toBe(2);
  });

  it('refuses a paper drill on a venue that is not the simulated one', async () => {
    const other = env.config((c) => {
      (c['venue'] as Record<string, unknown>)['name'] = 'kalshi';
    }, 'other-venue.yaml');
    const out = await runDrillKill({ mode: 'paper', config: other }, { cwd: env.dir });
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toContain("'kalshi' is not the simulated paper venue: use --mode dry_run");
  });

  it('rejects an unknown level and --mode live on the command line (child process)', async () => {
    const levels = await engine(env.dir, ['drill', 'kill', '--levels', 'pause,halt', '--config', liveConfig]);
    expect(levels.code).toBe(2);
    expect(levels.stderr).toContain("'pause,halt' is not a list of levels from pause, flatten, emergency");
    const live = await engine(env.dir, ['drill', 'restart', '--mode', 'live', '--config', liveConfig]);
    expect(live.code).toBe(2);
    expect(live.stderr).toContain('drills never run live');
  });
});
