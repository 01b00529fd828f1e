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

  /**
   * Sorts the rows by bar time, then price: an insertion sort, O(k²) worst case but O(k) on the
   * nearly sorted rows a frame's trades give (k ≤ MAX_LOGGED_READ); allocates nothing.
   */
  sortByTimeAndPrice(): void {
    const d = this.data;
    const S = FOOTPRINT_CELL_STRIDE;
    for (let i = 1; i < this.count; i++) {
      const t = d[i * S]!;
      const p = d[i * S + 1]!;
      const b = d[i * S + 2]!;
      const s = d[i * S + 3]!;
      let j = i - 1;
      while (j >= 0 && (d[j * S]! > t || (d[j * S] === t && d[j * S + 1]! > p))) {
        const from = j * S;
        d[from + S] = d[from]!;
        d[from + S + 1] = d[from + 1]!;
        d[from + S + 2] = d[from + 2]!;
        d[from + S + 3] = d[from + 3]!;
        j--;
      }
      d[(j + 1) * S] = t;
      d[(j + 1) * S + 1] = p;
      d[(j + 1) * S + 2] = b;
      d[(j + 1) * S + 3] = s;
    }
  }
}

/** Changes a frame reads from the change log at most; more (a backfill's burst) scan the bars. */
const MAX_LOGGED_READ = 512;

/**
 * Writes into `out` (from row 0) every cell of a bar opening at or after `fromOpenTime` whose
 * revision is newer than `sinceRevision`, bars oldest first, prices ascending. Returns the
 * footprint's revision: the next call's `sinceRevision`. A live frame reads the footprint's
 * change log: O(k log k) for k trades since (k ≤ MAX_LOGGED_READ); otherwise O(bars held +
 * Σ traded ticks of the changed bars). Allocates only if `out` grows.
 */
export function collectFootprintChanges(footprint: FootprintBars, sinceRevision: number, fromOpenTime: number, out: FootprintCellRows): number {
  const since = footprint.revision - sinceRevision;
  if (fromOpenTime === -Infinity && since <= MAX_LOGGED_READ && footprint.remembersSince(sinceRevision)) collectLogged(footprint, sinceRevision, out);
  else collectScanned(footprint, sinceRevision, fromOpenTime, out);
  return footprint.revision;
}

/**
 * From the change log: each changed cell once, at its last change (a cell whose revision is
 * newer was changed again later in the log), then sorted. O(k log k).
 */
function collectLogged(footprint: FootprintBars, sinceRevision: number, out: FootprintCellRows): void {
  out.count = 0;
  let openTime = NaN;
  let slot = -1;
  for (let rev = sinceRevision + 1; rev <= footprint.revision; rev++) {
    const time = footprint.changeOpenTimeOf(rev);
    if (time !== openTime) {
      openTime = time;
      slot = footprint.find(time);
    }
    if (slot < 0) continue; // the bar or its cells are gone
    const tick = footprint.changeTick(rev);
    const cell = footprint.cellIndex(slot, tick);
    if (cell >= 0 && footprint.cells.revision(cell) === rev) out.push(time, footprint.priceOf(tick), footprint.cells.buy(cell), footprint.cells.sell(cell));
  }
  out.sortByTimeAndPrice();
}

/** Every held bar changed since: O(bars held + Σ traded ticks of the changed bars). */
function collectScanned(footprint: FootprintBars, sinceRevision: number, fromOpenTime: number, out: FootprintCellRows): void {
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
}
