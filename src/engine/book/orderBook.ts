import { LevelList } from '../events';
import { BookSide, type ExternalLevel } from './bookSide';
import type { PriceGrid } from './priceGrid';
import { isPrice, isSize } from './levelValidity';

/** Why the book refused an input. */
export const BookReject = {
  Ok: 0,
  BadNumber: 1,
  EmptySnapshot: 2,
  UnsortedSnapshot: 3,
  CrossedSnapshot: 4,
} as const;
export type BookReject = (typeof BookReject)[keyof typeof BookReject];

export const BOOK_REJECT_REASON: Record<BookReject, string> = {
  0: 'ok',
  1: 'price or size is not a finite non-negative number (price must be > 0)',
  2: 'snapshot has no levels',
  3: 'snapshot levels are not strictly sorted best-first',
  4: 'snapshot is crossed (best bid >= best ask)',
};

/** Levels in display order (index 0 = best) with the cumulative size from the best. Caller-owned. */
export class LevelRows {
  prices: Float64Array;
  sizes: Float64Array;
  cumulative: Float64Array;
  count = 0;

  constructor(readonly capacity: number) {
    this.prices = new Float64Array(capacity);
    this.sizes = new Float64Array(capacity);
    this.cumulative = new Float64Array(capacity);
  }
}

/** Result of walking the book for a market order of a given quantity. Caller-owned. */
export class ImpactResult {
  /** Quantity the book could fill (less than asked when the book is too thin). */
  filled = 0;
  /** Volume-weighted average fill price; NaN when nothing filled. */
  averagePrice = NaN;
  /** Price of the last level touched. */
  worstPrice = NaN;
  /** Cost of the average price relative to the best price on that side, in basis points (>= 0). */
  slippageBps = NaN;
  /** Levels consumed. */
  levels = 0;
}

/** Changed levels (new size; 0 = removed) recorded by `syncFrom`, per side. Caller-owned. */
export class BookChanges {
  readonly bids = new LevelList(256);
  readonly asks = new LevelList(256);
  clear(): void {
    this.bids.count = 0;
    this.asks.count = 0;
  }
}


/** An order book in typed arrays. No method throws; bad input is refused and counted. */
export class OrderBook {
  readonly bids: BookSide;
  readonly asks: BookSide;
  /** Inputs refused since creation (bad numbers, bad snapshots). */
  rejected = 0;

  constructor(capacity = 1024) {
    this.bids = new BookSide(true, capacity);
    this.asks = new BookSide(false, capacity);
  }

  side(isBid: boolean): BookSide {
    return isBid ? this.bids : this.asks;
  }

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  /**
   * Replaces the book with a snapshot given best-first per side (bids descending, asks
   * ascending, as exchanges send them). Levels of size 0 are skipped. On refusal the book is left
   * unchanged. O(n); allocates only to grow capacity.
   */
  applySnapshot(bids: LevelList, asks: LevelList): BookReject {
    const reason = this.checkSnapshot(bids, asks);
    if (reason !== BookReject.Ok) {
      this.rejected++;
      return reason;
    }
    this.loadSide(this.bids, bids);
    this.loadSide(this.asks, asks);
    return BookReject.Ok;
  }

  /**
   * Sets one level (size 0 deletes; deleting an absent level is a no-op). Bad numbers are
   * refused and counted. O(log n + distance from the touch); no allocation unless growing.
   */
  applyLevel(isBid: boolean, price: number, size: number): BookReject {
    if (!isPrice(price) || !isSize(size)) {
      this.rejected++;
      return BookReject.BadNumber;
    }
    (isBid ? this.bids : this.asks).set(price, size);
    return BookReject.Ok;
  }

  /**
   * Mirrors an external book (ccxt's `book.bids` / `book.asks`: best-first rows of
   * `[price, size]`) and records exactly which levels changed into `changes` (new size, 0 for
   * removed). Rows with bad numbers are skipped and counted. O(n + m) merge walk; no allocation
   * unless growing.
   */
  syncFrom(externalBids: ArrayLike<ExternalLevel>, externalAsks: ArrayLike<ExternalLevel>, changes: BookChanges): void {
    changes.clear();
    this.rejected += this.bids.mirror(externalBids, changes.bids);
    this.rejected += this.asks.mirror(externalAsks, changes.asks);
  }

  bestBid(): number {
    return this.bids.bestPrice();
  }
  bestAsk(): number {
    return this.asks.bestPrice();
  }
  /** Mid price; NaN when either side is empty. O(1). */
  mid(): number {
    return (this.bids.bestPrice() + this.asks.bestPrice()) / 2;
  }
  /** Best ask minus best bid; NaN when either side is empty. O(1). */
  spread(): number {
    return this.asks.bestPrice() - this.bids.bestPrice();
  }
  /** True when the best bid is at or above the best ask. O(1). */
  isCrossed(): boolean {
    return this.bids.count > 0 && this.asks.count > 0 && this.bids.bestPrice() >= this.asks.bestPrice();
  }

