/**
 * Cumulative volume delta: taker-buy amount minus taker-sell amount, summed over every trade since
 * construction (or reset), as OHLC per candle. A bar opens at the running total left by the
 * previous bar (its close), so consecutive bars join up; high/low include the open.
 * A bar with no trade reads NaN unless {@link CvdBars.startBar} opened it (then it is flat at the
 * running total). History is a ring aligned to the candle seq like the indicators' (see SeqSeries).
 */
import { TakerSide } from '../events';
import { checkOption, DEFAULT_CAPACITY } from '../indicators/indicatorOptions';
import { SeqSeries } from '../indicators/seqSeries';

export interface CvdBarsOptions {
  /** Bars of history kept (integer 1..2^20). */
  capacity: number;
}

export const DEFAULT_CVD_BARS_OPTIONS: Readonly<CvdBarsOptions> = { capacity: DEFAULT_CAPACITY };

export class CvdBars extends SeqSeries {
  static readonly OUTPUTS = ['open', 'high', 'low', 'close'] as const;
  readonly label = 'CVD';
  private runningTotal = 0;

  /** Throws IndicatorOptionsError for a bad capacity. Allocates the ring. */
  constructor(options: Partial<CvdBarsOptions> = {}) {
    const o = { ...DEFAULT_CVD_BARS_OPTIONS, ...options };
    checkOption('CVD', 'capacity', o.capacity);
    super(CvdBars.OUTPUTS, o.capacity);
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
    const total = this.runningTotal;
    if (total > this.readLive(1)) this.writeLive(1, total);
    if (total < this.readLive(2)) this.writeLive(2, total);
    this.writeLive(3, total);
    return true;
  }

  /**
   * Opens bar `seq` flat at the running total if it is not open yet (so a candle without trades
   * still shows); the newest bar already open is left as it is. Returns false, counted in
   * `rejected`, for a non-integer seq or one older than the newest bar.
   * O(1), or O(min(gap, capacity)) after skipped seqs; allocates nothing.
   */
  startBar(seq: number): boolean {
    if (!this.enterBar(seq)) return false;
    if (Number.isNaN(this.readLive(0))) {
      const total = this.runningTotal;
      this.writeLive(0, total);
      this.writeLive(1, total);
      this.writeLive(2, total);
      this.writeLive(3, total);
    }
    return true;
  }

  override reset(): void {
    super.reset();
    this.runningTotal = 0;
  }
}
