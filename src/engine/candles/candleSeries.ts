/**
 * Candles of one timeframe in a fixed-size ring of Float64Arrays.
 *
 * Sequence numbers: every held bar has a seq; bars are consecutive (`firstSeq`..`lastSeq`, oldest
 * first) and a bar keeps its seq while it is held, across ring wrap. Seqs only move forward:
 * eviction raises `firstSeq`, new bars raise `lastSeq`. The one exception is a history merge that
 * inserts bars before or between held bars (a rebuild): bars before the first inserted one keep
 * their seqs, and from there on the bars are renumbered. {@link CandleSeries.drainChanges} reports
 * that as a change from the first inserted seq on, so a consumer that re-reads every bar from the
 * reported `fromSeq` to `lastSeq` always mirrors the series exactly.
 *
 * Trades build bars (`ingestTrade`); exchange history is the truth for the bars it covers
 * (`mergeHistory`). Per bar the series keeps, beside the public fields, the times of the trades
 * that set its open and close (so out-of-order trades still give time-ordered open and close) and
 * a "covered until" trade time: trades at or before it are already counted in the exchange's
 * values for that bar and are skipped, so no trade the series has seen is counted twice. See
 * `mergeHistory`.
 *
 * Activity timeframes (`100t`, `10v`): bars follow the trades' arrival instead of the clock. A
 * trade goes into the live bar until that bar is full (N trades, or volume ≥ N), and the next
 * trade opens a new bar. A trade that crosses the volume boundary is not split: it is one print
 * at one price by one taker, and halves of it would be two trades that never happened (wrong
 * trade counts, a next bar opening on a trade already counted); so a volume bar holds at least N,
 * as in flowsurface and most terminals. A bar's open time is its first trade's time, raised to
 * 1 ms after the previous bar's when trades share a millisecond (the chart needs strictly
 * increasing times; a burst drifts a few ms ahead, never behind). No exchange has history of
 * such bars: history rows are refused, and the bars start from the live trades.
 */
import { activityRule, barOpenTime, TIMEFRAME_MS, type ChartTimeframe, type Timeframe } from './timeframe';
import { isPrice } from '../book/levelValidity';
import { requireInteger } from '../configCheck';
import { CandleArrays, CandleColumns, CandleField, CANDLE_FIELD_COUNT } from './candleColumns';
import type { HistoryEnd } from '../protocol';

export { CandleField };

export interface CandleSeriesOptions {
  /** Bars held; the oldest is dropped when a new bar needs room. Integer ≥ 1. */
  capacity: number;
}

export const DEFAULT_CANDLE_SERIES_OPTIONS: Readonly<CandleSeriesOptions> = { capacity: 20_000 };

/** What {@link CandleSeries.ingestTrade} did with a trade. */
export const TradeOutcome = {
  /** Added to the newest (live) bar. */
  Live: 0,
  /** Opened a new newest bar. */
  NewBar: 1,
  /** Added to an older bar that is still held. */
  Late: 2,
  /** Skipped: the exchange's history for its bar already counts it. */
  Covered: 3,
  /** Dropped: older than the live bar and its bar is not held (counted in `lateDropped`). */
  LateDropped: 4,
  /** Bad numbers (counted in `rejected`). */
  Rejected: 5,
} as const;
export type TradeOutcome = (typeof TradeOutcome)[keyof typeof TradeOutcome];

/** Counters since construction. */
export class CandleSeriesStats {
  /** Trades added to a bar (live, new bar or late). */
  trades = 0;
  /** Of those, trades added to a bar older than the live bar. */
  late = 0;
  /** Trades skipped because the exchange's history for their bar already counts them. */
  covered = 0;
  /** Trades older than the live bar whose bar is not held (older than all, or in a gap). */
  lateDropped = 0;
  /** Trades with bad numbers (NaN, ±Infinity, negative, zero price or amount, bad side). */
  rejected = 0;
  /** History rows applied. */
  historyRows = 0;
  /** History rows refused: bad numbers, OHLC out of order, not on a bar boundary, not ascending. */
  historyRejected = 0;
  /** Valid history rows older than what the ring can keep. */
  historyDropped = 0;
  /** History merges that had to rebuild the ring (bars inserted before or between held bars). */
  rebuilds = 0;
}

