import type { LevelList } from '../../engine/events';
import type { DecimalGrid } from './decimalGrid';

/**
 * The simulator's own order book: sizes in whole lots indexed by price tick over a dense window
 * of `width` ticks (`base` is the tick of index 0), so every level is an O(1) array access and
 * the touch is found by a short scan. The window follows the price (`recenter`); levels it
 * leaves behind are removed and logged like any cancel.
 *
 * Every level change is logged once per diff (ticks in `changedBids`/`changedAsks`), so a diff
 * writes each changed level's final size. Kept apart from the engine's book on purpose: the
 * tests compare the two.
 */
export class TickBook {
  /** Tick of window index 0. */
  base: number;
  readonly bidCounts = new SideCounts();
  readonly askCounts = new SideCounts();
  /** Ticks changed since `beginChanges`, per side (each once). */
  readonly changedBids: TickLog;
  readonly changedAsks: TickLog;

  private readonly bidLots: Float64Array;
  private readonly askLots: Float64Array;
  /** Window index of the best bid (-1: none) and of the best ask (`width`: none). */
  private bestBidIndex = -1;
  private bestAskIndex: number;
  /** Change-log dedup: an index is logged in this diff when its stamp equals `stamp`. */
  private readonly bidStamps: Uint32Array;
  private readonly askStamps: Uint32Array;
  private stamp = 1;

  /** `width` ticks of window, centred on `centerTick`. Allocates the window once. */
  constructor(
    readonly width: number,
    centerTick: number,
  ) {
    this.base = Math.max(1, Math.round(centerTick) - (width >> 1));
    this.bidLots = new Float64Array(width);
    this.askLots = new Float64Array(width);
    this.bidStamps = new Uint32Array(width);
    this.askStamps = new Uint32Array(width);
    this.bestAskIndex = width;
    this.changedBids = new TickLog(64);
    this.changedAsks = new TickLog(64);
  }

  /** Best bid tick, NaN when there are no bids. O(1). */
  bestBid(): number {
    return this.bestBidIndex >= 0 ? this.base + this.bestBidIndex : NaN;
  }

  /** Best ask tick, NaN when there are no asks. O(1). */
  bestAsk(): number {
    return this.bestAskIndex < this.width ? this.base + this.bestAskIndex : NaN;
  }

  /** Lots resting at `tick` on a side; 0 outside the window. O(1). */
  lotsAt(isBid: boolean, tick: number): number {
    const i = tick - this.base;
    if (i < 0 || i >= this.width) return 0;
    return isBid ? this.bidLots[i]! : this.askLots[i]!;
  }

  /** True when `tick` lies inside the window. O(1). */
  inWindow(tick: number): boolean {
    const i = tick - this.base;
    return i >= 0 && i < this.width;
  }

  /** Starts a new change log (one diff). O(1), O(width) once per 2^32 diffs. */
  beginChanges(): void {
    this.changedBids.count = 0;
    this.changedAsks.count = 0;
    this.stamp = (this.stamp + 1) >>> 0;
    if (this.stamp === 0) {
      this.bidStamps.fill(0);
      this.askStamps.fill(0);
      this.stamp = 1;
    }
  }

  /**
   * Adds resting lots at `tick`. Refused (false) outside the window, at a tick below 1, or where
   * the order would cross the other side (the caller matches marketable orders first). O(1).
   */
  add(isBid: boolean, tick: number, lots: number): boolean {
    const i = tick - this.base;
    if (lots <= 0 || tick < 1 || i < 0 || i >= this.width) return false;
    if (isBid) {
      if (i >= this.bestAskIndex) return false;
      if (this.bidLots[i] === 0) this.bidCounts.levels++;
      this.bidLots[i]! += lots;
      this.bidCounts.lots += lots;
      if (i > this.bestBidIndex) this.bestBidIndex = i;
    } else {
      if (i <= this.bestBidIndex) return false;
      if (this.askLots[i] === 0) this.askCounts.levels++;
      this.askLots[i]! += lots;
      this.askCounts.lots += lots;
      if (i < this.bestAskIndex) this.bestAskIndex = i;
    }
    this.logChange(isBid, i);
    return true;
  }

  /**
   * Removes up to `lots` at `tick` (a cancel or a fill); returns the lots removed. When the
   * best level empties, the next best is found by scanning away from the touch: O(gap).
   */
  remove(isBid: boolean, tick: number, lots: number): number {
    const i = tick - this.base;
    if (lots <= 0 || i < 0 || i >= this.width) return 0;
    const sizes = isBid ? this.bidLots : this.askLots;
    const had = sizes[i]!;
    if (had === 0) return 0;
    const taken = lots < had ? lots : had;
    sizes[i] = had - taken;
    const counts = isBid ? this.bidCounts : this.askCounts;
    counts.lots -= taken;
    if (taken === had) {
      counts.levels--;
      if (isBid && i === this.bestBidIndex) this.bestBidIndex = this.scanBids(i - 1);
      if (!isBid && i === this.bestAskIndex) this.bestAskIndex = this.scanAsks(i + 1);
    }
    this.logChange(isBid, i);
    return taken;
  }

