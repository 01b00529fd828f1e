/**
 * Session VWAP: Σ(typical price × volume) / Σ volume over the bars of the current UTC day, with
 * typical price (high+low+close)/3, as TradingView's VWAP on candles (anchor "Session" on a 24/7
 * market). A bar belongs to the day of its open time; the sums restart with the first bar of each
 * UTC day. Defined on every bar once its day has traded volume; NaN while the day's volume is 0.
 * For timeframes of a day or more, each bar is its own session (VWAP = its typical price).
 * Candles, not trades, are the input so backfilled history gives the same values as live bars.
 * O(1) per update and commit; no allocation.
 */
import type { CandleBar } from '../candles/candleSeries';
import type { Indicator } from './indicatorSeries';
import { resolveOptionsOf, type PartialOptionsOf, type VwapOptions } from './indicatorOptions';
import { SeqSeries } from './seqSeries';

const DAY_MS = 86_400_000;

export class SessionVwap extends SeqSeries implements Indicator {
  static readonly OUTPUTS = ['vwap'] as const;
  readonly options: Readonly<VwapOptions>;
  readonly label = 'VWAP';
  readonly warmupBars = 1;
  readonly usesVolume = true;
  /** UTC day number and sums of the closed bars of the current session (day NaN before any). */
  private day = NaN;
  private priceVolume = 0;
  private volume = 0;
  /** The live bar's day and terms. */
  private liveDay = NaN;
  private livePriceVolume = 0;
  private liveVolume = 0;

  /** Throws IndicatorOptionsError for bad options. Allocates the ring. */
  constructor(options: PartialOptionsOf<'vwap'> = {}) {
    const o = resolveOptionsOf('vwap', options);
    super(SessionVwap.OUTPUTS, o.capacity);
    this.options = o;
  }

  /**
   * Sets bar `seq` (open time ms UTC): the same seq replaces the live bar, a higher seq commits it
   * first. Returns false, counted in `rejected` and changing nothing, for non-finite numbers, a
   * negative volume, a non-integer seq or a seq older than the live bar. O(1); no allocation.
   */
  update(seq: number, openTime: number, high: number, low: number, close: number, volume: number): boolean {
    const typical = (high + low + close) / 3;
    if (!Number.isFinite(openTime) || !Number.isFinite(typical) || !Number.isFinite(volume) || volume < 0) {
      return this.reject();
    }
    if (!this.enterBar(seq)) return false;
    this.liveDay = Math.floor(openTime / DAY_MS);
    this.livePriceVolume = typical * volume;
    this.liveVolume = volume;
    const sameSession = this.liveDay === this.day;
    const priceVolume = sameSession ? this.priceVolume + this.livePriceVolume : this.livePriceVolume;
    const totalVolume = sameSession ? this.volume + this.liveVolume : this.liveVolume;
    this.writeLive(0, totalVolume > 0 ? priceVolume / totalVolume : NaN);
    return true;
  }

  /** {@link update} from a full bar (open is not used). Same cost and result. */
  updateBar(
    seq: number,
    openTime: number,
    _open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
  ): boolean {
    return this.update(seq, openTime, high, low, close, volume);
  }

  /** {@link update} from a bar (see {@link Indicator.updateFromBar}). Same cost and result. */
  updateFromBar(bar: CandleBar): boolean {
    return this.update(bar.seq, bar.openTime, bar.high, bar.low, bar.close, bar.volume);
  }

  override reset(): void {
    super.reset();
    this.day = NaN;
    this.priceVolume = 0;
    this.volume = 0;
    this.liveDay = NaN;
    this.livePriceVolume = 0;
    this.liveVolume = 0;
  }

  protected override commitLive(): void {
    if (this.liveDay === this.day) {
      this.priceVolume += this.livePriceVolume;
      this.volume += this.liveVolume;
    } else {
      this.day = this.liveDay;
      this.priceVolume = this.livePriceVolume;
      this.volume = this.liveVolume;
    }
  }
}
