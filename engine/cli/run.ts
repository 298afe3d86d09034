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
          'The HTTP server (health, metrics, API, controls) listens on http.host:http.port of the config (127.0.0.1:8787) unless --http-port says otherwise. ' +
          'The kill switch (API, engine kill, the KILL file in the data directory, SIGUSR1 pause, SIGUSR2 emergency, kill rules) is in force within 2 s. ' +
          'Exit 0 done, 1 problems (config, refused start, engine fault), 2 usage error, 99 emergency stop.',
      );
    sessionOptions(command, { withMode: true, withSpeed: true, withAllowLive: true, httpDefault: 'http.port of the config, 8787' }).action(async (flags: SessionFlags) => {
      process.exitCode = await executeSession(flags, { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr }, { httpPort: 'config' });
    });
  },
};

