// Specs of the runtime controls service: 1 s cache by the injected clock, validated changes with who/when, fail-closed reads.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../engine/bus.ts';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { LogCapture } from '../../../engine/observe/log-capture.ts';
import { createLogger } from '../../../engine/observe/logger.ts';
import { FACT_CATALOG } from '../../../engine/rules/fact-catalog.ts';
import { CONTROL_KEYS, ControlsService, type RuntimeControls, atLeast } from '../../../engine/runtime/controls.ts';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

const DEFAULTS: RuntimeControls = {
  killLevel: 'none',
  tradingMode: 'paper',
  maxPositionUsd: null,
  maxSessionLossUsd: null,
  allowedInstruments: ['BTC-USD', 'ETH-USD'],
  allowedStrategies: ['canary'],
};

let env: TempLedgers;
let ledger: Ledger;
let capture: LogCapture;
let bus: EventBus;

function service(ttlMs?: number): ControlsService {
  return new ControlsService({
    repository: ledger.controls,
    transaction: (fn) => ledger.transaction(fn),
    clock: env.clock,
    defaults: DEFAULTS,
    logger: createLogger({ destination: capture, env: {}, clock: env.clock }),
    bus,
    ...(ttlMs === undefined ? {} : { ttlMs }),
  });
}

function corrupt(key: string, json: string): void {
  ledger.db.prepare('UPDATE runtime_controls SET value_json = ? WHERE key = ?').run(json, key);
}

beforeEach(() => {
  env = tempLedgers();
  ledger = env.open();
  capture = new LogCapture();
  bus = new EventBus();
});
afterEach(() => env.cleanup());

describe('ControlsService reads', () => {
  it('serves the configured defaults while nothing is stored', () => {
    expect(service().current()).toEqual(DEFAULTS);
  });

  it('sees a change written by another process only after the 1 s cache expires by the injected clock', () => {
    const controls = service();
    expect(controls.current().killLevel).toBe('none');
    ledger.controls.set('kill_level', 'flatten', 'cli:kill');
    env.clock.advance(999);
    expect(controls.current().killLevel).toBe('none');
    env.clock.advance(1);
    expect(controls.current().killLevel).toBe('flatten');
  });

  it('re-reads when the clock moves backwards rather than trusting a cache from the future', () => {
    const controls = service();
    controls.current();
    ledger.controls.set('kill_level', 'pause', 'cli:kill');
    env.clock.advance(-10);
    expect(controls.current().killLevel).toBe('pause');
  });

  it('feeds exactly the controls.* facts the catalog defines', () => {
    const facts = service().facts();
    const catalog = [...FACT_CATALOG.keys()].filter((p) => p.startsWith('controls.')).map((p) => p.slice('controls.'.length));
    expect(Object.keys(facts).sort()).toEqual(catalog.sort());
    expect(facts).toEqual({ kill_level: 'none', trading_mode: 'paper', allowed_instruments: ['BTC-USD', 'ETH-USD'], allowed_strategies: ['canary'] });
  });
});

describe('ControlsService changes', () => {
  it('applies a valid change at once, records who and when, and announces it', () => {
    const controls = service();
    const seen: unknown[] = [];
    bus.on('controls.changed', (e) => {
      seen.push(e);
    });
    controls.current();
    const result = controls.change({ kill_level: 'pause', allowed_instruments: ['BTC-USD'] }, 'http:alice');
    expect(result).toMatchObject({ ok: true, changed: ['kill_level', 'allowed_instruments'] });
    expect(controls.current()).toMatchObject({ killLevel: 'pause', allowedInstruments: ['BTC-USD'] });
    expect(ledger.controls.history('kill_level')).toEqual([
      expect.objectContaining({ oldValue: undefined, newValue: 'pause', changedBy: 'http:alice', tsMs: env.clock.now() }),
    ]);
    expect(controls.provenance().kill_level).toEqual({ updatedBy: 'http:alice', updatedAtMs: env.clock.now() });
    expect(seen).toEqual([{ changes: { kill_level: 'pause', allowed_instruments: ['BTC-USD'] }, changedBy: 'http:alice' }]);
    expect(capture.events('controls.changed')).toHaveLength(1);
  });

  it('records nothing for a control set to the value it already holds', () => {
    const controls = service();
    controls.change({ kill_level: 'pause' }, 'http:alice');
    const again = controls.change({ kill_level: 'pause', max_position_usd: 250 }, 'http:bob');
    expect(again).toMatchObject({ ok: true, changed: ['max_position_usd'] });
    expect(ledger.controls.history('kill_level')).toHaveLength(1);
  });

  it('refuses an invalid body as a whole: every problem named, nothing written', () => {
    const controls = service();
    const result = controls.change({ kill_level: 'stop', max_position_usd: 100, extra: 1 }, 'http:alice');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.join('\n')).toMatch(/kill_level is "stop", expected one of: none, pause, flatten, emergency/);
    expect(result.problems.join('\n')).toMatch(/unknown key "extra"/);
    expect(ledger.controls.all()).toEqual([]);
    expect(controls.current()).toEqual(DEFAULTS);
  });

  it.each([
    [{}, /request body must NOT have fewer than 1 properties/],
    [[], /must be a map/],
    [{ max_position_usd: '50' }, /max_position_usd must be a number or null/],
    [{ max_session_loss_usd: 0 }, /max_session_loss_usd must be > 0/],
    [{ allowed_strategies: ['canary', 'canary'] }, /duplicate|identical/],
  ])('refuses %j', (body, message) => {
    const result = service().change(body, 'http:alice');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join('\n')).toMatch(message);
  });

  it('lets the trading mode move only between the configured mode and dry_run', () => {
    const controls = service();
    const live = controls.change({ trading_mode: 'live' }, 'http:alice');
    expect(live.ok).toBe(false);
    if (!live.ok) expect(live.problems[0]).toMatch(/trading_mode is "live", expected one of: paper, dry_run/);
    expect(controls.change({ trading_mode: 'dry_run' }, 'http:alice')).toMatchObject({ ok: true });
    expect(controls.current().tradingMode).toBe('dry_run');
  });

  it('accepts null to remove a cap override', () => {
    const controls = service();
    controls.change({ max_position_usd: 500 }, 'http:alice');
    controls.change({ max_position_usd: null }, 'http:alice');
    expect(controls.current().maxPositionUsd).toBeNull();
  });
});

