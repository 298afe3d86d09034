// The operators a condition may use: json-rules-engine's built-ins, each with the fact and value types it accepts.
import type { FactType } from './fact-catalog.ts';

export type ScalarType = 'number' | 'boolean' | 'string';

export interface OperatorSpec {
  readonly name: string;
  /** Fact types the operator accepts on its left side. */
  readonly factTypes: readonly FactType[];
  /** Given the fact's type, the type the right-hand value must have. */
  readonly valueType: (factType: FactType) => FactType | 'number[]';
  readonly description: string;
}

const same = (t: FactType): FactType => t;
const listOf = (t: FactType): FactType | 'number[]' => (t === 'number' ? 'number[]' : 'string[]');

export const OPERATORS: ReadonlyMap<string, OperatorSpec> = new Map(
  (
    [
      { name: 'equal', factTypes: ['number', 'boolean', 'string'], valueType: same, description: 'fact === value' },
      { name: 'notEqual', factTypes: ['number', 'boolean', 'string'], valueType: same, description: 'fact !== value' },
      { name: 'lessThan', factTypes: ['number'], valueType: same, description: 'fact < value' },
      { name: 'lessThanInclusive', factTypes: ['number'], valueType: same, description: 'fact <= value' },
      { name: 'greaterThan', factTypes: ['number'], valueType: same, description: 'fact > value' },
      { name: 'greaterThanInclusive', factTypes: ['number'], valueType: same, description: 'fact >= value' },
      { name: 'in', factTypes: ['number', 'string'], valueType: listOf, description: 'value (a list) includes fact' },
      { name: 'notIn', factTypes: ['number', 'string'], valueType: listOf, description: 'value (a list) does not include fact' },
      { name: 'contains', factTypes: ['string[]'], valueType: () => 'string', description: 'fact (a list) includes value' },
      { name: 'doesNotContain', factTypes: ['string[]'], valueType: () => 'string', description: 'fact (a list) does not include value' },
    ] satisfies OperatorSpec[]
  ).map((o) => [o.name, o]),
);

export const OPERATOR_NAMES: readonly string[] = [...OPERATORS.keys()];
