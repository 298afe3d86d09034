// Plugin load failures as Problems (file, place, code, message) and as the one TradegateError a failed load throws.
import { type ErrorCode, formatProblem, type Problem, TradegateError } from '../errors.ts';
import { ROOT_POINTER } from '../config/json-pointer.ts';

/** Where in a file: 1-based; 0:0 when the problem is the whole file (it is missing, or will not import). */
export interface FilePosition {
  readonly line: number;
  readonly col: number;
}

export const WHOLE_FILE: FilePosition = { line: 0, col: 0 };

export function pluginProblem(
  code: ErrorCode,
  file: string,
  message: string,
  at: FilePosition = WHOLE_FILE,
  pointer: string = ROOT_POINTER,
): Problem {
  return { code, file, line: at.line, col: at.col, pointer, message };
}

/** One error for a failed load: the first problem's code, every problem in the message and in `details.problems`. */
export function pluginLoadError(problems: readonly Problem[]): TradegateError {
  const first = problems[0];
  if (!first) throw new RangeError('pluginLoadError needs at least one problem');
  const text = problems.map(formatProblem).join('\n');
  return new TradegateError(first.code, `plugin failed to load:\n${text}`, { problems });
}
