// A full garbage collection on demand, so memory figures are what is held, not garbage not yet collected.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Node's own gc when started with --expose-gc, else one obtained by setting the flag now (works on Node 20, though Node calls late flag changes unsupported). */
export function collectGarbage(): void {
  if (global.gc) {
    global.gc();
    return;
  }
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
