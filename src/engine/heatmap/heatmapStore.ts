/**
 * Historical depth for the liquidity heatmap: the resting size of every book level near the mid,
 * one sample per time slice (1 s by default), kept as runs of unchanged size per level (the shape
 * of flowsurface's `HistoricalDepth`) in a bounded ring of 9-byte records.
 *
 * Why runs and not a ring of dense columns: a BTCUSDT book at its 0.01 tick holds about 2,500
 * levels within 1% of the mid, spread over about 12,000 ticks, and per 1 s slice only about 260
 * levels change size. Dense columns at the tick would take 12,000 rows × 4 bytes a second (350 MB
 * for two hours); runs take what changes (measured in bench/heatmapBench.ts). The levels are kept
 * at the exchange's own tick, so any ladder grouping is read exactly (bids round down, asks up,
 * as the ladder groups them).
 *
 * Time: slice `s` covers [s·sliceMs, (s+1)·sliceMs). It is closed, with the book as it stands,
 * when the market's clock first reaches its end (`advance`): its column is the book the engine
 * held at that moment. A slice closed while the book is not showable (awaiting a snapshot,
 * resyncing, disconnected) is a gap: it holds no level and reads back as NaN, never as the book
 * held before. Closed slices never change.
 *
 * Memory is bounded twice: at most `maxSlices` slices are kept (the oldest dropped first), and at
 * most `maxRecords` runs; when the runs are full the oldest slices are dropped until one fits.
 * Arrays start small and double up to those bounds; `bytes` is what is allocated.
 */
import type { BookSide } from '../book/bookSide';
import type { OrderBook } from '../book/orderBook';
import type { PriceGrid } from '../book/priceGrid';
import type { ColumnLevels } from './columnCells';
import { DepthRunLog, MAX_RUN_SLICES } from './depthRunLog';
import { OpenRuns, type LevelKeys, type RunSink } from './openRuns';

export interface HeatmapOptions {
  /** Duration of one column, ms. */
  sliceMs: number;
  /** Levels within this percent of the mid (each side) are kept. */
  windowPercent: number;
  /** Slices kept at most (the time retained: 86,400 slices of 1 s are a day). */
  maxSlices: number;
  /** Runs kept at most (9 bytes each): the memory budget of the runs. */
  maxRecords: number;
}

/**
 * Defaults: 1 s columns, levels within 2% of the mid, at most a day of slices and 3.4M runs.
 * Budget (MB of 2^20 bytes): at most 29.2 MB of runs + 0.7 MB of slice index + the open runs
 * (48 bytes a level in the window), 30.4 MB with 10,000 levels in the window; two hours of
 * BTCUSDT spot take about 1M runs (9.6 MB, bench/RESULTS.md), so a market changing three
 * times as many levels a second still keeps two hours.
 */
export const DEFAULT_HEATMAP_OPTIONS: Readonly<HeatmapOptions> = {
  sliceMs: 1000,
  windowPercent: 2,
  maxSlices: 86_400,
  maxRecords: 3_400_000,
};

/** Slices (a minute at 1 s) the clock may go back before the store starts afresh; less, it waits for the clock to catch up. */
const CLOCK_BACK_RESTART_SLICES = 60;
/** Offsets of a level from the origin must fit a record's Int32 code with its side bit. */
const MAX_OFFSET = 2 ** 30 - 1;
/** Small at first: every market keeps a heatmap, most never grow it far (36 kB of runs to start). */
const INITIAL_RECORDS = 4096;
const INITIAL_SLICES = 1024;

export class HeatmapStore implements LevelKeys, RunSink {
  readonly options: Readonly<HeatmapOptions>;
  /** First slice held (older ones were dropped or never seen); NaN before the first `advance`. */
  firstSlice = NaN;
  /** Next slice to close: slices [firstSlice, nextSlice) are closed and held. */
  nextSlice = NaN;
  /** Levels left out because their price is too far from the origin for a record (counted). */
  outOfRange = 0;

  private readonly log: DepthRunLog;
  private readonly bidRuns = new OpenRuns(true);
  private readonly askRuns = new OpenRuns(false);
  /** Per held slice (ring, same start as the slices): the sequence number of its group's first run. */
  private groupStarts: Float64Array;
  /** Per held slice: 1 when it is a gap. */
  private gaps: Uint8Array;
  /** Newest slice whose group start is written (the slice being closed, during a close). */
  private groupSlice = NaN;
  /** Ring position of `firstSlice`. */
  private sliceHead = 0;
  /** Tick index of the level offsets' origin (the first mid seen); NaN until then. */
  private originTick = NaN;
  /** Scales of the market's tick grid: a price times `scale` over `tickUnits` is its tick index. */
  private readonly scale: number;
  private readonly tickUnits: number;
  /** Per output column of a read: slices with data (reused, grown). */
  private readCounts = new Float64Array(64);

