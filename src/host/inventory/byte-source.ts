import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Random access to the bytes of a database file without loading it whole (rpm databases reach
 * hundreds of MB; the agent runs under a memory budget). Readers ask for exact ranges; a range
 * past the end is an error, never a short read.
 */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Buffer;
}

export class TruncatedError extends Error {}

function check(size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new TruncatedError(`read of ${length} bytes at offset ${offset} is past the end of the file (${size} bytes)`);
  }
}

/** A source over bytes already in memory (unit tests, small files). */
export function bufferSource(buf: Buffer): ByteSource {
  return {
    size: buf.length,
    read(offset, length) {
      check(buf.length, offset, length);
      return buf.subarray(offset, offset + length);
    },
  };
}

/** Opens `file` read-only, hands a source over it to `fn`, and always closes it. */
export function withFileSource<T>(file: string, fn: (src: ByteSource) => T): T {
  // O_NONBLOCK: a FIFO planted where the database should be must not block the open.
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error('not a regular file');
    const size = st.size;
    return fn({
      size,
      read(offset, length) {
        check(size, offset, length);
        const out = Buffer.allocUnsafe(length);
        let done = 0;
        while (done < length) {
          const n = readSync(fd, out, done, length - done, offset + done);
          if (n === 0) throw new TruncatedError(`file ended at offset ${offset + done} (it shrank while being read)`);
          done += n;
        }
        return out;
      },
    });
  } finally {
    closeSync(fd);
  }
}