  /**
   * The first non-empty level at or beyond `tick`, going away from the touch, within `maxScan`
   * ticks; NaN when none. O(maxScan).
   */
  levelOutward(isBid: boolean, tick: number, maxScan: number): number {
    const sizes = isBid ? this.bidLots : this.askLots;
    const step = isBid ? -1 : 1;
    let i = tick - this.base;
    for (let n = 0; n < maxScan; n++, i += step) {
      if (i < 0 || i >= this.width) return NaN;
      if (sizes[i]! > 0) return this.base + i;
    }
    return NaN;
  }

  /** True when the touch has drifted into the outer quarter of the window. O(1). */
  needsRecenter(): boolean {
    const quarter = this.width >> 2;
    return (this.bestBidIndex >= 0 && this.bestBidIndex < quarter) || this.bestAskIndex > this.width - quarter;
  }

  /**
   * Moves the window so `centerTick` is in its middle. Levels that fall outside are removed and
   * logged (call `beginChanges` first; the log is the diff). O(width); no allocation.
   */
  recenter(centerTick: number): void {
    const newBase = Math.max(1, Math.round(centerTick) - (this.width >> 1));
    const shift = newBase - this.base;
    if (shift === 0) return;
    const w = this.width;
    // Log and drop the levels leaving the window: indexes [0, shift) or [w + shift, w).
    const from = shift > 0 ? 0 : Math.max(0, w + shift);
    const to = shift > 0 ? Math.min(w, shift) : w;
    for (let i = from; i < to; i++) {
      if (this.bidLots[i]! > 0) this.dropLevel(true, i);
      if (this.askLots[i]! > 0) this.dropLevel(false, i);
    }
    shiftWindow(this.bidLots, shift);
    shiftWindow(this.askLots, shift);
    // Stamps belong to indexes that just moved: restart them (the caller's diff is logged already).
    this.bidStamps.fill(0);
    this.askStamps.fill(0);
    this.stamp = 1;
    this.base = newBase;
    this.bestBidIndex = this.bidCounts.levels > 0 ? this.scanBids(w - 1) : -1;
    this.bestAskIndex = this.askCounts.levels > 0 ? this.scanAsks(0) : w;
  }

  /** Writes a side best-first as prices and amounts (a snapshot). O(width); no allocation beyond `out` growth. */
  writeSide(isBid: boolean, out: LevelList, prices: DecimalGrid, amounts: DecimalGrid): void {
    out.clear();
    if (isBid) {
      for (let i = this.bestBidIndex; i >= 0; i--) {
        const lots = this.bidLots[i]!;
        if (lots > 0) out.push(prices.value(this.base + i), amounts.value(lots));
      }
    } else {
      for (let i = this.bestAskIndex; i < this.width; i++) {
        const lots = this.askLots[i]!;
        if (lots > 0) out.push(prices.value(this.base + i), amounts.value(lots));
      }
    }
  }

  private dropLevel(isBid: boolean, i: number): void {
    const sizes = isBid ? this.bidLots : this.askLots;
    const counts = isBid ? this.bidCounts : this.askCounts;
    counts.lots -= sizes[i]!;
    counts.levels--;
    sizes[i] = 0;
    (isBid ? this.changedBids : this.changedAsks).push(this.base + i);
  }

  private logChange(isBid: boolean, i: number): void {
    const stamps = isBid ? this.bidStamps : this.askStamps;
    if (stamps[i] === this.stamp) return;
    stamps[i] = this.stamp;
    (isBid ? this.changedBids : this.changedAsks).push(this.base + i);
  }

  private scanBids(from: number): number {
    let i = from;
    while (i >= 0 && this.bidLots[i] === 0) i--;
    return i;
  }

  private scanAsks(from: number): number {
    let i = from;
    while (i < this.width && this.askLots[i] === 0) i++;
    return i;
  }
}

/** Level count and total lots of one side, kept up to date on every change. */
export class SideCounts {
  levels = 0;
  lots = 0;
}

/** A growable list of ticks (capacity doubles when exceeded). */
export class TickLog {
  ticks: Float64Array;
  count = 0;

  constructor(capacity: number) {
    this.ticks = new Float64Array(capacity);
  }

  /** Appends a tick. Amortized O(1); allocates only when the capacity doubles. */
  push(tick: number): void {
    if (this.count === this.ticks.length) {
      const grown = new Float64Array(this.ticks.length * 2);
      grown.set(this.ticks);
      this.ticks = grown;
    }
    this.ticks[this.count++] = tick;
  }
}

/** Moves contents so that new index i holds old index i + shift; vacated cells become 0. */
function shiftWindow(a: Float64Array, shift: number): void {
  const w = a.length;
  if (Math.abs(shift) >= w) {
    a.fill(0);
  } else if (shift > 0) {
    a.copyWithin(0, shift, w);
    a.fill(0, w - shift, w);
  } else {
    a.copyWithin(-shift, 0, w + shift);
    a.fill(0, 0, -shift);
  }
}
