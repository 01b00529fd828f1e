/**
 * Per-candle OHLC of a sampled quantity, typically the book imbalance ratio sampled on every book
 * change: the first sample of a bar is its open, then high/low track, the last sample is its
 * close. A bar with no sample reads NaN (nothing was observed, e.g. while the book resynced).
 * History is a ring aligned to the candle seq like the indicators' (see SeqSeries).
 */
import { checkOption, DEFAULT_CAPACITY } from '../indicators/indicatorOptions';
import { SeqSeries } from '../indicators/seqSeries';

export interface ImbalanceBarsOptions {
  /** Bars of history kept (integer 1..2^20). */
  capacity: number;
}

export const DEFAULT_IMBALANCE_BARS_OPTIONS: Readonly<ImbalanceBarsOptions> = { capacity: DEFAULT_CAPACITY };

export class ImbalanceBars extends SeqSeries {
  static readonly OUTPUTS = ['open', 'high', 'low', 'close'] as const;
  readonly label = 'OBI';

  /** Throws IndicatorOptionsError for a bad capacity. Allocates the ring. */
  constructor(options: Partial<ImbalanceBarsOptions> = {}) {
    const o = { ...DEFAULT_IMBALANCE_BARS_OPTIONS, ...options };
    checkOption('OBI', 'capacity', o.capacity);
    super(ImbalanceBars.OUTPUTS, o.capacity);
  }

  /**
   * Records `value` in bar `seq` (a higher seq opens a new bar). Returns false, counted in
   * `rejected` and changing nothing, for a non-finite value, a non-integer seq or a seq older than
   * the newest bar. O(1), or O(min(gap, capacity)) after skipped seqs; allocates nothing.
   */
  sample(seq: number, sampled: number): boolean {
    if (!Number.isFinite(sampled)) return this.reject();
    // -0 and +0 are the same balance; one sign keeps high/low independent of sample order.
    const value = sampled === 0 ? 0 : sampled;
    if (!this.enterBar(seq)) return false;
    if (Number.isNaN(this.readLive(0))) {
      this.writeLive(0, value);
      this.writeLive(1, value);
      this.writeLive(2, value);
    } else {
      if (value > this.readLive(1)) this.writeLive(1, value);
      if (value < this.readLive(2)) this.writeLive(2, value);
    }
    this.writeLive(3, value);
    return true;
  }
}
