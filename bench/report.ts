// Prints a bench result as a table with PASS/FAIL targets and writes it to bench/results/<name>.json with machine info.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchResult, Table } from './bench-api.ts';

export interface MachineInfo {
  readonly node: string;
  readonly platform: string;
  readonly cpu_model: string;
  readonly cores: number;
  readonly memory_gb: number;
  /** Other work on the machine while the bench ran: figures from a busy machine read worse. */
  readonly load_average_1m: number;
  readonly date: string;
}

export function machineInfo(now: Date): MachineInfo {
  const list = cpus();
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu_model: list[0]?.model ?? 'unknown',
    cores: list.length,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    load_average_1m: Math.round(loadavg()[0]! * 100) / 100,
    date: now.toISOString(),
  };
}

export function formatTable(table: Table): string {
  const cells = [table.columns, ...table.rows].map((row) => row.map((c) => (typeof c === 'number' ? c.toLocaleString('en-US', { maximumFractionDigits: 3 }) : c)));
  const widths = table.columns.map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: readonly string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const [head, ...body] = cells;
  return [line(head!), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function formatResult(result: BenchResult): string {
  const out = [`## ${result.name}: ${result.description}`, '', formatTable(result.table)];
  if (result.targets.length > 0) {
    out.push('');
    for (const t of result.targets) {
      const op = t.kind === 'max' ? '<=' : '>=';
      out.push(`${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${t.value} ${t.unit} (target ${op} ${t.limit} ${t.unit})`);
    }
  }
  for (const note of result.notes) out.push(`note: ${note}`);
  return out.join('\n');
}

/** Written beside, then renamed: a bench killed halfway never leaves a torn results file. */
export async function writeResult(dir: string, result: BenchResult, machine: MachineInfo): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${result.name}.json`);
  const record = { name: result.name, description: result.description, machine, metrics: result.metrics, targets: result.targets, table: result.table, notes: result.notes };
  await writeFile(`${path}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
  return path;
}
