// Specs for audit.jsonl: every decision and order event of the run, one JSON per line, in time order, with ms timestamps and full context.
import { afterEach, describe, expect, it } from 'vitest';
import { auditJsonl } from '../../../engine/runtime/audit-export.ts';
import { type RunFixture, runFixture } from '../../helpers/run-fixture.ts';

let f: RunFixture;
afterEach(() => f.env.cleanup());

describe('auditJsonl', () => {
  it("holds every decision and every order event of the run, and nothing of another run's", () => {
    f = runFixture();
    const lines = auditJsonl({ db: f.ledger.db, mode: 'paper', runId: 'run-1' }).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const decisions = lines.filter((l) => l['kind'] === 'decision');
    const events = lines.filter((l) => l['kind'] === 'order_event');
    expect(decisions).toHaveLength(5);
    expect(events.map((e) => [e['client_order_id'], e['event']])).toEqual([['buy-1', 'created'], ['sell-1', 'created']]);
    expect(lines.some((l) => l['client_order_id'] === 'other-run')).toBe(false);
  });

  it('orders lines by time, a decision before the order it allowed, each with ms and ISO time, rules fired and the facts seen', () => {
    f = runFixture();
    const lines = auditJsonl({ db: f.ledger.db, mode: 'paper', runId: 'run-1' }).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const times = lines.map((l) => l['ts_ms'] as number);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(lines.slice(0, 2).map((l) => l['kind'])).toEqual(['decision', 'order_event']);
    for (const l of lines) expect(l['ts']).toBe(new Date(l['ts_ms'] as number).toISOString());
    const refused = lines.find((l) => l['client_order_id'] === 'refused-1')!;
    expect(refused).toMatchObject({ outcome: 'reject', applies_to: 'entry', facts: { 'market.bid': 199, 'market.ask': 200 } });
    expect((refused['rules_fired'] as { rule_id: string }[]).map((r) => r.rule_id)).toEqual(['max-position-usd', 'kill-switch']);
  });
});
