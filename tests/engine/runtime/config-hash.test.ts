// Specs of the go/no-go config hash: stable across key order, blind to mode and paths, changed by anything that decides trading.
import { describe, expect, it } from 'vitest';
import { CONFIG_HASH_EXCLUDED, goLiveConfigHash, hashedConfig } from '../../../engine/runtime/config-hash.ts';

const base = {
  mode: 'dry_run',
  rules_dir: 'rules',
  data_dir: 'data',
  scope: { instruments: ['BTC-USD'], strategies: ['canary'] },
  market_data: { path: 'a/b', instrument: 'BTC-USD', stale_after_ms: 180000 },
  session: { run_dir: 'runs', seed: 1, speed: 'max', exit_offset_bps: 20 },
};

describe('goLiveConfigHash', () => {
  it('is the same for the same config in any key order, and on every call', () => {
    const reordered = { session: { exit_offset_bps: 20, speed: 'max', seed: 1, run_dir: 'runs' }, scope: base.scope, market_data: base.market_data, data_dir: 'data', rules_dir: 'rules', mode: 'dry_run' };
    expect(goLiveConfigHash(reordered, 'rs-1')).toBe(goLiveConfigHash(base, 'rs-1'));
    expect(goLiveConfigHash(base, 'rs-1')).toMatch(/^cfg-[0-9a-f]{16}$/);
  });

  it('ignores the mode and every path, so a dry run rehearses exactly the live config', () => {
    const live = { ...base, mode: 'live', data_dir: '/var/lib/tradegate', rules_dir: '/etc/tradegate/rules', market_data: { ...base.market_data, path: '/x' }, session: { ...base.session, run_dir: '/r', seed: 7, speed: 'realtime' } };
    expect(goLiveConfigHash(live, 'rs-1')).toBe(goLiveConfigHash(base, 'rs-1'));
    expect(CONFIG_HASH_EXCLUDED).toContain('mode');
  });

  it('ignores where the operator HTTP server listens: moving the port does not restart the burn-in', () => {
    expect(goLiveConfigHash({ ...base, http: { host: '127.0.0.1', port: 9000 } }, 'rs-1')).toBe(goLiveConfigHash(base, 'rs-1'));
  });

  it('changes with the rules version, the scope, a limit, or a key it has never seen', () => {
    const h = goLiveConfigHash(base, 'rs-1');
    expect(goLiveConfigHash(base, 'rs-2')).not.toBe(h);
    expect(goLiveConfigHash({ ...base, scope: { ...base.scope, instruments: ['BTC-USD', 'ETH-USD'] } }, 'rs-1')).not.toBe(h);
    expect(goLiveConfigHash({ ...base, session: { ...base.session, exit_offset_bps: 25 } }, 'rs-1')).not.toBe(h);
    expect(goLiveConfigHash({ ...base, future_setting: true }, 'rs-1')).not.toBe(h);
  });

  it('shows what it covers', () => {
    expect(hashedConfig(base)).toEqual({
      market_data: { instrument: 'BTC-USD', stale_after_ms: 180000 },
      scope: { instruments: ['BTC-USD'], strategies: ['canary'] },
      session: { exit_offset_bps: 20 },
    });
  });
});