  constructor(grid: PriceGrid, options: Partial<HeatmapOptions> = {}) {
    this.options = { ...DEFAULT_HEATMAP_OPTIONS, ...options };
    const { sliceMs, maxSlices, maxRecords } = this.options;
    if (!(Number.isInteger(sliceMs) && sliceMs >= 1)) throw new RangeError(`heatmap sliceMs must be a whole number of ms ≥ 1, got ${sliceMs}`);
    if (!(Number.isInteger(maxSlices) && maxSlices >= 2)) throw new RangeError(`heatmap maxSlices must be a whole number ≥ 2, got ${maxSlices}`);
    if (!(Number.isInteger(maxRecords) && maxRecords >= 1)) throw new RangeError(`heatmap maxRecords must be a whole number ≥ 1, got ${maxRecords}`);
    this.scale = grid.scale;
    this.tickUnits = grid.tickUnits;
    this.log = new DepthRunLog(INITIAL_RECORDS, maxRecords);
    const slices = Math.min(INITIAL_SLICES, maxSlices);
    this.groupStarts = new Float64Array(slices);
    this.gaps = new Uint8Array(slices);
  }

  /** Bytes allocated by the store's typed arrays. O(1). */
  get bytes(): number {
    return this.log.bytes + this.groupStarts.byteLength + this.gaps.byteLength + this.bidRuns.bytes + this.askRuns.bytes + this.readCounts.byteLength;
  }

  /** Runs held. O(1). */
  get records(): number {
    return this.log.count;
  }

  /** The slice holding time `timeMs`. O(1). */
  sliceOf(timeMs: number): number {
    return Math.floor(timeMs / this.options.sliceMs);
  }

  /** Tick index of a price on the market's grid (a level's or a bucket edge's). O(1). */
  tickOf(price: number): number {
    return Math.round(Math.round(price * this.scale) / this.tickUnits);
  }

  /** LevelKeys: the level's tick offset from the origin, NaN when too far for a record. O(1). */
  offsetOf(price: number): number {
    const offset = this.tickOf(price) - this.originTick;
    return offset >= -MAX_OFFSET && offset <= MAX_OFFSET ? offset : (this.outOfRange++, NaN);
  }

  /**
   * The market's clock reached `timeMs`: closes every slice that ended by then with `book` as it
   * stands, as a gap when `showable` is false. Call BEFORE the book changes at that time. O(1)
   * when no slice ended; O(levels in the window) per slice closed; allocates only to grow. A jump
   * past everything held starts afresh (the skipped slices read as gaps).
   */
  advance(timeMs: number, book: OrderBook, showable: boolean): void {
    const target = this.sliceOf(timeMs);
    if (!(target === target)) return;
    if (this.nextSlice !== this.nextSlice) {
      this.firstSlice = target;
      this.nextSlice = target;
      return;
    }
    // A jump past everything held, or a clock set back by more than CLOCK_BACK_RESTART_SLICES (the
    // wall time a market was timed by before its first stamp, far from the exchange's): afresh.
    if (target - this.nextSlice > this.options.maxSlices || this.nextSlice - target > CLOCK_BACK_RESTART_SLICES) this.restartAt(target);
    while (this.nextSlice < target) this.closeSlice(book, showable);
  }

  /** True when slice `slice` is held and is a gap. O(1). */
  isGap(slice: number): boolean {
    return slice >= this.firstSlice && slice < this.nextSlice && this.gaps[this.slicePosition(slice)] === 1;
  }

