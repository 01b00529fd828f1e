/**
 * Naked points of control: a bar's POC that no later bar has traded through (no later bar's
 * traded range, low to high, contains it). Traders extend such a level to the right until price
 * comes back to it. Uses each held bar's range and POC, which a bar keeps even after its cells
 * were overwritten.
 */
import type { FootprintBars } from './footprintBars';

/** Caller-owned result and scratch; grows (allocating) only when more bars are held than before. */
export class NakedPocs {
  /** Bars found, newest first. */
  count = 0;
  barOpenTime: Float64Array = new Float64Array(64);
  pocTick: Float64Array = new Float64Array(64);
  /** Union of the later bars' ranges: disjoint tick intervals, ascending (scratch). */
  private unionLow: Float64Array = new Float64Array(64);
  private unionHigh: Float64Array = new Float64Array(64);
  private unionCount = 0;

  /** Makes room for `n` results and intervals. */
  ensureCapacity(n: number): void {
    if (n <= this.barOpenTime.length) return;
    let size = this.barOpenTime.length;
    while (size < n) size *= 2;
    const grow = (a: Float64Array): Float64Array => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.barOpenTime = grow(this.barOpenTime);
    this.pocTick = grow(this.pocTick);
    this.unionLow = grow(this.unionLow);
    this.unionHigh = grow(this.unionHigh);
  }

  clearUnion(): void {
    this.unionCount = 0;
  }

  /** True when `tick` lies in the union. O(log k). */
  unionHas(tick: number): boolean {
    let lo = 0;
    let hi = this.unionCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.unionHigh[mid] < tick) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.unionCount && this.unionLow[lo] <= tick;
  }

  /** Adds `[low, high]` to the union, merging what it overlaps or touches. O(k). */
  unionAdd(low: number, high: number): void {
    const lows = this.unionLow;
    const highs = this.unionHigh;
    const n = this.unionCount;
    let first = 0;
    while (first < n && highs[first] < low - 1) first++;
    let last = first;
    let newLow = low;
    let newHigh = high;
    while (last < n && lows[last] <= high + 1) {
      newLow = Math.min(newLow, lows[last]);
      newHigh = Math.max(newHigh, highs[last]);
      last++;
    }
    // Intervals first..last-1 become one; shift the rest.
    const removed = last - first;
    const shift = 1 - removed;
    if (shift !== 0) {
      lows.copyWithin(first + 1, last, n);
      highs.copyWithin(first + 1, last, n);
    }
    lows[first] = newLow;
    highs[first] = newHigh;
    this.unionCount = n + shift;
  }
}

/**
 * Finds the naked POCs of `footprint`'s held bars into `out` (newest first; the newest bar, still
 * trading, is not one). O(bars × k), k the intervals in the union of later ranges (1 while price
 * moves without gaps); allocates only when `out` grows.
 */
export function findNakedPocs(footprint: FootprintBars, out: NakedPocs): number {
  out.ensureCapacity(footprint.count);
  out.clearUnion();
  out.count = 0;
  for (let pos = footprint.count - 1; pos >= 0; pos--) {
    const slot = footprint.slotAt(pos);
    const low = footprint.lowTickAt(slot);
    const high = footprint.highTickAt(slot);
    if (!(high >= low)) continue; // opened without a trade
    const poc = footprint.pocTickAt(slot);
    if (pos < footprint.count - 1 && !out.unionHas(poc)) {
      out.barOpenTime[out.count] = footprint.openTimeAt(slot);
      out.pocTick[out.count] = poc;
      out.count++;
    }
    out.unionAdd(low, high);
  }
  return out.count;
}
