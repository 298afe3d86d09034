// Test helper: temporary rules folders on the real file system, rule file texts, and the ways editors save them.
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuleSet } from '../../engine/rules/load-rules.ts';

/** A rules folder under the system temp dir, holding `files` (name -> text). */
export async function makeRulesDir(files: Readonly<Record<string, string>>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tradegate-rules-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export interface RuleFolders {
  /** A rules folder holding `files`, removed by removeAll(). */
  make(files: Readonly<Record<string, string>>): Promise<string>;
  /** Another folder to remove with the rest. */
  track(dir: string): void;
  removeAll(): Promise<void>;
}

/** Rules folders a test file makes, all removed in one call (from afterEach or afterAll). */
export function ruleFolders(): RuleFolders {
  const dirs: string[] = [];
  return {
    async make(files) {
      const dir = await makeRulesDir(files);
      dirs.push(dir);
      return dir;
    },
    track: (dir) => void dirs.push(dir),
    async removeAll() {
      for (const dir of dirs.splice(0)) await removeDir(dir);
    },
  };
}

/** The version `files` load to on their own, in a folder of their own; throws when they do not load. */
export async function versionOf(files: Readonly<Record<string, string>>): Promise<string> {
  const dir = await makeRulesDir(files);
  try {
    const result = await loadRuleSet(dir);
    if (!result.ok) throw new Error(`fixture does not load: ${JSON.stringify(result.problems, null, 2)}`);
    return result.ruleSet.version;
  } finally {
    await removeDir(dir);
  }
}

/** Saves like most editors do by default: truncate the file and write it again. */
export async function saveInPlace(path: string, text: string): Promise<void> {
  await writeFile(path, text);
}

/** Saves like an editor with atomic saves: write a temp file beside it, then rename it over the original. */
export async function saveByRename(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp`;
  await writeFile(temp, text);
  await rename(temp, path);
}

export interface PositionCapOptions {
  readonly maxUsd: number;
  /** A comment line: changes the bytes but not the rules. */
  readonly note?: string;
  readonly extraParam?: boolean;
}

/** One rule, max-position-usd, rejecting entries whose position would exceed `maxUsd`. */
export function positionCapFile(options: PositionCapOptions): string {
  const extra = options.extraParam
    ? `      min_usd:\n        type: number\n        value: 0\n        description: Smallest position considered.\n`
    : '';
  const extraCondition = options.extraParam
    ? `        - fact: position.after_fill_notional_usd\n          operator: greaterThanInclusive\n          value: { param: min_usd }\n`
    : '';
  return `# ${options.note ?? 'position cap'}
rules:
  - id: max-position-usd
    description: Caps the dollar value of one position after the order fills.
    applies_to: [entry]
    action: reject
    params:
      max_usd:
        type: number
        value: ${options.maxUsd}
        unit: usd
        description: Largest USD value one position may reach.
${extra}    when:
      all:
        - fact: position.after_fill_notional_usd
          operator: greaterThan
          value: { param: max_usd }
${extraCondition}    message: Position would be {{position.after_fill_notional_usd}} USD; the cap is {{max_usd}} USD.
`;
}

/** One rule, max-orders-per-cycle, in a second file so folders hold more than one. */
export function orderCapFile(maxOrders = 5, id = 'max-orders-per-cycle'): string {
  return `rules:
  - id: ${id}
    description: Caps how many orders one decision cycle sends.
    applies_to: [entry]
    action: reject
    params:
      max_orders:
        type: integer
        value: ${maxOrders}
        unit: count
        description: Most orders one cycle may send.
    when:
      all:
        - fact: activity.orders_this_cycle
          operator: greaterThanInclusive
          value: { param: max_orders }
    message: Already {{activity.orders_this_cycle}} orders this cycle; the cap is {{max_orders}}.
`;
}