  /**
   * Resting size per row over slices [fromSlice, toSlice), in `columns` columns of consecutive
   * slices (each `⌊span / columns⌋` or one more; at most one column per slice) and `rows` rows of
   * `ticksPerRow` ticks from bucket `bucketFrom` (a bucket's price is bucket × ticksPerRow × tick;
   * bids are counted in the bucket at or below them, asks at or above, as the ladder groups).
   * Writes column-major (`out[column × rows + row]`) the mean over the column's slices that hold
   * a book; NaN for a column whose slices are all gaps or not held. Returns the columns written.
   * O(runs ending in [fromSlice, toSlice + 255) + columns × rows); allocates only to grow.
   */
  read(fromSlice: number, toSlice: number, columns: number, ticksPerRow: number, bucketFrom: number, rows: number, out: Float32Array): number {
    const span = toSlice - fromSlice;
    if (!(span > 0) || !(columns >= 1) || !(rows >= 1) || this.nextSlice !== this.nextSlice) return 0;
    columns = Math.min(Math.floor(columns), span);
    if (out.length < columns * rows) throw new RangeError(`heatmap read needs ${columns * rows} values, out holds ${out.length}`);
    if (this.readCounts.length < columns) this.readCounts = new Float64Array(Math.max(columns, this.readCounts.length * 2));
    const counts = this.readCounts;
    counts.fill(0, 0, columns);
    out.fill(0, 0, columns * rows);
    const held0 = Math.max(fromSlice, this.firstSlice);
    const held1 = Math.min(toSlice, this.nextSlice);
    for (let s = held0; s < held1; s++) if (this.gaps[this.slicePosition(s)] === 0) counts[columnOf(s, fromSlice, span, columns)]++;
    if (held0 < held1) {
      const ctx = READ;
      ctx.fromSlice = fromSlice;
      ctx.toSlice = toSlice;
      ctx.span = span;
      ctx.columns = columns;
      ctx.ticksPerRow = ticksPerRow;
      ctx.bucketFrom = bucketFrom;
      ctx.rows = rows;
      // Closed runs: a run ending at e covers at most MAX_RUN_SLICES slices before e.
      const lastGroup = Math.min(held1 + MAX_RUN_SLICES, this.nextSlice) - 1;
      const log = this.log;
      for (let e = held0 + 1; e <= lastGroup; e++) {
        const seqEnd = e + 1 < this.nextSlice ? this.groupStarts[this.slicePosition(e + 1)]! : log.endSeq;
        for (let seq = Math.max(this.groupStarts[this.slicePosition(e)]!, log.firstSeq); seq < seqEnd; seq++) {
          const at = log.position(seq);
          this.addRun(ctx, log.codes[at]!, e - log.lengths[at]!, e, log.sizes[at]!, out);
        }
      }
      // Open runs reach the newest closed slice.
      this.addOpenRuns(ctx, this.bidRuns, out);
      this.addOpenRuns(ctx, this.askRuns, out);
    }
    for (let c = 0; c < columns; c++) {
      const n = counts[c]!;
      const base = c * rows;
      if (n === 0) out.fill(NaN, base, base + rows);
      else if (n !== 1) for (let r = 0; r < rows; r++) out[base + r] = out[base + r]! / n;
    }
    return columns;
  }

  /**
   * The levels slice `slice` held (tick index, side, float32 size) into `out`; false, with no
   * level, when the slice is not held or is a gap. The newest closed slice comes from the open
   * runs alone, in ascending price order: O(levels). An older one also scans the runs that ended
   * within 255 slices after it: O(those runs). Allocates only to grow `out`.
   */
  columnLevels(slice: number, out: ColumnLevels): boolean {
    out.count = 0;
    if (!(slice >= this.firstSlice && slice < this.nextSlice) || this.gaps[this.slicePosition(slice)] === 1) return false;
    const log = this.log;
    const lastGroup = Math.min(slice + MAX_RUN_SLICES, this.nextSlice - 1);
    for (let e = slice + 1; e <= lastGroup; e++) {
      const seqEnd = e + 1 < this.nextSlice ? this.groupStarts[this.slicePosition(e + 1)]! : log.endSeq;
      for (let seq = Math.max(this.groupStarts[this.slicePosition(e)]!, log.firstSeq); seq < seqEnd; seq++) {
        const at = log.position(seq);
        if (e - log.lengths[at]! > slice) continue;
        const code = log.codes[at]!;
        out.push((code >> 1) + this.originTick, (code & 1) === 1, log.sizes[at]!);
      }
    }
    const bids = this.bidRuns;
    for (let r = 0; r < bids.count; r++) if (bids.starts[r]! <= slice) out.push(bids.offsets[r]! + this.originTick, false, bids.sizes[r]!);
    const asks = this.askRuns;
    for (let r = asks.count - 1; r >= 0; r--) if (asks.starts[r]! <= slice) out.push(asks.offsets[r]! + this.originTick, true, asks.sizes[r]!);
    return true;
  }

  private addOpenRuns(ctx: ReadContext, runs: OpenRuns, out: Float32Array): void {
    for (let r = 0; r < runs.count; r++) this.addRun(ctx, runs.code(runs.offsets[r]!), runs.starts[r]!, this.nextSlice, runs.sizes[r]!, out);
  }

