import { CandleArrays } from '../../engine/candles/candleColumns';
import { requireInteger } from '../../engine/configCheck';

/**
 * Bars of one fixed length in a ring of candle columns (the oldest is dropped when full): open
 * time, OHLC, base volume, quote volume, taker-buy base volume, trade count, as an exchange
 * kline has them.
 */
export class BarRing extends CandleArrays {
  count = 0;
  private head = 0;

  /** Allocates `capacity` bars once. Throws RangeError for a capacity that is not an integer ≥ 1. */
  constructor(
    readonly lengthMs: number,
    capacity: number,
  ) {
    super(requireInteger('BarRing capacity', capacity, 1));
  }

  /** Array index of the `i`-th oldest bar (0 ≤ i < count). O(1). */
  index(i: number): number {
    const at = this.head + i;
    return at >= this.capacity ? at - this.capacity : at;
  }

  /** Open time of the newest bar, -Infinity when empty. O(1). */
  newestOpenTime(): number {
    return this.count > 0 ? this.openTime[this.index(this.count - 1)]! : -Infinity;
  }

  /** Appends a bar (dropping the oldest when full). O(1); no allocation. */
  push(t: number, o: number, h: number, l: number, c: number, v: number, quote: number, takerBuy: number, trades: number): void {
    let at: number;
    if (this.count < this.capacity) {
      at = this.index(this.count);
      this.count++;
    } else {
      at = this.head;
      this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    }
    this.setRow(at, t, o, h, l, c, v, quote, takerBuy, trades);
  }

  /**
   * Adds a trade at `time` (not older than the newest bar). A later bar is opened at the trade's
   * price; bars skipped without trades are filled flat at the previous close with no volume, as
   * exchanges list them. O(1), O(gap) when bars are skipped (at most `capacity`); no allocation.
   */
  addTrade(time: number, price: number, amount: number, takerSide: number): void {
    const newest = this.newestOpenTime();
    // Most trades land in the newest bar: skip the modulo then.
    if (time - newest >= this.lengthMs) {
      const open = time - (((time % this.lengthMs) + this.lengthMs) % this.lengthMs);
      if (this.count > 0) {
        const last = this.close[this.index(this.count - 1)]!;
        const skipped = Math.min((open - newest) / this.lengthMs - 1, this.capacity);
        for (let k = skipped; k >= 1; k--) this.push(open - k * this.lengthMs, last, last, last, last, 0, 0, 0, 0);
      }
      this.push(open, price, price, price, price, 0, 0, 0, 0);
    }
    const at = this.index(this.count - 1);
    if (price > this.high[at]!) this.high[at] = price;
    if (price < this.low[at]!) this.low[at] = price;
    this.close[at] = price;
    this.volume[at]! += amount;
    this.quoteVolume[at]! += amount * price;
    if (takerSide > 0) this.takerBuyVolume[at]! += amount;
    this.tradeCount[at]!++;
  }
}
