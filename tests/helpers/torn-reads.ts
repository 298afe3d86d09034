// Test helper: file system calls that land an in-place save in the middle of a read, the torn read the read guard must catch.
import { type FileStamp, nodeFileIo, type TextFileIo } from '../../engine/config/read-text-file.ts';

/** A stamp of the same file taken earlier, while a save had written only `size` bytes of it. */
function earlier(stamp: FileStamp, size: number): FileStamp {
  return { dev: stamp.dev, ino: stamp.ino, size: BigInt(size), mtimeNs: stamp.mtimeNs - 1_000_000n, ctimeNs: stamp.ctimeNs - 1_000_000n, isFile: () => stamp.isFile() };
}

/**
 * The real file system, except that a read of a file for which `partial` returns a text sees only that text: the
 * part an in-place save (truncate, then write) had written when the read began. The stamp taken after the read is
 * the real one, as if the save finished meanwhile. Nothing on disk changes, so no watcher event gives the tear away:
 * only the read guard can.
 */
export function tearingIo(partial: (path: string) => string | undefined): { io: TextFileIo; tears: () => number } {
  let tears = 0;
  const io: TextFileIo = {
    stat: (path) => nodeFileIo.stat(path),
    async open(path) {
      const real = await nodeFileIo.open(path);
      const text = partial(path);
      if (text === undefined) return real;
      tears++;
      const bytes = Buffer.from(text, 'utf8');
      let position = 0;
      let stats = 0;
      return {
        stat: async () => {
          const stamp = await real.stat();
          return ++stats === 1 ? earlier(stamp, bytes.length) : stamp;
        },
        read: async (buffer, offset, length) => {
          const n = Math.min(length, bytes.length - position);
          bytes.copy(buffer, offset, position, position + n);
          position += n;
          return { bytesRead: n };
        },
        close: () => real.close(),
      };
    },
  };
  return { io, tears: () => tears };
}
