// Specs for the run directory files: run.json round-trips, a broken one is refused by name, outputs are written whole.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRunManifest, type RunManifest, writeRunManifest, writeRunOutputs } from '../../../engine/runtime/run-files.ts';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const manifest: RunManifest = {
  run_id: 'paper-x', mode: 'paper', data_dir: '/tmp/data', market_data: '/tmp/bars.csv', seed: 3, duration_s: null, config_file: '/tmp/engine.yaml',
  venue: { name: 'paper', config: { starting_cash_usd: 1 } }, created_at: '2026-01-01T00:00:00.000Z',
};

describe('run files', () => {
  it('finds no run in a new folder, and the run written there afterwards', () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-run-'));
    expect(readRunManifest(join(dir, 'new'))).toBeNull();
    writeRunManifest(join(dir, 'new'), manifest);
    expect(readRunManifest(join(dir, 'new'))).toEqual(manifest);
  });

  it('refuses a run.json that is not JSON or lacks what a restart needs, naming the folder', () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-run-'));
    writeFileSync(join(dir, 'run.json'), '{not json');
    expect(() => readRunManifest(dir)).toThrow(expect.objectContaining({ code: 'SESSION_RUN_DIR_INVALID', message: expect.stringContaining(dir) }));
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...manifest, mode: 'simulation' }));
    expect(() => readRunManifest(dir)).toThrow(expect.objectContaining({ code: 'SESSION_RUN_DIR_INVALID' }));
  });

  it('writes summary.json, metrics.csv and audit.jsonl and leaves no temporary file behind', () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-run-'));
    const files = writeRunOutputs(dir, { summary: { run_id: 'paper-x' }, metricsCsv: 'ts\n', auditJsonl: '{}\n' });
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['summary.json', 'metrics.csv', 'audit.jsonl']);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))).toEqual({ run_id: 'paper-x' });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
