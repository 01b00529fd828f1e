/**
 * Per-bar storage and seq discipline shared by indicators and metrics.
 *
 * Values live in one Float64Array of `capacity` rows × `width` columns; bar `seq` sits in row
 * `seq mod capacity`, so any held bar is found in O(1) and wrap-around needs no copying. The
 * newest seq is the live bar. Hidden columns (beyond `outputs`) hold per-bar values a subclass
 * exposes through its own accessor.
 */
import type { IndicatorSeries } from './indicatorSeries';

export abstract class SeqSeries implements IndicatorSeries {
  abstract readonly label: string;
  readonly outputs: readonly string[];
  readonly capacity: number;
  private readonly width: number;
  private readonly rows: Float64Array;
  /** No bar since construction or reset. Subclasses read it, never write it. */
  protected empty = true;
  /** First seq fed since the last reset. */
  private first = 0;
  /** Seq of the live bar when not empty. Subclasses read it, never write it. */
  protected newest = 0;
  /** Offset in `rows` of the newest bar's row. */
  private head = 0;
  private rejectedCount = 0;

  /** `capacity` must already be validated (an integer ≥ 1). Allocates the ring. */
  protected constructor(outputs: readonly string[], capacity: number, hiddenColumns = 0) {
    this.outputs = outputs;
    this.capacity = capacity;
    this.width = outputs.length + hiddenColumns;
    this.rows = new Float64Array(capacity * this.width).fill(NaN);
  }

  /** See {@link IndicatorSeries.rejected}. O(1). */
  get rejected(): number {
    return this.rejectedCount;
  }

  /** See {@link IndicatorSeries.firstSeq}. O(1). */
  get firstSeq(): number {
    if (this.empty) return NaN;
    return Math.max(this.first, this.newest - this.capacity + 1);
  }

  /** See {@link IndicatorSeries.lastSeq}. O(1). */
  get lastSeq(): number {
    return this.empty ? NaN : this.newest;
  }

  /** See {@link IndicatorSeries.valueAt}. O(1); allocates nothing. */
  valueAt(seq: number, output = 0): number {
    if (!Number.isInteger(output) || output < 0 || output >= this.outputs.length) return NaN;
    return this.read(seq, output);
  }

  /** See {@link IndicatorSeries.latest}. O(1); allocates nothing. */
  latest(output = 0): number {
    return this.empty ? NaN : this.valueAt(this.newest, output);
  }

  /** See {@link IndicatorSeries.copyRange}. O(count); allocates nothing. */
  copyRange(fromSeq: number, count: number, output: number, out: Float64Array, outOffset = 0): void {
    for (let i = 0; i < count; i++) out[outOffset + i] = this.valueAt(fromSeq + i, output);
  }

  /** Forgets every bar and the `rejected` count. O(capacity); allocates nothing. */
  reset(): void {
    this.rows.fill(NaN);
    this.empty = true;
    this.rejectedCount = 0;
  }

  /**
   * Renumbers every held bar `k` seqs later: the candle series inserted `k` bars before them (an
   * older history page) and renumbered its bars. Values stay with their bars. O(capacity);
   * allocates a copy of the held rows (once per page, not per event).
   */
  shiftSeqs(k: number): void {
    if (this.empty || !Number.isSafeInteger(k) || k <= 0) return;
    this.refreshLive();
    const from = this.firstSeq;
    const to = this.newest;
    const width = this.width;
    const held = new Float64Array((to - from + 1) * width);
    for (let seq = from; seq <= to; seq++) held.set(this.rows.subarray(this.rowOf(seq) * width, this.rowOf(seq) * width + width), (seq - from) * width);
    this.rows.fill(NaN);
    for (let seq = from; seq <= to; seq++) this.rows.set(held.subarray((seq - from) * width, (seq - from + 1) * width), this.rowOf(seq + k) * width);
    this.first = from + k;
    this.newest = to + k;
    this.head = this.rowOf(this.newest) * width;
  }

  /** Column `column` (outputs first, then hidden ones) at `seq`; NaN when not held. O(1). */
  protected read(seq: number, column: number): number {
    this.refreshLive();
    if (this.empty || !Number.isSafeInteger(seq) || seq > this.newest) return NaN;
    if (seq < this.first || seq <= this.newest - this.capacity) return NaN;
    return this.rows[this.rowOf(seq) * this.width + column];
  }

  /**
   * Makes `seq` the live bar. Same seq: nothing to do. Higher seq: {@link commitLive} closes the
   * live bar, then the rows from the old live bar up to `seq` are cleared to NaN. Returns false,
   * counted in `rejected`, for a non-integer seq or one older than the live bar.
   * O(1), or O(min(gap, capacity)) after skipped seqs; allocates nothing.
   */
  protected enterBar(seq: number): boolean {
    if (!Number.isSafeInteger(seq)) return this.reject();
    if (this.empty) {
      this.empty = false;
      this.first = seq;
      this.moveHead(seq, seq);
      return true;
    }
    if (seq === this.newest) return true;
    if (seq < this.newest) return this.reject();
    this.refreshLive();
    this.commitLive();
    this.moveHead(Math.max(this.newest + 1, seq - this.capacity + 1), seq);
    return true;
  }

  /**
   * Writes the live bar's outputs when a subclass took an input without writing them yet (see
   * ValueIndicator); every read and every commit comes here first. Nothing to do by default.
   */
  protected refreshLive(): void {}

  /** Folds the live bar's input into the committed state; called when a higher seq arrives. */
  protected commitLive(): void {}

  /** Column `column` of the live bar. O(1). */
  protected readLive(column: number): number {
    return this.rows[this.head + column];
  }

  /** Sets column `column` of the live bar. O(1). */
  protected writeLive(column: number, value: number): void {
    this.rows[this.head + column] = value;
  }

  /** Counts a refused input; returns false for the caller to pass on. */
  protected reject(): false {
    this.rejectedCount++;
    return false;
  }

  private rowOf(seq: number): number {
    const row = seq % this.capacity;
    return row < 0 ? row + this.capacity : row;
  }

  /** Clears the rows of seqs `from`..`to` and makes `to` the newest. */
  private moveHead(from: number, to: number): void {
    for (let seq = from; seq <= to; seq++) {
      const start = this.rowOf(seq) * this.width;
      this.rows.fill(NaN, start, start + this.width);
    }
    this.newest = to;
    this.head = this.rowOf(to) * this.width;
  }
}
