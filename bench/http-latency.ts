// HTTP latency: /health and POST /api/controls on the real server over loopback, loaded from a second process (20 connections x 2,000 requests).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventBus } from '../engine/bus.ts';
import { systemClock } from '../engine/clock.ts';
import { openLedger } from '../engine/ledger/ledger.ts';
import type { EngineStatus } from '../engine/observe/engine-status.ts';
import { createLogger } from '../engine/observe/logger.ts';
import { EngineMetrics } from '../engine/observe/metrics.ts';
import { ControlsService } from '../engine/runtime/controls.ts';
import { createHttpServer } from '../engine/server/http.ts';
import { type Bench, type BenchResult, type Target, target } from './bench-api.ts';
import type { LoadPlan, LoadScenario, ScenarioResult } from './http-load-client.ts';
import { round, summarize } from './stats.ts';

/** Load shape: 20 concurrent keep-alive connections x 2,000 requests per route; one change at a time for the operator's case. */
export const HTTP_BENCH_PLAN = { requests: 2_000, concurrency: 20, warmup: 200, singleRequests: 300 } as const;

/**
 * Budgets from what the numbers serve, not from this machine: the kill switch is in force within 2 s (R6.2),
 * so one controls change answers well inside it; the watchdog polls /health with a timeout of seconds.
 */
const LIMITS = { healthP99Ms: 250, healthMinPerS: 500, controlsSingleP99Ms: 250, controlsLoadP99Ms: 1_000 } as const;

const HEALTH = 'GET /health';
const CONTROLS_ONE = 'POST /api/controls, 1 at a time';
const CONTROLS_LOAD = 'POST /api/controls';
const BAD_TOKEN = 'POST /api/controls, bad token';

const { requests, concurrency, singleRequests } = HTTP_BENCH_PLAN;
// Alternating levels: every authorized request is a real change, written to SQLite with its history row.
const CHANGES = ['{"kill_level":"pause"}', '{"kill_level":"none"}'];

const SCENARIOS: readonly LoadScenario[] = [
  { name: HEALTH, method: 'GET', path: '/health', expectStatus: 200, requests, concurrency },
  { name: CONTROLS_ONE, method: 'POST', path: '/api/controls', bodies: CHANGES, auth: true, expectStatus: 200, requests: singleRequests, concurrency: 1 },
  { name: CONTROLS_LOAD, method: 'POST', path: '/api/controls', bodies: CHANGES, auth: true, expectStatus: 200, requests, concurrency },
  { name: BAD_TOKEN, method: 'POST', path: '/api/controls', bodies: [CHANGES[0]!], wrongAuth: true, expectStatus: 401, requests, concurrency },
];

function staticStatus(): EngineStatus {
  return {
    mode: 'paper',
    runId: 'bench',
    startedAtMs: systemClock.now(),
    balanceUsd: 10_000,
    equityUsd: 10_000,
    sessionPnlUsd: 0,
    drawdownFraction: 0,
    // The heartbeat is "now" at every read: the bench times the server, not a runner.
    get heartbeatAtMs() {
      return systemClock.now();
    },
    ruleSetVersion: 'bench',
    feeds: [{ feed: 'replay', instrument: 'BTC-USD', ageMs: 100, stale: false, reconnects: 0 }],
    assertions: [{ name: 'heartbeat', ok: true, message: null }],
    rateLimiters: [],
  };
}

/** Runs the load client in a child process and reads its results from stdout. */
function runLoad(plan: LoadPlan, token: string): Promise<ScenarioResult[]> {
  const client = fileURLToPath(new URL('./http-load-client.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), client, JSON.stringify(plan)], {
    env: { ...process.env, TRADEGATE_BENCH_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`load client exited with code ${code}`));
      else resolve(JSON.parse(out) as ScenarioResult[]);
    });
  });
}