  /** Writes the best `n` levels of a side, best first, into `out` (no cumulative sizes). O(n). */
  top(isBid: boolean, n: number, out: LevelRows): number {
    const side = isBid ? this.bids : this.asks;
    const rows = Math.min(n, side.count, out.capacity);
    let cumulative = 0;
    for (let r = 0; r < rows; r++) {
      const i = side.count - 1 - r;
      const size = side.sizes[i]!;
      cumulative += size;
      out.prices[r] = side.prices[i]!;
      out.sizes[r] = size;
      out.cumulative[r] = cumulative;
    }
    out.count = rows;
    return rows;
  }

  /**
   * Groups the best `levels` levels of a side (all by default) into buckets of `ticksPerRow`
   * ticks (bids rounded down, asks rounded up), best bucket first, at most `out.capacity` rows,
   * with cumulative sizes from the best. O(levels visited); no allocation.
   */
  group(isBid: boolean, grid: PriceGrid, ticksPerRow: number, out: LevelRows, levels = Infinity): number {
    const side = isBid ? this.bids : this.asks;
    const stop = Math.max(0, side.count - levels);
    let rows = 0;
    let cumulative = 0;
    let bucket = NaN;
    for (let i = side.count - 1; i >= stop; i--) {
      const price = side.prices[i]!;
      const b = isBid ? grid.floorToBucket(price, ticksPerRow) : grid.ceilToBucket(price, ticksPerRow);
      const size = side.sizes[i]!;
      if (b !== bucket) {
        if (rows === out.capacity) break;
        bucket = b;
        out.prices[rows] = b;
        out.sizes[rows] = 0;
        rows++;
      }
      out.sizes[rows - 1] = out.sizes[rows - 1]! + size;
      cumulative += size;
      out.cumulative[rows - 1] = cumulative;
    }
    out.count = rows;
    return rows;
  }

  /**
   * Number of levels on a side, from the best, within ±`percent`% of the mid price.
   * Binary search: O(log n); 0 when the mid is undefined.
   */
  levelsWithinPercent(isBid: boolean, percent: number): number {
    const mid = this.mid();
    if (!(mid > 0)) return 0;
    return isBid
      ? this.bids.countNoWorseThan(mid * (1 - percent / 100))
      : this.asks.countNoWorseThan(mid * (1 + percent / 100));
  }

  /** Sum of the sizes of the best `n` levels of a side. O(n). */
  depth(isBid: boolean, n: number): number {
    const side = isBid ? this.bids : this.asks;
    const stop = Math.max(0, side.count - n);
    let total = 0;
    for (let i = side.count - 1; i >= stop; i--) total += side.sizes[i]!;
    return total;
  }

  /**
   * Walks the book to fill a market order of `quantity`: a buy consumes asks, a sell bids.
   * Slippage is measured against the best price of the side consumed. O(levels consumed).
   */
  impact(isBuy: boolean, quantity: number, out: ImpactResult): ImpactResult {
    const side = isBuy ? this.asks : this.bids;
    out.filled = 0;
    out.averagePrice = NaN;
    out.worstPrice = NaN;
    out.slippageBps = NaN;
    out.levels = 0;
    if (!(quantity > 0) || side.count === 0) return out;
    // Accumulate the excess over the best price rather than the raw cost: the average is then
    // exactly the best price for a one-level fill and never on the wrong side of it.
    const best = side.bestPrice();
    let remaining = quantity;
    let excess = 0;
    for (let i = side.count - 1; i >= 0 && remaining > 0; i--) {
      const price = side.prices[i]!;
      const take = Math.min(remaining, side.sizes[i]!);
      excess += take * (isBuy ? price - best : best - price);
      remaining -= take;
      out.worstPrice = price;
      out.levels++;
    }
    out.filled = quantity - Math.max(0, remaining);
    const perUnit = excess / out.filled;
    out.averagePrice = isBuy ? best + perUnit : best - perUnit;
    out.slippageBps = (perUnit / best) * 1e4;
    return out;
  }

  private checkSnapshot(bids: LevelList, asks: LevelList): BookReject {
    if (bids.count + asks.count === 0) return BookReject.EmptySnapshot;
    const bidReason = checkBestFirst(bids, true);
    if (bidReason !== BookReject.Ok) return bidReason;
    const askReason = checkBestFirst(asks, false);
    if (askReason !== BookReject.Ok) return askReason;
    if (bids.count > 0 && asks.count > 0 && bids.prices[0]! >= asks.prices[0]!) return BookReject.CrossedSnapshot;
    return BookReject.Ok;
  }

  private loadSide(side: BookSide, bestFirst: LevelList): void {
    side.ensureCapacity(bestFirst.count);
    let n = 0;
    // Stored worst-first, best at the end.
    for (let i = bestFirst.count - 1; i >= 0; i--) {
      const size = bestFirst.sizes[i]!;
      if (size === 0) continue;
      side.prices[n] = bestFirst.prices[i]!;
      side.sizes[n] = size;
      n++;
    }
    side.count = n;
  }
}

/** Snapshot side check: valid numbers, strictly best-first (bids descending, asks ascending). O(n). */
function checkBestFirst(list: LevelList, isBid: boolean): BookReject {
  for (let i = 0; i < list.count; i++) {
    const p = list.prices[i]!;
    if (!isPrice(p) || !isSize(list.sizes[i]!)) return BookReject.BadNumber;
    if (i > 0 && (isBid ? p >= list.prices[i - 1]! : p <= list.prices[i - 1]!)) return BookReject.UnsortedSnapshot;
  }
  return BookReject.Ok;
}
