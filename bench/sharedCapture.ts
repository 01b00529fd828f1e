/**
 * The real spot BTCUSDT capture (shared/data/binance/spot, 0808 then 0809: one continuous stream),
 * decompressed into memory once so that no contender's time includes gunzip or file reads.
 * The data sits beside the checkout (`../shared/data`); `npm run bench` runs from the repo root.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const SPOT_CAPTURE_FILES = ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'] as const;

export interface CaptureLines {
  /** Raw capture lines, `<local_receive_ns> <raw JSON>`, in file order, empty lines dropped. */
  lines: string[];
  /** Decompressed size of both files in characters (the captures are ASCII: bytes). */
  bytes: number;
}

/** Absolute path of a file under `../shared/data`. Throws a clear error when it is absent. */
export function sharedDataFile(relative: string): string {
  const path = resolve(process.cwd(), '..', 'shared', 'data', relative);
  if (!existsSync(path)) throw new Error(`the benchmark needs ${path} (the shared captures beside the checkout; run from the repo root)`);
  return path;
}

/** Reads and decompresses the files, in order, into lines. O(bytes); allocates the lines. */
export function loadCaptureLines(relatives: readonly string[] = SPOT_CAPTURE_FILES): CaptureLines {
  const lines: string[] = [];
  let bytes = 0;
  for (const relative of relatives) {
    const text = gunzipSync(readFileSync(sharedDataFile(relative))).toString('utf8');
    bytes += text.length;
    for (const line of text.split('\n')) {
      const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (trimmed.length > 0) lines.push(trimmed);
    }
  }
  return { lines, bytes };
}
