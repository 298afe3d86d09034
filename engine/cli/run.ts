// `engine run`: one trading session in any mode (paper, dry_run, live, backtest) over replayed market data, resumable by its run directory.
import type { Command } from 'commander';
import type { CommandModule } from './command.ts';
import { executeSession, type SessionFlags, sessionOptions } from './session-cli.ts';

export const runCommand: CommandModule = {
  register(program: Command): void {
    const command = program
      .command('run')
      .description(
        'Run a trading session: every market event is synced, judged by the tick rules, then offered to the strategies; every order goes through the gate. ' +
          'SIGINT/SIGTERM or the end of the duration or data shut it down gracefully and write summary.json, metrics.csv and audit.jsonl to the run directory. ' +
          'Exit 0 done, 1 problems (config, refused start, emergency stop), 2 usage error.',
      );
    sessionOptions(command, { withMode: true, withSpeed: true }).action(async (flags: SessionFlags) => {
      process.exitCode = await executeSession(flags, { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr });
    });
  },
};