  /** Adds a run covering slices [start, end) to the columns and row it falls in. O(columns it spans). */
  private addRun(ctx: ReadContext, code: number, start: number, end: number, size: number, out: Float32Array): void {
    const tick = (code >> 1) + this.originTick;
    const bucket = (code & 1) === 0 ? Math.floor(tick / ctx.ticksPerRow) : Math.ceil(tick / ctx.ticksPerRow);
    const row = bucket - ctx.bucketFrom;
    if (row < 0 || row >= ctx.rows) return;
    let s = Math.max(start, ctx.fromSlice, this.firstSlice);
    const stop = Math.min(end, ctx.toSlice);
    while (s < stop) {
      const column = columnOf(s, ctx.fromSlice, ctx.span, ctx.columns);
      // First slice of the next column: the smallest s' with columnOf(s') = column + 1.
      const next = Math.min(stop, ctx.fromSlice + Math.ceil(((column + 1) * ctx.span) / ctx.columns));
      const at = column * ctx.rows + row;
      out[at] = out[at]! + size * (next - s);
      s = next;
    }
  }

  private closeSlice(book: OrderBook, showable: boolean): void {
    const slice = this.nextSlice;
    if (slice - this.firstSlice >= this.options.maxSlices) this.dropOldestSlice();
    this.ensureSliceCapacity(slice - this.firstSlice + 1);
    const position = this.slicePosition(slice);
    this.groupStarts[position] = this.log.endSeq;
    this.groupSlice = slice;
    const mid = book.mid();
    if (showable && mid === mid) {
      if (this.originTick !== this.originTick) this.originTick = this.tickOf(mid);
      this.gaps[position] = 0;
      this.sampleSide(this.bidRuns, book.bids, book.levelsWithinPercent(true, this.options.windowPercent), slice);
      this.sampleSide(this.askRuns, book.asks, book.levelsWithinPercent(false, this.options.windowPercent), slice);
    } else {
      this.gaps[position] = 1;
      this.bidRuns.closeAll(slice, this);
      this.askRuns.closeAll(slice, this);
    }
    this.nextSlice = slice + 1;
  }

  private sampleSide(runs: OpenRuns, side: BookSide, levels: number, slice: number): void {
    runs.sample(side, levels, this, slice, this);
  }

  /** RunSink: appends a closed run to the group of the slice being closed, dropping old slices for room. */
  closeRun(code: number, length: number, size: number): void {
    const closing = this.nextSlice;
    while (this.log.isFull && this.firstSlice < closing) this.dropOldestSlice();
    // Everything older than the slice being closed is gone: this run covers nothing held.
    if (this.firstSlice >= closing) return;
    this.log.append(code, length, size);
  }

  /** Drops the oldest held slice and the runs that covered only slices before the new first one. */
  private dropOldestSlice(): void {
    this.firstSlice++;
    this.sliceHead = (this.sliceHead + 1) % this.groupStarts.length;
    // Group `firstSlice` holds runs ending there: they cover only older slices.
    const keepFrom = this.firstSlice + 1;
    this.log.dropBefore(keepFrom <= this.groupSlice ? this.groupStarts[this.slicePosition(keepFrom)]! : this.log.endSeq);
  }

  /** The clock jumped past everything held: start again at `slice` with nothing held (older slices read as not held). */
  private restartAt(slice: number): void {
    this.groupSlice = NaN;
    this.bidRuns.count = 0;
    this.askRuns.count = 0;
    this.log.dropBefore(this.log.endSeq);
    this.firstSlice = slice;
    this.nextSlice = slice;
    this.sliceHead = 0;
  }

  private slicePosition(slice: number): number {
    return (this.sliceHead + (slice - this.firstSlice)) % this.groupStarts.length;
  }

  private ensureSliceCapacity(held: number): void {
    const capacity = this.groupStarts.length;
    if (held <= capacity) return;
    const next = Math.min(this.options.maxSlices, capacity * 2);
    const groupStarts = new Float64Array(next);
    const gaps = new Uint8Array(next);
    const count = this.nextSlice - this.firstSlice;
    for (let i = 0; i < count; i++) {
      const from = (this.sliceHead + i) % capacity;
      groupStarts[i] = this.groupStarts[from]!;
      gaps[i] = this.gaps[from]!;
    }
    this.groupStarts = groupStarts;
    this.gaps = gaps;
    this.sliceHead = 0;
  }
}

/** Output column of slice `s` when [from, from + span) is cut into `columns` columns. O(1). */
function columnOf(s: number, from: number, span: number, columns: number): number {
  return Math.floor(((s - from) * columns) / span);
}

/** The parameters of one read, in a reused object so that `addRun` takes few arguments. */
interface ReadContext {
  fromSlice: number;
  toSlice: number;
  span: number;
  columns: number;
  ticksPerRow: number;
  bucketFrom: number;
  rows: number;
}
const READ: ReadContext = { fromSlice: 0, toSlice: 0, span: 0, columns: 0, ticksPerRow: 1, bucketFrom: 0, rows: 0 };