async function run(): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'tradegate-bench-http-'));
  const token = randomBytes(24).toString('hex');
  const ledger = openLedger({ mode: 'paper', dataDir: dir, clock: systemClock });
  const bus = new EventBus();
  const logger = createLogger({ destination: { write: () => true }, env: {} });
  const controls = new ControlsService({
    repository: ledger.controls,
    transaction: (fn) => ledger.transaction(fn),
    clock: systemClock,
    defaults: { killLevel: 'none', tradingMode: 'paper', maxPositionUsd: null, maxSessionLossUsd: null, allowedInstruments: ['BTC-USD'], allowedStrategies: ['canary'] },
    logger,
    bus,
  });
  const status = staticStatus();
  const server = createHttpServer(
    { ledger, status: { status: () => status }, controls, bus, metrics: new EngineMetrics(), clock: systemClock, logger, env: { TRADEGATE_API_TOKEN: token } },
    { port: 0 },
  );
  try {
    const url = await server.start();
    const results = await runLoad({ url, warmup: HTTP_BENCH_PLAN.warmup, scenarios: SCENARIOS }, token);
    return report(results, ledger.controls.history('kill_level').length);
  } finally {
    await server.stop();
    ledger.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function ms(us: number): number {
  return round(us / 1000, 2);
}

/** The targets each scenario answers to. */
function targetsOf(r: ScenarioResult, p99Ms: number, perS: number): Target[] {
  const out = [target(`${r.name}: unexpected answers`, r.errors, 'max', 0, 'requests')];
  if (r.name === HEALTH) {
    out.push(target(`${HEALTH} p99 at ${r.concurrency} concurrent`, p99Ms, 'max', LIMITS.healthP99Ms, 'ms'));
    out.push(target(`${HEALTH} throughput`, perS, 'min', LIMITS.healthMinPerS, 'req/s'));
  }
  if (r.name === CONTROLS_ONE) out.push(target(`${CONTROLS_ONE} p99`, p99Ms, 'max', LIMITS.controlsSingleP99Ms, 'ms'));
  if (r.name === CONTROLS_LOAD) out.push(target(`${CONTROLS_LOAD} p99 at ${r.concurrency} concurrent`, p99Ms, 'max', LIMITS.controlsLoadP99Ms, 'ms'));
  return out;
}

function report(results: readonly ScenarioResult[], recordedChanges: number): BenchResult {
  const rows: (string | number)[][] = [];
  const metrics: Record<string, number> = { recorded_control_changes: recordedChanges };
  const targets: Target[] = [];
  for (const r of results) {
    const s = summarize(r.samplesNs);
    const perS = Math.round(r.samplesNs.length / (r.wallNs / 1e9));
    const key = r.name.replace(/[^a-z0-9]+/gi, '_').replace(/^_|_$/g, '').toLowerCase();
    rows.push([r.name, r.concurrency, s.samples, ms(s.p50_us), ms(s.p99_us), ms(s.max_us), perS, r.errors]);
    Object.assign(metrics, { [`${key}_p50_ms`]: ms(s.p50_us), [`${key}_p99_ms`]: ms(s.p99_us), [`${key}_per_s`]: perS, [`${key}_errors`]: r.errors });
    targets.push(...targetsOf(r, ms(s.p99_us), perS));
  }
  return {
    name: 'http-latency',
    description: 'the engine HTTP server under load from a second process on loopback (keep-alive connections)',
    table: { columns: ['route', 'concurrent', 'requests', 'p50 ms', 'p99 ms', 'max ms', 'req/s', 'errors'], rows },
    metrics,
    targets,
    notes: [
      'latency is client-side (request written to response read); both processes share the machine, so its load shows in the figures',
      'each authorized controls request is a real change (pause/none alternating), validated and committed to SQLite (synchronous=FULL) with its history row: under concurrent load they queue behind one fsync each',
    ],
  };
}

export const httpLatencyBench: Bench = { name: 'http-latency', run };