/** Caller-owned record that {@link CandleSeries.drainChanges} fills. */
export class CandleChanges {
  /** Lowest seq to re-read (changed or appended), or -1 when nothing changed. */
  fromSeq = -1;
  /** Lowest changed seq among bars that existed at the previous drain, or -1. */
  changedFromSeq = -1;
  /** Seqs added at the end since the previous drain (`lastSeq` growth). */
  appended = 0;
  /** Held range after the drain; bars below `firstSeq` are gone. */
  firstSeq = 0;
  lastSeq = -1;
}

/** One bar copied out by {@link CandleSeries.readBar}. */
export class CandleBar {
  seq = -1;
  openTime = NaN;
  open = NaN;
  high = NaN;
  low = NaN;
  close = NaN;
  volume = NaN;
  quoteVolume = NaN;
  takerBuyVolume = NaN;
  tradeCount = NaN;
}

export class CandleSeries {
  readonly timeframe: ChartTimeframe;
  readonly capacity: number;
  readonly stats = new CandleSeriesStats();
  /** History rows opening after this time (ms) are refused: a far-future stamp, not a bar. */
  latestHistoryOpen = Infinity;
  /**
   * The source said it has no bar before the oldest held one (a feed answered an older page
   * with none). A new series (another timeframe) starts without it.
   */
  sourceStartHeld = false;

  /** Bar length for a clock timeframe; NaN for an activity one (no trade is in a live period). */
  private readonly periodMs: number;
  /** The clock timeframe, null for an activity one. */
  private readonly clock: Timeframe | null;
  /** Activity bars: 1 by trades, 2 by volume; 0 for a clock timeframe. */
  private readonly activityUnit: 0 | 1 | 2;
  /** Activity bars: trades or volume that fill a bar. */
  private readonly activitySize: number;
  /**
   * A volume bar is full once its summed volume is within this of the size: ten trades of 0.1
   * sum to 0.9999999999999999, which is a full 1v bar.
   */
  private readonly fullVolume: number;
  /** Open time of the bar the last accepted trade went to (NaN before any). */
  lastTradeBarTime = NaN;
  /** Ring index of the bar with seq `firstSeq`. */
  private head = 0;
  private held = 0;
  private first = 0;

  /** The bars' public fields, a ring of `capacity` rows. */
  private readonly bars: CandleArrays;
  /** Time of the trade that set `open`; -Infinity when the open is the exchange's (fixed). */
  private readonly openTradeTime: Float64Array;
  /** Time of the trade that set `close`; a later-or-equal trade becomes the close. */
  private readonly closeTradeTime: Float64Array;
  /** Trades at or before this time are already in the exchange's values; -Infinity if none. */
  private readonly coveredUntil: Float64Array;
  /** Lowest seq marked changed since the last drain; Infinity when none. */
  private changedFrom = Infinity;
  /** See {@link priceRevision}. */
  private revision = 0;
  private lastSeqAtDrain = -1;

  /** History rows that passed validation (reused by every merge). */
  private readonly validRows = new CandleColumns();
  /** `mergeHistoryRows` input converted to columns (reused). */
  private readonly rowColumns = new CandleColumns();

  /** Throws RangeError for a capacity that is not an integer ≥ 1 (configuration, not events). */
  constructor(timeframe: ChartTimeframe, options: Partial<CandleSeriesOptions> = {}) {
    const { capacity } = { ...DEFAULT_CANDLE_SERIES_OPTIONS, ...options };
    this.capacity = requireInteger('CandleSeries capacity', capacity, 1);
    this.timeframe = timeframe;
    const rule = activityRule(timeframe);
    this.clock = rule === null ? (timeframe as Timeframe) : null;
    this.periodMs = rule === null ? TIMEFRAME_MS[timeframe as Timeframe] : NaN;
    this.activityUnit = rule === null ? 0 : rule.unit === 'trades' ? 1 : 2;
    this.activitySize = rule === null ? NaN : rule.size;
    this.fullVolume = this.activitySize * (1 - 1e-9);
    // The trades are the only source of activity bars: nothing older can ever be paged in.
    this.sourceStartHeld = rule !== null;
    this.bars = new CandleArrays(capacity);
    this.openTradeTime = new Float64Array(capacity);
    this.closeTradeTime = new Float64Array(capacity);
    this.coveredUntil = new Float64Array(capacity);
  }

