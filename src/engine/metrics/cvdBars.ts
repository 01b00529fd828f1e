/**
 * Cumulative volume delta: taker-buy amount minus taker-sell amount, summed over every trade since
 * construction (or reset), as OHLC per candle. A bar opens at the running total left by the
 * previous bar (its close), so consecutive bars join up; high/low include the open.
 * A bar with no trade reads NaN unless {@link CvdBars.startBar} opened it (then it is flat at the
 * running total). History is a ring aligned to the candle seq like the indicators' (see SeqSeries).
 */
import { TakerSide } from '../events';
import { OhlcBars, type OhlcBarsOptions } from './ohlcBars';

export class CvdBars extends OhlcBars {
  private runningTotal = 0;

  /** Throws IndicatorOptionsError for a bad capacity. Allocates the ring. */
  constructor(options: Partial<OhlcBarsOptions> = {}) {
    super('CVD', options);
  }

  /** Buy minus sell amount over every accepted trade so far. */
  get total(): number {
    return this.runningTotal;
  }

  /**
   * Adds one trade to bar `seq`: +amount when the taker bought, −amount when the taker sold.
   * Returns false, counted in `rejected` and changing nothing, for an amount that is negative or
   * not finite, a side other than ±1, a non-integer seq or a seq older than the newest bar.
   * O(1), or O(min(gap, capacity)) after skipped seqs; allocates nothing.
   */
  addTrade(seq: number, amount: number, takerSide: TakerSide): boolean {
    if (!(amount >= 0 && amount < Infinity)) return this.reject();
    if (takerSide !== TakerSide.Buy && takerSide !== TakerSide.Sell) return this.reject();
    if (!this.startBar(seq)) return false;
    this.runningTotal += takerSide === TakerSide.Buy ? amount : -amount;
    this.observe(this.runningTotal);
    return true;
  }

  /**
   * Opens bar `seq` flat at the running total if it is not open yet (so a candle without trades
   * still shows); the newest bar already open is left as it is. Returns false, counted in
   * `rejected`, for a non-integer seq or one older than the newest bar.
   * O(1), or O(min(gap, capacity)) after skipped seqs; allocates nothing.
   */
  startBar(seq: number): boolean {
    return this.openBar(seq, this.runningTotal);
  }

  /**
   * Makes `seq` the newest bar with the values another CVD series holds for it (a rebuild keeps
   * the bars it does not recompute exactly as they were drawn, intrabar high and low included);
   * the running total continues from its close. Returns false, counted, as startBar does. O(1).
   */
  restoreBar(seq: number, from: CvdBars): boolean {
    const close = from.valueAt(seq, 3);
    if (!this.openBar(seq, from.valueAt(seq, 0))) return false;
    this.observe(from.valueAt(seq, 1));
    this.observe(from.valueAt(seq, 2));
    this.observe(close);
    this.runningTotal = close;
    return true;
  }

  override reset(): void {
    super.reset();
    this.runningTotal = 0;
  }
}
