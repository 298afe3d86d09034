// Signals as kill triggers: SIGUSR1 pauses entries, SIGUSR2 is an emergency stop (cancel all, flatten, exit 99).
import type { KillSwitch, RaisedLevel } from './kill-switch.ts';

/**
 * SIGINT and SIGTERM stay the graceful shutdown (engine/cli/session-cli.ts). Node reserves SIGUSR1 for
 * its inspector; once a listener is installed here, SIGUSR1 reaches this handler instead (do not run the
 * engine with --inspect in production).
 */
export const KILL_SIGNALS: Readonly<Record<'SIGUSR1' | 'SIGUSR2', RaisedLevel>> = { SIGUSR1: 'pause', SIGUSR2: 'emergency' };

export interface SignalTarget {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/** Installs the handlers on `target` (the process); returns the function that removes them. */
export function installKillSignals(killSwitch: Pick<KillSwitch, 'raise'>, target: SignalTarget = process): () => void {
  const handler = (signal: NodeJS.Signals) => {
    const level = KILL_SIGNALS[signal as keyof typeof KILL_SIGNALS];
    if (level === undefined) return;
    killSwitch.raise(level, { source: 'signal', actor: `signal:${signal}`, reason: `${signal} received (pid ${process.pid})` });
  };
  const signals = Object.keys(KILL_SIGNALS) as NodeJS.Signals[];
  for (const s of signals) target.on(s, handler);
  return () => {
    for (const s of signals) target.off(s, handler);
  };
}
