// Strict JSON for request bodies: a key given twice is refused (`{"kill_level":"pause","kill_level":"none"}` must not quietly mean none).

export type StrictJsonResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/** Keys that would reach an object's prototype if a later step ever copied the body naively. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Walks text that JSON.parse has already accepted, so only strings, nesting and the `:` after a key
 * matter: a string followed by `:` is a key of the object on top of the stack.
 */
function keyProblem(text: string): string | null {
  const stack: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{') stack.push(new Set());
    else if (ch === '[') stack.push(null);
    else if (ch === '}' || ch === ']') stack.pop();
    else if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const raw = text.slice(i, j + 1);
      i = j;
      let k = j + 1;
      while (k < text.length && /\s/.test(text[k]!)) k++;
      const keys = stack.at(-1);
      if (text[k] !== ':' || !keys) continue;
      const key = JSON.parse(raw) as string;
      if (keys.has(key)) return `the key "${key}" is given more than once`;
      if (FORBIDDEN_KEYS.has(key)) return `the key "${key}" is not allowed`;
      keys.add(key);
    }
  }
  return null;
}

export function parseStrictJson(text: string): StrictJsonResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `the body is not valid JSON: ${(error as Error).message}` };
  }
  const problem = keyProblem(text);
  return problem === null ? { ok: true, value } : { ok: false, message: problem };
}
