/**
 * One heatmap column as sparse cells: the levels a slice held, grouped into rows of
 * `ticksPerRow` ticks the way the ladder groups them (bids into the bucket at or below, asks at
 * or above), ascending by row, only rows that hold size. Caller-owned typed arrays, grown by
 * doubling: what a frame sends for each new column.
 */

/** The levels of one slice, unsorted: absolute tick index, side and (float32) size. Caller-owned. */
export class ColumnLevels {
  ticks = new Float64Array(1024);
  sizes = new Float64Array(1024);
  isAsk = new Uint8Array(1024);
  count = 0;

  /** Appends a level. Amortized O(1); allocates only to grow. */
  push(tick: number, isAsk: boolean, size: number): void {
    if (this.count === this.ticks.length) this.grow();
    this.ticks[this.count] = tick;
    this.isAsk[this.count] = isAsk ? 1 : 0;
    this.sizes[this.count] = size;
    this.count++;
  }

  private grow(): void {
    const n = this.ticks.length * 2;
    const ticks = new Float64Array(n);
    const sizes = new Float64Array(n);
    const isAsk = new Uint8Array(n);
    ticks.set(this.ticks);
    sizes.set(this.sizes);
    isAsk.set(this.isAsk);
    this.ticks = ticks;
    this.sizes = sizes;
    this.isAsk = isAsk;
  }
}

/** Rows of one column: bucket index (row price = bucket × ticksPerRow × tick) and total size, ascending. */
export class ColumnCells {
  buckets = new Float64Array(1024);
  sizes = new Float64Array(1024);
  count = 0;
  private order = new Int32Array(1024);
  private keys = new Float64Array(1024);

  /**
   * Groups `levels` into rows of `ticksPerRow` ticks. O(n) when the levels come in ascending row
   * order (a slice read from the open runs), else O(n log n) (a sort of an index array, whose
   * comparator is the only allocation besides growing).
   */
  group(levels: ColumnLevels, ticksPerRow: number): void {
    const n = levels.count;
    if (this.keys.length < n) this.grow(n);
    const keys = this.keys;
    let sorted = true;
    for (let i = 0; i < n; i++) {
      const tick = levels.ticks[i]!;
      keys[i] = levels.isAsk[i] === 1 ? Math.ceil(tick / ticksPerRow) : Math.floor(tick / ticksPerRow);
      if (i > 0 && keys[i]! < keys[i - 1]!) sorted = false;
    }
    const order = this.order;
    for (let i = 0; i < n; i++) order[i] = i;
    if (!sorted) order.subarray(0, n).sort((a, b) => keys[a]! - keys[b]!);
    let rows = 0;
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      const bucket = keys[i]!;
      if (rows > 0 && this.buckets[rows - 1] === bucket) {
        this.sizes[rows - 1] = this.sizes[rows - 1]! + levels.sizes[i]!;
      } else {
        this.buckets[rows] = bucket;
        this.sizes[rows] = levels.sizes[i]!;
        rows++;
      }
    }
    this.count = rows;
  }

  private grow(n: number): void {
    let capacity = this.keys.length;
    while (capacity < n) capacity *= 2;
    this.buckets = new Float64Array(capacity);
    this.sizes = new Float64Array(capacity);
    this.order = new Int32Array(capacity);
    this.keys = new Float64Array(capacity);
  }
}
