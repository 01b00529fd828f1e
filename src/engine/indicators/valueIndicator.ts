/**
 * Base of the indicators that follow one number per bar (SMA, EMA, WMA, RSI, MACD, Bollinger).
 *
 * Each keeps a committed state built from closed bars only, plus the live bar's input. Every
 * update recomputes the live bar's outputs from (committed state, live input) in O(1), so
 * replacing the live input any number of times costs nothing extra and leaves no trace; a new seq
 * first folds the live input into the committed state ({@link SeqSeries.commitLive}).
 *
 * The live bar is fed on every trade that moves its price (IndicatorSet), far more often than
 * anything reads it (a frame). So `updateFromBar` only takes a new input for the live bar and
 * marks its outputs stale; they are written from it when first read, or before the bar is
 * committed ({@link SeqSeries.refreshLive}). Every read sees exactly what writing them on each
 * update gives, since they are a function of the committed state and the live input alone.
 */
import type { CandleBar } from '../candles/candleSeries';
import type { Indicator } from './indicatorSeries';
import type { IndicatorOptions } from './indicatorOptions';
import { priceFromBar, type PriceSource } from './priceSource';
import { SeqSeries } from './seqSeries';

/** How an indicator names itself (`EMA(20)`, `BB(20,2, hl2)`) and when it is first defined. */
export interface ValueIndicatorHeading {
  /** Short name, e.g. `EMA`. */
  name: string;
  /** Its parameters as shown, e.g. `12,26,9`. */
  params: string | number;
  warmupBars: number;
}

export abstract class ValueIndicator<O extends Readonly<IndicatorOptions & { source: PriceSource }>> extends SeqSeries implements Indicator {
  readonly options: O;
  readonly label: string;
  readonly warmupBars: number;
  /** One number per bar from open/high/low/close: volume is never read. */
  readonly usesVolume = false;
  private readonly source: PriceSource;
  /** The live bar's input (NaN before the first one). */
  protected live = NaN;
  /** `live` changed since the live outputs were written (see {@link refreshLive}). */
  private outputsStale = false;

  protected constructor(outputs: readonly string[], options: O, heading: ValueIndicatorHeading, hiddenColumns = 0) {
    super(outputs, options.capacity, hiddenColumns);
    this.options = options;
    this.source = options.source;
    // The price followed is named unless it is the close.
    this.label = options.source === 'close' ? `${heading.name}(${heading.params})` : `${heading.name}(${heading.params}, ${options.source})`;
    this.warmupBars = heading.warmupBars;
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
    this.outputsStale = false;
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

  /**
   * {@link updateBar} from a bar (see {@link Indicator.updateFromBar}), same result. A new input
   * for the live bar is only taken, its outputs written when read (see above): O(1), no
   * allocation; otherwise as {@link update}.
   */
  updateFromBar(bar: CandleBar): boolean {
    // Close, the default source, read directly: through priceFromBar's switch V8 boxed the value,
    // an allocation per update (measured).
    const source = this.source;
    const value = source === 'close' ? bar.close : priceFromBar(source, bar.open, bar.high, bar.low, bar.close);
    if (bar.seq !== this.newest || this.empty || !Number.isFinite(value)) return this.update(bar.seq, value);
    this.live = value;
    this.outputsStale = true;
    return true;
  }

  override reset(): void {
    super.reset();
    this.live = NaN;
    this.outputsStale = false;
  }

  protected override refreshLive(): void {
    if (this.outputsStale) {
      this.outputsStale = false;
      this.computeLive();
    }
  }

  /** Writes the live bar's outputs from the committed state and `live`. */
  protected abstract computeLive(): void;
}
