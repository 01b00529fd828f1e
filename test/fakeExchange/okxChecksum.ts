/**
 * OKX order-book checksum: CRC32 of the best 25 bids and asks interleaved as
 * `bidPx:bidSz:askPx:askSz:...` (a missing side's entries are skipped), as a signed 32-bit int.
 * The price and size strings are used exactly as the exchange wrote them.
 */
import { crc32 } from 'node:zlib';
import type { LevelRow } from './levelBook';

const CHECKSUM_DEPTH = 25;

/** Checksum of a book given best-first rows. O(25), allocates the joined string. */
export function okxChecksum(bids: readonly LevelRow[], asks: readonly LevelRow[]): number {
  const parts: string[] = [];
  for (let i = 0; i < CHECKSUM_DEPTH; i++) {
    if (i < bids.length) parts.push(bids[i][0], bids[i][1]);
    if (i < asks.length) parts.push(asks[i][0], asks[i][1]);
  }
  return crc32(parts.join(':')) | 0;
}
