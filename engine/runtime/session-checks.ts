// Checks before a session trades: live without a live venue, instruments the venue does not list, a replay behind its books, the live-file override.
import type { EngineConfig } from '../config/load-config.ts';
import { TradegateError } from '../errors.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Logger } from '../observe/logger.ts';
import type { Venue } from '../plugins/plugin-api.ts';
import type { Mode } from '../types.ts';
import type { MarketSource } from './market-source.ts';
import type { SessionPlan } from './session-plan.ts';

/** Startup safety (R6.4): every instrument a strategy trades must be one the venue lists. */
export async function checkListed(venue: Pick<Venue, 'name' | 'instruments'>, config: Pick<EngineConfig, 'strategies'>): Promise<void> {
  const listed = new Set((await venue.instruments()).map((i) => i.instrument));
  const missing = config.strategies.flatMap((s) => s.instruments.filter((i) => !listed.has(i)).map((i) => `${i} (${s.name})`));
  if (missing.length > 0) {
    throw new TradegateError('SESSION_INSTRUMENT_UNLISTED', `venue ${venue.name} does not list ${missing.join(', ')}; it lists ${[...listed].join(', ')}`, { missing });
  }
}

/** A fresh run must start after everything the ledger already holds: replayed time cannot go backwards on one account. */
export function refuseIfAhead(ledger: Pick<Ledger, 'equity'>, source: MarketSource, plan: Pick<SessionPlan, 'mode' | 'dataDir'>): void {
  const latest = ledger.equity.latest();
  const start = source.events[0]!.ts;
  if (latest && latest.tsMs >= start) {
    throw new TradegateError(
      'SESSION_DATA_DIR_AHEAD',
      `the ${plan.mode} ledger in ${plan.dataDir} already holds trading up to ${new Date(latest.tsMs).toISOString()}, after this replay starts (${new Date(start).toISOString()}): pass a fresh --data-dir, or the --run-dir of the run to resume`,
      { dataDir: plan.dataDir },
    );
  }
}

/** No live venue plugin ships, and a session's market data is a replay: live mode is refused by name, before any book is opened. */
export function refuseLive(config: Pick<EngineConfig, 'venue'>): never {
  const what = config.venue.name === 'paper' ? 'is simulated' : 'is not a live venue this engine ships';
  throw new TradegateError(
    'SESSION_LIVE_UNAVAILABLE',
    `live mode refused: the configured venue '${config.venue.name}' ${what}, and a session's market data comes from a replay file. No live venue plugin ships yet: use --mode paper or --mode dry_run.`,
    { venue: config.venue.name },
  );
}

/** The override is loud every time it is given; true when it let this session onto the live books. */
export function warnLiveFile(ledger: Ledger, mode: Mode, logger: Logger): boolean {
  const { fileMode } = ledger;
  if (fileMode !== 'live') {
    logger.warn({ event: 'ledger.live_file_allowed', path: ledger.path, file_mode: fileMode, live: false }, `--allow-live-database was given, but ${ledger.path} is not the live ledger: the flag changed nothing`);
    return false;
  }
  logger.warn(
    { event: 'ledger.live_file_allowed', path: ledger.path, file_mode: 'live', live: true },
    `WARNING: --allow-live-database: this ${mode} session books its orders, fills and positions into the LIVE ledger ${ledger.path}. ` +
      'This session also holds the live instance lock there: no live engine can run on that file until it ends, ' +
      'and none writes to it afterwards (LEDGER_REHEARSED): rehearse on a copy.',
  );
  return true;
}
