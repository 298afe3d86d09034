// Specs for whole sessions composed by engine/main.ts on real parts (shipped data and rules, paper venue, SQLite): the runner's main job.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../engine/clock.ts';
import { openLedger } from '../../engine/ledger/ledger.ts';
import { EvidenceRepository } from '../../engine/ledger/evidence-repository.ts';
import { readEngineConfig, reportRun } from '../../engine/main.ts';
import { loadRuleSet } from '../../engine/rules/load-rules.ts';
import { goLiveConfigHash } from '../../engine/runtime/config-hash.ts';
import type { RunSummary } from '../../engine/runtime/run-summary.ts';
import { CANARY, killDrillRule, type SessionEnv, SHIPPED_RULES, sessionEnv } from '../helpers/session-env.ts';

let env: SessionEnv;
afterEach(() => env.cleanup());

const canaryConfig = (c: Record<string, unknown>) => {
  c['strategies'] = [CANARY];
};

function withoutRunId(s: RunSummary): Omit<RunSummary, 'run_id'> {
  const { run_id: _id, ...rest } = s;
  return rest;
}

function errorsIn(logs: { records(): readonly Record<string, unknown>[] }): unknown[] {
  return logs.records().filter((r) => r['level'] === 'error' || r['level'] === 'fatal');
}

/** The paper venue's own book, as it saved it: what it holds open is what the venue would still fill. */
function venueOpenOrders(dataDir: string, mode = 'paper'): unknown[] {
  const book = JSON.parse(readFileSync(join(dataDir, 'plugins', mode, 'venues', 'paper', 'paper-venue.json'), 'utf8')) as { orders: { status: string }[] };
  return book.orders.filter((o) => o.status === 'open' || o.status === 'partially_filled');
}

