// Renders a rule's message template: {{param}} from the rule's parameters, {{ns.fact}} from the facts it read; values are inserted as plain text.
import type { ResolvedRule } from '../rules/rule.ts';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)?)\s*\}\}/g;

/** Plain decimal notation: no exponent, no grouping, so a limit reads the way an operator wrote it. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const s = String(n);
  if (!s.includes('e')) return s;
  return n.toLocaleString('en-US', { useGrouping: false, maximumSignificantDigits: 21 });
}

/** A value as text. Lists are comma-separated; anything that is not a fact value is shown by its kind only. */
export function formatValue(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' || typeof v === 'number' ? formatValue(v) : '?')).join(', ');
  if (value === null) return 'null';
  return value === undefined ? '?' : `(${typeof value})`;
}

/**
 * One pass over the template: a value that itself contains `{{...}}` is not expanded again,
 * and nothing is ever evaluated. A placeholder that names no parameter and no given fact is
 * left as written (the loader refuses such templates; this only keeps a hand-built rule readable).
 */
export function renderMessage(rule: Pick<ResolvedRule, 'message' | 'params'>, facts: Readonly<Record<string, unknown>>): string {
  return rule.message.replace(PLACEHOLDER, (whole: string, name: string) => {
    if (name.includes('.')) return Object.hasOwn(facts, name) ? formatValue(facts[name]) : whole;
    return Object.hasOwn(rule.params, name) ? formatValue(rule.params[name]!.value) : whole;
  });
}
