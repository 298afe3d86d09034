// `engine breaker reset|trip`: an operator resets a tripped circuit breaker (or trips it by hand), recorded with who and why.
import { existsSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { systemClock } from '../clock.ts';
import { ledgerFileFor } from '../ledger/database.ts';
import { openLedger } from '../ledger/ledger.ts';
import { Breaker } from '../runtime/breaker.ts';
import { type CommandModule, EXIT } from './command.ts';
import { errorOutput, operatorActor, resolveTarget, type TargetFlags, targetOptions } from './ledger-target.ts';

export interface BreakerOptions extends TargetFlags {
  readonly reason?: string;
  readonly format?: 'text' | 'json';
}

type Action = 'reset' | 'trip';

/**
 * The breaker lives in the ledger, so a running engine sees a reset at its next order. Resetting
 * does not touch the kill level: an engine paused by the kill switch stays paused until
 * `engine kill --level none`.
 */
export async function runBreaker(action: Action, o: BreakerOptions, cwd: string = process.cwd(), env: Readonly<Record<string, string | undefined>> = process.env) {
  try {
    const target = await resolveTarget(o, cwd);
    if (action === 'reset' && !existsSync(ledgerFileFor(target.dataDir, target.mode))) {
      return { exitCode: EXIT.problems, stdout: '', stderr: `no ${target.mode} ledger in ${target.dataDir}: nothing to reset\n` };
    }
    const actor = operatorActor(env);
    const ledger = openLedger({ dataDir: target.dataDir, mode: target.mode, clock: systemClock });
    try {
      const breaker = new Breaker({ repository: ledger.breaker });
      const before = breaker.state();
      let changed: boolean;
      if (action === 'reset') changed = breaker.reset(actor);
      else {
        breaker.trip(o.reason ?? 'tripped by an operator', actor);
        changed = !before.tripped;
      }
      const after = breaker.state();
      const result = { mode: target.mode, dataDir: target.dataDir, action, changed, by: actor, before, after };
      const note =
        action === 'reset'
          ? changed
            ? `breaker of ${target.mode} reset by ${actor} (it was tripped: ${before.reason ?? '?'}); entries may go again unless the kill level says otherwise`
            : `breaker of ${target.mode} was not tripped; nothing to reset`
          : `breaker of ${target.mode} ${changed ? 'tripped' : 'was already tripped; cause recorded'} by ${actor}: ${o.reason ?? 'tripped by an operator'}`;
      return { exitCode: EXIT.ok, stdout: o.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : `${note}\n`, stderr: '' };
    } finally {
      ledger.close();
    }
  } catch (error) {
    return errorOutput(error);
  }
}

function action(program: Command, name: Action, description: string): void {
  const command = program.command(name).description(description).option('--reason <text>', 'why (kept in the breaker history)');
  targetOptions(command)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: BreakerOptions) => {
      const out = await runBreaker(name, opts);
      process.stdout.write(out.stdout);
      process.stderr.write(out.stderr);
      process.exitCode = out.exitCode;
    });
}

export const breakerCommand: CommandModule = {
  register(program: Command): void {
    const breaker = program.command('breaker').description('Operate the circuit breaker of one ledger (see `engine status`).');
    action(breaker, 'reset', 'Reset a tripped breaker after the cause is understood. Exit 0 done (or nothing to reset), 1 problems, 2 usage error.');
    action(breaker, 'trip', 'Trip the breaker by hand: no entries until reset (exits still go). Exit 0 done, 1 problems, 2 usage error.');
  },
};
