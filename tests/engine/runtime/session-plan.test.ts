// Specs for planning a session: where a new run's files and books go, and how a run directory that holds a run resumes it unchanged.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_PATH, type EngineConfig, loadConfig } from '../../../engine/config/load-config.ts';
import { writeRunManifest } from '../../../engine/runtime/run-files.ts';
import { type PlanRequest, planSession } from '../../../engine/runtime/session-plan.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
let config: EngineConfig;
beforeAll(async () => {
  const loaded = await loadConfig(join(ROOT, DEFAULT_CONFIG_PATH));
  if (!loaded.ok) throw new Error('the shipped config must load');
  config = loaded.config;
});

let cwd = '';
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

function request(extra: Partial<PlanRequest> = {}): PlanRequest {
  return { cwd, config, configFile: 'config/engine.yaml', newRunId: (mode) => `${mode}-1`, nowIso: () => '2026-01-01T00:00:00.000Z', ...extra };
}

describe('planSession', () => {
  it("puts a new paper run's files under session.run_dir and its books in the config's data_dir", () => {
    cwd = mkdtempSync(join(tmpdir(), 'tg-plan-'));
    const plan = planSession(request());
    expect(plan).toMatchObject({ mode: 'paper', runDir: join(cwd, 'runs', 'paper-1'), dataDir: join(cwd, 'data'), dataPath: join(cwd, config.market_data.path), seed: 1, resuming: false });
    expect(plan.manifest).toMatchObject({ run_id: 'paper-1', mode: 'paper', venue: config.venue });
  });

  it('keeps a backtest, or a self-contained run, with its books inside its run directory', () => {
    cwd = mkdtempSync(join(tmpdir(), 'tg-plan-'));
    expect(planSession(request({ mode: 'backtest' })).dataDir).toBe(join(cwd, 'runs', 'backtest-1', 'data'));
    expect(planSession(request({ runDir: 'x', selfContained: true })).dataDir).toBe(join(cwd, 'x', 'data'));
    expect(planSession(request({ mode: 'backtest', dataDir: 'books' })).dataDir).toBe(join(cwd, 'books'));
  });

  it('resumes the run a run directory holds, with its mode, books, data and seed', () => {
    cwd = mkdtempSync(join(tmpdir(), 'tg-plan-'));
    const first = planSession(request({ runDir: 'r', seed: 9, data: 'bars.csv', durationS: 600 }));
    writeRunManifest(first.runDir, first.manifest);
    const again = planSession(request({ runDir: 'r', newRunId: () => 'never-used' }));
    expect(again).toMatchObject({ resuming: true, mode: 'paper', seed: 9, durationS: 600, dataPath: join(cwd, 'bars.csv'), dataDir: first.dataDir });
    expect(again.manifest.run_id).toBe('paper-1');
  });

  it('refuses to resume a run with another mode, data, books or seed than it had', () => {
    cwd = mkdtempSync(join(tmpdir(), 'tg-plan-'));
    const first = planSession(request({ runDir: 'r' }));
    writeRunManifest(first.runDir, first.manifest);
    for (const extra of [{ mode: 'dry_run' as const }, { seed: 2 }, { data: 'other.csv' }, { dataDir: 'elsewhere' }, { durationS: 60 }]) {
      expect(() => planSession(request({ runDir: 'r', ...extra }))).toThrow(expect.objectContaining({ code: 'SESSION_RUN_DIR_INVALID' }));
    }
    expect(planSession(request({ runDir: 'r', mode: 'paper', seed: 1 })).resuming).toBe(true);
  });

  it('grants --allow-live-database to paper and dry_run only, by the mode as resolved; off unless asked', () => {
    cwd = mkdtempSync(join(tmpdir(), 'tg-plan-'));
    expect(planSession(request()).allowLiveDatabase).toBe(false);
    for (const mode of ['paper', 'dry_run'] as const) expect(planSession(request({ mode, allowLiveDatabase: true })).allowLiveDatabase).toBe(true);
    for (const mode of ['live', 'backtest'] as const) {
      expect(() => planSession(request({ mode, allowLiveDatabase: true }))).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringContaining(`this session is ${mode}`) }));
      expect(planSession(request({ mode })).allowLiveDatabase).toBe(false);
    }
    // From the config, and from the run a run directory holds: a resumed backtest is refused it too.
    expect(() => planSession(request({ config: { ...config, mode: 'live' }, allowLiveDatabase: true }))).toThrow(expect.objectContaining({ code: 'USAGE' }));
    const backtest = planSession(request({ mode: 'backtest', runDir: 'bt' }));
    writeRunManifest(backtest.runDir, backtest.manifest);
    expect(() => planSession(request({ runDir: 'bt', allowLiveDatabase: true }))).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('this session is backtest') }));
    // A permission of each process, not part of the run: a paper run resumes with or without it.
    const paper = planSession(request({ runDir: 'p' }));
    writeRunManifest(paper.runDir, paper.manifest);
    expect(planSession(request({ runDir: 'p', allowLiveDatabase: true }))).toMatchObject({ resuming: true, allowLiveDatabase: true });
    expect(planSession(request({ runDir: 'p' }))).toMatchObject({ resuming: true, allowLiveDatabase: false });
  });
});
