/**
 * The footprint cells changed since a reader's last look, as packed rows of
 * (bar open time, price, buy, sell): the absolute values, so applying a row twice is harmless.
 * Each reader (one panel) keeps the revision it has seen; what is newer is found by each bar's
 * and each cell's revision, with no per-reader log to overflow.
 */
import { FOOTPRINT_CELL_STRIDE } from '../protocol';
import type { FootprintBars } from './footprintBars';

/** Caller-owned packed rows; grows (allocating) by doubling only when a frame has more cells. */
export class FootprintCellRows {
  /** Rows in use. */
  count = 0;
  data = new Float64Array(256 * FOOTPRINT_CELL_STRIDE);

  push(openTime: number, price: number, buy: number, sell: number): void {
    const at = this.count * FOOTPRINT_CELL_STRIDE;
    if (at + FOOTPRINT_CELL_STRIDE > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[at] = openTime;
    this.data[at + 1] = price;
    this.data[at + 2] = buy;
    this.data[at + 3] = sell;
    this.count++;
  }
}

/**
 * Writes into `out` (from row 0) every cell of a bar opening at or after `fromOpenTime` whose
 * revision is newer than `sinceRevision`, bars oldest first, prices ascending. Returns the
 * footprint's revision: the next call's `sinceRevision`. O(bars held + Σ traded ticks of the
 * changed bars); allocates only if `out` grows.
 */
export function collectFootprintChanges(footprint: FootprintBars, sinceRevision: number, fromOpenTime: number, out: FootprintCellRows): number {
  out.count = 0;
  for (let pos = footprint.lowerBound(fromOpenTime); pos < footprint.count; pos++) {
    const slot = footprint.slotAt(pos);
    if (footprint.revisionAt(slot) <= sinceRevision || !footprint.hasCells(slot)) continue;
    const openTime = footprint.openTimeAt(slot);
    const high = footprint.highTickAt(slot);
    let cell = footprint.cellIndex(slot, footprint.lowTickAt(slot));
    for (let tick = footprint.lowTickAt(slot); tick <= high; tick++, cell++) {
      if (footprint.cells.revision(cell) > sinceRevision) out.push(openTime, footprint.priceOf(tick), footprint.cells.buy(cell), footprint.cells.sell(cell));
    }
  }
  return footprint.revision;
}
