// The VWAP reversion strategy plugin's manifest: name, API range, config schema, cross-field checks and create().
import { type PluginManifest, type Strategy, TradegateError } from '../../../engine/plugins/plugin-api.ts';
import { VWAP_REVERSION_CONFIG_SCHEMA, type VwapReversionConfig, resolveVwapReversionConfig, vwapReversionConfigProblems } from './vwap-config.ts';
import { VWAP_REVERSION_NAME, VwapReversionStrategy } from './vwap-reversion-strategy.ts';

const manifest: PluginManifest<VwapReversionConfig, Strategy> = {
  name: VWAP_REVERSION_NAME,
  version: '1.0.0',
  kind: 'strategy',
  apiVersion: '^1.0.0',
  configSchema: VWAP_REVERSION_CONFIG_SCHEMA,
  validateConfig: vwapReversionConfigProblems,
  create(ctx) {
    // The loader runs validateConfig first; checking again keeps a direct create() from running a config that cannot work.
    const problems = vwapReversionConfigProblems(ctx.config);
    if (problems.length > 0) throw new TradegateError('PLUGIN_CONFIG_INVALID', `vwap-reversion config: ${problems.join('; ')}`, { problems });
    return new VwapReversionStrategy(resolveVwapReversionConfig(ctx.config));
  },
};

export default manifest;
