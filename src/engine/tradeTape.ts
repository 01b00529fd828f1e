import { TRADE_STRIDE } from './protocol';

/**
 * The last N trades in a ring (time, price, amount, side per trade), for the trade tape.
 * Trades get a running number so a reader can ask for "everything since number k".
 */
export class TradeTape {
  /** Running number of the next trade; the newest held trade is `total - 1`. */
  total = 0;
  private readonly rows: Float64Array;

  constructor(readonly capacity = 500) {
    this.rows = new Float64Array(capacity * TRADE_STRIDE);
  }

  /** O(1), no allocation. `side`: +1 taker buy, -1 taker sell. */
  push(time: number, price: number, amount: number, side: number): void {
    const at = (this.total % this.capacity) * TRADE_STRIDE;
    this.rows[at] = time;
    this.rows[at + 1] = price;
    this.rows[at + 2] = amount;
    this.rows[at + 3] = side;
    this.total++;
  }

  /** Number of held trades since running number `since` (clamped to what is held). */
  countSince(since: number): number {
    return this.total - Math.max(since, this.total - this.capacity, 0);
  }

  /**
   * Copies the trades since running number `since`, oldest first, into `out` from `offset`
   * (TRADE_STRIDE numbers each). Returns the number of trades copied. O(k).
   */
  copySince(since: number, out: Float64Array, offset = 0): number {
    const from = Math.max(since, this.total - this.capacity, 0);
    let o = offset;
    for (let k = from; k < this.total; k++) {
      const at = (k % this.capacity) * TRADE_STRIDE;
      for (let f = 0; f < TRADE_STRIDE; f++) out[o++] = this.rows[at + f]!;
    }
    return this.total - from;
  }
}
