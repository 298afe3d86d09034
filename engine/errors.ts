// The error catalog: every failure has a stable code and a kind that says what happens next.

/**
 * - `config`: an operator must fix a file or a flag; nothing runs until they do.
 * - `deny`: this order or decision is refused; the engine keeps running.
 * - `retry`: transient; the same call may succeed later.
 * - `halt`: stop taking risk now; an operator must look.
 */
export type ErrorKind = 'config' | 'deny' | 'retry' | 'halt';

interface ErrorSpec {
  readonly kind: ErrorKind;
  readonly summary: string;
}

export const ERRORS = {
  // Reading operator files.
  RULES_DIR_NOT_FOUND: { kind: 'config', summary: 'the rules folder does not exist or is not a folder' },
  RULES_DIR_EMPTY: { kind: 'config', summary: 'the rules folder holds no rule files; with no rules nothing is guarded' },
  FILE_UNREADABLE: { kind: 'config', summary: 'the file could not be read' },
  FILE_TOO_LARGE: { kind: 'config', summary: 'the file is larger than an operator file may be' },
  FILE_NOT_TEXT: { kind: 'config', summary: 'the file is not UTF-8 text' },
  FILE_EMPTY: { kind: 'config', summary: 'the file holds no document' },
  YAML_SYNTAX: { kind: 'config', summary: 'the file is not valid YAML' },
  YAML_DUPLICATE_KEY: { kind: 'config', summary: 'a key appears twice in one map' },
  YAML_ALIAS_LIMIT: { kind: 'config', summary: 'the file expands too many aliases (a YAML bomb)' },
  YAML_MULTIPLE_DOCUMENTS: { kind: 'config', summary: 'an operator file holds exactly one YAML document' },
  // Structural validation (JSON Schema).
  SCHEMA_UNKNOWN_KEY: { kind: 'config', summary: 'a key the schema does not define (a typo is never ignored)' },
  SCHEMA_REQUIRED: { kind: 'config', summary: 'a required key is missing' },
  SCHEMA_TYPE: { kind: 'config', summary: 'a value has the wrong type' },
  SCHEMA_ENUM: { kind: 'config', summary: 'a value is not one of the allowed choices' },
  SCHEMA_PATTERN: { kind: 'config', summary: 'a value does not have the required form' },
  SCHEMA_RANGE: { kind: 'config', summary: 'a value is outside its allowed range or length' },
  SCHEMA_INVALID: { kind: 'config', summary: 'a value does not match the schema' },
  // Rule semantics.
  RULE_DUPLICATE_ID: { kind: 'config', summary: 'two rules share one id' },
  RULE_UNKNOWN_FACT: { kind: 'config', summary: 'a condition reads a fact the catalog does not define' },
  RULE_UNKNOWN_OPERATOR: { kind: 'config', summary: 'a condition uses an operator the engine does not define' },
  RULE_UNKNOWN_PARAM: { kind: 'config', summary: 'a condition or message names a parameter the rule does not declare' },
  RULE_UNUSED_PARAM: { kind: 'config', summary: 'a declared parameter is read by no condition (often a misspelt limit)' },
  RULE_TYPE_MISMATCH: { kind: 'config', summary: 'an operator, fact and value do not agree in type' },
  RULE_PARAM_OUT_OF_RANGE: { kind: 'config', summary: 'a parameter value is outside the range it declares' },
  RULE_ACTION_NOT_ALLOWED: { kind: 'config', summary: 'the action cannot be taken at the moment the rule applies to' },
  RULE_UNKNOWN_PLACEHOLDER: { kind: 'config', summary: 'a message placeholder names no parameter and no fact the rule reads' },
  RULE_CASE_UNKNOWN_RULE: { kind: 'config', summary: 'a rule test case names a rule id that no rule file defines' },
  RULE_CASE_FAILED: { kind: 'config', summary: 'a rule test case expected a different decision' },
  CONFIG_INVALID: { kind: 'config', summary: 'the engine configuration is not valid' },
  USAGE: { kind: 'config', summary: 'the command was called with missing or unknown arguments' },
  // Decisions: the gate fails closed on each of these.
  FACT_MISSING: { kind: 'deny', summary: 'a fact a rule reads is absent from the snapshot' },
  FACT_NOT_FINITE: { kind: 'deny', summary: 'a numeric fact is NaN, Infinity or not a number' },
  FACT_WRONG_TYPE: { kind: 'deny', summary: 'a fact has a different type than the catalog declares' },
  FACT_UNKNOWN: { kind: 'deny', summary: 'the snapshot carries a fact the catalog does not define' },
  EVALUATION_FAILED: { kind: 'deny', summary: 'rule evaluation threw; the decision fails closed' },
  RULE_SET_UNAVAILABLE: { kind: 'halt', summary: 'no valid rule set is loaded; nothing may trade' },
  RULES_RELOAD_FAILED: { kind: 'config', summary: 'an edited rule set was refused; the last good set stays in force' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export function kindOf(code: ErrorCode): ErrorKind {
  return ERRORS[code].kind;
}

/** An error as data: thrown across boundaries, printed with its code, never as a bare stack. */
export class TradegateError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'TradegateError';
    this.code = code;
    this.kind = ERRORS[code].kind;
    this.details = details;
  }
}

/** One problem found in an operator file, located precisely enough to jump to it. */
export interface Problem {
  readonly code: ErrorCode;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** JSON pointer into the document (`/rules/3/when/all/0/fact`). */
  readonly pointer: string;
  readonly ruleId?: string;
  readonly message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}  ${p.code}  ${p.message}`;
}
