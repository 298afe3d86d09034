// The shape of a rule: as an operator writes it in YAML, and as the engine holds it once validated.
import type { Action, AppliesTo, Mode } from '../types.ts';

export type Literal = number | string | boolean | readonly string[] | readonly number[];
export type ParamType = 'number' | 'integer' | 'boolean' | 'string' | 'string[]';

/** A rule parameter: a named, typed limit an operator tunes without touching conditions. */
export interface ParamSpec {
  readonly type: ParamType;
  readonly value: Literal;
  readonly description: string;
  readonly unit?: string;
  readonly min?: number;
  readonly max?: number;
}

/** The right-hand side of a condition as written: a literal, a parameter, or another fact. */
export type ValueRef = Literal | { readonly param: string } | { readonly fact: string };

export interface ConditionLeaf {
  readonly fact: string;
  readonly operator: string;
  readonly value: ValueRef;
}

export type ConditionNode =
  | { readonly all: readonly ConditionNode[] }
  | { readonly any: readonly ConditionNode[] }
  | { readonly not: ConditionNode }
  | ConditionLeaf;

export interface RuleFilters {
  readonly modes?: readonly Mode[];
  readonly venues?: readonly string[];
  readonly instruments?: readonly string[];
  readonly strategies?: readonly string[];
}

/** A rule exactly as the YAML holds it (after structural validation). */
export interface RuleSource {
  readonly id: string;
  readonly description: string;
  readonly applies_to: readonly AppliesTo[];
  readonly action: Action;
  readonly when: ConditionNode;
  readonly params?: Readonly<Record<string, ParamSpec>>;
  readonly message: string;
  readonly enabled?: boolean;
  readonly filters?: RuleFilters;
  /** Optional: after an automatic pause, trading may resume by itself after this many ms. */
  readonly cooldown_ms?: number;
}

/** A resolved right-hand side: parameters are substituted at load, facts stay references. */
export type ResolvedValue =
  | { readonly kind: 'literal'; readonly value: Literal; readonly param?: string }
  | { readonly kind: 'fact'; readonly path: string };

export interface ResolvedLeaf {
  readonly fact: string;
  readonly operator: string;
  readonly value: ResolvedValue;
}

export type ResolvedNode =
  | { readonly all: readonly ResolvedNode[] }
  | { readonly any: readonly ResolvedNode[] }
  | { readonly not: ResolvedNode }
  | ResolvedLeaf;

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** A validated rule, ready to evaluate. */
export interface ResolvedRule {
  readonly id: string;
  readonly description: string;
  readonly appliesTo: readonly AppliesTo[];
  readonly action: Action;
  readonly when: ResolvedNode;
  readonly params: Readonly<Record<string, ParamSpec>>;
  readonly message: string;
  readonly enabled: boolean;
  readonly filters: RuleFilters;
  readonly cooldownMs?: number;
  /** Every fact path the conditions read, in first-use order. */
  readonly factsRead: readonly string[];
  readonly source: SourceLocation;
}

export function isLeaf(node: ConditionNode | ResolvedNode): node is ConditionLeaf | ResolvedLeaf {
  return 'fact' in node && 'operator' in node;
}
