// The stored runtime controls as the trading state reads and raises them: the controls service behind the session's narrow port.
import type { Logger } from '../observe/logger.ts';
import { type ControlsService, controlsFacts } from './controls.ts';
import type { ControlsPort } from './trading-state.ts';

/** A kill rule without a cooldown raises the stored level through the same service an operator uses, so it is logged and persists. */
export function controlsPort(service: ControlsService, logger: Pick<Logger, 'error'>): ControlsPort {
  return {
    facts: () => controlsFacts(service.current()),
    raiseKillLevel(level, actor, reason) {
      const changed = service.change({ kill_level: level }, actor);
      logger.error(
        { event: 'trading.kill_level_raised', level, actor, reason, ok: changed.ok, ...(changed.ok ? {} : { problems: changed.problems }) },
        `kill level raised to ${level} by ${actor}`,
      );
    },
  };
}
