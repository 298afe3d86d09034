// Specs of stored runtime controls: JSON values with who and when, every change logged with its old value.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
beforeEach(() => {
  env = tempLedgers();
});
afterEach(() => env.cleanup());

describe('ControlsRepository', () => {
  it('stores a control with who set it and when, and keeps it across a restart', () => {
    const first = env.open();
    first.controls.set('kill_level', 'pause', 'api:alice');
    first.close();
    expect(env.open().controls.get('kill_level')).toEqual({ key: 'kill_level', value: 'pause', updatedBy: 'api:alice', updatedAtMs: env.clock.now() });
  });

  it('logs every change with the old and new value', () => {
    const { controls } = env.open();
    controls.set('allowed_instruments', ['BTC-USD'], 'config');
    env.clock.advance(1000);
    controls.set('allowed_instruments', ['BTC-USD', 'ETH-USD'], 'api:bob');
    expect(controls.history('allowed_instruments').map((c) => [c.oldValue, c.newValue, c.changedBy])).toEqual([
      [undefined, ['BTC-USD'], 'config'],
      [['BTC-USD'], ['BTC-USD', 'ETH-USD'], 'api:bob'],
    ]);
    expect(controls.all().map((c) => c.key)).toEqual(['allowed_instruments']);
  });

  it('refuses a value that has no JSON form', () => {
    expect(() => env.open().controls.set('x', undefined, 'y')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
