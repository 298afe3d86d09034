// The load generator of bench/http-latency.ts, run as a separate process: fires a bounded number of requests at fixed concurrency, reports every latency.
import { Agent, request } from 'node:http';

export interface LoadScenario {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** Bodies used in turn, request i sends bodies[i % length]; none for GET. */
  readonly bodies?: readonly string[];
  /** Send the bearer token from TRADEGATE_BENCH_TOKEN. */
  readonly auth?: boolean;
  /** A wrong token instead, to time the refusal path. */
  readonly wrongAuth?: boolean;
  readonly expectStatus: number;
  /** Measured requests, and how many are in flight at once (each on its own keep-alive connection). */
  readonly requests: number;
  readonly concurrency: number;
}

export interface LoadPlan {
  readonly url: string;
  /** Unmeasured requests before each scenario: connections opened, code paths warm. */
  readonly warmup: number;
  readonly scenarios: readonly LoadScenario[];
}

export interface ScenarioResult {
  readonly name: string;
  readonly concurrency: number;
  readonly samplesNs: readonly number[];
  readonly wallNs: number;
  /** Answers other than the expected status, and failed requests. */
  readonly errors: number;
  readonly statuses: Readonly<Record<string, number>>;
}

function once(agent: Agent, plan: LoadPlan, s: LoadScenario, i: number, token: string): Promise<number> {
  const body = s.bodies && s.bodies.length > 0 ? s.bodies[i % s.bodies.length] : undefined;
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (s.auth) headers['authorization'] = `Bearer ${token}`;
  if (s.wrongAuth) headers['authorization'] = `Bearer ${token.split('').reverse().join('')}`;
  return new Promise((resolve) => {
    const req = request(`${plan.url}${s.path}`, { method: s.method, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

async function runScenario(plan: LoadPlan, s: LoadScenario, token: string): Promise<ScenarioResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: s.concurrency });
  const statuses: Record<string, number> = {};
  const samplesNs: number[] = [];
  let errors = 0;
  const drive = async (total: number, record: boolean) => {
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const i = next++;
        const start = process.hrtime.bigint();
        const status = await once(agent, plan, s, i, token);
        const ns = Number(process.hrtime.bigint() - start);
        if (!record) continue;
        samplesNs.push(ns);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status !== s.expectStatus) errors++;
      }
    };
    await Promise.all(Array.from({ length: s.concurrency }, worker));
  };
  await drive(plan.warmup, false);
  const start = process.hrtime.bigint();
  await drive(s.requests, true);
  const wallNs = Number(process.hrtime.bigint() - start);
  agent.destroy();
  return { name: s.name, concurrency: s.concurrency, samplesNs, wallNs, errors, statuses };
}

async function main(): Promise<void> {
  const plan = JSON.parse(process.argv[2] ?? '') as LoadPlan;
  const token = process.env['TRADEGATE_BENCH_TOKEN'] ?? '';
  const results: ScenarioResult[] = [];
  for (const s of plan.scenarios) results.push(await runScenario(plan, s, token));
  process.stdout.write(JSON.stringify(results));
}

// Run only as the child process; the parent imports nothing but types from here.
await main();
