// How configuration names a plugin (kind, name, optional npm package, its config) and where the loader looks for it.
import type { Locate } from '../config/source-map.ts';
import type { PluginKind } from './plugin-api.ts';

/** Where a plugin's config was written, so config problems point into the operator's file at line:col. */
export interface ConfigOrigin {
  readonly file: string;
  /** JSON pointer of the plugin's config object inside that file, e.g. `/strategies/0/config`. */
  readonly pointer: string;
  readonly locate?: Locate;
}

/** One configured plugin. */
export interface PluginRef {
  readonly kind: PluginKind;
  /** Folder name under plugins/strategies or plugins/venues, and the name the manifest must carry. */
  readonly name: string;
  /** An installed npm package to import instead of the folder, resolved from the repository root. */
  readonly package?: string;
  /** The plugin's configuration, validated against its manifest's configSchema. */
  readonly config: unknown;
  readonly origin?: ConfigOrigin;
}

export interface PluginSearch {
  /** The repository root: npm packages resolve from here. */
  readonly rootDir: string;
  /** Folder holding `strategies/` and `venues/`; default `<rootDir>/plugins`. */
  readonly pluginsDir?: string;
}

/** A plugin name is a folder name: kebab-case, so it can never climb out of the plugins folder. */
export const PLUGIN_NAME = /^[a-z0-9][a-z0-9-]*$/;

export function folderOf(kind: PluginKind): 'strategies' | 'venues' {
  return kind === 'strategy' ? 'strategies' : 'venues';
}
