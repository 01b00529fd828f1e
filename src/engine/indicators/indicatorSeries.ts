/**
 * The read side shared by every indicator and order-flow metric, so a market can hold a list of
 * them and a panel can read any of them the same way: per-bar values addressed by the candle's
 * absolute seq, one column per named output.
 */
import type { CandleBar } from '../candles/candleSeries';
import type { IndicatorOptions } from './indicatorOptions';

export interface IndicatorSeries {
  /** Short display name, e.g. `EMA(21)`, `MACD(12,26,9)`, `CVD`. */
  readonly label: string;
  /** Output names; an output is addressed by its index in this list. */
  readonly outputs: readonly string[];
  /** Bars of history kept; values of older seqs read as NaN. */
  readonly capacity: number;
  /** Oldest seq still held, or NaN before the first input. */
  readonly firstSeq: number;
  /** Seq of the newest (live) bar, or NaN before the first input. */
  readonly lastSeq: number;
  /** Inputs refused since construction or the last reset (bad numbers, seq older than the live bar). */
  readonly rejected: number;
  /** Output `output` (default 0) at bar `seq`; NaN when not defined (warm-up, gap, not held). O(1). */
  valueAt(seq: number, output?: number): number;
  /** Output `output` (default 0) of the newest bar; NaN when not defined. O(1). */
  latest(output?: number): number;
  /**
   * Writes `count` values of `output` for seqs `fromSeq`.. into `out` from `outOffset`, NaN where
   * not defined. O(count); allocates nothing.
   */
  copyRange(fromSeq: number, count: number, output: number, out: Float64Array, outOffset?: number): void;
}

/**
 * A candle indicator. Bars are fed in seq order; the newest bar is live (provisional): feeding the
 * same seq again replaces its input, a higher seq commits the live bar and opens a new one, a
 * lower seq is refused (counted in `rejected`). Skipped seqs are not bars: their values read NaN
 * and the indicator treats the next fed bar as adjacent. A closed bar cannot be changed: after a
 * history rewrite, `reset()` and feed the held bars again (O(bars)).
 */
export interface Indicator extends IndicatorSeries {
  /** The validated options, defaults filled in. */
  readonly options: Readonly<IndicatorOptions>;
  /** Bars needed (counting the live one) before every output is defined. */
  readonly warmupBars: number;
  /**
   * Whether the outputs depend on the bar's volume. When false, feeding the same seq again with
   * only the volume changed (a trade at an unchanged price) changes nothing, and may be skipped.
   */
  readonly usesVolume: boolean;
  /**
   * Feeds bar `seq` (open time in ms UTC, OHLCV). Returns false, counted in `rejected`, for a bad
   * seq, an older seq or unusable numbers; state is then unchanged. Amortized O(1); no allocation.
   */
  updateBar(
    seq: number,
    openTime: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
  ): boolean;
  /**
   * {@link updateBar} with `bar.seq` and the bar's fields, same result. For a caller feeding one
   * bar to many indicators: an object argument costs nothing per call, while six numbers are
   * boxed per call when the call is not inlined (a list of indicators never is).
   */
  updateFromBar(bar: CandleBar): boolean;
  /** Forgets every bar and the `rejected` count. O(capacity); allocates nothing. */
  reset(): void;
}
