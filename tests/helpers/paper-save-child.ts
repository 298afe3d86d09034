// A child process holding a real save of the paper venue's state midway: its temp file written, not yet renamed, until a byte arrives on stdin.
import { readSync } from 'node:fs';
import { writeStateAtomic } from '../../plugins/venues/paper/state-file.ts';

const [path, text] = process.argv.slice(2) as [string, string];

function say(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ ...line, pid: process.pid })}\n`);
}

/** Serialising is the save's step between creating the temp file and renaming it: the hold goes there. */
const held = {
  toJSON(): unknown {
    say({ holding: true });
    // A blocking read: the save stays half done, in this process's stack, until the parent lets it go on.
    readSync(0, Buffer.alloc(1), 0, 1, null);
    return JSON.parse(text) as unknown;
  },
};

try {
  writeStateAtomic(path, held, true);
  say({ saved: true });
} catch (error) {
  const e = error as NodeJS.ErrnoException;
  say({ saved: false, code: e.code ?? null, message: e.message });
  process.exitCode = 1;
}
