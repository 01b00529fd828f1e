/**
 * Bars of one fixed length in a ring of typed arrays (the oldest is dropped when full), with the
 * fields of an exchange kline: open time, OHLC, base volume, quote volume, taker-buy base volume,
 * trade count.
 */
export class BarRing {
  readonly openTime: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly quoteVolume: Float64Array;
  readonly takerBuyVolume: Float64Array;
  readonly tradeCount: Float64Array;
  count = 0;
  private head = 0;

  /** Allocates `capacity` bars once. Throws RangeError for a capacity that is not an integer ≥ 1. */
  constructor(
    readonly lengthMs: number,
    readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`BarRing capacity must be an integer ≥ 1, got ${capacity}`);
    this.openTime = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
    this.volume = new Float64Array(capacity);
    this.quoteVolume = new Float64Array(capacity);
    this.takerBuyVolume = new Float64Array(capacity);
    this.tradeCount = new Float64Array(capacity);
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
    this.openTime[at] = t;
    this.open[at] = o;
    this.high[at] = h;
    this.low[at] = l;
    this.close[at] = c;
    this.volume[at] = v;
    this.quoteVolume[at] = quote;
    this.takerBuyVolume[at] = takerBuy;
    this.tradeCount[at] = trades;
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
