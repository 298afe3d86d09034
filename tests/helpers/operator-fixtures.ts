// Test helper: temporary folders of operator files (rules, configs) and small rule texts to break on purpose.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder under the system temp dir holding `files` (name -> text or bytes); `cleanup` removes it. */
export function tempFolder(files: Readonly<Record<string, string | Uint8Array>> = {}): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tradegate-h1-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RuleTextOptions {
  readonly id?: string;
  readonly appliesTo?: string;
  readonly action?: string;
  readonly fact?: string;
  readonly operator?: string;
  /** YAML for the right-hand side, e.g. `{ param: max_usd }` or `"100"`. */
  readonly value?: string;
  readonly params?: string;
  readonly message?: string;
}

/**
 * One rule in block style, one key per line, so tests can name exact positions: `id` is on line 3, `applies_to`
 * line 5, `action` line 6, the leaf's `fact` line 9, `operator` line 10, `value` line 11, `params` from line 12.
 */
export function ruleText(o: RuleTextOptions = {}): string {
  return `# yaml-language-server: $schema=../schemas/rule-file.schema.json
rules:
  - id: ${o.id ?? 'max-position-usd'}
    description: Cap the dollar value of any one position.
    applies_to: ${o.appliesTo ?? '[entry]'}
    action: ${o.action ?? 'reject'}
    when:
      all:
        - fact: ${o.fact ?? 'position.after_fill_notional_usd'}
          operator: ${o.operator ?? 'greaterThan'}
          value: ${o.value ?? '{ param: max_usd }'}
    params:
${o.params ?? '      max_usd: { type: number, value: 100, unit: usd, description: "Largest position value allowed, in USD.", min: 0 }'}
    message: "${o.message ?? 'position would be {{position.after_fill_notional_usd}} USD, over the {{max_usd}} USD cap'}"
`;
}
