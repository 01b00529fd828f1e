/**
 * Tells a recording's format from its first bytes, not its name: gzip (the raw Binance capture
 * format), an SQLite database (the order-flow schema), or cryptofeed's text capture lines.
 */
import { open } from 'node:fs/promises';
import { describeOwner, liveOwner } from '../recorder/staleSqliteLock';
import { regularFileProblem } from '../regularFile';
import { isCryptofeedLine } from './cryptofeedOkxSource';
import { ReplayOpenError } from './replaySource';

export type ReplayFormat = 'binance-capture' | 'order-flow-db' | 'okx-cryptofeed';

const HEAD_BYTES = 64 * 1024;
const SQLITE_HEADER = 'SQLite format 3\u0000';

/**
 * The format of `path`. Rejects with {@link ReplayOpenError} naming the file when it cannot be
 * read, is not a regular file (a FIFO, a device, a directory: refused before it is opened, which
 * for a FIFO would block), or is none of the formats. Reads the first 64 KiB.
 */
export async function detectReplayFormat(path: string): Promise<ReplayFormat> {
  let head: Buffer;
  try {
    const notFile = await regularFileProblem(path);
    if (notFile !== null) throw new ReplayOpenError(path, notFile);
    // A recording still being written is incomplete, and a replay would get in its way (a
    // database replay holds the file's lock while it reads).
    const recorder = liveOwner(path, null, 'recorder');
    if (recorder !== null) throw new ReplayOpenError(path, `is being recorded by ${describeOwner(recorder)}: stop that recording, then replay the file`);
    const file = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await file.read(buffer, 0, HEAD_BYTES, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch (error) {
    if (error instanceof ReplayOpenError) throw error;
    throw new ReplayOpenError(path, `cannot read the recording (${error instanceof Error ? error.message : String(error)})`);
  }
  if (head.length === 0) throw new ReplayOpenError(path, 'the file is empty');
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'binance-capture';
  if (head.subarray(0, SQLITE_HEADER.length).toString('latin1') === SQLITE_HEADER) return 'order-flow-db';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) {
    throw new ReplayOpenError(path, 'zstd-compressed: decompress it first (zstd -d) and replay the result');
  }
  const text = head.toString('utf8');
  const firstLine = text.split('\n').find((line) => line.trim() !== '') ?? '';
  if (isCryptofeedLine(firstLine.replace(/\r$/, ''))) return 'okx-cryptofeed';
  const excerpt = JSON.stringify(firstLine.slice(0, 60));
  throw new ReplayOpenError(
    path,
    `not a recording this can replay: expected a gzip capture, an order-flow SQLite database or a cryptofeed OKX capture (it starts ${excerpt})`,
  );
}
