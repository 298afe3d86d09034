// JSON pointers (RFC 6901) into operator files; the root is written `/` so a problem about the whole file still reads as a place.

/** The pointer to a whole document. `''` is accepted everywhere as the same thing. */
export const ROOT_POINTER = '/';

/** Splits `/rules/3/when` into `['rules', '3', 'when']`; the root gives `[]`. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '' || pointer === ROOT_POINTER) return [];
  const body = pointer.startsWith('/') ? pointer.slice(1) : pointer;
  return body.split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Appends segments to a pointer, escaping `~` and `/` inside keys. */
export function joinPointer(base: string, ...segments: readonly (string | number)[]): string {
  const head = base === ROOT_POINTER ? '' : base;
  const tail = segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  return head + tail || ROOT_POINTER;
}

/** ajv reports the root as `''`; problems say `/`. */
export function normalizePointer(pointer: string): string {
  return pointer === '' ? ROOT_POINTER : pointer;
}
