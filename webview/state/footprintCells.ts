/**
 * The footprint cells the panel holds: per bar, the (price, taker-buy, taker-sell) of each tick
 * that traded, prices ascending, in one growing slab per bar. Cells arrive as totals, so a
 * changed cell replaces the held one. Bounded: at most BAR_CAPACITY bars (the oldest dropped).
 * A bar whose footprint lacks part of its volume is marked partial.
 */
import { FOOTPRINT_CELL_STRIDE, type FootprintDiff } from '../../src/engine/protocol';

/** Bars held (the host's reset sends the newest 300; live bars add to them). */
export const BAR_CAPACITY = 1000;

/** One bar's cells. */
export class BarCells {
  count = 0;
  partial = false;
  prices: Float64Array = new Float64Array(16);
  buys: Float64Array = new Float64Array(16);
  sells: Float64Array = new Float64Array(16);

  /** Sets the cell at `price` (inserted in order when new). O(log cells), O(cells) for a new price. */
  set(price: number, buy: number, sell: number): void {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.prices[mid]! < price) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.count || this.prices[lo] !== price) {
      if (this.count === this.prices.length) this.grow();
      this.prices.copyWithin(lo + 1, lo, this.count);
      this.buys.copyWithin(lo + 1, lo, this.count);
      this.sells.copyWithin(lo + 1, lo, this.count);
      this.prices[lo] = price;
      this.count++;
    }
    this.buys[lo] = buy;
    this.sells[lo] = sell;
  }

  private grow(): void {
    const n = this.prices.length * 2;
    const grown = (a: Float64Array): Float64Array => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.prices = grown(this.prices);
    this.buys = grown(this.buys);
    this.sells = grown(this.sells);
  }
}

export class FootprintCells {
  /** Increases with every change (a draw compares it). */
  version = 0;
  private readonly bars = new Map<number, BarCells>();

  /** Drops every bar. O(1). */
  clear(): void {
    this.bars.clear();
    this.version++;
  }

  /** Bars held. */
  get size(): number {
    return this.bars.size;
  }

  /** The cells of the bar opening at `time`, or undefined when it has no footprint here. O(1). */
  bar(time: number): BarCells | undefined {
    return this.bars.get(time);
  }

  /** Applies a validated diff (a reset drops what was held first). O(cells × log cells per bar). */
  apply(diff: FootprintDiff): void {
    if (diff.reset) this.bars.clear();
    const cells = diff.cells;
    let bar: BarCells | undefined;
    let barTime = NaN;
    for (let i = 0; i < cells.length; i += FOOTPRINT_CELL_STRIDE) {
      const time = cells[i]!;
      if (time !== barTime) {
        barTime = time;
        bar = this.bars.get(time);
        if (bar === undefined) {
          bar = new BarCells();
          this.bars.set(time, bar);
        }
        // Partial or not is said again for every bar a diff carries.
        bar.partial = false;
      }
      bar!.set(cells[i + 1]!, cells[i + 2]!, cells[i + 3]!);
    }
    for (const time of diff.partialBars) {
      const b = this.bars.get(time);
      if (b !== undefined) b.partial = true;
    }
    // Oldest first: a Map keeps insertion order, and bars arrive oldest first.
    while (this.bars.size > BAR_CAPACITY) this.bars.delete(this.bars.keys().next().value!);
    this.version++;
  }
}
