/**
 * The book window the host sends: grouped rows per side, best first (price, size, cumulative),
 * kept in typed arrays and patched in place by row diffs.
 */
import { BOOK_STRIDE, type BookWindow, type BookWindowDiff, type SidesDiff } from '../../src/engine/protocol';

export class BookSideRows {
  count = 0;
  /** BOOK_STRIDE numbers per row, best first. */
  rows = new Float64Array(64 * BOOK_STRIDE);

  price(r: number): number {
    return this.rows[r * BOOK_STRIDE]!;
  }
  size(r: number): number {
    return this.rows[r * BOOK_STRIDE + 1]!;
  }
  cumulative(r: number): number {
    return this.rows[r * BOOK_STRIDE + 2]!;
  }

  /** The whole side. O(rows). */
  replace(packed: Float64Array): void {
    this.ensure(packed.length / BOOK_STRIDE);
    this.rows.set(packed);
    this.count = packed.length / BOOK_STRIDE;
  }

  /** (index, price, size, cumulative) changes, then truncate or extend to `count`. O(changes). */
  patch(changes: Float64Array, count: number): void {
    this.ensure(count);
    for (let i = 0; i < changes.length; i += BOOK_STRIDE + 1) {
      const at = changes[i]! * BOOK_STRIDE;
      this.rows[at] = changes[i + 1]!;
      this.rows[at + 1] = changes[i + 2]!;
      this.rows[at + 2] = changes[i + 3]!;
    }
    this.count = count;
  }

  private ensure(rows: number): void {
    if (rows * BOOK_STRIDE <= this.rows.length) return;
    const next = new Float64Array(Math.max(rows, (this.rows.length / BOOK_STRIDE) * 2) * BOOK_STRIDE);
    next.set(this.rows);
    this.rows = next;
  }
}

export class BookModel {
  /** The ladder's rows (grouped at more than one tick per row). */
  readonly bids = new BookSideRows();
  readonly asks = new BookSideRows();
  /** The raw levels nearest the touch while grouped; at one tick per row the rows are the levels. */
  private readonly rawBids = new BookSideRows();
  private readonly rawAsks = new BookSideRows();
  private grouped = false;
  ticksPerRow = 1;
  /** False while the host's book resyncs: nothing here may be shown as the exchange's book. */
  valid = false;
  /** Increases on every change; views compare it with the version they drew. */
  version = 0;

  reset(window: BookWindow): void {
    this.ticksPerRow = window.ticksPerRow;
    this.valid = window.valid;
    this.bids.replace(window.bids);
    this.asks.replace(window.asks);
    this.grouped = window.raw !== null;
    if (window.raw !== null) {
      this.rawBids.replace(window.raw.bids);
      this.rawAsks.replace(window.raw.asks);
    }
    this.version++;
  }

  apply(diff: BookWindowDiff): void {
    this.ticksPerRow = diff.ticksPerRow;
    this.valid = diff.valid;
    applySides(diff, this.bids, this.asks);
    this.grouped = diff.raw !== null;
    if (diff.raw !== null) applySides(diff.raw, this.rawBids, this.rawAsks);
    this.version++;
  }

  /** The book's own levels, best first, whatever the grouping: spreads and impacts come from these. */
  levels(isBid: boolean): BookSideRows {
    if (isBid) return this.grouped ? this.rawBids : this.bids;
    return this.grouped ? this.rawAsks : this.asks;
  }

  /** Best bid and ask (the book's, not a grouped row's edge), NaN when a side is empty or the book is not valid. */
  bestBid(): number {
    const levels = this.levels(true);
    return this.valid && levels.count > 0 ? levels.price(0) : NaN;
  }
  bestAsk(): number {
    const levels = this.levels(false);
    return this.valid && levels.count > 0 ? levels.price(0) : NaN;
  }
}

function applySides(diff: SidesDiff, bids: BookSideRows, asks: BookSideRows): void {
  if (diff.mode === 'full') {
    bids.replace(diff.bids);
    asks.replace(diff.asks);
  } else {
    bids.patch(diff.bids, diff.bidCount);
    asks.patch(diff.asks, diff.askCount);
  }
}
