// `npm run bench [-- NAME...]`: runs each benchmark, prints its table and targets, writes bench/results/<name>.json.
import { backtestThroughputBench } from './backtest-throughput.ts';
import { gateLatencyBench } from './gate-latency.ts';
import { httpLatencyBench } from './http-latency.ts';
import { killSwitchLatencyBench } from './kill-switch-latency.ts';
import { longRunBench } from './long-run.ts';
import { ordersThroughputBench } from './orders-throughput.ts';
import { paperVenuePersistenceBench } from './paper-venue-persistence.ts';
import { reloadLatencyBench } from './reload-latency.ts';
import { validateRulesBench } from './validate-rules.ts';
import type { Bench } from './bench-api.ts';
import { formatResult, machineInfo, writeResult } from './report.ts';

const BENCHES: readonly Bench[] = [gateLatencyBench, reloadLatencyBench, validateRulesBench, httpLatencyBench, killSwitchLatencyBench, backtestThroughputBench, ordersThroughputBench, longRunBench, paperVenuePersistenceBench];

const RESULTS_DIR = new URL('./results', import.meta.url).pathname;

async function main(names: readonly string[]): Promise<number> {
  const unknown = names.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length > 0) {
    console.error(`unknown bench ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
    return 2;
  }
  const chosen = names.length > 0 ? BENCHES.filter((b) => names.includes(b.name)) : BENCHES;
  const machine = machineInfo(new Date());
  console.log(`node ${machine.node}, ${machine.cpu_model}, ${machine.cores} cores, load average ${machine.load_average_1m}, ${machine.date}\n`);
  let failed = 0;
  for (const bench of chosen) {
    const result = await bench.run();
    console.log(`${formatResult(result)}\n`);
    const path = await writeResult(RESULTS_DIR, result, machine);
    console.log(`wrote ${path}\n`);
    failed += result.targets.filter((t) => !t.pass).length;
  }
  if (failed > 0) console.log(`${failed} target(s) FAILED`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
