/**
 * A recording's book gap: where the live book stopped being the exchange's (a sequence gap, a
 * checksum failure, a dropped stream) until the next snapshot. A replay makes its book unshowable
 * there too, so the heatmap shows the gap instead of drawing the stale book through it.
 *
 * - Raw capture (`*.gz`): a line `<receive_ns> {"orderscope":{"bookResync":{"E":<exchange ms>}}}`,
 *   the next book line being a snapshot. Like the metadata line (`recordedMarketFacts.ts`) it keeps
 *   the `<receive_ns> <JSON>` shape, so a reader that skips unknown messages (an older Orderscope)
 *   reads the file as before; `CaptureReader` turns it into an `EventKind.BookResync` event.
 * - Order-flow database (`*.db`): a row of the optional `orderscope_book_gaps` table.
 *
 * Recordings without them (older ones, other tools') replay as before.
 */

/** How the gap line's JSON starts (after `<receive_ns> `). */
export const BOOK_GAP_PREFIX = '{"orderscope":{"bookResync":';

/** The gap line's JSON for a gap from exchange time `timeMs` (no receive time, no newline). */
export function bookGapJson(timeMs: number): string {
  return `${BOOK_GAP_PREFIX}{"E":${Math.round(timeMs)}}}}`;
}

/** Does `text` hold a gap line's JSON at `start`? O(prefix). */
export function isBookGap(text: string, start: number): boolean {
  return text.startsWith(BOOK_GAP_PREFIX, start);
}

/** The exchange time of the gap line's JSON in `text[start, end)`, NaN when unreadable. O(length). */
export function bookGapTime(text: string, start: number, end: number): number {
  try {
    const parsed = JSON.parse(text.slice(start, end)) as { orderscope?: { bookResync?: { E?: unknown } } };
    const time = parsed.orderscope?.bookResync?.E;
    return typeof time === 'number' && Number.isFinite(time) ? time : NaN;
  } catch {
    return NaN;
  }
}
