/**
 * Recordings are read only from regular files. A FIFO blocks the open until a writer comes (for
 * ever, in a replay), a device such as /dev/zero never ends, a directory cannot be read: each is
 * refused at once, by `stat`, which never blocks.
 */
import { statSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';

/** Why `stats` is not a file a recording can be read from, or null when it is one. */
export function notRegularFileReason(stats: Stats): string | null {
  if (stats.isFile()) return null;
  if (stats.isDirectory()) return 'is a directory, not a recording file';
  if (stats.isFIFO()) return 'is a FIFO (named pipe), not a regular file: reading it would wait for a writer; copy the data to a file first';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'is a device, not a regular file: it has no end to replay to';
  if (stats.isSocket()) return 'is a socket, not a regular file';
  return 'is not a regular file';
}

/** A regular file at `path`: why not (`<reason>`), or null. Rejects with the file system's error. */
export async function regularFileProblem(path: string): Promise<string | null> {
  return notRegularFileReason(await stat(path));
}

/** As {@link regularFileProblem}, synchronously. Throws the file system's error. */
export function regularFileProblemSync(path: string): string | null {
  return notRegularFileReason(statSync(path));
}
