/**
 * Per-candle OHLC of a sampled quantity, typically the book imbalance ratio sampled on every book
 * change: the first sample of a bar is its open, then high/low track, the last sample is its
 * close. A bar with no sample reads NaN (nothing was observed, e.g. while the book resynced).
 * History is a ring aligned to the candle seq like the indicators' (see SeqSeries).
 */
import { OhlcBars, type OhlcBarsOptions } from './ohlcBars';

export class ImbalanceBars extends OhlcBars {
  /** Throws IndicatorOptionsError for a bad capacity. Allocates the ring. */
  constructor(options: Partial<OhlcBarsOptions> = {}) {
    super('OBI', options);
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
    if (!this.openBar(seq, value)) return false;
    this.observe(value);
    return true;
  }
}