describe('runSession', () => {
  it('runs a three-hour autonomous paper session: no errors, no open order left, files that match the ledger', async () => {
    env = sessionEnv();
    const { result, logs } = await env.run({ config: env.config(canaryConfig), mode: 'paper', runDir: 'run', dataDir: 'books', durationS: 3 * 3600 });
    expect(result.reason).toBe('duration');
    expect(errorsIn(logs)).toEqual([]);
    expect(logs.events('session.event_failed')).toEqual([]);
    const s = result.summary;
    expect(s).toMatchObject({ mode: 'paper', duration_s: 10_800, open_orders: 0 });
    expect(s.total_trades).toBeGreaterThanOrEqual(4);
    expect(venueOpenOrders(join(env.dir, 'books'))).toEqual([]);
    const onDisk = JSON.parse(readFileSync(join(env.dir, 'run', 'summary.json'), 'utf8'));
    const report = await reportRun(env.dir, 'run');
    expect(onDisk).toEqual(report.summary);
    expect(report.counts).toMatchObject({
      venue_orders_received: report.counts.ledger_orders, venue_distinct_client_order_ids: report.counts.ledger_orders, venue_fills: report.counts.ledger_fills,
    });
    const metrics = readFileSync(join(env.dir, 'run', 'metrics.csv'), 'utf8').trim().split('\n');
    expect(metrics[0]).toBe('ts,equity,cash,position,drawdown,orders,fills,rejections');
    expect(metrics).toHaveLength(1 + 180);
    const audit = readFileSync(join(env.dir, 'run', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const times = audit.map((a) => a['ts_ms'] as number);
    expect(times.every((t) => Number.isInteger(t))).toBe(true);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const events = audit.filter((a) => a['kind'] === 'order_event');
    const decisions = audit.filter((a) => a['kind'] === 'decision');
    expect(events.length + decisions.length).toBe(audit.length);
    expect(events.filter((e) => e['event'] === 'created')).toHaveLength(s.total_orders);
    expect(events.filter((e) => e['event'] === 'fill' || e['event'] === 'fill_after_terminal')).toHaveLength(s.total_trades);
    const refused = decisions.filter((d) => (d['applies_to'] === 'entry' || d['applies_to'] === 'exit') && d['outcome'] !== 'allow');
    expect(metrics.at(-1)!.split(',').slice(5).map(Number)).toEqual([s.total_orders, s.total_trades, refused.length]);
    expect(decisions.filter((d) => d['applies_to'] === 'entry').every((d) => typeof (d['facts'] as Record<string, unknown>)['market.bid'] === 'number')).toBe(true);
  });

  it('gives the identical summary for the same seed and data, run twice', async () => {
    env = sessionEnv();
    const config = env.config(canaryConfig);
    const a = await env.run({ config, mode: 'paper', runDir: 'a', dataDir: 'books-a', durationS: 2 * 3600, seed: 42 });
    const b = await env.run({ config, mode: 'paper', runDir: 'b', dataDir: 'books-b', durationS: 2 * 3600, seed: 42 });
    expect(a.result.summary.total_trades).toBeGreaterThan(0);
    expect(withoutRunId(b.result.summary)).toEqual(withoutRunId(a.result.summary));
    expect(readFileSync(join(env.dir, 'b', 'metrics.csv'), 'utf8')).toBe(readFileSync(join(env.dir, 'a', 'metrics.csv'), 'utf8'));
  });

  it('resumes a run stopped by a signal into one run whose venue and ledger agree', async () => {
    env = sessionEnv();
    const config = env.config(canaryConfig);
    const stop = new AbortController();
    let events = 0;
    const progress = { start() {}, stop() {}, update() {
      events += 1;
      if (events === 70) stop.abort();
    } };
    const first = await env.run({ config, mode: 'paper', runDir: 'run', dataDir: 'books', durationS: 3 * 3600, signal: stop.signal, progress });
    expect(first.result.reason).toBe('signal');
    expect(first.result.summary.open_orders).toBe(0);
    const second = await env.run({ config, runDir: 'run' });
    expect(second.logs.events('session.resumed')).toHaveLength(1);
    expect(second.result).toMatchObject({ runId: first.result.runId, reason: 'duration' });
    expect(second.result.summary.duration_s).toBe(10_800);
    expect(first.result.events + second.result.events).toBe(180);
    const report = await reportRun(env.dir, 'run');
    expect(report.summary).toEqual(second.result.summary);
    expect(report.counts.venue_orders_received).toBe(report.counts.venue_distinct_client_order_ids);
    expect(report.counts.venue_distinct_client_order_ids).toBe(report.counts.ledger_orders);
    expect(report.counts.venue_fills).toBe(report.counts.ledger_fills);
    // The ended run resumed once more writes its files again and trades nothing.
    const third = await env.run({ config, runDir: 'run' });
    expect(third.result).toMatchObject({ reason: 'already_complete', events: 0 });
    expect(third.result.summary).toEqual(second.result.summary);
  });

  it('sends nothing to the venue in dry_run and never opens the live database', async () => {
    env = sessionEnv();
    const live = join(env.dir, 'books', 'live.sqlite');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(env.dir, 'books'), { recursive: true });
    writeFileSync(live, 'the live books: a dry run must not touch them');
    const before = statSync(live).mtimeMs;
    const { result } = await env.run({ config: env.config(canaryConfig), mode: 'dry_run', runDir: 'run', dataDir: 'books', durationS: 3600 });
    const report = await reportRun(env.dir, 'run');
    expect(result.summary.total_orders).toBeGreaterThan(0);
    expect(report.counts).toMatchObject({ venue_orders_received: 0, venue_distinct_client_order_ids: 0, venue_fills: 0, ledger_fills: 0 });
    expect(report.counts.ledger_orders_not_sent).toBe(report.counts.ledger_orders);
    expect(readFileSync(live, 'utf8')).toBe('the live books: a dry run must not touch them');
    expect(statSync(live).mtimeMs).toBe(before);
    expect(existsSync(`${live}-wal`)).toBe(false);
    expect(existsSync(join(env.dir, 'books', 'dry_run.sqlite'))).toBe(true);
  });

  it('records a dry run as burn-in evidence: its wall-clock span under the go/no-go config hash', async () => {
    env = sessionEnv();
    const config = env.config(canaryConfig);
    const before = Date.now();
    const { result } = await env.run({ config, mode: 'dry_run', runDir: 'run', dataDir: 'books', durationS: 3600 });
    const after = Date.now();
    const rules = await loadRuleSet(SHIPPED_RULES);
    if (!rules.ok) throw new Error('the shipped rules do not load');
    const expected = goLiveConfigHash((await readEngineConfig(env.dir, config)).config, rules.ruleSet.version);
    const ledger = openLedger({ dataDir: join(env.dir, 'books'), mode: 'dry_run', clock: systemClock });
    try {
      const [row, ...more] = new EvidenceRepository(ledger.db, systemClock).list('dry_run_session');
      expect(more).toEqual([]);
      expect(row).toMatchObject({ runId: result.runId, configHash: expected });
      expect(row!.startedAtMs).toBeGreaterThanOrEqual(before);
      expect(row!.endedAtMs).toBeGreaterThanOrEqual(row!.startedAtMs!);
      expect(row!.endedAtMs).toBeLessThanOrEqual(after);
    } finally {
      ledger.close();
    }
  });

  it('on an emergency rule cancels every order, closes every position and stops', async () => {
    env = sessionEnv();
    const config = env.config((c) => {
      canaryConfig(c);
      c['rules_dir'] = env.rules({ 'drill.yaml': killDrillRule('emergency', 40) });
    });
    const { result, logs } = await env.run({ config, mode: 'paper', runDir: 'run', dataDir: 'books', durationS: 3 * 3600 });
    expect(result.reason).toBe('emergency');
    expect(logs.events('trading.emergency')).toHaveLength(1);
    expect(result.summary.open_orders).toBe(0);
    expect(result.events).toBeLessThan(60);
    const ledger = openLedger({ dataDir: join(env.dir, 'books'), mode: 'paper', clock: systemClock });
    try {
      expect(ledger.openPositions()).toEqual([]);
      expect(ledger.controls.get('kill_level')?.value).toBe('emergency');
    } finally {
      ledger.close();
    }
  });

  it('on a flatten rule closes what is held and refuses every entry after it, until an operator resets it', async () => {
    env = sessionEnv();
    const config = env.config((c) => {
      canaryConfig(c);
      c['rules_dir'] = env.rules({ 'drill.yaml': killDrillRule('flatten', 40) });
    });
    const { result } = await env.run({ config, mode: 'paper', runDir: 'run', dataDir: 'books', durationS: 3 * 3600 });
    expect(result.reason).toBe('duration');
    expect(result.summary.rejections_by_rule['kill-switch']).toBeGreaterThan(0);
    const ledger = openLedger({ dataDir: join(env.dir, 'books'), mode: 'paper', clock: systemClock });
    try {
      expect(ledger.openPositions()).toEqual([]);
      expect(ledger.controls.get('kill_level')).toMatchObject({ value: 'flatten', updatedBy: 'rule:drill-flatten' });
    } finally {
      ledger.close();
    }
  });

  it('refuses live mode clearly, before any database is opened', async () => {
    env = sessionEnv();
    await expect(env.run({ config: env.config(), mode: 'live', dataDir: 'books' })).rejects.toMatchObject({ code: 'SESSION_LIVE_UNAVAILABLE' });
    expect(existsSync(join(env.dir, 'books'))).toBe(false);
  });

  it('refuses a new replay on books that already hold later trading', async () => {
    env = sessionEnv();
    const config = env.config(canaryConfig);
    await env.run({ config, mode: 'paper', runDir: 'one', dataDir: 'books', durationS: 600 });
    await expect(env.run({ config, mode: 'paper', runDir: 'two', dataDir: 'books', durationS: 600 })).rejects.toMatchObject({ code: 'SESSION_DATA_DIR_AHEAD' });
  });
});
