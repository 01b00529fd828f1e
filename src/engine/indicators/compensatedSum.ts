/**
 * A running sum that stays accurate under any sequence of additions and removals (Neumaier's
 * compensated summation): the exact rounding error of every addition is kept in a second term,
 * so when a large value later leaves (a price spike sliding out of a window), what remains is the
 * sum of the small values to within ~2^-53 of itself, not of the spike. Used by SMA and WMA so
 * they need no periodic re-sum (strict O(1)).
 */

/** 2^27 + 1: Veltkamp's constant, splits a double into two 26-bit halves. */
const SPLITTER = 134_217_729;

export class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  /** The sum. O(1). */
  get value(): number {
    return this.sum + this.compensation;
  }

  /** Adds `x`. O(1); allocates nothing. */
  add(x: number): void {
    const total = this.sum + x;
    if (Math.abs(this.sum) >= Math.abs(x)) this.compensation += this.sum - total + x;
    else this.compensation += x - total + this.sum;
    this.sum = total;
  }

  /**
   * Adds `k·x` with the product's rounding error kept as well (Dekker's exact product; `k` must be
   * an integer below 2^26, as the weights of a moving average are). O(1); allocates nothing.
   */
  addScaled(k: number, x: number): void {
    const product = k * x;
    const split = SPLITTER * x;
    const high = split - (split - x);
    const error = k * high - product + k * (x - high);
    this.add(product);
    // Beyond ~1e300 the split overflows; the product is then only as exact as one rounding.
    if (Number.isFinite(error)) this.compensation += error;
  }

  /** Subtracts the value of `other`, both of its parts. O(1); allocates nothing. */
  subtract(other: CompensatedSum): void {
    this.add(-other.sum);
    this.add(-other.compensation);
  }

  /** Back to 0. O(1). */
  clear(): void {
    this.sum = 0;
    this.compensation = 0;
  }
}
