// The composition root: builds every component of a session (config, rules, ledger, plugins, orders, runtime) and the only file that knows them all.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EventBus } from './bus.ts';
import { ManualClock, systemClock } from './clock.ts';
import { DEFAULT_CONFIG_PATH, type EngineConfig, loadConfig } from './config/load-config.ts';
import { type ConfigSource, configConsistencyProblems, strategyRefs, venueRef } from './config/plugin-refs.ts';
import { formatProblem, TradegateError } from './errors.ts';
import { type Ledger, openLedger } from './ledger/ledger.ts';
import type { MarketEvent } from './market/bar.ts';
import { parseSpeed, type ReplaySpeed, replay } from './market/replay.ts';
import { realSleep } from './market/sleep.ts';
import { alertConfigFromEnv, alertSecrets } from './observe/alerts.ts';
import { createLogger, type LogDestination, type Logger } from './observe/logger.ts';
import { barMsOf, startSessionServices } from './operator-services.ts';
import { createPlugin } from './plugin-instances.ts';
import { OrderManager } from './orders/order-manager.ts';
import { type OrderGate, ruleSetGate } from './orders/order-ports.ts';
import { transition } from './orders/order-state.ts';
import type { Venue } from './plugins/plugin-api.ts';
import { startRuleSet } from './rules/hot-reload.ts';
import { loadRuleSet } from './rules/load-rules.ts';
import type { RuleSet } from './rules/rule-set.ts';
import { acquireInstanceLock } from './runtime/instance-lock.ts';
import { handOver } from './runtime/event-handover.ts';
import { checkListed, refuseIfAhead, refuseLive, warnLiveFile } from './runtime/session-checks.ts';
import { loadMarketSource, type MarketSource, splitAtResume } from './runtime/market-source.ts';
import { MarketView } from './runtime/market-view.ts';
import type { ProgressSink } from './runtime/progress.ts';
import { readRunManifest, writeRunManifest } from './runtime/run-files.ts';
import { countRunFills, lastMarkMs, type RunKey } from './runtime/run-records.ts';
import { Session, type StrategySlot } from './runtime/session.ts';
import { finishRun, type RunResult } from './runtime/session-end.ts';
import { planSession, type SessionPlan } from './runtime/session-plan.ts';
import { SessionRuntime } from './runtime/session-runtime.ts';
import type { Mode } from './types.ts';

export type { RunResult } from './runtime/session-end.ts';
export { pluginStateRoot } from './plugin-instances.ts';
export { type RunReport, reportRun } from './run-report.ts';

