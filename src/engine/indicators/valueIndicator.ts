/**
 * Base of the indicators that follow one number per bar (SMA, EMA, WMA, RSI, MACD, Bollinger).
 *
 * Each keeps a committed state built from closed bars only, plus the live bar's input. Every
 * update recomputes the live bar's outputs from (committed state, live input) in O(1), so
 * replacing the live input any number of times costs nothing extra and leaves no trace; a new seq
 * first folds the live input into the committed state ({@link SeqSeries.commitLive}).
 */
import type { Indicator, IndicatorPlacement } from './indicatorSeries';
import type { IndicatorOptions } from './indicatorOptions';
import { priceFromBar, type PriceSource } from './priceSource';
import { SeqSeries } from './seqSeries';

export abstract class ValueIndicator extends SeqSeries implements Indicator {
  abstract readonly options: Readonly<IndicatorOptions>;
  abstract readonly placement: IndicatorPlacement;
  abstract readonly warmupBars: number;
  private readonly source: PriceSource;
  /** The live bar's input (NaN before the first one). */
  protected live = NaN;

  protected constructor(outputs: readonly string[], source: PriceSource, capacity: number, hiddenColumns = 0) {
    super(outputs, capacity, hiddenColumns);
    this.source = source;
  }

  /**
   * Sets the input of bar `seq`: the same seq replaces the live bar's input, a higher seq commits
   * the live bar first. Returns false, counted in `rejected` and changing nothing, for a
   * non-finite value, a non-integer seq or a seq older than the live bar.
   * Amortized O(1) (see each indicator); allocates nothing.
   */
  update(seq: number, value: number): boolean {
    if (!Number.isFinite(value)) return this.reject();
    if (!this.enterBar(seq)) return false;
    this.live = value;
    this.computeLive();
    return true;
  }

  /** {@link update} with the bar's `source` price (options.source). Same cost and result. */
  updateBar(
    seq: number,
    _openTime: number,
    open: number,
    high: number,
    low: number,
    close: number,
    _volume: number,
  ): boolean {
    return this.update(seq, priceFromBar(this.source, open, high, low, close));
  }

  override reset(): void {
    super.reset();
    this.live = NaN;
  }

  /** Writes the live bar's outputs from the committed state and `live`. */
  protected abstract computeLive(): void;
}
