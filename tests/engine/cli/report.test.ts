// Specs for `engine report`: the summary recomputed from the ledger (equal to summary.json), the venue's counts beside the ledger's, exit codes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runReport } from '../../../engine/cli/report.ts';
import { engine } from '../../helpers/engine-child.ts';
import { CANARY, type SessionEnv, sessionEnv } from '../../helpers/session-env.ts';

let env: SessionEnv;
afterEach(() => env.cleanup());

describe('engine report', () => {
  it("prints summary.json's figures recomputed from the ledger, then the venue's and the ledger's counts", async () => {
    env = sessionEnv();
    const config = env.config((c) => {
      c['strategies'] = [CANARY];
    });
    await env.run({ config, mode: 'backtest', runDir: 'run', durationS: 7200 });
    const summary = JSON.parse(readFileSync(join(env.dir, 'run', 'summary.json'), 'utf8')) as Record<string, unknown>;
    const json = await runReport({ runDir: 'run', format: 'json' }, env.dir);
    expect(json.exitCode).toBe(0);
    const report = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual([...Object.keys(summary), 'venue_orders_received', 'venue_distinct_client_order_ids', 'venue_fills', 'ledger_orders', 'ledger_orders_not_sent', 'ledger_fills']);
    expect(Object.fromEntries(Object.keys(summary).map((k) => [k, report[k]]))).toEqual(summary);
    expect(report['venue_fills']).toBe(summary['total_trades']);
    const text = await runReport({ runDir: 'run', format: 'text' }, env.dir);
    expect(text.stdout).toMatch(/^run backtest-\S+ \(backtest\): 7,200 s of market time/);
    expect(text.stdout).toMatch(/venue {9}\d+ orders received, \d+ distinct client order ids, \d+ fills/);
    expect(text.stdout).toMatch(/ledger {8}\d+ orders, \d+ fills/);
  });

  it('exits 1 for a folder that holds no run, and 2 without --run-dir (child process)', async () => {
    env = sessionEnv();
    const none = await runReport({ runDir: 'nothing-here', format: 'json' }, env.dir);
    expect(none).toMatchObject({ exitCode: 1, stdout: '' });
    expect(none.stderr).toContain('SESSION_RUN_DIR_INVALID');
    const usage = await engine(env.dir, ['report']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("required option '--run-dir <dir>'");
  });
});
