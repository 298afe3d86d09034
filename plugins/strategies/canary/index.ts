// The canary strategy plugin's manifest: name, API range, config schema, cross-field checks and create().
import { type PluginManifest, type Strategy, TradegateError } from '../../../engine/plugins/plugin-api.ts';
import { CANARY_CONFIG_SCHEMA, type CanaryConfig, canaryConfigProblems, resolveCanaryConfig } from './canary-config.ts';
import { CANARY_NAME, CanaryStrategy } from './canary-strategy.ts';

const manifest: PluginManifest<CanaryConfig, Strategy> = {
  name: CANARY_NAME,
  version: '1.0.0',
  kind: 'strategy',
  apiVersion: '^1.0.0',
  configSchema: CANARY_CONFIG_SCHEMA,
  validateConfig: canaryConfigProblems,
  create(ctx) {
    // The loader runs validateConfig first; checking again keeps a direct create() from running a config that cannot work.
    const problems = canaryConfigProblems(ctx.config);
    if (problems.length > 0) throw new TradegateError('PLUGIN_CONFIG_INVALID', `canary config: ${problems.join('; ')}`, { problems });
    return new CanaryStrategy(resolveCanaryConfig(ctx.config), ctx.logger);
  },
};

export default manifest;
