// The `engine` command line: registers one sub-command per file; each is thin (parse, call, print, exit code).
import { Command } from 'commander';
import { backtestCommand } from './backtest.ts';
import { breakerCommand } from './breaker.ts';
import type { CommandModule } from './command.ts';
import { drillCommand } from './drill.ts';
import { explainCommand } from './explain.ts';
import { factsCommand } from './facts.ts';
import { killCommand } from './kill.ts';
import { reportCommand } from './report.ts';
import { runCommand } from './run.ts';
import { startCommand } from './start.ts';
import { statusCommand } from './status.ts';
import { testCommand } from './test.ts';
import { validateCommand } from './validate.ts';

const COMMANDS: readonly CommandModule[] = [backtestCommand, breakerCommand, drillCommand, explainCommand, factsCommand, killCommand, reportCommand, runCommand, startCommand, statusCommand, testCommand, validateCommand];

export function buildProgram(): Command {
  const program = new Command('engine')
    .description('Tradegate: every limit in YAML, one gate in front of every order.')
    .showHelpAfterError()
    .exitOverride();
  for (const command of COMMANDS) command.register(program);
  return program;
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    const code = (err as { code?: string; exitCode?: number }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return 0;
    if (typeof code === 'string' && code.startsWith('commander.')) return 2;
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));