export interface RunRequest {
  readonly cwd: string;
  readonly config?: string;
  readonly mode?: Mode;
  readonly data?: string;
  /** Simulated seconds; null runs to the end of the data; undefined takes the config's. */
  readonly durationS?: number | null;
  readonly speed?: ReplaySpeed;
  readonly runDir?: string;
  readonly dataDir?: string;
  readonly seed?: number;
  /** Keep a new run's books in its run directory (engine start: a demo that can be run again and again). */
  readonly selfContained?: boolean;
  /** engine run --allow-live-database: a paper or dry_run session may open the live ledger file (refused for live and backtest). */
  readonly allowLiveDatabase?: boolean;
  readonly signal: AbortSignal;
  readonly logDestination: LogDestination;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'silent';
  /** Progress reporting, or how to make it once the config's session.progress_every_ms is known. */
  readonly progress?: ProgressSink | ((everyMs: number) => ProgressSink);
  /** Benchmarks only: wraps the gate (to time it, or to replay the decisions it made). */
  readonly wrapGate?: (gate: OrderGate) => OrderGate;
  readonly bus?: EventBus;
  /** The HTTP server's port: a number (0 turns it off), or `config` for the config's http.port. Absent: no server. */
  readonly httpPort?: number | 'config';
  /** Where the API token and the alert webhook are read from (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}



interface LoadedConfig {
  readonly config: EngineConfig;
  readonly path: string;
  readonly source: ConfigSource;
}

/** Schema problems and problems across sections at once, as one error naming every place. */
export async function readEngineConfig(cwd: string, file: string = DEFAULT_CONFIG_PATH): Promise<LoadedConfig> {
  const path = resolve(cwd, file);
  const loaded = await loadConfig(path);
  const problems = loaded.ok ? configConsistencyProblems(loaded.config, loaded) : [...loaded.problems];
  if (!loaded.ok || problems.length > 0) {
    throw new TradegateError('CONFIG_INVALID', `the engine config has problems:\n${problems.map(formatProblem).join('\n')}`, { problems });
  }
  return { config: loaded.config, path, source: { file: loaded.file, locate: loaded.locate } };
}

function newRunId(mode: Mode): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${mode}-${stamp}-${randomBytes(3).toString('hex')}`;
}

interface Rules {
  current(): RuleSet;
  close(): Promise<void>;
}

/** A backtest judges by the rules it started with (reproducible); every other mode hot-reloads them. */
async function openRules(config: EngineConfig, cwd: string, mode: Mode, logger: Logger, bus: EventBus): Promise<Rules> {
  const dir = resolve(cwd, config.rules_dir);
  if (mode !== 'backtest') {
    const grace = config.reload.removal_grace_ms;
    return startRuleSet(dir, { logger, bus, debounceMs: config.reload.debounce_ms, ...(grace !== undefined ? { removalGraceMs: grace } : {}) });
  }
  const loaded = await loadRuleSet(dir);
  if (!loaded.ok) throw new TradegateError('RULE_SET_UNAVAILABLE', `the rules do not load:\n${loaded.problems.map(formatProblem).join('\n')}`, { problems: loaded.problems });
  return { current: () => loaded.ruleSet, close: async () => {} };
}

/**
 * Runs one session: start or resume the run, reconcile with the venue, trade every event, wind down
 * (cancel, bounded wait), then write summary.json, metrics.csv and audit.jsonl from the ledger.
 */
export async function runSession(req: RunRequest): Promise<RunResult> {
  // A resumed run reads the config it started with, unless told otherwise.
  const held = req.runDir === undefined ? null : readRunManifest(resolve(req.cwd, req.runDir));
  const { config, path: configPath, source: configSource } = await readEngineConfig(req.cwd, req.config ?? held?.config_file);
  const plan = planSession({
    cwd: req.cwd, config, configFile: configPath, newRunId, nowIso: () => new Date().toISOString(),
    ...(req.mode ? { mode: req.mode } : {}), ...(req.data ? { data: req.data } : {}), ...(req.runDir ? { runDir: req.runDir } : {}),
    ...(req.dataDir ? { dataDir: req.dataDir } : {}), ...(req.seed !== undefined ? { seed: req.seed } : {}),
    ...(req.selfContained ? { selfContained: true } : {}), ...(req.durationS !== undefined ? { durationS: req.durationS } : {}),
    ...(req.allowLiveDatabase ? { allowLiveDatabase: true } : {}),
  });
  if (plan.mode === 'live') refuseLive(config);
  const env = req.env ?? process.env;
  // A backtest replays history: it pages nobody. A bad webhook setting refuses the start, before any book opens.
  const alerts = plan.mode === 'backtest' ? null : alertConfigFromEnv(env, `tradegate ${plan.mode}`);
  const logger = createLogger({ level: req.logLevel, destination: req.logDestination, env, secrets: alertSecrets(alerts), base: { run_id: plan.manifest.run_id, mode: plan.mode } });
  const bus = req.bus ?? new EventBus({
    onListenerError: (error, event) => logger.error({ event: 'bus.listener_failed', name: event, message: error instanceof Error ? error.message : String(error) }, `a listener for ${event} failed`),
  });
  const source = loadMarketSource(plan.dataPath, config.market_data.instrument, config.market_data.synth_spread_bps);
  const lock = acquireInstanceLock(plan.dataDir, plan.mode, { command: `engine run --mode ${plan.mode} --data-dir ${plan.dataDir}, run ${plan.manifest.run_id}` });
  const closers: (() => Promise<void> | void)[] = [() => lock.release()];
  try {
    return await compose({ req, config, configPath, configSource, plan, source, logger, bus, closers, env, alerts });
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

interface Parts {
  readonly req: RunRequest;
  readonly config: EngineConfig;
  readonly configPath: string;
  readonly configSource: ConfigSource;
  readonly plan: SessionPlan;
  readonly source: MarketSource;
  readonly logger: Logger;
  readonly bus: EventBus;
  readonly closers: (() => Promise<void> | void)[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly alerts: ReturnType<typeof alertConfigFromEnv>;
}

async function compose(p: Parts): Promise<RunResult> {
  const { req, config, plan, source, logger, bus, closers } = p;
  const clock = new ManualClock(source.events[0]!.ts);
  const rules = await openRules(config, req.cwd, plan.mode, logger, bus);
  closers.push(() => rules.close());
  // Paper, backtest and dry-run books survive a process crash (WAL, synchronous NORMAL); only live pays for power-loss safety.
  const ledger = openLedger({
    dataDir: plan.dataDir, mode: plan.mode, clock, synchronous: plan.mode === 'live' ? 'FULL' : 'NORMAL', transitionGuard: (f, t) => void transition(f, t),
    allowLiveFile: plan.allowLiveDatabase,
  });
  closers.push(() => ledger.close());
  if (plan.allowLiveDatabase && warnLiveFile(ledger, plan.mode, logger)) {
    // On the live books, also hold the live engine's lock where the file really lives (through a symlink too):
    // a live engine running there refuses this start, and one started later is refused.
    const liveLock = acquireInstanceLock(dirname(realpathSync(ledger.path)), 'live', { command: `engine run --mode ${plan.mode} --allow-live-database` });
    closers.push(() => liveLock.release());
  }
  const key: RunKey = { db: ledger.db, mode: plan.mode, runId: plan.manifest.run_id };
  const existing = ledger.runs.get(key.runId);
  if (!existing) refuseIfAhead(ledger, source, plan);
  const doneThrough = existing ? (lastMarkMs(key) ?? existing.startedAtMs) : null;
  if (doneThrough !== null) clock.set(doneThrough);
  const venue = await createPlugin(venueRef(config, p.configSource), plan, clock, logger);
  closers.push(() => venue.close());
  await venue.connect();
  await checkListed(venue, config);
  const strategies: StrategySlot[] = [];
  for (const [i, ref] of strategyRefs(config, p.configSource).entries()) {
    strategies.push({ name: ref.name, instruments: config.strategies[i]!.instruments, strategy: await createPlugin(ref, plan, clock, logger) });
  }
  if (existing && existing.endedAtMs !== null) {
    return finishRun({ key, ledger, plan, logger, reason: 'already_complete', ended: true, candidates: 0, events: 0 });
  }
  if (existing) ledger.resumeRun(key.runId);
  else ledger.startRun({ runId: key.runId, configHash: createHash('sha256').update(readFileSync(p.configPath)).digest('hex').slice(0, 16), ruleSetVersion: rules.current().version });
  writeRunManifest(plan.runDir, plan.manifest);
  return trade({ ...p, clock, rules, ledger, key, venue, strategies, doneThrough, resumed: existing !== undefined });
}

interface Trading extends Parts {
  readonly clock: ManualClock;
  readonly rules: Rules;
  readonly ledger: Ledger;
  readonly key: RunKey;
  readonly venue: Venue;
  readonly strategies: readonly StrategySlot[];
  readonly doneThrough: number | null;
  readonly resumed: boolean;
}

async function trade(t: Trading): Promise<RunResult> {
  const { req, config, plan, logger, bus, clock, rules, ledger, key, venue, strategies } = t;
  const baseGate = ruleSetGate(() => rules.current(), { clock, evaluator: config.evaluator });
  const gate = req.wrapGate ? req.wrapGate(baseGate) : baseGate;
  const historyBars = Math.max(1, ...strategies.map((s) => s.strategy.warmupBars + 1));
  const market = new MarketView({ clock, staleAfterMs: config.market_data.stale_after_ms, volatileReturnBps: config.market_data.volatile_return_bps, historyBars });
  const instruments = [...new Set(t.source.events.map((e) => e.instrument))];
  const runtime = new SessionRuntime({
    mode: plan.mode, runId: key.runId, dataDir: plan.dataDir, config, clock, wallClock: systemClock, ledger, venue, market, instruments, bus, logger,
    ruleSetVersion: () => rules.current().version, cooldownOf: (id) => rules.current().byId.get(id)?.cooldownMs, signal: req.signal,
  });
  t.closers.push(() => runtime.dispose());
  const speed = req.speed ?? parseSpeed(String(config.session.speed));
  // Listening first: a port in use refuses the start before any order moves, and startup reconciliation is announced.
  const services = await startSessionServices({
    mode: plan.mode, config, httpPort: req.httpPort, speed, barMs: barMsOf(t.source), ledger, runtime, mark: market.mark,
    bus, logger, clock, wallClock: systemClock, env: t.env, alerts: t.alerts,
  });
  t.closers.push(() => services.close());
  const manager = new OrderManager({ ledger, venue, gate, clock, sleep: realSleep });
  const startup = await manager.start();
  runtime.tail.poll();
  logger.info({
    event: t.resumed ? 'session.resumed' : 'session.started', run_dir: plan.runDir, data_dir: plan.dataDir, market_data: plan.dataPath,
    rule_set: rules.current().version, resumed_after: t.doneThrough, seed: plan.seed, http: services.url,
    reconcile: { changes: startup.changes.length, fills: startup.fills.applied, mismatches: startup.mismatches, breaker_tripped: startup.breakerTripped },
  }, t.resumed ? 'session resumed' : 'session started');
  const split = splitAtResume(t.source.events, t.doneThrough, 2 * historyBars * instruments.length);
  for (const e of split.history) market.observe(e);
  const startedAt = ledger.runs.require(key.runId).startedAtMs;
  const stopAfterMs = plan.durationS === null ? undefined : startedAt + plan.durationS * 1000;
  const session = new Session({
    mode: plan.mode, clock, ledger, venue, manager, gate, state: runtime.state, market, strategies, logger, bus,
    exits: { offsetBps: config.session.exit_offset_bps, ttlMs: config.session.exit_ttl_s * 1000 },
    ...(stopAfterMs !== undefined ? { stopAfterMs } : {}),
    windDown: { wallClock: systemClock, sleep: realSleep },
    afterStep: () => runtime.afterStep(),
    onAccepted: (signal, result) => runtime.assertions.accepted(signal, result),
  });
  runtime.attach(session);
  const pending = stopAfterMs === undefined ? split.pending : split.pending.filter((e) => e.endTs <= stopAfterMs);
  return drive(t, { runtime, session, manager, market, events: split.pending, counted: pending.length, speed });
}

interface Driven {
  readonly runtime: SessionRuntime;
  readonly session: Session;
  readonly manager: OrderManager;
  readonly market: MarketView;
  readonly events: readonly MarketEvent[];
  readonly counted: number;
  readonly speed: ReplaySpeed;
}

/** Runs the loop over the pending events with the runtime started, then closes the runtime and finishes the run. */
async function drive(t: Trading, d: Driven): Promise<RunResult> {
  const { req, config, plan, logger, ledger, key, venue } = t;
  const { runtime, session } = d;
  const progress = typeof req.progress === 'function' ? req.progress(config.session.progress_every_ms) : req.progress;
  progress?.start(d.counted);
  const paced = replay(d.events, { speed: d.speed, clock: systemClock, sleep: realSleep, signal: runtime.signal });
  const events = handOver(paced, (e) => runtime.observed(e.instrument), () => {
    progress?.update(() => ({ ...session.progress(), trades: countRunFills(key) }));
  });
  runtime.start();
  let raw: Awaited<ReturnType<Session['run']>>;
  try {
    raw = await session.run(events, runtime.signal);
    progress?.stop();
  } finally {
    await runtime.close();
  }
  const reason = runtime.reasonOf(raw);
  const done = session.progress();
  return finishRun({
    key, ledger, plan, logger, reason, ended: reason !== 'signal' && reason !== 'failed', candidates: done.candidates, events: done.events,
    windDown: { orders: ledger.orders, venue, manager: d.manager, wallClock: systemClock, sleep: realSleep }, mark: d.market.mark,
  });
}
