/**
 * A run of candles as parallel Float64Arrays (struct of arrays): what {@link CandleSeries.copyRange}
 * fills for protocol messages and what {@link CandleSeries.mergeHistory} reads from a feed.
 * NaN in `quoteVolume`, `takerBuyVolume` or `tradeCount` means the source did not give it
 * (ccxt's fetchOHLCV rows carry only time, OHLC and volume).
 */
export class CandleColumns {
  /** Bar open time, ms UTC. */
  openTime: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  /** Base-asset volume. */
  volume: Float64Array;
  /** Quote-asset volume: the sum of price × amount. */
  quoteVolume: Float64Array;
  /** Base volume bought by takers. */
  takerBuyVolume: Float64Array;
  tradeCount: Float64Array;
  /** Rows in use, from index 0. */
  count = 0;

  constructor(capacity = 64) {
    const size = Math.max(1, Math.floor(capacity));
    this.openTime = new Float64Array(size);
    this.open = new Float64Array(size);
    this.high = new Float64Array(size);
    this.low = new Float64Array(size);
    this.close = new Float64Array(size);
    this.volume = new Float64Array(size);
    this.quoteVolume = new Float64Array(size);
    this.takerBuyVolume = new Float64Array(size);
    this.tradeCount = new Float64Array(size);
  }

  /** Rows the arrays can hold without growing. */
  get capacity(): number {
    return this.openTime.length;
  }

  clear(): void {
    this.count = 0;
  }

  /**
   * Makes room for at least `rows` rows, keeping the first `count`. O(n) when it grows (by
   * doubling), O(1) otherwise; allocates only when it grows.
   */
  ensureCapacity(rows: number): void {
    let size = this.openTime.length;
    if (rows <= size) return;
    while (size < rows) size *= 2;
    this.openTime = grown(this.openTime, size);
    this.open = grown(this.open, size);
    this.high = grown(this.high, size);
    this.low = grown(this.low, size);
    this.close = grown(this.close, size);
    this.volume = grown(this.volume, size);
    this.quoteVolume = grown(this.quoteVolume, size);
    this.takerBuyVolume = grown(this.takerBuyVolume, size);
    this.tradeCount = grown(this.tradeCount, size);
  }

  /**
   * Appends one row; pass NaN for a field the source lacks. Amortized O(1); allocates only when
   * the capacity doubles.
   */
  push(
    openTime: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
    quoteVolume = NaN,
    takerBuyVolume = NaN,
    tradeCount = NaN,
  ): void {
    const i = this.count;
    this.ensureCapacity(i + 1);
    this.openTime[i] = openTime;
    this.open[i] = open;
    this.high[i] = high;
    this.low[i] = low;
    this.close[i] = close;
    this.volume[i] = volume;
    this.quoteVolume[i] = quoteVolume;
    this.takerBuyVolume[i] = takerBuyVolume;
    this.tradeCount[i] = tradeCount;
    this.count = i + 1;
  }
}

function grown(from: Float64Array, size: number): Float64Array {
  const to = new Float64Array(size);
  to.set(from);
  return to;
}
