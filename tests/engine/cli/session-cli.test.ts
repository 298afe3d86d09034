// Specs for what the session commands share: the exit code of each way a session ends (99 for an emergency stop, which systemd does not restart).
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../../engine/cli/session-cli.ts';
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