describe('ControlsService fails closed', () => {
  it('pauses on a stored value that is not valid JSON, keeping the other controls, and reports it once', () => {
    const controls = service();
    const invalid: unknown[] = [];
    bus.on('controls.invalid', (e) => {
      invalid.push(e);
    });
    ledger.controls.set('allowed_instruments', ['BTC-USD'], 'http:alice');
    ledger.controls.set('kill_level', 'none', 'http:alice');
    corrupt('kill_level', '{not json');
    expect(controls.current()).toMatchObject({ killLevel: 'pause', allowedInstruments: ['BTC-USD'] });
    expect(controls.problems()).toEqual(['kill_level: the stored value is not valid JSON']);
    env.clock.advance(5_000);
    expect(controls.current().killLevel).toBe('pause');
    expect(invalid).toEqual([{ problems: ['kill_level: the stored value is not valid JSON'], killLevel: 'pause' }]);
    expect(capture.events('controls.invalid')).toHaveLength(1);
  });

  it('pauses on a stored value out of its range and recovers once an operator fixes it', () => {
    const controls = service();
    ledger.controls.set('max_position_usd', 100, 'http:alice');
    corrupt('max_position_usd', '-5');
    expect(controls.current()).toMatchObject({ killLevel: 'pause', maxPositionUsd: null });
    expect(controls.problems()[0]).toMatch(/stored max_position_usd must be > 0, got -5/);
    controls.change({ max_position_usd: 50 }, 'http:alice');
    expect(controls.current()).toMatchObject({ killLevel: 'none', maxPositionUsd: 50 });
    expect(capture.events('controls.valid_again')).toHaveLength(1);
  });

  it('pauses on a stored trading mode the process may not run in, keeping the configured one', () => {
    const controls = service();
    ledger.controls.set('trading_mode', 'live', 'someone');
    expect(controls.current()).toMatchObject({ killLevel: 'pause', tradingMode: 'paper' });
    expect(controls.problems()[0]).toMatch(/^stored trading_mode is "live", expected one of: paper, dry_run/);
  });

  it('keeps a stricter stored kill level when another control is corrupt', () => {
    const controls = service();
    ledger.controls.set('kill_level', 'flatten', 'cli:kill');
    ledger.controls.set('allowed_strategies', ['canary'], 'http:alice');
    corrupt('allowed_strategies', '"canary"');
    expect(controls.current().killLevel).toBe('flatten');
  });

  it('keeps the last good emergency when the stored kill level itself becomes unreadable, instead of falling to pause', () => {
    const controls = service();
    ledger.controls.set('kill_level', 'emergency', 'cli:kill');
    expect(controls.current().killLevel).toBe('emergency');
    corrupt('kill_level', '{not json');
    env.clock.advance(1_000);
    expect(controls.current().killLevel).toBe('emergency');
    expect(controls.problems()).toEqual(['kill_level: the stored value is not valid JSON']);
  });

  it('pauses on the last good values when the store cannot be read at all', () => {
    const controls = service();
    controls.change({ allowed_instruments: ['ETH-USD'] }, 'http:alice');
    ledger.db.exec('DROP TABLE runtime_controls');
    env.clock.advance(1_000);
    expect(controls.current()).toMatchObject({ killLevel: 'pause', allowedInstruments: ['ETH-USD'] });
    expect(controls.problems()[0]).toMatch(/runtime controls could not be read/);
  });

  it('orders kill levels none < pause < flatten < emergency', () => {
    expect(atLeast('none', 'pause')).toBe('pause');
    expect(atLeast('emergency', 'pause')).toBe('emergency');
    expect(CONTROL_KEYS).toHaveLength(6);
  });
});
