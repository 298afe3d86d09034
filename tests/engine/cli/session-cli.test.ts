// Specs for what the session commands share: the exit code of each way a session ends (99 for an emergency stop, which systemd does not restart), and which take --allow-live-database.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { backtestCommand } from '../../../engine/cli/backtest.ts';
import { runCommand } from '../../../engine/cli/run.ts';
import { exitCodeOf } from '../../../engine/cli/session-cli.ts';
import { startCommand } from '../../../engine/cli/start.ts';
import type { RunResult } from '../../../engine/main.ts';
import { EMERGENCY_EXIT_CODE } from '../../../engine/runtime/kill-switch.ts';

const ended = (reason: RunResult['reason']) => ({ reason }) as RunResult;

describe('exitCodeOf', () => {
  it('exits 99 after an emergency stop, 1 after an engine fault, 0 otherwise', () => {
    expect(EMERGENCY_EXIT_CODE).toBe(99);
    expect(exitCodeOf(ended('emergency'))).toBe(99);
    expect(exitCodeOf(ended('failed'))).toBe(1);
    for (const reason of ['end_of_data', 'duration', 'signal', 'already_complete'] as const) expect(exitCodeOf(ended(reason))).toBe(0);
  });
});

describe('--allow-live-database', () => {
  function optionsOf(register: (program: Command) => void, name: string): Command {
    const program = new Command('engine');
    register(program);
    return program.commands.find((c) => c.name() === name)!;
  }

  it('is an option of engine run alone, off unless given', () => {
    const run = optionsOf((p) => runCommand.register(p), 'run');
    expect(run.options.map((o) => o.long)).toContain('--allow-live-database');
    run.exitOverride().action(() => {});
    expect(run.parse([], { from: 'user' }).opts()['allowLiveDatabase']).toBeUndefined();
    expect(run.parse(['--allow-live-database'], { from: 'user' }).opts()['allowLiveDatabase']).toBe(true);
    for (const [register, name] of [[backtestCommand, 'backtest'], [startCommand, 'start']] as const) {
      expect(optionsOf((p) => register.register(p), name).options.map((o) => o.long)).not.toContain('--allow-live-database');
    }
  });
});
