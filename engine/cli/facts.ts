// `engine facts`: lists the fact catalog (path, type, unit, description), or prints one complete example snapshot.
import { type Command, Option } from 'commander';
import { exampleSnapshot, FACT_CATALOG, type FactSpec } from '../rules/fact-catalog.ts';
import { EXIT } from './command.ts';
import type { CommandModule } from './command.ts';

export interface FactsOptions {
  readonly example?: boolean;
  readonly format: 'text' | 'json';
}

function describe(spec: FactSpec): string {
  return spec.enum ? `${spec.description} One of: ${spec.enum.join(', ')}.` : spec.description;
}

function table(specs: readonly FactSpec[]): string {
  const header = ['PATH', 'TYPE', 'UNIT', 'DESCRIPTION'] as const;
  const rows = specs.map((s) => [s.path, s.type, s.unit || '-', describe(s)] as const);
  const width = (i: number): number => Math.max(header[i]!.length, ...rows.map((r) => r[i]!.length));
  const line = (r: readonly string[]): string => `${r[0]!.padEnd(width(0))}  ${r[1]!.padEnd(width(1))}  ${r[2]!.padEnd(width(2))}  ${r[3]}`;
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** The text the command prints; the example is JSON whatever the format, since it is meant to be saved and edited. */
export function runFacts(o: FactsOptions): { exitCode: number; stdout: string } {
  if (o.example) return { exitCode: EXIT.ok, stdout: `${JSON.stringify(exampleSnapshot(), null, 2)}\n` };
  const specs = [...FACT_CATALOG.values()];
  if (o.format === 'json') {
    const rows = specs.map(({ path, type, unit, description, enum: values, example }) => ({ path, type, unit, description, ...(values ? { enum: values } : {}), example }));
    return { exitCode: EXIT.ok, stdout: `${JSON.stringify(rows, null, 2)}\n` };
  }
  return { exitCode: EXIT.ok, stdout: table(specs) };
}

export const factsCommand: CommandModule = {
  register(program: Command): void {
    program
      .command('facts')
      .description('List every fact a rule may read, with its type, unit and meaning.')
      .option('--example', 'print one complete fact snapshot (JSON, nested by namespace) that the default rules allow')
      .addOption(new Option('--format <format>', 'output format of the list').choices(['text', 'json']).default('text'))
      .action((opts: FactsOptions) => {
        const out = runFacts(opts);
        process.stdout.write(out.stdout);
        process.exitCode = out.exitCode;
      });
  },
};
