/**
 * What one panel is sent of the heatmap: the columns closed since its last frame, each once (a
 * closed column never changes), as sparse cells at the panel's ladder grouping. After an init or
 * a change of grouping the next diff is a reset carrying the newest HEATMAP_RESET_COLUMNS columns.
 */
import type { PriceGrid } from '../book/priceGrid';
import { HEATMAP_CELL_STRIDE, type HeatmapDiff } from '../protocol';
import { ColumnCells, ColumnLevels } from './columnCells';
import type { HeatmapStore } from './heatmapStore';

/**
 * Columns a reset carries: the last minute at 1 s. A BTCUSDT column at the tick is about 3,000
 * cells (72 kB), so a longer backlog belongs to an aggregated read, not to a frame.
 */
export const HEATMAP_RESET_COLUMNS = 60;

export class HeatmapDiffBuilder {
  /** Next slice the panel has not been sent; NaN: the next diff resets. */
  private sentUntil = NaN;
  private sentTicksPerRow = NaN;
  private readonly levels = new ColumnLevels();
  private readonly cells = new ColumnCells();
  /** The cells being packed (reused, grown by doubling; the message gets a copy of the used part). */
  private packed = new Float64Array(4096);

  /** The next diff resets (a new init). O(1). */
  reset(): void {
    this.sentUntil = NaN;
  }

  /**
   * The columns closed since the last diff, or null when none closed (and no reset is due).
   * O(levels) per new column; a reset's older columns also scan the runs that ended after them.
   * Allocates the message's arrays only (its cells are packed in a reused buffer, then copied once).
   */
  next(store: HeatmapStore, grid: PriceGrid, ticksPerRow: number): HeatmapDiff | null {
    const reset = this.sentUntil !== this.sentUntil || ticksPerRow !== this.sentTicksPerRow;
    const end = store.nextSlice;
    if (end !== end) return null;
    const from = reset ? Math.max(store.firstSlice, end - HEATMAP_RESET_COLUMNS) : Math.max(this.sentUntil, store.firstSlice, end - HEATMAP_RESET_COLUMNS);
    if (!reset && from >= end) return null;
    this.sentUntil = end;
    this.sentTicksPerRow = ticksPerRow;
    const sliceMs = store.options.sliceMs;
    const columns = new Float64Array(Math.max(0, end - from));
    const gaps: number[] = [];
    // Cells of every column, packed after the count is known (one pass per column into `packed`).
    let packed = this.packed;
    let n = 0;
    const units = grid.tickUnits * ticksPerRow;
    for (let s = from; s < end; s++) {
      const time = s * sliceMs;
      columns[s - from] = time;
      if (!store.columnLevels(s, this.levels)) {
        gaps.push(time);
        continue;
      }
      this.cells.group(this.levels, ticksPerRow);
      const need = n + this.cells.count * HEATMAP_CELL_STRIDE;
      if (need > packed.length) {
        const grown = new Float64Array(Math.max(need, packed.length * 2));
        grown.set(packed.subarray(0, n));
        packed = this.packed = grown;
      }
      for (let r = 0; r < this.cells.count; r++) {
        packed[n++] = time;
        // The row's price as the ladder prices a bucket: whole units of the tick's decimal scale.
        packed[n++] = (this.cells.buckets[r]! * units) / grid.scale;
        packed[n++] = this.cells.sizes[r]!;
      }
    }
    return { reset, sliceMs, rowStep: (units / grid.scale), columns, gaps: Float64Array.from(gaps), cells: packed.slice(0, n) };
  }
}
