// The contract every CLI command file meets, so main.ts can list them without knowing their insides.
import type { Command } from 'commander';

export interface CommandModule {
  /** Adds the sub-command, its options and its action to the program. */
  register(program: Command): void;
}

/** Exit codes shared by every command: 0 success, 1 problems found, 2 usage error. */
export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;
