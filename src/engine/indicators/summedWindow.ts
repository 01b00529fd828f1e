/**
 * A {@link SlidingWindow} with the compensated sum of the values it holds (see compensatedSum.ts):
 * the window that SMA and WMA slide over closed bars. The sum does not drift, and a spike leaving
 * the window leaves no trace.
 */
import { CompensatedSum } from './compensatedSum';
import { SlidingWindow } from './slidingWindow';

export class SummedWindow {
  /** Sum of the values held. */
  readonly sum = new CompensatedSum();
  private readonly window: SlidingWindow;

  /** Allocates the storage (`size` ≥ 0). */
  constructor(size: number) {
    this.window = new SlidingWindow(size);
  }

  /** Values held (≤ size). */
  get count(): number {
    return this.window.count;
  }

  /** Appends `value`, dropping the oldest when full, and updates the sum. O(1); allocates nothing. */
  push(value: number): void {
    const evicted = this.window.push(value);
    this.sum.add(value);
    if (!Number.isNaN(evicted)) this.sum.add(-evicted);
  }

  /** Empties the window and its sum. O(1). */
  clear(): void {
    this.window.clear();
    this.sum.clear();
  }
}
