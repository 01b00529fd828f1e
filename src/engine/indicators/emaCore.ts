/**
 * The committed state of an exponential moving average, without storage: shared by EMA and MACD.
 *
 * alpha = 2/(period+1). The first value is the SMA of the first `period` inputs (so it is defined
 * from the `period`-th input on); after that ema = prev + alpha·(x − prev). This is TradingView's
 * `ta.ema` and TA-Lib's default (`TA_COMPATIBILITY_DEFAULT`) seeding.
 */
export class EmaCore {
  readonly period: number;
  readonly alpha: number;
  /** Inputs committed. */
  private count = 0;
  /** Sum of the inputs while fewer than `period` are committed. */
  private seedSum = 0;
  /** EMA after the last committed input (NaN during warm-up). */
  private value = NaN;

  constructor(period: number) {
    this.period = period;
    this.alpha = 2 / (period + 1);
  }

  /** The EMA if `x` were the next input; NaN during warm-up. O(1); allocates nothing. */
  peek(x: number): number {
    if (this.count < this.period - 1) return NaN;
    if (this.count === this.period - 1) return (this.seedSum + x) / this.period;
    return this.value + this.alpha * (x - this.value);
  }

  /** Commits `x` as the next input. O(1); allocates nothing. */
  push(x: number): void {
    if (this.count < this.period - 1) this.seedSum += x;
    else this.value = this.peek(x);
    this.count++;
  }

  /** Forgets every input. O(1). */
  reset(): void {
    this.count = 0;
    this.seedSum = 0;
    this.value = NaN;
  }
}
