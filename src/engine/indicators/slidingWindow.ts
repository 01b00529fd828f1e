/**
 * The last `size` committed values of a series, oldest first, in fixed storage: the window that
 * SMA, WMA and Bollinger Bands slide over closed bars (the live bar is kept outside it).
 */
export class SlidingWindow {
  readonly size: number;
  private readonly values: Float64Array;
  /** Index in `values` of the oldest value. */
  private start = 0;
  private held = 0;

  /** Allocates the storage (`size` ≥ 0). */
  constructor(size: number) {
    this.size = size;
    this.values = new Float64Array(size);
  }

  /** Values held (≤ size). */
  get count(): number {
    return this.held;
  }

  /**
   * Appends `value`; returns the value pushed out when the window was full, else NaN (a window of
   * size 0 pushes `value` itself out). O(1); allocates nothing.
   */
  push(value: number): number {
    if (this.size === 0) return value;
    if (this.held < this.size) {
      this.values[(this.start + this.held) % this.size] = value;
      this.held++;
      return NaN;
    }
    const evicted = this.values[this.start];
    this.values[this.start] = value;
    this.start = (this.start + 1) % this.size;
    return evicted;
  }

  /** The `index`-th value, 0 = oldest. `index` must be < count. O(1). */
  at(index: number): number {
    return this.values[(this.start + index) % this.size];
  }

  /** The newest value (count must be > 0). O(1). */
  newest(): number {
    return this.at(this.held - 1);
  }

  /** Empties the window. O(1). */
  clear(): void {
    this.start = 0;
    this.held = 0;
  }
}
