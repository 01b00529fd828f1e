/** The last trades for the tape, in a ring: time, price, amount, side (+1 buy, -1 sell). */
import { TRADE_STRIDE } from '../../src/engine/protocol';

export class TradeRing {
  /** Trades pushed since the last clear; the newest is `total - 1`. */
  total = 0;
  /** Increases on every change; the tape compares it with the version it drew. */
  version = 0;
  private readonly rows: Float64Array;

  constructor(readonly capacity = 500) {
    this.rows = new Float64Array(capacity * TRADE_STRIDE);
  }

  /** Trades held. */
  get count(): number {
    return Math.min(this.total, this.capacity);
  }

  clear(): void {
    this.total = 0;
    this.version++;
  }

  /** Packed trades, oldest first. O(trades). */
  pushPacked(packed: Float64Array): void {
    if (packed.length === 0) return;
    for (let i = 0; i < packed.length; i += TRADE_STRIDE) {
      // Field by field: a subarray view per trade would allocate.
      const o = (this.total % this.capacity) * TRADE_STRIDE;
      for (let f = 0; f < TRADE_STRIDE; f++) this.rows[o + f] = packed[i + f]!;
      this.total++;
    }
    this.version++;
  }

  /** Field `field` (0 time, 1 price, 2 amount, 3 side) of the `age`-th newest trade (0 = newest). */
  field(age: number, field: number): number {
    return this.rows[((this.total - 1 - age) % this.capacity) * TRADE_STRIDE + field]!;
  }
}
