/**
 * Naked points of control as the footprint draws them: a bar's point of control (its cells
 * grouped into rows at the chart's row step; the row with the most volume) that no later bar's
 * traded range (its candle's low to high) has reached. The newest bar, still trading, has none;
 * nor has a partial footprint (its POC is not known). Found from the newest bar to the oldest,
 * keeping the union of the later bars' ranges as disjoint intervals: price can leave a level and
 * gap back past it, so a running min/max of later lows and highs would not be exact. Recomputed
 * only when the cells, the bars or the step changed.
 */
import type { BarCells, FootprintCells } from './footprintCells';
import { BarColumn } from './panelModel';
import type { SeriesColumns } from './seriesColumns';

/**
 * The lowest price of `bar`'s point of control row at `step`: its cells summed per row from the
 * lowest price up (as the footprint draws them, so the sums agree to the bit), the first row
 * with the most volume on a tie. O(cells); allocates nothing.
 */
export function pocRow(bar: BarCells, step: number): number {
  let best = NaN;
  let bestVolume = -1;
  let row = NaN;
  let buy = 0;
  let sell = 0;
  for (let c = 0; c < bar.count; c++) {
    const price = Math.floor(bar.prices[c]! / step + 1e-9) * step;
    if (price !== row) {
      if (row === row && buy + sell > bestVolume) {
        best = row;
        bestVolume = buy + sell;
      }
      row = price;
      buy = 0;
      sell = 0;
    }
    buy += bar.buys[c]!;
    sell += bar.sells[c]!;
  }
  if (row === row && buy + sell > bestVolume) best = row;
  return best;
}

export class NakedPocs {
  /** Naked POCs found. */
  count = 0;
  /** Each one's bar (its index in the bars), newest first. */
  barIndex: Int32Array = new Int32Array(64);
  /** Each one's row: its lowest price (the row spans one step up from it). */
  rowPrice: Float64Array = new Float64Array(64);
  /** Times the list was recomputed (a repaint of unchanged bars reuses it). */
  computes = 0;
  private cellsVersion = -1;
  private barsVersion = -1;
  private step = NaN;
  /** Union of the later bars' ranges, as disjoint closed intervals ascending (scratch). */
  private unionLow: Float64Array = new Float64Array(64);
  private unionHigh: Float64Array = new Float64Array(64);
  private unionCount = 0;

  /**
   * Brings the list up to date with `cells` and `bars` at `step`. O(1) when none of them changed;
   * else O(bars × k + cells), k the intervals in the union (1 while price moves without gaps).
   * Allocates only when more bars are held than ever before.
   */
  update(cells: FootprintCells, bars: SeriesColumns, step: number): void {
    if (cells.version === this.cellsVersion && bars.version === this.barsVersion && step === this.step) return;
    this.cellsVersion = cells.version;
    this.barsVersion = bars.version;
    this.step = step;
    this.computes++;
    this.count = 0;
    this.unionCount = 0;
    const n = bars.length;
    this.ensureCapacity(n + 1);
    // Row edges within a millionth of a step count as equal (the step is a float multiple of the tick).
    const eps = step * 1e-6;
    for (let i = n - 1; i >= 0; i--) {
      const low = bars.value(i, BarColumn.Low);
      const high = bars.value(i, BarColumn.High);
      const bar = i < n - 1 ? cells.bar(bars.time(i)) : undefined;
      if (bar !== undefined && bar.count > 0 && !bar.partial) {
        const row = pocRow(bar, step);
        if (!this.reached(row - eps, row + step - eps)) {
          this.barIndex[this.count] = i;
          this.rowPrice[this.count] = row;
          this.count++;
        }
      }
      if (high >= low) this.add(low, high);
    }
  }

  /** Whether some interval of the union overlaps [from, below) (closed at from, open at below). O(log k). */
  private reached(from: number, below: number): boolean {
    let lo = 0;
    let hi = this.unionCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.unionHigh[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.unionCount && this.unionLow[lo]! < below;
  }

  /** Adds [low, high] to the union, merging the intervals it overlaps. O(k). */
  private add(low: number, high: number): void {
    const lows = this.unionLow;
    const highs = this.unionHigh;
    const n = this.unionCount;
    let first = 0;
    while (first < n && highs[first]! < low) first++;
    let last = first;
    let newLow = low;
    let newHigh = high;
    while (last < n && lows[last]! <= high) {
      newLow = Math.min(newLow, lows[last]!);
      newHigh = Math.max(newHigh, highs[last]!);
      last++;
    }
    // Intervals first..last-1 become one (none: the new one is inserted).
    if (last - first !== 1) {
      lows.copyWithin(first + 1, last, n);
      highs.copyWithin(first + 1, last, n);
    }
    lows[first] = newLow;
    highs[first] = newHigh;
    this.unionCount = n + 1 - (last - first);
  }

  private ensureCapacity(n: number): void {
    if (n <= this.barIndex.length) return;
    let size = this.barIndex.length;
    while (size < n) size *= 2;
    this.barIndex = new Int32Array(size);
    this.rowPrice = new Float64Array(size);
    this.unionLow = new Float64Array(size);
    this.unionHigh = new Float64Array(size);
  }
}
