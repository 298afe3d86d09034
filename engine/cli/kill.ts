// `engine kill --level pause|flatten|emergency|none`: sets the stored kill level of one ledger, recording who, when and why.
import { existsSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { systemClock } from '../clock.ts';
import { KillEventRepository } from '../ledger/kill-event-repository.ts';
import { openLedger } from '../ledger/ledger.ts';
import { ControlsService } from '../runtime/controls.ts';
import { killFilePath } from '../runtime/kill-file.ts';
import { KILL_POLL_MS } from '../runtime/kill-switch.ts';
import { KILL_LEVELS, type KillLevel } from '../types.ts';
import { type CommandModule, EXIT } from './command.ts';
import { errorOutput, operatorActor, resolveTarget, type TargetFlags, targetOptions } from './ledger-target.ts';

export interface KillOptions extends TargetFlags {
  readonly level: KillLevel;
  readonly reason?: string;
  readonly format?: 'text' | 'json';
}

export interface CommandOutput {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

const MEANING: Record<KillLevel, string> = {
  none: 'trading resumes (entries allowed again)',
  pause: 'no new entries; exits still go',
  flatten: 'resting orders are canceled and every position is closed; no entries',
  emergency: 'every order is canceled, every position closed, then the engine stops with exit code 99',
};

/**
 * Writes through the runtime controls (validated, logged in control_changes with the actor) and adds a
 * kill_events row with the reason, in one transaction. A running engine polls the stored level every
 * 250 ms; an engine started later starts at this level. Only this command or the API lowers a level.
 */
export async function runKill(o: KillOptions, cwd: string = process.cwd(), env: Readonly<Record<string, string | undefined>> = process.env): Promise<CommandOutput> {
  try {
    const target = await resolveTarget(o, cwd);
    const actor = operatorActor(env);
    const ledger = openLedger({ dataDir: target.dataDir, mode: target.mode, clock: systemClock });
    try {
      const controls = new ControlsService({
        repository: ledger.controls,
        transaction: (fn) => ledger.transaction(fn),
        clock: systemClock,
        defaults: { killLevel: 'none', tradingMode: target.mode, maxPositionUsd: null, maxSessionLossUsd: null, allowedInstruments: [], allowedStrategies: [] },
      });
      const previous = controls.current().killLevel;
      const reason = o.reason ?? (o.level === 'none' ? 'operator resume' : 'operator kill');
      const changed = ledger.transaction(() => {
        new KillEventRepository(ledger.db, systemClock).record({ level: o.level, previousLevel: previous, source: 'cli', actor, reason });
        return controls.change({ kill_level: o.level }, actor);
      });
      if (!changed.ok) return { exitCode: EXIT.problems, stdout: '', stderr: `CONTROLS_CHANGE_INVALID: ${changed.problems.join('; ')}\n` };
      const breaker = ledger.breaker.state();
      const result = {
        mode: target.mode,
        dataDir: target.dataDir,
        previous,
        level: o.level,
        changedBy: actor,
        atMs: systemClock.now(),
        reason,
        breakerTripped: breaker.tripped,
        killFilePresent: existsSync(killFilePath(target.dataDir)),
      };
      return { exitCode: EXIT.ok, stdout: o.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : text(result, breaker.reason), stderr: '' };
    } finally {
      ledger.close();
    }
  } catch (error) {
    return errorOutput(error);
  }
}

function text(r: { mode: string; dataDir: string; previous: KillLevel; level: KillLevel; changedBy: string; atMs: number; reason: string; breakerTripped: boolean; killFilePresent: boolean }, breakerReason: string | null): string {
  const lines = [
    `kill level of ${r.mode} (${r.dataDir}): ${r.previous} -> ${r.level}: ${MEANING[r.level]}`,
    `set by ${r.changedBy} at ${new Date(r.atMs).toISOString()}; reason: ${r.reason}`,
    `a running engine reads it at its next poll (every ${KILL_POLL_MS} ms; in force within 2 s); an engine started later starts at this level`,
  ];
  if (r.breakerTripped) lines.push(`note: the circuit breaker is tripped (${breakerReason ?? 'no reason'}): entries stay refused until \`engine breaker reset\``);
  if (r.killFilePresent) lines.push('note: a KILL file is present in the data directory; it was applied once and does not raise again, remove it');
  return `${lines.join('\n')}\n`;
}

export const killCommand: CommandModule = {
  register(program: Command): void {
    const command = program
      .command('kill')
      .description(
        'Set the kill switch of one ledger: pause (no entries, exits allowed), flatten (cancel resting orders, close every position), emergency (cancel all, flatten, stop with exit 99), none (operator resume). ' +
          'A running engine applies it within 2 s. Exit 0 set, 1 problems, 2 usage error.',
      )
      .addOption(new Option('--level <level>', 'kill level').choices([...KILL_LEVELS]).makeOptionMandatory())
      .option('--reason <text>', 'why (kept in the kill trail)');
    targetOptions(command)
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
      .action(async (opts: KillOptions) => {
        const out = await runKill(opts);
        process.stdout.write(out.stdout);
        process.stderr.write(out.stderr);
        process.exitCode = out.exitCode;
      });
  },
};
