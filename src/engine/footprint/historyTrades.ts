/**
 * Trades from the exchange's history (backfill) for the footprint of bars older than the live
 * session. They go into the footprint only: the candles already hold these bars from the
 * exchange's klines.
 *
 * The seam with the live trades is the first trade the footprint counted live (its time and
 * exchange id): a history trade is taken only when it happened before it, so no trade is counted
 * twice. Trades stamped in the seam's own millisecond are taken only when their ids say they came
 * first; without comparable ids they are left out (the seam bar then misses them and reads as
 * partial, never as counted twice).
 */

/** The trades of one bar, as columns, oldest first. */
export interface HistoryTrades {
  /** Open time of their bar (ms): the feed that fetched them per bar knows it. */
  barOpenTime: number;
  count: number;
  /** Exchange time, ms. */
  time: ArrayLike<number>;
  price: ArrayLike<number>;
  amount: ArrayLike<number>;
  /** +1 the taker bought, -1 the taker sold. */
  side: ArrayLike<number>;
  /**
   * The exchange's id of the last trade in the row, in the live stream's id space (an aggregate
   * trade's last trade id); NaN when not comparable.
   */
  lastTradeId: ArrayLike<number>;
}

/**
 * Whether a history trade (time, last trade id) came before the live seam (time, id of the first
 * live trade counted). NaN anywhere (no seam yet, no id) answers false. O(1).
 */
export function beforeSeam(time: number, lastTradeId: number, seamTime: number, seamTradeId: number): boolean {
  return time < seamTime || (time === seamTime && lastTradeId < seamTradeId);
}
