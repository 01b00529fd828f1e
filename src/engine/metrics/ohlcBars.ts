/**
 * Per-candle OHLC of a quantity observed during the bar (CVD's running total, the book imbalance
 * ratio): a bar opens at its first value, high and low track the values, the last is its close.
 * A bar with no value reads NaN. History is a ring aligned to the candle seq like the indicators'
 * (see SeqSeries).
 */
import { checkOption, DEFAULT_CAPACITY } from '../indicators/indicatorOptions';
import { SeqSeries } from '../indicators/seqSeries';

export interface OhlcBarsOptions {
  /** Bars of history kept (integer 1..2^20). */
  capacity: number;
}

export const DEFAULT_OHLC_BARS_OPTIONS: Readonly<OhlcBarsOptions> = { capacity: DEFAULT_CAPACITY };

const OPEN = 0;
const HIGH = 1;
const LOW = 2;
const CLOSE = 3;

export abstract class OhlcBars extends SeqSeries {
  static readonly OUTPUTS = ['open', 'high', 'low', 'close'] as const;
  readonly label: string;

  /** Throws IndicatorOptionsError for a bad capacity. Allocates the ring. */
  protected constructor(label: string, options: Partial<OhlcBarsOptions>) {
    const o = { ...DEFAULT_OHLC_BARS_OPTIONS, ...options };
    checkOption(label, 'capacity', o.capacity);
    super(OhlcBars.OUTPUTS, o.capacity);
    this.label = label;
  }

  /**
   * Makes `seq` the live bar and, when it has no value yet, opens it flat at `value`. Returns
   * false, counted in `rejected`, for a non-integer seq or one older than the live bar.
   * O(1), or O(min(gap, capacity)) after skipped seqs; allocates nothing.
   */
  protected openBar(seq: number, value: number): boolean {
    if (!this.enterBar(seq)) return false;
    if (Number.isNaN(this.readLive(OPEN))) {
      this.writeLive(OPEN, value);
      this.writeLive(HIGH, value);
      this.writeLive(LOW, value);
      this.writeLive(CLOSE, value);
    }
    return true;
  }

  /** Adds a value to the open live bar: it becomes the close, and high/low follow. O(1). */
  protected observe(value: number): void {
    if (value > this.readLive(HIGH)) this.writeLive(HIGH, value);
    if (value < this.readLive(LOW)) this.writeLive(LOW, value);
    this.writeLive(CLOSE, value);
  }
}
