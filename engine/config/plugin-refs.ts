// The plugins an engine config names, as PluginRefs that locate their settings in the file, and the checks across sections.
import { fileURLToPath } from 'node:url';
import type { Problem } from '../errors.ts';
import type { PluginRef } from '../plugins/plugin-ref.ts';
import { joinPointer } from './json-pointer.ts';
import type { EngineConfig, PluginSection } from './load-config.ts';
import type { Locate } from './source-map.ts';

/** Where the config came from: problems in a plugin's settings are reported at their line:col in this file. */
export interface ConfigSource {
  readonly file: string;
  readonly locate: Locate;
}

function ref(kind: PluginRef['kind'], section: PluginSection, pointer: string, source: ConfigSource): PluginRef {
  return {
    kind,
    name: section.name,
    ...(section.package !== undefined ? { package: section.package } : {}),
    config: section.config,
    origin: { file: source.file, pointer: joinPointer(pointer, 'config'), locate: source.locate },
  };
}

export function venueRef(config: EngineConfig, source: ConfigSource): PluginRef & { kind: 'venue' } {
  return ref('venue', config.venue, '/venue', source) as PluginRef & { kind: 'venue' };
}

export function strategyRefs(config: EngineConfig, source: ConfigSource): (PluginRef & { kind: 'strategy' })[] {
  return config.strategies.map((s, i) => ref('strategy', s, joinPointer('/strategies', i), source) as PluginRef & { kind: 'strategy' });
}

/** Every plugin the config names: the venue first, then the strategies in file order. */
export function pluginRefs(config: EngineConfig, source: ConfigSource): PluginRef[] {
  return [venueRef(config, source), ...strategyRefs(config, source)];
}

function problem(source: ConfigSource, pointer: string, message: string): Problem {
  const at = source.locate(pointer, 'value');
  return { code: 'CONFIG_INVALID', file: source.file, line: at.line, col: at.col, pointer, message };
}

/**
 * What no single schema can see: an instrument traded by two strategies (positions are per
 * instrument, so two strategies would fight over one position), strategies or instruments outside
 * the scope (every entry would be refused), and a simulated venue whose starting cash is not the account's.
 */
export function configConsistencyProblems(config: EngineConfig, source: ConfigSource): Problem[] {
  const problems: Problem[] = [];
  const owner = new Map<string, string>();
  const scopeInstruments = new Set(config.scope.instruments);
  const scopeStrategies = new Set(config.scope.strategies);
  config.strategies.forEach((s, i) => {
    const at = joinPointer('/strategies', i);
    if (!scopeStrategies.has(s.name)) {
      problems.push(problem(source, joinPointer(at, 'name'), `strategy '${s.name}' is not in scope.strategies [${config.scope.strategies.join(', ')}]: every entry it signals would be refused`));
    }
    s.instruments.forEach((instrument, k) => {
      const pointer = joinPointer(at, 'instruments', k);
      const taken = owner.get(instrument);
      if (taken !== undefined) {
        problems.push(problem(source, pointer, `instrument ${instrument} is already traded by ${taken}; positions are kept per instrument, so one strategy trades each instrument`));
      } else {
        owner.set(instrument, `strategies[${i}] (${s.name})`);
      }
      if (!scopeInstruments.has(instrument)) {
        problems.push(problem(source, pointer, `instrument ${instrument} is not in scope.instruments [${config.scope.instruments.join(', ')}]: every entry on it would be refused`));
      }
    });
  });
  const venueCash = config.venue.config['starting_cash_usd'];
  if (typeof venueCash === 'number' && venueCash !== config.account.starting_cash_usd) {
    problems.push(problem(source, '/venue/config/starting_cash_usd', `the venue starts with ${venueCash} USD but account.starting_cash_usd is ${config.account.starting_cash_usd}; the books would not agree from the first tick`));
  }
  return problems;
}

/** Where configured plugins are looked for: `plugins/` of this repository, and npm packages installed in it. */
export const REPOSITORY_PLUGINS: { readonly rootDir: string } = { rootDir: fileURLToPath(new URL('../../', import.meta.url)) };
