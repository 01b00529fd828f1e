/**
 * The panel's volume profile: the footprint cells of a run of bars summed per price row at the
 * ladder's step (taker buys and sells), with its point of control and value area. The panel
 * holds cells by price (see FootprintCells) where the engine holds them by tick, so the summing
 * is done here (test/unit/priceProfile.test.ts holds it against the trades summed by hand).
 */
import { DEFAULT_DISPLAY } from '../../src/engine/protocol';
import { findValueArea, ValueArea } from './valueArea';
import type { FootprintCells } from './footprintCells';

/**
 * Which bars the panel's profile sums: those in view, the UTC day of the last one in view, or a
 * fixed range (the bars that were in view when the user fixed it).
 */
export type ProfileMode = 'visible' | 'session' | 'fixed';
export const PROFILE_MODES: readonly ProfileMode[] = ['visible', 'session', 'fixed'];

/** The bars of a fixed-range profile: open times (ms) of its first and last bar. */
export interface FixedProfileRange {
  fromTime: number;
  toTime: number;
}

/** A fixed range read back from saved state, or null when it is not one. O(1). */
export function parseFixedProfileRange(x: unknown): FixedProfileRange | null {
  if (typeof x !== 'object' || x === null) return null;
  const { fromTime, toTime } = x as Record<string, unknown>;
  if (typeof fromTime !== 'number' || typeof toTime !== 'number' || !Number.isFinite(fromTime) || !Number.isFinite(toTime) || fromTime > toTime) return null;
  return { fromTime, toTime };
}

/** The usual value area (70 % of the volume) until the host's `profile.valueAreaPercent` arrives. */
export const VALUE_AREA_SHARE = DEFAULT_DISPLAY.valueAreaPercent / 100;

/** Caller-owned profile, reused from sum to sum. */
export class PriceProfile {
  /** Rows in use, lowest price first; row r spans `(firstRow + r) × step` to the next row. */
  count = 0;
  firstRow = 0;
  step = NaN;
  /** Row with the most volume (lowest on a tie), -1 when empty. */
  pocRow = -1;
  /** Bars with cells that were summed, and those of them whose footprint lacks part of their volume. */
  bars = 0;
  partialBars = 0;
  buy: Float64Array;
  sell: Float64Array;
  readonly valueArea = new ValueArea();

  constructor(rows = 256) {
    this.buy = new Float64Array(rows);
    this.sell = new Float64Array(rows);
  }

  /** Lower price edge of row `r`. */
  priceOf(r: number): number {
    return (this.firstRow + r) * this.step;
  }

  /** Sets `rows` rows, all zero (grows by doubling when needed). O(rows). */
  reset(rows: number, firstRow: number, step: number): void {
    if (rows > this.buy.length) {
      let n = this.buy.length;
      while (n < rows) n *= 2;
      this.buy = new Float64Array(n);
      this.sell = new Float64Array(n);
    } else {
      this.buy.fill(0, 0, rows);
      this.sell.fill(0, 0, rows);
    }
    this.count = rows;
    this.firstRow = firstRow;
    this.step = step;
    this.pocRow = -1;
  }
}

/** The row index of `price` at `step` (the footprint's grouping: a price on a row's edge is in that row). */
export function rowOf(price: number, step: number): number {
  return Math.floor(price / step + 1e-9);
}

/**
 * Sums the cells of bars `first..last` (indices into `bars`, whose `time(i)` is a bar's open
 * time) at `step` into `out`, then its POC and the value area holding `share` of the volume.
 * Returns the bars summed. O(Σ cells of those bars + rows); allocates only when `out` grows.
 */
export function sumPriceProfile(
  cells: FootprintCells,
  bars: { time(i: number): number },
  first: number,
  last: number,
  step: number,
  out: PriceProfile,
  share = VALUE_AREA_SHARE,
): number {
  let low = Infinity;
  let high = -Infinity;
  let summed = 0;
  let partial = 0;
  if (step > 0) {
    for (let i = first; i <= last; i++) {
      const bar = cells.bar(bars.time(i));
      if (bar === undefined || bar.count === 0) continue;
      if (bar.partial) partial++;
      low = Math.min(low, rowOf(bar.prices[0]!, step));
      high = Math.max(high, rowOf(bar.prices[bar.count - 1]!, step));
      summed++;
    }
  }
  out.bars = summed;
  out.partialBars = partial;
  if (summed === 0) {
    out.reset(0, 0, step);
    findValueArea(out.buy, out.sell, 0, -1, share, out.valueArea);
    return 0;
  }
  out.reset(high - low + 1, low, step);
  for (let i = first; i <= last; i++) {
    const bar = cells.bar(bars.time(i));
    if (bar === undefined) continue;
    for (let c = 0; c < bar.count; c++) {
      const r = rowOf(bar.prices[c]!, step) - low;
      out.buy[r] += bar.buys[c]!;
      out.sell[r] += bar.sells[c]!;
    }
  }
  let best = -1;
  let bestTotal = 0;
  for (let r = 0; r < out.count; r++) {
    const total = out.buy[r]! + out.sell[r]!;
    if (total > bestTotal) {
      bestTotal = total;
      best = r;
    }
  }
  out.pocRow = best;
  findValueArea(out.buy, out.sell, out.count, best, share, out.valueArea);
  return summed;
}

/**
 * The fixed range for the bars in view: from the first to the last bar whose centre is in the
 * visible logical range (the 'visible' mode's bars), as their open times; null when none is in view. O(1).
 */
export function fixedRangeInView(view: { from: number; to: number } | null, bars: { length: number; time(i: number): number }): FixedProfileRange | null {
  if (view === null || bars.length === 0) return null;
  const first = Math.max(0, Math.round(view.from));
  const last = Math.min(bars.length - 1, Math.round(view.to));
  return first <= last ? { fromTime: bars.time(first), toTime: bars.time(last) } : null;
}

/**
 * The fixed range from the bar at `time` (the one open then, or the first held after an earlier
 * time) to the newest bar; null when no bar is held. O(log bars).
 */
export function fixedRangeFrom(time: number, bars: { length: number; time(i: number): number; indexAtOrBefore(time: number): number }): FixedProfileRange | null {
  if (bars.length === 0) return null;
  const first = Math.max(0, bars.indexAtOrBefore(time));
  return { fromTime: bars.time(first), toTime: bars.time(bars.length - 1) };
}
