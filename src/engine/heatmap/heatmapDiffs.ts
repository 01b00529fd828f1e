/**
 * What one panel is sent of the heatmap: the columns closed since its last frame, each once (a
 * closed column never changes), as sparse cells at the panel's ladder grouping. After an init or
 * a change of grouping the next diff is a reset: the newest HEATMAP_RESET_COLUMNS columns, and
 * before them everything older the store holds, averaged into history columns of a bar each (at
 * most MAX_HISTORY_COLUMNS, wider when the store holds more) over the rows near the mid, so a
 * chart opened now shows the liquidity of the bars it shows, not only of the last minute.
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
/** History columns a reset carries at most (two hours of 1 m bars; finer bars get wider columns). */
export const MAX_HISTORY_COLUMNS = 240;
/** Rows of a history column at most, centred on the mid (what a chart shows at that grouping). */
export const MAX_HISTORY_ROWS = 1000;
/** A history column's span when the bars have no fixed duration (bars of N trades or volume). */
const ACTIVITY_HISTORY_SPAN_MS = 10_000;

export class HeatmapDiffBuilder {
  /** Next slice the panel has not been sent; NaN: the next diff resets. */
  private sentUntil = NaN;
  private sentTicksPerRow = NaN;
  private readonly levels = new ColumnLevels();
  private readonly cells = new ColumnCells();
  /** The cells being packed (reused, grown by doubling; the message gets a copy of the used part). */
  private packed: Float64Array = new Float64Array(4096);
  /** A history read: columns × rows of mean sizes (reused, grown). */
  private history: Float32Array = new Float32Array(0);

  /** The next diff resets (a new init). O(1). */
  reset(): void {
    this.sentUntil = NaN;
  }

  /**
   * The columns closed since the last diff, or null when none closed (and no reset is due). A
   * reset also carries the history before its newest columns (see the file comment), averaged
   * into columns of `barMs` (NaN: bars of no fixed duration) over the rows around `mid`.
   * O(levels) per new column; a reset's older columns also scan the runs that ended after them,
   * and its history the runs of the whole store (about 15 ms for two hours of BTCUSDT).
   * Allocates the message's arrays only (its cells are packed in a reused buffer, then copied once).
   */
  next(store: HeatmapStore, grid: PriceGrid, ticksPerRow: number, mid = NaN, barMs = NaN): HeatmapDiff | null {
    const reset = this.sentUntil !== this.sentUntil || ticksPerRow !== this.sentTicksPerRow;
    const end = store.nextSlice;
    if (end !== end) return null;
    const from = reset ? Math.max(store.firstSlice, end - HEATMAP_RESET_COLUMNS) : Math.max(this.sentUntil, store.firstSlice, end - HEATMAP_RESET_COLUMNS);
    if (!reset && from >= end) return null;
    this.sentUntil = end;
    this.sentTicksPerRow = ticksPerRow;
    const sliceMs = store.options.sliceMs;
    const units = grid.tickUnits * ticksPerRow;
    const times: number[] = [];
    const gaps: number[] = [];
    let n = 0;
    let history = 0;
    let historySpanMs = sliceMs;
    if (reset && from > store.firstSlice && mid > 0) {
      const spanSlices = Math.max(Math.ceil((barMs > 0 ? barMs : ACTIVITY_HISTORY_SPAN_MS) / sliceMs), Math.ceil((from - store.firstSlice) / MAX_HISTORY_COLUMNS));
      historySpanMs = spanSlices * sliceMs;
      n = this.readHistory(store, grid, ticksPerRow, mid, spanSlices, from, times, gaps);
      history = times.length;
    }
    let packed = this.packed;
    for (let s = from; s < end; s++) {
      const time = s * sliceMs;
      times.push(time);
      if (!store.columnLevels(s, this.levels)) {
        gaps.push(time);
        continue;
      }
      this.cells.group(this.levels, ticksPerRow);
      packed = this.room(n + this.cells.count * HEATMAP_CELL_STRIDE, n);
      for (let r = 0; r < this.cells.count; r++) {
        packed[n++] = time;
        // The row's price as the ladder prices a bucket: whole units of the tick's decimal scale.
        packed[n++] = (this.cells.buckets[r]! * units) / grid.scale;
        packed[n++] = this.cells.sizes[r]!;
      }
    }
    return {
      reset,
      sliceMs,
      rowStep: units / grid.scale,
      columns: Float64Array.from(times),
      gaps: Float64Array.from(gaps),
      cells: packed.slice(0, n),
      history,
      historySpanMs,
    };
  }

  /**
   * The store's slices before `until`, averaged into columns of `spanSlices` aligned to multiples
   * of it (a bar each), the newest one cut at `until`, over MAX_HISTORY_ROWS rows around `mid`:
   * appends each column's time (and those with no book to `gaps`) and packs its rows that held
   * size. Returns the numbers packed. O(runs held + columns × rows).
   */
  private readHistory(store: HeatmapStore, grid: PriceGrid, ticksPerRow: number, mid: number, spanSlices: number, until: number, times: number[], gaps: number[]): number {
    const sliceMs = store.options.sliceMs;
    const units = grid.tickUnits * ticksPerRow;
    const step = units / grid.scale;
    const rows = Math.min(MAX_HISTORY_ROWS, Math.ceil((2 * mid * store.options.windowPercent) / 100 / step) + 2);
    const bucketFrom = Math.floor(mid / step) - (rows >> 1);
    const start = Math.floor(store.firstSlice / spanSlices) * spanSlices;
    const whole = Math.floor((until - start) / spanSlices);
    const columns = whole + (start + whole * spanSlices < until ? 1 : 0);
    if (this.history.length < columns * rows) this.history = new Float32Array(columns * rows);
    const out = this.history;
    if (whole > 0) store.read(start, start + whole * spanSlices, whole, ticksPerRow, bucketFrom, rows, out);
    if (columns > whole) store.read(start + whole * spanSlices, until, 1, ticksPerRow, bucketFrom, rows, out.subarray(whole * rows));
    let n = 0;
    for (let c = 0; c < columns; c++) {
      const time = (start + c * spanSlices) * sliceMs;
      times.push(time);
      const base = c * rows;
      if (out[base] !== out[base]) {
        gaps.push(time); // no slice of it held a book
        continue;
      }
      const packed = this.room(n + rows * HEATMAP_CELL_STRIDE, n);
      for (let r = 0; r < rows; r++) {
        const size = out[base + r]!;
        if (!(size > 0)) continue;
        packed[n++] = time;
        packed[n++] = ((bucketFrom + r) * units) / grid.scale;
        packed[n++] = size;
      }
    }
    return n;
  }

  /** The packing buffer with room for `need` numbers, its first `used` kept. */
  private room(need: number, used: number): Float64Array {
    if (need <= this.packed.length) return this.packed;
    const grown = new Float64Array(Math.max(need, this.packed.length * 2));
    grown.set(this.packed.subarray(0, used));
    this.packed = grown;
    return grown;
  }
}
