/**
 * The runs still open on one side of a liquidity heatmap: per level in the sampled window, the
 * size it has rested at since slice `start`. Kept in the order of the book side's arrays (bids by
 * ascending price, asks by descending price: best at the end), so one merge walk against the book
 * finds what changed. Double-buffered typed arrays: sampling allocates nothing once grown.
 */
import type { BookSide } from '../book/bookSide';
import { MAX_RUN_SLICES } from './depthRunLog';

/** Converts a book price to a level's tick offset from the store's origin (see HeatmapStore). */
export interface LevelKeys {
  /** Tick offset of `price` from the origin; NaN when it does not fit a record's code. */
  offsetOf(price: number): number;
}

/** Where the records a sample closes go: the store makes room in the log before each. */
export interface RunSink {
  closeRun(code: number, length: number, size: number): void;
}

export class OpenRuns {
  /** The level's book price: the merge compares prices, so a tick offset is computed only for new levels. */
  prices: Float64Array;
  offsets: Int32Array;
  sizes: Float32Array;
  starts: Float64Array;
  count = 0;
  private sparePrices: Float64Array;
  private spareOffsets: Int32Array;
  private spareSizes: Float32Array;
  private spareStarts: Float64Array;

  /** @param isBid bids: offsets ascending; asks: offsets descending (the book side's order). */
  constructor(
    readonly isBid: boolean,
    capacity = 256,
  ) {
    this.prices = new Float64Array(capacity);
    this.offsets = new Int32Array(capacity);
    this.sizes = new Float32Array(capacity);
    this.starts = new Float64Array(capacity);
    this.sparePrices = new Float64Array(capacity);
    this.spareOffsets = new Int32Array(capacity);
    this.spareSizes = new Float32Array(capacity);
    this.spareStarts = new Float64Array(capacity);
  }

  /** Bytes of the typed arrays (both buffers). O(1). */
  get bytes(): number {
    return 2 * (this.prices.byteLength + this.offsets.byteLength + this.sizes.byteLength + this.starts.byteLength);
  }

  /** The record code of a level: its offset and its side in one Int32. O(1). */
  code(offset: number): number {
    return offset * 2 + (this.isBid ? 0 : 1);
  }

  /**
   * Samples slice `slice` from the book side's best `levels` levels: a level whose (float32) size
   * is unchanged keeps its run; a run whose level changed size or left the window is closed (its
   * record ends at `slice`), as is one that reached MAX_RUN_SLICES (reopened at once); new levels
   * open runs. O(levels + open runs); allocates only to grow.
   */
  sample(side: BookSide, levels: number, keys: LevelKeys, slice: number, sink: RunSink): void {
    this.ensureSpare(levels + this.count);
    const outPrices = this.sparePrices;
    const outOffsets = this.spareOffsets;
    const outSizes = this.spareSizes;
    const outStarts = this.spareStarts;
    const isBid = this.isBid;
    const runPrices = this.prices;
    let n = 0;
    let r = 0;
    for (let i = side.count - levels; i < side.count; i++) {
      const price = side.prices[i]!;
      const size = Math.fround(side.sizes[i]!);
      // Runs before this level (in the side's order) have no level any more.
      while (r < this.count && (isBid ? runPrices[r]! < price : runPrices[r]! > price)) {
        this.close(r, slice, sink);
        r++;
      }
      let start = slice;
      let offset: number;
      if (r < this.count && runPrices[r] === price) {
        offset = this.offsets[r]!;
        if (this.sizes[r] === size && slice - this.starts[r]! < MAX_RUN_SLICES) start = this.starts[r]!;
        else this.close(r, slice, sink);
        r++;
      } else {
        offset = keys.offsetOf(price);
        if (offset !== offset) continue;
      }
      outPrices[n] = price;
      outOffsets[n] = offset;
      outSizes[n] = size;
      outStarts[n] = start;
      n++;
    }
    for (; r < this.count; r++) this.close(r, slice, sink);
    this.sparePrices = this.prices;
    this.prices = outPrices;
    this.spareOffsets = this.offsets;
    this.spareSizes = this.sizes;
    this.spareStarts = this.starts;
    this.offsets = outOffsets;
    this.sizes = outSizes;
    this.starts = outStarts;
    this.count = n;
  }

  /** Closes every run at `slice` (the book stopped being showable). O(open runs). */
  closeAll(slice: number, sink: RunSink): void {
    for (let r = 0; r < this.count; r++) this.close(r, slice, sink);
    this.count = 0;
  }

  private close(r: number, slice: number, sink: RunSink): void {
    const length = slice - this.starts[r]!;
    if (length > 0) sink.closeRun(this.code(this.offsets[r]!), length, this.sizes[r]!);
  }

  private ensureSpare(capacity: number): void {
    if (this.spareOffsets.length >= capacity && this.offsets.length >= capacity) return;
    let next = Math.max(this.offsets.length, 16);
    while (next < capacity) next *= 2;
    const grow = <T extends Int32Array | Float32Array | Float64Array>(from: T, make: (n: number) => T): T => {
      const to = make(next);
      to.set(from.subarray(0, this.count) as never);
      return to;
    };
    this.prices = grow(this.prices, (n) => new Float64Array(n));
    this.offsets = grow(this.offsets, (n) => new Int32Array(n));
    this.sizes = grow(this.sizes, (n) => new Float32Array(n));
    this.starts = grow(this.starts, (n) => new Float64Array(n));
    this.sparePrices = new Float64Array(next);
    this.spareOffsets = new Int32Array(next);
    this.spareSizes = new Float32Array(next);
    this.spareStarts = new Float64Array(next);
  }
}
