/**
 * The liquidity heatmap's columns the panel holds: each column (one time slice, or a bar's mean
 * in the history a reset carries) is a gap or a run of (row price, size) cells, prices ascending. Bounded twice over: at most COLUMN_CAPACITY
 * columns and CELL_CAPACITY cells (about 12 MB); the oldest columns are dropped first. Columns
 * are a ring; each column's cells are contiguous in a cell ring (a column that would wrap starts
 * over at its beginning), so a draw reads one slice of typed arrays per column.
 */
import { HEATMAP_CELL_STRIDE, type HeatmapDiff } from '../../src/engine/protocol';

/** Columns held: two hours of 1 s slices. */
export const COLUMN_CAPACITY = 7200;
/** Cells held over all columns. */
export const CELL_CAPACITY = 1 << 20;

export class HeatmapColumns {
  /** Duration of one column, ms (NaN before the first diff). */
  sliceMs = NaN;
  /** Price step between rows. */
  rowStep = NaN;
  /** Increases with every change (a draw compares it). */
  version = 0;
  /** Columns held. */
  count = 0;
  /** The longest column held, ms (a history column's span, else sliceMs). */
  maxSpanMs = NaN;
  private head = 0;
  private readonly times = new Float64Array(COLUMN_CAPACITY);
  private readonly gaps = new Uint8Array(COLUMN_CAPACITY);
  private readonly spans = new Float64Array(COLUMN_CAPACITY);
  /** Absolute index (cells written before it, wraps included) of each column's first cell, and its cell count. */
  private readonly starts = new Float64Array(COLUMN_CAPACITY);
  private readonly lengths = new Int32Array(COLUMN_CAPACITY);
  readonly prices = new Float64Array(CELL_CAPACITY);
  readonly sizes = new Float32Array(CELL_CAPACITY);
  /** Cells written (absolute; the ring position is this modulo CELL_CAPACITY). */
  private written = 0;

  /** Drops every column. O(1). */
  clear(): void {
    this.count = 0;
    this.maxSpanMs = NaN;
    this.head = 0;
    this.written = 0;
    this.version++;
  }

  /**
   * Applies a validated diff: a reset drops what was held; each column is appended in order (one
   * not newer than the newest held is ignored: a closed column never changes). O(cells).
   */
  apply(diff: HeatmapDiff): void {
    if (diff.reset || diff.sliceMs !== this.sliceMs || diff.rowStep !== this.rowStep) this.clear();
    this.sliceMs = diff.sliceMs;
    this.rowStep = diff.rowStep;
    if (!(this.maxSpanMs >= diff.sliceMs)) this.maxSpanMs = diff.sliceMs;
    if (diff.history > 0 && diff.historySpanMs > this.maxSpanMs) this.maxSpanMs = diff.historySpanMs;
    const cells = diff.cells;
    let c = 0;
    let g = 0;
    for (let k = 0; k < diff.columns.length; k++) {
      const time = diff.columns[k]!;
      while (g < diff.gaps.length && diff.gaps[g]! < time) g++;
      const gap = g < diff.gaps.length && diff.gaps[g] === time;
      const from = c;
      while (c < cells.length && cells[c] === time) c += HEATMAP_CELL_STRIDE;
      if (this.count > 0 && time <= this.time(this.count - 1)) continue;
      // A history column lasts its span, the newest cut where the next column opens.
      const next = k + 1 < diff.columns.length ? diff.columns[k + 1]! : Infinity;
      const span = k < diff.history ? Math.min(diff.historySpanMs, next - time) : diff.sliceMs;
      this.append(time, span, gap, cells, from, c);
    }
    this.version++;
  }

  private append(time: number, span: number, gap: boolean, cells: Float64Array, from: number, to: number): void {
    const n = Math.min((to - from) / HEATMAP_CELL_STRIDE, CELL_CAPACITY);
    let pos = this.written % CELL_CAPACITY;
    if (pos + n > CELL_CAPACITY) {
      this.written += CELL_CAPACITY - pos;
      pos = 0;
    }
    // Drop the oldest columns whose cells the new ones overwrite, and one beyond the column bound.
    const end = this.written + n;
    while (this.count > 0 && (this.count === COLUMN_CAPACITY || this.starts[this.head]! < end - CELL_CAPACITY)) {
      this.head = (this.head + 1) % COLUMN_CAPACITY;
      this.count--;
    }
    const slot = (this.head + this.count) % COLUMN_CAPACITY;
    this.times[slot] = time;
    this.spans[slot] = span;
    this.gaps[slot] = gap ? 1 : 0;
    this.starts[slot] = this.written;
    this.lengths[slot] = n;
    for (let r = 0; r < n; r++) {
      const i = from + r * HEATMAP_CELL_STRIDE;
      this.prices[pos + r] = cells[i + 1]!;
      this.sizes[pos + r] = cells[i + 2]!;
    }
    this.written = end;
    this.count++;
  }

  /** Open time of the k-th column held (0 = oldest). O(1). */
  time(k: number): number {
    return this.times[(this.head + k) % COLUMN_CAPACITY]!;
  }

  /** Duration of the k-th column held, ms. O(1). */
  span(k: number): number {
    return this.spans[(this.head + k) % COLUMN_CAPACITY]!;
  }

  isGap(k: number): boolean {
    return this.gaps[(this.head + k) % COLUMN_CAPACITY] === 1;
  }

  /** Ring position of the k-th column's first cell in `prices`/`sizes`. O(1). */
  cellStart(k: number): number {
    return this.starts[(this.head + k) % COLUMN_CAPACITY]! % CELL_CAPACITY;
  }

  cellCount(k: number): number {
    return this.lengths[(this.head + k) % COLUMN_CAPACITY]!;
  }

  /** Index of the first column with an open time ≥ `time` (count when none). O(log count). */
  firstAtOrAfter(time: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.time(mid) < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