  /** True for bars by trades or volume (no exchange history exists for them). O(1). */
  get byActivity(): boolean {
    return this.activityUnit !== 0;
  }

  /** Bars held. */
  get count(): number {
    return this.held;
  }

  /**
   * Why no older bar can be added: `memory` when the ring is full (the capacity is the memory
   * bound: an older row would be dropped at once), `source` when the source has none before the
   * oldest held bar; null when older bars may still be paged in. O(1).
   */
  get olderEnd(): HistoryEnd | null {
    if (this.held >= this.capacity) return 'memory';
    return this.sourceStartHeld ? 'source' : null;
  }

  /** Seq of the oldest held bar (`lastSeq + 1` while empty). */
  get firstSeq(): number {
    return this.first;
  }

  /** Seq of the newest (live) bar; `firstSeq - 1` while empty. */
  get lastSeq(): number {
    return this.first + this.held - 1;
  }

  /**
   * Increases whenever a held bar's open time, open, high, low or close may have changed (a new
   * bar, a trade that moved a price, a history merge); a trade that only adds volume leaves it.
   * Lets a consumer of prices (the indicators) skip a bar it has already seen. O(1).
   */
  get priceRevision(): number {
    return this.revision;
  }

  /** Ring index of `seq`, or -1 when it is not held. O(1); allocates nothing. */
  indexOf(seq: number): number {
    const pos = seq - this.first;
    if (!(pos >= 0 && pos < this.held) || !Number.isInteger(pos)) return -1;
    return this.ringIndex(pos);
  }

