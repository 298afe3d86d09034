#!/usr/bin/env node
// Entry point of the `engine` command: runs the TypeScript CLI through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
