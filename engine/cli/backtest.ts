// `engine backtest`: `engine run --mode backtest --speed max`, with a progress bar on a terminal.
import type { Command } from 'commander';
import type { CommandModule } from './command.ts';
import { executeSession, type SessionFlags, sessionOptions } from './session-cli.ts';

export const backtestCommand: CommandModule = {
  register(program: Command): void {
    const command = program
      .command('backtest')
      .description(
        'Replay market data as fast as possible through the whole engine (gate, order manager, paper venue, ledger): engine run --mode backtest --speed max. ' +
          'Its books live in the run directory unless --data-dir says otherwise. No HTTP server unless --http-port is given, so backtests side by side never collide on a port. ' +
          'Exit 0 done, 1 problems, 2 usage error, 99 emergency stop (a kill rule).',
      );
    sessionOptions(command, { withMode: false, withSpeed: false, httpDefault: '0, off' }).action(async (flags: SessionFlags) => {
      const io = { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr };
      process.exitCode = await executeSession({ ...flags, mode: 'backtest', speed: 'max' }, io, { bar: true });
    });
  },
};
