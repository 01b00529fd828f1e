/**
 * One side of an order book: prices and sizes in parallel Float64Arrays, sorted so that the
 * BEST price is at the END (bids ascending, asks descending). Inserts and deletes happen mostly
 * near the touch, so keeping the touch at the end makes them shift only a few elements.
 */
import type { LevelList } from '../events';
import { isPrice, isSize } from './levelValidity';

/** What `set` did to the side. */
export const LevelChange = { None: 0, Insert: 1, Update: 2, Delete: 3 } as const;
export type LevelChange = (typeof LevelChange)[keyof typeof LevelChange];

/** A row of an external book: `[price, size, ...]` (ccxt's shape). */
export type ExternalLevel = ArrayLike<number>;

export class BookSide {
  prices: Float64Array;
  sizes: Float64Array;
  count = 0;
  /** Second buffer for `mirror`, swapped with the live one (double buffering). */
  private sparePrices: Float64Array;
  private spareSizes: Float64Array;

  /** @param isBid bids: best = highest price; asks: best = lowest price. */
  constructor(
    readonly isBid: boolean,
    capacity = 1024,
  ) {
    this.prices = new Float64Array(capacity);
    this.sizes = new Float64Array(capacity);
    this.sparePrices = new Float64Array(capacity);
    this.spareSizes = new Float64Array(capacity);
  }

  /** Removes every level. O(1). */
  clear(): void {
    this.count = 0;
  }

  /** Best price, NaN when the side is empty. O(1). */
  bestPrice(): number {
    return this.count > 0 ? this.prices[this.count - 1]! : NaN;
  }

  /** Size at the best price, NaN when empty. O(1). */
  bestSize(): number {
    return this.count > 0 ? this.sizes[this.count - 1]! : NaN;
  }

  /** True when `a` is a better price than `b` on this side. O(1). */
  isBetter(a: number, b: number): boolean {
    return this.isBid ? a > b : a < b;
  }