  /** Seq of the held bar in ring slot `index`, or -1 when the slot is empty. O(1). */
  seqAt(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.capacity) return -1;
    const pos = index >= this.head ? index - this.head : index + this.capacity - this.head;
    return pos < this.held ? this.first + pos : -1;
  }

  /** Seq of the bar that opens at `openTime`, or -1 when none is held. O(log n); no allocation. */
  findSeq(openTime: number): number {
    const pos = this.lowerBound(openTime);
    if (pos < this.held && this.bars.openTime[this.ringIndex(pos)] === openTime) return this.first + pos;
    return -1;
  }

  /** One field of the bar `seq`, or NaN when it is not held. O(1); allocates nothing. */
  value(seq: number, field: CandleField): number {
    const index = this.indexOf(seq);
    return index < 0 ? NaN : this.bars.column(field)[index];
  }

  /**
   * One field of ring slot `index` (0 ≤ index < capacity), NaN outside; a slot not holding a bar
   * (see {@link seqAt}) has stale content. O(1); allocates nothing.
   */
  valueAt(index: number, field: CandleField): number {
    return index >= 0 && index < this.capacity ? this.bars.column(field)[index] : NaN;
  }

  /** Copies bar `seq` into `out`; false (out untouched) when not held. O(1); no allocation. */
  readBar(seq: number, out: CandleBar): boolean {
    const i = this.indexOf(seq);
    if (i < 0) return false;
    const bars = this.bars;
    out.seq = seq;
    out.openTime = bars.openTime[i];
    out.open = bars.open[i];
    out.high = bars.high[i];
    out.low = bars.low[i];
    out.close = bars.close[i];
    out.volume = bars.volume[i];
    out.quoteVolume = bars.quoteVolume[i];
    out.takerBuyVolume = bars.takerBuyVolume[i];
    out.tradeCount = bars.tradeCount[i];
    return true;
  }

  /**
   * Copies bars `fromSeq`..`toSeq` (inclusive, clamped to the held range) into `out` from row 0
   * and sets `out.count`; row 0 is seq `max(fromSeq, firstSeq)`. Returns the rows copied.
   * O(rows); allocates only if `out` has to grow.
   */
  copyRange(fromSeq: number, toSeq: number, out: CandleColumns): number {
    const from = Math.max(Math.ceil(fromSeq), this.first);
    const to = Math.min(Math.floor(toSeq), this.lastSeq);
    const rows = to >= from ? to - from + 1 : 0;
    out.ensureCapacity(rows);
    let i = this.ringIndex(from - this.first);
    for (let r = 0; r < rows; r++) {
      out.copyRow(r, this.bars, i);
      i = i + 1 === this.capacity ? 0 : i + 1;
    }
    out.count = rows;
    return rows;
  }

  /**
   * Writes what changed since the previous drain into `out` and starts a new period. Re-reading
   * seqs `out.fromSeq`..`out.lastSeq` (and dropping those below `out.firstSeq`) brings a mirror up
   * to date. O(1); allocates nothing.
   */
  drainChanges(out: CandleChanges): void {
    const first = this.first;
    const last = this.lastSeq;
    const previousLast = this.lastSeqAtDrain;
    // A bar changed and then evicted leaves nothing to re-read below `first`.
    const changed = this.changedFrom < first ? first : this.changedFrom;
    const appendedFrom = last > previousLast ? Math.max(previousLast + 1, first) : Infinity;
    const from = Math.min(changed, appendedFrom);
    out.changedFromSeq = changed <= previousLast && changed <= last ? changed : -1;
    out.appended = last > previousLast ? last - previousLast : 0;
    out.fromSeq = from <= last ? from : -1;
    out.firstSeq = first;
    out.lastSeq = last;
    this.changedFrom = Infinity;
    this.lastSeqAtDrain = last;
  }

  /**
   * Adds one trade. `takerSide` is +1 when the taker bought, -1 when the taker sold.
   *
   * - Same bar as the live bar: updates it. Newer: opens a new bar at `barOpenTime` (no empty
   *   bars are invented for a gap), evicting the oldest bar when the ring is full. O(1).
   * - Older than the live bar: added to its own bar when that bar is held (binary search,
   *   O(log n)). When its bar is not held (older than every held bar, or in a gap between held
   *   bars) it is dropped and counted in `lateDropped`: a ring cannot insert without shifting,
   *   and such a bar had no other trade here, so the exchange's history is the right way to fill
   *   it (merge after a reconnect does).
   * - Open and close follow trade time, not arrival: a trade earlier than the bar's opening trade
   *   becomes the open; a trade at or after the closing trade's time becomes the close (equal
   *   times keep arrival order, as the exchange does).
   * - Trades at or before the bar's covered-until time are skipped (`covered`): see mergeHistory.
   * - NaN, ±Infinity, negative time, price below 1e-12, amount ≤ 0, side not ±1: counted in `rejected`.
   *
   * Allocates nothing.
   */
  ingestTrade(timeMs: number, price: number, amount: number, takerSide: number): TradeOutcome {
    if (
      !(timeMs >= 0 && timeMs < Infinity) ||
      !isPrice(price) ||
      !(amount > 0 && amount < Infinity) ||
      (takerSide !== 1 && takerSide !== -1)
    ) {
      return this.rejectTrade();
    }
    if (this.activityUnit !== 0) return this.ingestActivityTrade(timeMs, price, amount, takerSide);
    const held = this.held;
    if (held > 0) {
      const bars = this.bars;
      const live = this.ringIndex(held - 1);
      const liveOpen = bars.openTime[live];
      // Most trades are the live bar's newest (in its period, not before its close, not covered):
      // a few comparisons and stores. What addTrade does then, given that a bar's open trade is
      // never after its close trade and low ≤ close ≤ high: the trade is the close, and a price
      // equal to the close moves nothing else.
      if (
        timeMs >= liveOpen &&
        timeMs < liveOpen + this.periodMs &&
        timeMs >= this.closeTradeTime[live] &&
        timeMs > this.coveredUntil[live]
      ) {
        const close = bars.close;
        if (price !== close[live]) {
          this.revision++;
          close[live] = price;
          if (price > bars.high[live]) bars.high[live] = price;
          else if (price < bars.low[live]) bars.low[live] = price;
        }
        this.closeTradeTime[live] = timeMs;
        bars.volume[live] += amount;
        bars.quoteVolume[live] += price * amount;
        if (takerSide === 1) bars.takerBuyVolume[live] += amount;
        bars.tradeCount[live] += 1;
        this.stats.trades++;
        this.lastTradeBarTime = liveOpen;
        this.markChanged(this.first + held - 1);
        return TradeOutcome.Live;
      }
    }
    return this.ingestOtherTrade(timeMs, price, amount, takerSide);
  }

  /**
   * Merges exchange history given as rows `[t, o, h, l, c, v, qv?, tbv?, n?]` (ccxt's fetchOHLCV
   * rows have the first six), ascending by open time. A missing or non-numeric optional field is
   * NaN (unknown); a non-numeric required field rejects the row. Same rules and cost as
   * {@link mergeHistory}, plus O(rows) to convert. Returns the rows applied.
   */
  mergeHistoryRows(rows: ReadonlyArray<ArrayLike<unknown>>): number {
    const columns = this.rowColumns;
    columns.clear();
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      const i = columns.appendRow();
      for (let f = 0; f < CANDLE_FIELD_COUNT; f++) columns.column(f as CandleField)[i] = numberOrNaN(row, f);
    }
    return this.mergeHistory(columns);
  }

  /**
   * Merges exchange history (`history.count` rows, ascending by open time). The exchange is the
   * truth for the bars it gives, and the live bar is never lost:
   *
   * - A row whose bar is held overwrites all its fields (NaN where the exchange gave none).
   * - A row newer than the newest held bar is appended (evicting the oldest when full); the
   *   newest appended row becomes the live bar.
   * - A row older than the newest held bar whose bar is not held (before the oldest, or in a gap
   *   after a reconnect) is inserted by rebuilding the ring: O(n + rows), allocating temporary
   *   columns. That path is rare (start-up, reconnect). When the ring is full, only the newest
   *   `capacity` bars of the union are kept; older rows are counted in `historyDropped`.
   * - A bar newer than every row (the live bar built from trades) is kept as it is.
   *
   * Trades after the merge, so nothing is counted twice or lost:
   * - A row that is not the newest bar after the merge is a closed bar: its exchange values are
   *   final, and late trades for it are skipped (`covered`).
   * - A row that becomes the newest bar (the live bar fetched while open) takes the exchange's
   *   values, and then keeps updating from trades newer than the newest trade the series had
   *   already put into that bar: the exchange's values include every trade we had seen before its
   *   reply arrived, while trades after that are new. So a user sees the exchange's candle plus
   *   the trades after it, and no trade the series had seen is counted twice. A race remains at
   *   the boundary (a trade in the exchange's snapshot whose message arrives after the reply
   *   counts twice; a trade we saw that the snapshot missed is absent); merging the bar again
   *   once it has closed settles it, since a closed row is final.
   *
   * Bad rows (non-finite or non-positive prices, negative volumes, high/low not enclosing
   * open/close, open time not on a bar boundary, not strictly ascending) are skipped and counted
   * in `historyRejected`. Returns the rows applied (held after the merge). O(rows · log n) in
   * place; allocates only on the rebuild path or when its reused validation buffer grows.
   */
  mergeHistory(history: CandleColumns): number {
    if (this.clock === null) {
      // Klines are clock bars: none of them is a bar of N trades or volume.
      this.stats.historyRejected += history.count;
      return 0;
    }
    const rows = this.validate(history, this.clock);
    if (rows.count === 0) return 0;
    this.revision++;
    const newestIndex = this.held > 0 ? this.ringIndex(this.held - 1) : -1;
    const newestBefore = newestIndex >= 0 ? this.bars.openTime[newestIndex] : -Infinity;
    // The newest row is the live bar when it matches the held newest bar: it keeps taking
    // trades newer than those already in it. A newer row is a fresh bar with no trades seen.
    const liveWatermark =
      rows.openTime[rows.count - 1] === newestBefore ? this.tradeWatermark(newestIndex) : -Infinity;

    // Rows for held bars are overwritten in place and newer rows appended; a row older than the
    // newest held bar that is not held needs an insert. Only an insert that survives trimming
    // the union to the capacity forces a rebuild.
    let inserted = 0;
    let appended = 0;
    let newestInsertPos = -1;
    for (let r = 0; r < rows.count; r++) {
      const t = rows.openTime[r];
      if (t > newestBefore) {
        appended++;
        continue;
      }
      const pos = this.lowerBound(t); // < held, since the newest held bar is at or after t
      if (this.bars.openTime[this.ringIndex(pos)] !== t) {
        inserted++;
        newestInsertPos = pos + r; // its position in the union, oldest first
      }
    }
    const unionSize = this.held + inserted + appended;
    const keepFrom = Math.max(0, unionSize - this.capacity);
    if (inserted > 0 && newestInsertPos >= keepFrom) {
      this.rebuild(rows, unionSize - keepFrom);
    } else {
      for (let r = 0; r < rows.count; r++) {
        const t = rows.openTime[r];
        if (t > newestBefore) {
          this.writeRow(this.pushSlot(), rows, r);
          continue;
        }
        const pos = this.lowerBound(t);
        const index = this.ringIndex(pos);
        if (this.bars.openTime[index] === t && this.writeRow(index, rows, r)) this.markChanged(this.first + pos);
      }
    }
    const applied = this.coverMergedBars(rows, liveWatermark);
    this.stats.historyRows += applied;
    this.stats.historyDropped += rows.count - applied;
    return applied;
  }

  // ---- internals ----

  private rejectTrade(): TradeOutcome {
    this.stats.rejected++;
    return TradeOutcome.Rejected;
  }

  /**
   * {@link ingestTrade} for a valid trade that is not the live bar's newest: out of order or
   * covered in the live bar, a new bar, or a late trade.
   */
  private ingestOtherTrade(timeMs: number, price: number, amount: number, takerSide: number): TradeOutcome {
    const clock = this.clock!; // only clock series come here
    const liveOpen = this.held > 0 ? this.bars.openTime[this.ringIndex(this.held - 1)] : -Infinity;
    // Position of the trade's bar: the live bar, or an older held one (a late trade).
    let pos = this.held - 1;
    if (!(timeMs >= liveOpen && timeMs < liveOpen + this.periodMs)) {
      const barTime = barOpenTime(timeMs, clock);
      if (barTime > liveOpen) {
        this.openTradeBar(barTime, timeMs, price, amount, takerSide);
        return TradeOutcome.NewBar;
      }
      pos = this.lowerBound(barTime);
      if (pos >= this.held || this.bars.openTime[this.ringIndex(pos)] !== barTime) {
        this.stats.lateDropped++;
        return TradeOutcome.LateDropped;
      }
    }
    const index = this.ringIndex(pos);
    if (timeMs <= this.coveredUntil[index]) {
      this.stats.covered++;
      return TradeOutcome.Covered;
    }
    this.revision++;
    this.addTrade(index, timeMs, price, amount, takerSide);
    this.stats.trades++;
    this.lastTradeBarTime = this.bars.openTime[index];
    this.markChanged(this.first + pos);
    if (pos === this.held - 1) return TradeOutcome.Live;
    this.stats.late++;
    return TradeOutcome.Late;
  }

  /**
   * {@link ingestTrade} for an activity series: into the live bar unless it is full, else a new
   * bar (see the file comment). Never late, covered or dropped. O(1); allocates nothing.
   */
  private ingestActivityTrade(timeMs: number, price: number, amount: number, takerSide: number): TradeOutcome {
    const held = this.held;
    if (held > 0) {
      const live = this.ringIndex(held - 1);
      const bars = this.bars;
      const full = this.activityUnit === 1 ? bars.tradeCount[live] >= this.activitySize : bars.volume[live] >= this.fullVolume;
      if (!full) {
        this.revision++;
        this.addTrade(live, timeMs, price, amount, takerSide);
        this.stats.trades++;
        this.lastTradeBarTime = bars.openTime[live];
        this.markChanged(this.first + held - 1);
        return TradeOutcome.Live;
      }
      const after = bars.openTime[live] + 1;
      this.openTradeBar(timeMs > after ? timeMs : after, timeMs, price, amount, takerSide);
      return TradeOutcome.NewBar;
    }
    this.openTradeBar(timeMs, timeMs, price, amount, takerSide);
    return TradeOutcome.NewBar;
  }

  private ringIndex(pos: number): number {
    const i = this.head + pos;
    return i >= this.capacity ? i - this.capacity : i;
  }

  /** First position (0 = oldest) whose open time is ≥ `time`; `held` when none. O(log n). */
  private lowerBound(time: number): number {
    let lo = 0;
    let hi = this.held;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.bars.openTime[this.ringIndex(mid)] < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private markChanged(seq: number): void {
    if (seq < this.changedFrom) this.changedFrom = seq;
  }

  /** Ring index for a new newest bar, evicting the oldest when full. */
  private pushSlot(): number {
    if (this.held === this.capacity) {
      this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
      this.first++;
      this.held--;
    }
    const index = this.ringIndex(this.held);
    this.held++;
    this.markChanged(this.lastSeq);
    return index;
  }

  private openTradeBar(barTime: number, timeMs: number, price: number, amount: number, side: number): void {
    const i = this.pushSlot();
    this.revision++;
    this.bars.setRow(i, barTime, price, price, price, price, amount, price * amount, side === 1 ? amount : 0, 1);
    this.openTradeTime[i] = timeMs;
    this.closeTradeTime[i] = timeMs;
    this.coveredUntil[i] = -Infinity;
    this.stats.trades++;
    this.lastTradeBarTime = barTime;
  }

  /** Adds a trade to bar `i` (the caller bumps the price revision). */
  private addTrade(i: number, timeMs: number, price: number, amount: number, side: number): void {
    const bars = this.bars;
    if (timeMs < this.openTradeTime[i]) {
      bars.open[i] = price;
      this.openTradeTime[i] = timeMs;
    }
    if (timeMs >= this.closeTradeTime[i]) {
      bars.close[i] = price;
      this.closeTradeTime[i] = timeMs;
    }
    if (price > bars.high[i]) bars.high[i] = price;
    if (price < bars.low[i]) bars.low[i] = price;
    bars.volume[i] += amount;
    bars.quoteVolume[i] += price * amount;
    if (side === 1) bars.takerBuyVolume[i] += amount;
    bars.tradeCount[i] += 1;
  }

  /** Newest trade time already reflected in bar `i` (from trades or an earlier merge). */
  private tradeWatermark(i: number): number {
    return Math.max(this.closeTradeTime[i], this.coveredUntil[i]);
  }

  /** Writes history row `r` into slot `i`; true when a public field changed (NaN equals NaN). */
  private writeRow(i: number, rows: CandleColumns, r: number): boolean {
    const changed = this.bars.rowDiffers(i, rows, r);
    this.bars.copyRow(i, rows, r);
    return changed;
  }

  /**
   * After a merge: rows that are not the newest bar are final (every trade in them is covered);
   * a row that is the newest bar is covered up to `liveWatermark` and keeps taking newer trades.
   * The exchange's open is fixed (no later trade can precede it). Returns the rows held.
   */
  private coverMergedBars(rows: CandleColumns, liveWatermark: number): number {
    const newestTime = this.bars.openTime[this.ringIndex(this.held - 1)];
    let held = 0;
    for (let r = 0; r < rows.count; r++) {
      const pos = this.lowerBound(rows.openTime[r]);
      const i = this.ringIndex(pos);
      if (pos >= this.held || this.bars.openTime[i] !== rows.openTime[r]) continue; // not kept
      const covered = this.bars.openTime[i] === newestTime ? liveWatermark : this.bars.openTime[i] + this.periodMs - 1;
      this.openTradeTime[i] = -Infinity;
      this.closeTradeTime[i] = covered;
      this.coveredUntil[i] = covered;
      held++;
    }
    return held;
  }

  /** Valid rows of `history` copied into the reused buffer. */
  private validate(history: CandleColumns, clock: Timeframe): CandleColumns {
    const out = this.validRows;
    out.clear();
    let previous = -Infinity;
    for (let r = 0; r < history.count; r++) {
      const t = history.openTime[r];
      const o = history.open[r];
      const h = history.high[r];
      const l = history.low[r];
      const c = history.close[r];
      const v = history.volume[r];
      const qv = history.quoteVolume[r];
      const tbv = history.takerBuyVolume[r];
      const n = history.tradeCount[r];
      const ok =
        t >= 0 &&
        t < Infinity &&
        t <= this.latestHistoryOpen &&
        t > previous &&
        barOpenTime(t, clock) === t &&
        isPrice(l) &&
        h < Infinity &&
        l <= o &&
        l <= c &&
        h >= o &&
        h >= c &&
        v >= 0 &&
        v < Infinity &&
        optionalAmount(qv) &&
        optionalAmount(tbv) &&
        optionalAmount(n);
      if (!ok) {
        this.stats.historyRejected++;
        continue;
      }
      out.copyRow(out.appendRow(), history, r);
      previous = t;
    }
    return out;
  }

  /**
   * Rebuilds the ring as the newest `keep` bars of (held ∪ rows), rows winning on equal times.
   * Seqs: bars before the first bar that was not held keep theirs; later bars are renumbered
   * consecutively and reported changed from there. O(n + rows); allocates temporary columns.
   */
  private rebuild(rows: CandleColumns, keep: number): void {
    this.stats.rebuilds++;
    const merged = new CandleColumns(keep);
    const openTradeTime = new Float64Array(keep);
    const closeTradeTime = new Float64Array(keep);
    const coveredUntil = new Float64Array(keep);
    /** Old seq of each merged bar, -1 for a bar that comes from a row and was not held. */
    const oldSeq = new Float64Array(keep);
    /** Whether the merged bar's public fields differ from the held bar's. */
    const differs = new Uint8Array(keep);

    // Walk both lists from the newest end, filling `merged` from its last slot.
    let pos = this.held - 1;
    let r = rows.count - 1;
    for (let k = keep - 1; k >= 0; k--) {
      const heldTime = pos >= 0 ? this.bars.openTime[this.ringIndex(pos)] : -Infinity;
      const rowTime = r >= 0 ? rows.openTime[r] : -Infinity;
      if (rowTime >= heldTime) {
        merged.copyRow(k, rows, r);
        if (rowTime === heldTime) {
          const i = this.ringIndex(pos);
          oldSeq[k] = this.first + pos;
          differs[k] = merged.rowDiffers(k, this.bars, i) ? 1 : 0;
          pos--;
        } else {
          oldSeq[k] = -1;
        }
        r--;
      } else {
        const i = this.ringIndex(pos);
        merged.copyRow(k, this.bars, i);
        openTradeTime[k] = this.openTradeTime[i];
        closeTradeTime[k] = this.closeTradeTime[i];
        coveredUntil[k] = this.coveredUntil[i];
        oldSeq[k] = this.first + pos;
        pos--;
      }
    }
    merged.count = keep;

    let firstNew = 0;
    while (firstNew < keep && oldSeq[firstNew] >= 0) firstNew++;
    const newFirst = firstNew > 0 ? oldSeq[0] : this.first;

    // Lay the merged bars back into the ring from slot 0.
    this.head = 0;
    this.held = keep;
    this.first = newFirst;
    for (let k = 0; k < keep; k++) {
      this.bars.copyRow(k, merged, k);
      this.openTradeTime[k] = openTradeTime[k];
      this.closeTradeTime[k] = closeTradeTime[k];
      this.coveredUntil[k] = coveredUntil[k];
      if (k < firstNew && differs[k] === 1) this.markChanged(newFirst + k);
    }
    if (firstNew < keep) this.markChanged(newFirst + firstNew);
  }
}

/** An optional history amount: unknown (NaN) or a finite value ≥ 0. */
function optionalAmount(x: number): boolean {
  return x !== x || (x >= 0 && x < Infinity);
}

function numberOrNaN(row: ArrayLike<unknown>, k: number): number {
  const x = row != null && k < row.length ? row[k] : undefined;
  return typeof x === 'number' ? x : NaN;
}
