/**
 * Facts about a gzip file read without decompressing all of it: its uncompressed size (the
 * trailer's ISIZE) and its first decompressed bytes.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

/**
 * Uncompressed size from the gzip trailer (exact below 4 GiB, modulo 2^32 above; a truncated file
 * gives garbage, which callers clamp). Rejects with the file system's error.
 */
export async function gzipUncompressedSize(path: string): Promise<number> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size < 18) return 0;
    const trailer = Buffer.alloc(4);
    await file.read(trailer, 0, 4, size - 4);
    return trailer.readUInt32LE(0);
  } finally {
    await file.close();
  }
}

/** The start of a gzip file's text. */
export interface GzipHead {
  /** Decompressed text, cut after its last complete line unless it is the whole file. */
  text: string;
  /** True when `text` is the whole file. */
  complete: boolean;
  /** Why decompression stopped early (truncated, corrupt), after `text`; null otherwise. */
  damage: Error | null;
}

/** The longest first line {@link gzipHead} reads past `maxBytes` for. */
export const MAX_HEAD_LINE_BYTES = 256 * 1024 * 1024;

/**
 * About `maxBytes` of decompressed text from the start of `path`: at least one complete line
 * however long (a capture's first line, a whole-book snapshot, can be larger than `maxBytes`), up
 * to {@link MAX_HEAD_LINE_BYTES}. A file damaged after its first bytes resolves with what came
 * before the damage; rejects with the file system's or zlib's error when nothing could be read
 * (missing, unreadable, not gzip). O(bytes read): the chunks are joined once.
 */
export async function gzipHead(path: string, maxBytes: number): Promise<GzipHead> {
  const gunzip = createGunzip();
  const file = createReadStream(path);
  file.on('error', (error) => gunzip.destroy(error));
  file.pipe(gunzip);
  const parts: Buffer[] = [];
  let length = 0;
  let complete = true;
  let damage: Error | null = null;
  let lineEnded = false;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      parts.push(chunk);
      length += chunk.length;
      lineEnded ||= chunk.includes(0x0a);
      if ((length >= maxBytes && lineEnded) || length >= MAX_HEAD_LINE_BYTES) {
        complete = false;
        break;
      }
    }
  } catch (error) {
    if (length === 0) throw error;
    complete = false;
    damage = error instanceof Error ? error : new Error(String(error));
  } finally {
    file.destroy();
    gunzip.destroy();
  }
  const text = Buffer.concat(parts, length).toString('utf8');
  return { text: complete ? text : text.slice(0, text.lastIndexOf('\n') + 1), complete, damage };
}
