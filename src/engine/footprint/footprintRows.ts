/**
 * One bar's footprint read at the chart's step: rows of `ticksPerRow` ticks, lowest first, into a
 * caller-owned buffer. Grouping happens here, at read time, so the engine keeps one tick per cell
 * and any step can be shown without rebuilding.
 */
import type { FootprintBars } from './footprintBars';

/** Caller-owned rows; grows (allocating) only when a bar needs more rows than it has. */
export class FootprintRows {
  /** Rows in use. */
  count = 0;
  /** Tick of row 0's lower edge; row r starts at `firstTick + r × ticksPerRow`. */
  firstTick = 0;
  ticksPerRow = 1;
  /** Row with the most volume (lowest on a tie), -1 when empty. */
  pocRow = -1;
  buy: Float64Array;
  sell: Float64Array;

  constructor(rows = 64) {
    this.buy = new Float64Array(rows);
    this.sell = new Float64Array(rows);
  }

  /** Sets `count` rows, all zero (grows by doubling when needed). O(rows). */
  reset(rows: number, firstTick: number, ticksPerRow: number): void {
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
    this.firstTick = firstTick;
    this.ticksPerRow = ticksPerRow;
    this.pocRow = -1;
  }

  /** Sets `pocRow` from the rows. O(rows). */
  findPoc(): void {
    let best = -1;
    let bestTotal = -1;
    for (let r = 0; r < this.count; r++) {
      const total = this.buy[r] + this.sell[r];
      if (total > bestTotal) {
        bestTotal = total;
        best = r;
      }
    }
    this.pocRow = bestTotal > 0 ? best : -1;
  }
}

/**
 * Reads bar `slot` of `footprint` grouped by `ticksPerRow` (an integer ≥ 1) into `out`, rows from
 * the bucket of its lowest traded tick to that of its highest (rows without trades read 0).
 * Returns the rows; 0 for a bar without cells. O(ticks traded range); allocates only if `out` grows.
 */
export function readFootprintRows(footprint: FootprintBars, slot: number, ticksPerRow: number, out: FootprintRows): number {
  if (slot < 0 || slot >= footprint.capacity || !footprint.hasCells(slot) || !(footprint.highTickAt(slot) >= footprint.lowTickAt(slot))) {
    out.reset(0, 0, ticksPerRow);
    return 0;
  }
  const low = footprint.lowTickAt(slot);
  const high = footprint.highTickAt(slot);
  const firstBucket = Math.floor(low / ticksPerRow);
  const rows = Math.floor(high / ticksPerRow) - firstBucket + 1;
  out.reset(rows, firstBucket * ticksPerRow, ticksPerRow);
  addFootprintRows(footprint, slot, out);
  out.findPoc();
  return rows;
}

/**
 * Adds bar `slot`'s cells into `out`'s rows (which must span the bar's range at `out.ticksPerRow`).
 * O(ticks traded range); allocates nothing.
 */
export function addFootprintRows(footprint: FootprintBars, slot: number, out: FootprintRows): void {
  const low = footprint.lowTickAt(slot);
  const high = footprint.highTickAt(slot);
  const step = out.ticksPerRow;
  const first = out.firstTick / step;
  let cell = footprint.cellIndex(slot, low);
  for (let tick = low; tick <= high; tick++, cell++) {
    const buy = footprint.cells.buy(cell);
    const sell = footprint.cells.sell(cell);
    if (buy === 0 && sell === 0) continue;
    const row = Math.floor(tick / step) - first;
    out.buy[row] += buy;
    out.sell[row] += sell;
  }
}