  /**
   * Finds `price`: its index when present, else `-(insertionPoint + 1)`. Gallops from the touch
   * (the end) before bisecting, because most updates land near the touch: O(log d) where d is the
   * distance from the best price. No allocation.
   */
  search(price: number): number {
    const prices = this.prices;
    const isBid = this.isBid;
    const count = this.count;
    // Gallop: find a bracket [lo, hi] with prices[lo - 1] worse than price and prices[hi] at or
    // better than it... expressed with the ascending order of "better" along the array.
    let hi = count - 1;
    let step = 1;
    let lo = hi - step;
    // Invariant while galloping: price is worse than prices[hi + 1] (or hi + 1 == count).
    while (hi >= 0) {
      const p = prices[hi]!;
      if (p === price) return hi;
      if (isBid ? p < price : p > price) return -(hi + 2); // insert right after hi
      lo = hi - step;
      if (lo < 0) {
        lo = 0;
        break;
      }
      const q = prices[lo]!;
      if (q === price) return lo;
      if (isBid ? q < price : q > price) {
        lo = lo + 1;
        hi = hi - 1;
        break;
      }
      hi = lo - 1;
      step *= 2;
    }
    if (hi < 0) return -1;
    // Bisect in [lo, hi]: everything before lo is worse than price, everything after hi better.
    if (isBid) {
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const p = prices[mid]!;
        if (p < price) lo = mid + 1;
        else if (p > price) hi = mid - 1;
        else return mid;
      }
    } else {
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const p = prices[mid]!;
        if (p > price) lo = mid + 1;
        else if (p < price) hi = mid - 1;
        else return mid;
      }
    }
    return -(lo + 1);
  }

  /** Size at `price`, 0 when absent. O(log n). */
  sizeAt(price: number): number {
    const i = this.search(price);
    return i >= 0 ? this.sizes[i]! : 0;
  }

  /**
   * Sets the size at a price; size 0 deletes, and deleting an absent level is a no-op.
   * The caller validates the numbers. O(log n + k) where k is the distance from the touch;
   * allocates only when the capacity doubles.
   */
  set(price: number, size: number): LevelChange {
    const i = this.search(price);
    if (i >= 0) {
      if (size === 0) {
        this.prices.copyWithin(i, i + 1, this.count);
        this.sizes.copyWithin(i, i + 1, this.count);
        this.count--;
        return LevelChange.Delete;
      }
      if (this.sizes[i] === size) return LevelChange.None;
      this.sizes[i] = size;
      return LevelChange.Update;
    }
    if (size === 0) return LevelChange.None;
    const at = -i - 1;
    if (this.count === this.prices.length) this.grow(this.count * 2);
    if (at < this.count) {
      this.prices.copyWithin(at + 1, at, this.count);
      this.sizes.copyWithin(at + 1, at, this.count);
    }
    this.prices[at] = price;
    this.sizes[at] = size;
    this.count++;
    return LevelChange.Insert;
  }

  /** Makes room for at least `capacity` levels, keeping the contents. Allocates. */
  ensureCapacity(capacity: number): void {
    if (capacity > this.prices.length) {
      let next = this.prices.length;
      while (next < capacity) next *= 2;
      this.grow(next);
    }
  }

  /**
   * Number of levels, counted from the best, whose price is no worse than `bound`
   * (bids: price >= bound; asks: price <= bound). O(log n), no allocation.
   */
  countNoWorseThan(bound: number): number {
    const prices = this.prices;
    let lo = 0;
    let hi = this.count;
    // First index whose price is within the bound; everything after it is better.
    if (this.isBid) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (prices[mid]! < bound) lo = mid + 1;
        else hi = mid;
      }
    } else {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (prices[mid]! > bound) lo = mid + 1;
        else hi = mid;
      }
    }
    return this.count - lo;
  }

  /**
   * Replaces this side with an external side given best-first (ccxt's `book.bids` / `book.asks`)
   * and appends every level that changed to `changes` (new size; 0 = removed). Rows with bad
   * numbers or out of order are skipped; size-0 rows are absent levels. Returns the number of
   * rows skipped as bad. One merge walk, O(n + m); allocates only to grow.
   */
  mirror(external: ArrayLike<ExternalLevel>, changes: LevelList): number {
    if (this.sparePrices.length < external.length) {
      this.sparePrices = new Float64Array(Math.max(external.length, this.prices.length * 2));
      this.spareSizes = new Float64Array(this.sparePrices.length);
    }
    const outPrices = this.sparePrices;
    const outSizes = this.spareSizes;
    let bad = 0;
    let n = 0; // rows accepted, written best-first
    let i = this.count - 1; // our levels, walked best-first
    for (let j = 0; j < external.length; j++) {
      const row = external[j]!;
      const price = row[0]!;
      const size = row[1]!;
      if (!isPrice(price) || !isSize(size) || (n > 0 && !this.isBetter(outPrices[n - 1]!, price))) {
        bad++;
        continue;
      }
      if (size === 0) continue;
      // Our levels better than this row are gone from the external book.
      while (i >= 0 && this.isBetter(this.prices[i]!, price)) {
        changes.push(this.prices[i]!, 0);
        i--;
      }
      if (i >= 0 && this.prices[i] === price) {
        if (this.sizes[i] !== size) changes.push(price, size);
        i--;
      } else {
        changes.push(price, size);
      }
      outPrices[n] = price;
      outSizes[n] = size;
      n++;
    }
    for (; i >= 0; i--) changes.push(this.prices[i]!, 0);
    // Stored best at the end: reverse the best-first rows in place, then swap buffers.
    for (let a = 0, b = n - 1; a < b; a++, b--) {
      const p = outPrices[a]!;
      outPrices[a] = outPrices[b]!;
      outPrices[b] = p;
      const s = outSizes[a]!;
      outSizes[a] = outSizes[b]!;
      outSizes[b] = s;
    }
    this.sparePrices = this.prices;
    this.spareSizes = this.sizes;
    this.prices = outPrices;
    this.sizes = outSizes;
    this.count = n;
    if (this.sparePrices.length < this.prices.length) {
      this.sparePrices = new Float64Array(this.prices.length);
      this.spareSizes = new Float64Array(this.prices.length);
    }
    return bad;
  }

  private grow(capacity: number): void {
    const prices = new Float64Array(capacity);
    const sizes = new Float64Array(capacity);
    prices.set(this.prices.subarray(0, this.count));
    sizes.set(this.sizes.subarray(0, this.count));
    this.prices = prices;
    this.sizes = sizes;
    this.sparePrices = new Float64Array(capacity);
    this.spareSizes = new Float64Array(capacity);
  }
}
