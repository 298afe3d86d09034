// Time to validate the default rules (read, parse, schema, semantics, build the RuleSet): cold in fresh processes, warm in this one.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadRuleSet } from '../engine/rules/load-rules.ts';
import type { Bench, BenchResult } from './bench-api.ts';
import { RULES_DIR } from './gate-latency.ts';
import { quantile, round } from './stats.ts';

const COLD_RUNS = 5;
const WARM_RUNS = 100;
const WARMUP = 10;

const run$ = promisify(execFile);

interface Cold {
  readonly ok: boolean;
  readonly import_ms: number;
  readonly first_load_ms: number;
}

/** A fresh node with tsx per run: module loading, schema compilation and JIT all start from nothing. */
async function coldRun(): Promise<Cold> {
  const script = new URL('./validate-cold.ts', import.meta.url).pathname;
  const { stdout } = await run$(process.execPath, ['--import', 'tsx', script, RULES_DIR], { encoding: 'utf8' });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Cold;
}

function stats(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: round(quantile(sorted, 0.5), 2), p99: round(quantile(sorted, 0.99), 2), max: round(sorted[sorted.length - 1]!, 2) };
}

async function run(): Promise<BenchResult> {
  const cold: Cold[] = [];
  for (let i = 0; i < COLD_RUNS; i++) cold.push(await coldRun());
  if (cold.some((c) => !c.ok)) throw new Error('the default rules do not validate');
  const warm: number[] = [];
  let rules = 0;
  for (let i = 0; i < WARMUP + WARM_RUNS; i++) {
    const start = process.hrtime.bigint();
    const result = await loadRuleSet(RULES_DIR);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (!result.ok) throw new Error('the default rules do not validate');
    rules = result.ruleSet.rules.length;
    if (i >= WARMUP) warm.push(ms);
  }
  const coldLoad = stats(cold.map((c) => c.first_load_ms));
  const coldImport = stats(cold.map((c) => c.import_ms));
  const w = stats(warm);
  return {
    name: 'validate-rules',
    description: `load and validate the default rule set (${rules} rules) from rules/`,
    table: {
      columns: ['phase', 'runs', 'p50 ms', 'p99 ms', 'max ms'],
      rows: [
        ['cold: import the loader', COLD_RUNS, coldImport.p50, coldImport.p99, coldImport.max],
        ['cold: first validation', COLD_RUNS, coldLoad.p50, coldLoad.p99, coldLoad.max],
        ['warm validation', WARM_RUNS, w.p50, w.p99, w.max],
      ],
    },
    metrics: {
      rules,
      cold_runs: COLD_RUNS,
      cold_import_p50_ms: coldImport.p50,
      cold_first_load_p50_ms: coldLoad.p50,
      cold_first_load_max_ms: coldLoad.max,
      warm_runs: WARM_RUNS,
      warm_p50_ms: w.p50,
      warm_p99_ms: w.p99,
    },
    targets: [],
    notes: ['cold runs are fresh processes (node --import tsx); the import includes transpiling the engine sources'],
  };
}

export const validateRulesBench: Bench = { name: 'validate-rules', run };
