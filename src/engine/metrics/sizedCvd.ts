/**
 * The cumulative volume delta of big trades only (amount ≥ a panel's trade-size threshold), and
 * the log of recent trades it is rebuilt from when the threshold, the bars or the trades' order
 * change. Bar totals cannot give it (a bar's volume does not say how big its trades were), so a
 * sized CVD counts trades from the oldest one the log holds: its bars before that are NaN (not
 * drawn), never a guess, and {@link SizedCvd.coveredFrom} says where the count starts.
 */
import { barOpenTime, isClockTimeframe } from '../candles/timeframe';
import { CandleField, type CandleSeries } from '../candles/candleSeries';
import { TakerSide } from '../events';
import { CvdBars } from './cvdBars';

/** The last N trades the candles counted, as time (ms) and signed amount (+ taker buy, − taker sell). */
export class TradeSizeLog {
  /** Trades pushed so far; the log holds the last `min(total, capacity)`. */
  total = 0;
  private readonly times: Float64Array;
  private readonly signed: Float64Array;

  /** Allocates the ring (16 bytes a trade). */
  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`trade log capacity must be a whole number ≥ 1, got ${capacity}`);
    this.times = new Float64Array(capacity);
    this.signed = new Float64Array(capacity);
  }

  /** Trades held. */
  get count(): number {
    return Math.min(this.total, this.capacity);
  }

  /** O(1); allocates nothing. */
  push(time: number, amount: number, side: TakerSide): void {
    const at = this.total % this.capacity;
    this.times[at] = time;
    this.signed[at] = side === TakerSide.Buy ? amount : -amount;
    this.total++;
  }

  /** Time of held trade `k` (0 = oldest held). */
  time(k: number): number {
    return this.times[(this.total - this.count + k) % this.capacity]!;
  }

  /** Signed amount of held trade `k` (0 = oldest held). */
  signedAmount(k: number): number {
    return this.signed[(this.total - this.count + k) % this.capacity]!;
  }
}

/** CVD of the trades at or above `minAmount`, per candle, aligned to the candle seqs. */
export class SizedCvd {
  readonly bars: CvdBars;
  /** Time (ms) of the first trade counted; NaN while none is (the bars are all NaN). */
  coveredFrom = NaN;
  /** The log's running number of the first trade counted (every later one is counted); -1 while none. */
  firstTrade = -1;
  /** Readers holding this series (see Market.acquireSizedCvd). */
  users = 1;

  /** `minAmount` > 0, base units; `log` is the market's, fed before this. Allocates the bars' ring. */
  constructor(
    readonly minAmount: number,
    capacity: number,
    private readonly log: TradeSizeLog,
  ) {
    this.bars = new CvdBars({ capacity });
  }

  /**
   * A trade the candles put in their newest bar `seq`: a big one moves the total, a small one only
   * keeps the bar open (flat). The first trade seen starts the count. O(1); allocates nothing.
   */
  addTrade(seq: number, time: number, amount: number, side: TakerSide): void {
    if (this.firstTrade < 0) {
      this.coveredFrom = time;
      this.firstTrade = this.log.total - 1;
    }
    if (amount >= this.minAmount) this.bars.addTrade(seq, amount, side);
    else this.bars.startBar(seq);
  }

  /**
   * Recounts from the log against the held candles: from the oldest logged trade whose bar is held
   * to the newest bar, every bar opened (flat when it had no big trade), trades applied in bar order
   * (a late trade lands in its own bar). O(trades log n + bars); allocates two scratch arrays of the
   * log's length (a rebuild follows a threshold change, a late trade or a history merge, not every event).
   */
  rebuild(candles: CandleSeries): void {
    const log = this.log;
    this.bars.reset();
    this.coveredFrom = NaN;
    this.firstTrade = -1;
    const n = log.count;
    const seqs = new Float64Array(n);
    const order = new Int32Array(n);
    const tf = candles.timeframe;
    const clock = isClockTimeframe(tf) ? tf : null;
    const activitySeqs = clock === null ? activityBarSeqs(candles, log) : null;
    let held = 0;
    for (let k = 0; k < n; k++) {
      const seq = clock !== null ? candles.findSeq(barOpenTime(log.time(k), clock)) : activitySeqs![k]!;
      if (seq < 0) continue;
      if (this.firstTrade < 0) {
        this.firstTrade = log.total - log.count + k;
        this.coveredFrom = log.time(k);
      }
      // Insertion by seq, stable: the log is in arrival order, nearly sorted (only late trades move).
      let j = held++;
      while (j > 0 && seqs[j - 1]! > seq) {
        seqs[j] = seqs[j - 1]!;
        order[j] = order[j - 1]!;
        j--;
      }
      seqs[j] = seq;
      order[j] = k;
    }
    if (held === 0) return;
    let next = 0;
    for (let seq = seqs[0]!; seq <= candles.lastSeq; seq++) {
      this.bars.startBar(seq);
      for (; next < held && seqs[next] === seq; next++) {
        const k = order[next]!;
        const signed = log.signedAmount(k);
        const amount = Math.abs(signed);
        if (amount >= this.minAmount) this.bars.addTrade(seq, amount, signed > 0 ? TakerSide.Buy : TakerSide.Sell);
      }
    }
  }
}

/**
 * Seq of each held log trade (-1: in no held bar) for bars of N trades or volume: those bars take
 * every trade in arrival order, the log's order, so the newest bar holds the newest `tradeCount`
 * trades, the bar before it the ones before those, and so on. O(log length); allocates the result.
 */
function activityBarSeqs(candles: CandleSeries, log: TradeSizeLog): Float64Array {
  const out = new Float64Array(log.count).fill(-1);
  let seq = candles.lastSeq;
  let left = candles.count > 0 ? candles.value(seq, CandleField.TradeCount) : 0;
  for (let k = log.count - 1; k >= 0; k--) {
    while (left === 0 && seq > candles.firstSeq) left = candles.value(--seq, CandleField.TradeCount);
    if (!(left > 0)) break;
    out[k] = seq;
    left--;
  }
  return out;
}
