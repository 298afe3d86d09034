// The paper venue plugin's manifest: a simulated venue with realistic fills, fees, latency and a persisted book.
import type { PluginManifest, Venue } from '../../../engine/plugins/plugin-api.ts';
import configSchema from './config.schema.json' with { type: 'json' };
import { type PaperConfigFile, settingsProblems } from './paper-config.ts';
import { PaperVenue } from './paper-venue.ts';

const manifest: PluginManifest<PaperConfigFile, Venue> = {
  name: 'paper',
  version: '1.0.0',
  kind: 'venue',
  apiVersion: '^1.0.0',
  configSchema,
  validateConfig: settingsProblems,
  create: (ctx) => PaperVenue.open(ctx),
};

export default manifest;
