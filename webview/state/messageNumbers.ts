/**
 * The numeric checks `parseHostMessage` leaves to the receiver (it validates shapes, not every
 * number): a message whose numbers could corrupt the chart (unsorted times, NaN prices, row
 * indexes outside the window) is dropped whole, so the model is never left half-applied.
 * O(numbers in the message).
 */
import {
  BAR_STRIDE,
  BOOK_STRIDE,
  TRADE_STRIDE,
  type HostMessage,
  type SidesDiff,
  type IndicatorSeriesData,
} from '../../src/engine/protocol';

/** Why the message's numbers are unusable, or null when they are fine. */
export function checkMessageNumbers(message: HostMessage): string | null {
  if (message.type === 'pace' || message.type === 'openFailed' || message.type === 'alerts' || message.type === 'replay' || message.type === 'sound' || message.type === 'alertSound') return null; // numbers checked in full by parseHostMessage, or none
  const bars = checkBars(message.bars);
  if (bars !== null) return bars;
  const indicators = checkIndicators(message.indicators);
  if (indicators !== null) return indicators;
  if (message.type === 'init') {
    const { book } = message;
    return (
      checkRows(book.bids, BOOK_STRIDE, 0) ??
      checkRows(book.asks, BOOK_STRIDE, 0) ??
      (book.raw === null ? null : (checkRows(book.raw.bids, BOOK_STRIDE, 0) ?? checkRows(book.raw.asks, BOOK_STRIDE, 0))) ??
      checkTrades(message.trades)
    );
  }
  if (message.type === 'frame') {
    const { book } = message;
    return (book === null ? null : (checkDiff(book) ?? (book.raw === null ? null : checkDiff(book.raw)))) ?? checkTrades(message.trades);
  }
  return null;
}

function checkBars(bars: Float64Array): string | null {
  let previous = -Infinity;
  for (let i = 0; i < bars.length; i += BAR_STRIDE) {
    const t = bars[i]!;
    if (!Number.isFinite(t) || t <= previous) return `bar ${i / BAR_STRIDE}: time is not increasing`;
    previous = t;
    for (let f = 1; f < BAR_STRIDE; f++) if (!Number.isFinite(bars[i + f]!)) return `bar ${i / BAR_STRIDE}: field ${f} is not a number`;
    if (bars[i + 5]! < 0) return `bar ${i / BAR_STRIDE}: negative volume`;
  }
  return null;
}

function checkIndicators(list: readonly IndicatorSeriesData[]): string | null {
  for (const s of list) {
    let previous = -Infinity;
    for (const t of s.times) {
      if (!Number.isFinite(t) || t <= previous) return `indicator ${s.id}: time is not increasing`;
      previous = t;
    }
    // NaN marks warm-up; an infinity is a bug upstream.
    for (const v of s.values) if (v === Infinity || v === -Infinity) return `indicator ${s.id}: infinite value`;
  }
  return null;
}

/** Rows of (optional index,) price, size, cumulative: finite, price > 0, sizes >= 0. */
function checkRows(rows: Float64Array, stride: number, indexLimit: number): string | null {
  const offset = stride - BOOK_STRIDE;
  for (let i = 0; i < rows.length; i += stride) {
    if (offset === 1) {
      const index = rows[i]!;
      if (!Number.isInteger(index) || index < 0 || index >= indexLimit) return `book row index ${index} is outside the window`;
    }
    const price = rows[i + offset]!;
    const size = rows[i + offset + 1]!;
    const cumulative = rows[i + offset + 2]!;
    if (!(price > 0) || !Number.isFinite(price)) return `book row price ${price}`;
    if (!(size >= 0) || !Number.isFinite(size) || !(cumulative >= 0) || !Number.isFinite(cumulative)) return 'book row size is not a non-negative number';
  }
  return null;
}

function checkDiff(diff: SidesDiff): string | null {
  if (diff.bidCount < 0 || diff.askCount < 0) return 'negative book row count';
  if (diff.mode === 'full') {
    if (diff.bids.length / BOOK_STRIDE !== diff.bidCount || diff.asks.length / BOOK_STRIDE !== diff.askCount) return 'book row counts disagree with the rows';
    return checkRows(diff.bids, BOOK_STRIDE, 0) ?? checkRows(diff.asks, BOOK_STRIDE, 0);
  }
  return checkRows(diff.bids, BOOK_STRIDE + 1, diff.bidCount) ?? checkRows(diff.asks, BOOK_STRIDE + 1, diff.askCount);
}

function checkTrades(trades: Float64Array): string | null {
  for (let i = 0; i < trades.length; i += TRADE_STRIDE) {
    const side = trades[i + 3]!;
    if (!Number.isFinite(trades[i]!) || !(trades[i + 1]! > 0) || !(trades[i + 2]! >= 0) || (side !== 1 && side !== -1)) return `trade ${i / TRADE_STRIDE} is malformed`;
  }
  return null;
}
