/**
 * One market's state: the order book with its sync state machine, candles of the chart's
 * timeframe, indicators, order-flow metrics and the recent trades. Feeds hand it
 * {@link MarketEvent}s; panels and the status bar read it. Pure engine: no I/O, no timers.
 */
import { BookSync, SyncState, type BookSyncListener } from './book/bookSync';
import { BookTickerCheck } from './book/bookTickerCheck';
import { BookChanges, OrderBook } from './book/orderBook';
import type { ExternalLevel } from './book/bookSide';
import { PriceGrid, tickSizeProblem } from './book/priceGrid';
import { binanceSpotRule, type SequenceRule } from './book/sequenceRule';
import { CandleChanges, CandleField, CandleSeries, TradeOutcome } from './candles/candleSeries';
import type { CandleColumns } from './candles/candleColumns';
import type { ChartTimeframe } from './candles/timeframe';
import { EngineError } from './engineError';
import { EventKindCounts } from './eventCounts';
import { EventKind, type MarketEvent } from './events';
import { EventTimeGuard, MAX_CLOCK_LEAD_MS } from './eventTime';
import { HeatmapStore, type HeatmapOptions } from './heatmap/heatmapStore';
import { FootprintBars } from './footprint/footprintBars';
import { beforeSeam, type HistoryTrades } from './footprint/historyTrades';
import { createIndicator } from './indicators/createIndicator';
import { INDICATOR_CATALOG } from './indicators/indicatorCatalog';
import { IndicatorSet } from './indicators/indicatorSet';
import type { Indicator } from './indicators/indicatorSeries';
import { BookImbalance, measureBookImbalance } from './metrics/bookImbalance';
import { CvdBars } from './metrics/cvdBars';
import { ImbalanceBars } from './metrics/imbalanceBars';
import { SizedCvd, TradeSizeLog } from './metrics/sizedCvd';
import { TradeTape } from './tradeTape';

export interface MarketOptions {
  symbol: string;
  tickSize: number;
  sequenceRule: SequenceRule;
  timeframe: ChartTimeframe;
  /** Bars held per series (and indicator values per indicator). */
  candleCapacity: number;
  /** Indicator options objects, e.g. `{ kind: 'ema', period: 21 }`. */
  indicators: readonly unknown[];
  /** Levels per side for the order-book imbalance (changed live by `setImbalanceDepth`). */
  imbalanceDepth: number;
  /** Trades kept for the tape. */
  tapeCapacity: number;
  /** Trades kept to rebuild a CVD of big trades (16 bytes each): how far back it can count. */
  tradeLogCapacity: number;
  /** Initial capacity of each book side (grows by doubling). */
  bookCapacity: number;
  /** Resync when the exchange's best bid/ask disagrees with the rebuilt book. */
  resyncOnTickerMismatch: boolean;
  /** The liquidity heatmap's slices, window and memory bounds (defaults: DEFAULT_HEATMAP_OPTIONS). */
  heatmap: Partial<HeatmapOptions>;
}

export const DEFAULT_MARKET_OPTIONS: Readonly<MarketOptions> = {
  symbol: 'BTC/USDT',
  tickSize: 0.01,
  sequenceRule: binanceSpotRule,
  timeframe: '1m',
  candleCapacity: 20_000,
  indicators: [],
  imbalanceDepth: INDICATOR_CATALOG.imbalance.parameters.depth.default,
  tapeCapacity: 500,
  tradeLogCapacity: 100_000,
  bookCapacity: 2048,
  resyncOnTickerMismatch: true,
  heatmap: {},
};

/** Counters a user or a test can read. */
export class MarketStats {
  /** Events handed to `onEvent`, by kind. */
  readonly byKind = new EventKindCounts();
  /** Events of an unknown kind or trades with bad numbers or times. */
  rejected = 0;
  /** Of those, trades refused for their time (`Market.time` says why). */
  badTimes = 0;
}

/** Accumulates the bars a reader (one panel) has not seen since it last took them. */
export class BarChangeReader {
  /** Lowest seq to re-read, -1 when nothing changed. */
  fromSeq = -1;
}

export class Market implements BookSyncListener {
  readonly options: Readonly<MarketOptions>;
  readonly book: OrderBook;
  readonly sync: BookSync;
  readonly grid: PriceGrid;
  readonly tickerCheck = new BookTickerCheck();
  readonly tape: TradeTape;
  readonly stats = new MarketStats();
  /** Plausibility of exchange stamps: the market's clock (see EventTimeGuard). */
  readonly time = new EventTimeGuard();
  candles: CandleSeries;
  imbalance: ImbalanceBars;
  cvd: CvdBars;
  /** The book's resting sizes over time (liquidity heatmap), sampled as the market's clock passes each slice. */
  readonly heatmap: HeatmapStore;
  /** Taker buy/sell per bar and tick, from the trades the candles counted (bars by open time). */
  readonly footprint: FootprintBars;
  /**
   * The first trade the footprint counted live since the timeframe was set (time ms and exchange
   * id, NaN before it): history trades are taken only from before it (see HistoryTrades).
   */
  footprintSeamTime = NaN;
  footprintSeamTradeId = NaN;
  /** Increases on every book change; readers compare it with the version they last drew. */
  bookVersion = 0;
  /** Exchange time of the newest event whose stamp was plausible (ms), NaN before any. */
  lastEventTime = NaN;
  /** Price of the newest trade, NaN before any. */
  lastPrice = NaN;

  /** Levels changed by the last `mirrorBook` (reused). */
  readonly mirrorChanges = new BookChanges();
  private readonly imbalanceOut = new BookImbalance();
  /** Levels per side the imbalance measures (the option, then `setImbalanceDepth`). */
  private imbalanceDepth = DEFAULT_MARKET_OPTIONS.imbalanceDepth;
  private readonly drained = new CandleChanges();
  /** The indicators, fed the live bar (see IndicatorSet); replaced by `setIndicators`. */
  private indicatorSet: IndicatorSet;
  private readonly readers: BarChangeReader[] = [];
  /** A late trade or a history merge changed closed bars: indicators are recomputed at settle. */
  private derivedStale = false;
  /**
   * The coming rebuild changes derived values of every bar (new indicators, bars inserted before
   * others), not only from the first changed bar: readers re-read everything.
   */
  private derivedAll = false;
  /** Bars were inserted before others since the last settle: held CVD bars have other seqs now. */
  private barsInserted = false;
  /** The trades the candles counted, newest last: what a CVD of big trades is rebuilt from. */
  readonly tradeLog: TradeSizeLog;
  /** CVDs of big trades the panels read (one per threshold in use). */
  private readonly sizedCvds: SizedCvd[] = [];
  /** Trades or bars changed under the sized CVDs (a late trade, a merge, a timeframe): recounted at settle. */
  private sizedStale = false;

  /** Throws EngineError / RangeError on bad options (configuration, not events), e.g. a tick of 0. */
  constructor(options: Partial<MarketOptions> = {}) {
    this.options = { ...DEFAULT_MARKET_OPTIONS, ...options };
    const tickProblem = tickSizeProblem(this.options.tickSize);
    if (tickProblem !== null) throw new EngineError('badParameter', `${this.options.symbol}: ${tickProblem}`);
    this.grid = new PriceGrid(this.options.tickSize);
    this.book = new OrderBook(this.options.bookCapacity);
    this.sync = new BookSync(this.book, this.options.sequenceRule);
    this.sync.listener = this;
    this.heatmap = new HeatmapStore(this.grid, this.options.heatmap);
    this.tape = new TradeTape(this.options.tapeCapacity);
    this.tradeLog = new TradeSizeLog(this.options.tradeLogCapacity);
    this.candles = new CandleSeries(this.options.timeframe, { capacity: this.options.candleCapacity });
    this.indicatorSet = this.createIndicatorSet(this.options.indicators);
    this.imbalance = new ImbalanceBars({ capacity: this.options.candleCapacity });
    this.cvd = new CvdBars({ capacity: this.options.candleCapacity });
    this.footprint = new FootprintBars(this.options.tickSize, { bars: this.options.candleCapacity });
    this.setImbalanceDepth(this.options.imbalanceDepth);
  }

  /**
   * Measures the order-book imbalance over the best `depth` levels per side from the next book
   * change on (bars already sampled keep their values). Throws EngineError for a depth that is
   * not a whole number ≥ 1 (configuration, not an event). O(1).
   */
  setImbalanceDepth(depth: number): void {
    if (!(Number.isInteger(depth) && depth >= 1)) throw new EngineError('badParameter', `${this.options.symbol}: imbalance depth must be a whole number of levels ≥ 1, got ${depth}`);
    this.imbalanceDepth = depth;
  }

  /** The chart's indicators, in the order of the options. Fed by the market only. */
  get indicators(): readonly Indicator[] {
    return this.indicatorSet.list;
  }

  /** Handles one event. Never throws; bad input is counted. O(event size). */
  onEvent(event: MarketEvent): void {
    const byKind = this.stats.byKind;
    byKind.events++;
    // A trade's stamp is checked in onTrade; other events are sequenced by ids, so an implausible
    // stamp only stays out of the clock.
    if (event.kind !== EventKind.Trade && event.time === event.time && this.time.accept(event.time)) this.lastEventTime = event.time;
    this.sampleHeatmap();
    switch (event.kind) {
      case EventKind.DepthDiff:
        byKind.depthDiffs++;
        this.sync.onDiff(event);
        break;
      case EventKind.DepthSnapshot:
        byKind.depthSnapshots++;
        this.sync.onSnapshot(event);
        this.tickerCheck.clear();
        this.bookChanged();
        break;
      case EventKind.Trade:
        byKind.trades++;
        if (this.acceptTradeTime(event.time)) {
          this.lastEventTime = event.time;
          this.ingestTrade(event.time, event.price, event.amount, event.takerSide);
          this.noteFootprintSeam(event.time, event.tradeId);
        }
        break;
      case EventKind.BookTicker:
        byKind.bookTickers++;
        this.onBookTicker(event.finalId, event.bestBid, event.bestBidSize, event.bestAsk, event.bestAskSize);
        break;
      case EventKind.BookResync:
        byKind.bookResyncs++;
        this.requestResync('the recorded book resynced here');
        break;
      default:
        this.stats.rejected++;
    }
  }

  /** BookSyncListener: a diff (live or replayed) was applied. */
  diffApplied(finalId: number): void {
    if (!this.tickerCheck.onDiffApplied(this.book, finalId) && this.options.resyncOnTickerMismatch) {
      this.sync.requestResync("the exchange's best bid/ask disagreed with the rebuilt book");
    }
    this.bookChanged();
  }

  /** Same as a Trade event to `onEvent`: an implausible stamp is refused and counted in `badTimes`. */
  onTrade(time: number, price: number, amount: number, side: number): void {
    if (this.acceptTradeTime(time)) {
      this.ingestTrade(time, price, amount, side);
      this.noteFootprintSeam(time, -1);
    }
  }

  /** After a trade: the first one the footprint holds since the timeframe was set is the seam. */
  private noteFootprintSeam(time: number, tradeId: number): void {
    if (this.footprintSeamTime === this.footprintSeamTime || this.footprint.count === 0) return;
    this.footprintSeamTime = time;
    this.footprintSeamTradeId = tradeId >= 0 ? tradeId : NaN;
  }

  /**
   * Adds the trades of one bar from the exchange's history that came before the footprint's live
   * seam to the footprint only (the candles have the bar from klines). Give bars newest first: a
   * bar older than every footprint bar is prepended in O(1), a newer one must be held. Returns
   * the trades added. O(count · log bars); allocates only cells.
   */
  backfillFootprint(trades: HistoryTrades): number {
    let added = 0;
    for (let i = 0; i < trades.count; i++) {
      if (!beforeSeam(trades.time[i]!, trades.lastTradeId[i]!, this.footprintSeamTime, this.footprintSeamTradeId)) continue;
      if (this.footprint.addHistoryTrade(trades.barOpenTime, trades.price[i]!, trades.amount[i]!, trades.side[i]!)) added++;
    }
    return added;
  }

  /** False (counted) for a trade stamped implausibly: it must not open a bar far in the future. */
  private acceptTradeTime(time: number): boolean {
    if (this.time.accept(time)) return true;
    this.stats.rejected++;
    this.stats.badTimes++;
    return false;
  }

  private ingestTrade(time: number, price: number, amount: number, side: number): void {
    const outcome = this.candles.ingestTrade(time, price, amount, side);
    if (outcome === TradeOutcome.Rejected) {
      this.stats.rejected++;
      return;
    }
    this.tape.push(time, price, amount, side);
    this.lastPrice = price;
    if (outcome === TradeOutcome.Live || outcome === TradeOutcome.NewBar || outcome === TradeOutcome.Late) {
      this.footprint.addTrade(this.candles.lastTradeBarTime, price, amount, side);
    }
    if (outcome !== TradeOutcome.LateDropped) this.tradeLog.push(time, amount, side as 1 | -1);
    if (outcome === TradeOutcome.Live || outcome === TradeOutcome.NewBar) {
      const seq = this.candles.lastSeq;
      if (!this.derivedStale) {
        this.updateIndicators(seq);
        this.cvd.addTrade(seq, amount, side as 1 | -1);
      }
      if (!this.sizedStale) for (let i = 0; i < this.sizedCvds.length; i++) this.sizedCvds[i]!.addTrade(seq, time, amount, side as 1 | -1);
      if (outcome === TradeOutcome.NewBar) this.sampleImbalance();
    } else if (outcome === TradeOutcome.Late) {
      this.derivedStale = true;
      this.sizedStale = true;
    } else if (outcome === TradeOutcome.Covered) {
      // Counted in its bar by the exchange's history (the full CVD has it), but a trade all the same.
      this.sizedStale = true;
    }
  }

  /**
   * Exchange candle history (closed bars are the truth). Indicators and CVD are recomputed from
   * the held bars at the next `settle`. O(rows) (O(bars) when bars are inserted).
   */
  mergeHistory(history: CandleColumns): number {
    this.boundHistory();
    const liveSeq = this.candles.lastSeq;
    const liveTime = this.candles.value(liveSeq, CandleField.OpenTime);
    const applied = this.candles.mergeHistory(history);
    this.historyMerged(applied, liveSeq, liveTime);
    return applied;
  }

  /** Same, from ccxt's `[t, o, h, l, c, v]` rows. */
  mergeHistoryRows(rows: ReadonlyArray<ArrayLike<unknown>>): number {
    this.boundHistory();
    const liveSeq = this.candles.lastSeq;
    const liveTime = this.candles.value(liveSeq, CandleField.OpenTime);
    const applied = this.candles.mergeHistoryRows(rows);
    this.historyMerged(applied, liveSeq, liveTime);
    return applied;
  }

  /**
   * After a merge: derived series are recomputed at the next settle, and the imbalance (sampled
   * live, not derivable from bars) follows its bars when bars were inserted before them: an
   * older page renumbers every held bar (a gap refill those after the gap, where the recent
   * samples are). `liveSeq`/`liveTime`: the newest bar before the merge (NaN time: none).
   */
  private historyMerged(applied: number, liveSeq: number, liveTime: number): void {
    if (applied === 0) return;
    this.derivedStale = true;
    this.sizedStale = true;
    const moved = liveTime === liveTime ? this.candles.findSeq(liveTime) - liveSeq : 0;
    if (moved > 0) {
      this.imbalance.shiftSeqs(moved);
      // Indicators seeded from earlier bars now (an EMA's start): every value may change.
      this.derivedAll = true;
      this.barsInserted = true;
    }
  }

  /** A wall time (ms) the caller trusts, for a live exchange: stamps far ahead of it are refused. */
  observeClock(wallMs: number): void {
    this.time.observe(wallMs);
    this.sampleHeatmap();
  }

  /** History bars may not open more than the stamp tolerance after the market's clock (when known). */
  private boundHistory(): void {
    const clock = this.time.clock;
    this.candles.latestHistoryOpen = clock === clock ? clock + MAX_CLOCK_LEAD_MS : Infinity;
  }

  /**
   * Switches the chart timeframe: new empty series (history comes from the feed; bars of N trades
   * or volume have none and start from the next trade).
   */
  setTimeframe(timeframe: ChartTimeframe): void {
    this.candles = new CandleSeries(timeframe, { capacity: this.options.candleCapacity });
    this.indicatorSet.reset();
    this.imbalance = new ImbalanceBars({ capacity: this.options.candleCapacity });
    this.cvd = new CvdBars({ capacity: this.options.candleCapacity });
    this.footprint.clear();
    this.footprintSeamTime = NaN;
    this.footprintSeamTradeId = NaN;
    this.derivedStale = false;
    this.sizedStale = true;
    for (const reader of this.readers) reader.fromSeq = 0;
  }

  /**
   * The CVD of trades at or above `minAmount` (> 0) for one more reader: shared by readers of the
   * same threshold, counted from the oldest logged trade on creation. Release it when done.
   * O(1) when shared, else a rebuild (see SizedCvd.rebuild).
   */
  acquireSizedCvd(minAmount: number): SizedCvd {
    if (!(minAmount > 0 && minAmount < Infinity)) throw new EngineError('badParameter', `${this.options.symbol}: a CVD of big trades needs a size > 0, got ${minAmount}`);
    const held = this.sizedCvds.find((s) => s.minAmount === minAmount);
    if (held) {
      held.users++;
      return held;
    }
    const sized = new SizedCvd(minAmount, this.options.candleCapacity, this.tradeLog);
    sized.rebuild(this.candles);
    this.sizedCvds.push(sized);
    return sized;
  }

  /** A reader no longer reads `sized`; the last one to release it stops its counting. */
  releaseSizedCvd(sized: SizedCvd): void {
    if (--sized.users > 0) return;
    const i = this.sizedCvds.indexOf(sized);
    if (i >= 0) this.sizedCvds.splice(i, 1);
  }

  /** Replaces the indicator set (options objects as in MarketOptions). Throws on bad options. */
  setIndicators(specs: readonly unknown[]): void {
    this.indicatorSet = this.createIndicatorSet(specs);
    this.derivedStale = true;
    this.derivedAll = true;
  }

  /**
   * Mirrors a book sequenced elsewhere (ccxt keeps its own): rows best-first. The book is then
   * the exchange's until `requestResync`. O(levels).
   */
  mirrorBook(bids: ArrayLike<ExternalLevel>, asks: ArrayLike<ExternalLevel>): void {
    this.sampleHeatmap();
    this.book.syncFrom(bids, asks, this.mirrorChanges);
    // A crossed or one-sided mirror is not adopted: the book shows as resyncing until a sound one.
    if (!this.sync.adoptExternalBook()) this.tickerCheck.clear();
    // (A change of showability alone reaches the panel through the frame builder's validity check.)
    if (this.mirrorChanges.bids.count + this.mirrorChanges.asks.count > 0) this.bookChanged();
  }

  /** The book is no longer the exchange's (gap, checksum failure, reconnect). */
  requestResync(reason: string): void {
    this.sampleHeatmap();
    this.sync.requestResync(reason);
    this.tickerCheck.clear();
    this.bookVersion++;
  }

  /** Registers a reader of bar changes (one per panel). */
  addBarReader(): BarChangeReader {
    const reader = new BarChangeReader();
    this.readers.push(reader);
    return reader;
  }

  removeBarReader(reader: BarChangeReader): void {
    const i = this.readers.indexOf(reader);
    if (i >= 0) this.readers.splice(i, 1);
  }

  /**
   * Brings derived series up to date and hands bar changes to every reader. Call before reading
   * (a frame build). O(1) normally; O(bars × indicators) after a late trade or history merge.
   */
  settle(): void {
    const rebuilt = this.derivedStale;
    this.candles.drainChanges(this.drained);
    const changedFrom = this.drained.fromSeq;
    if (rebuilt) this.rebuildDerived(this.barsInserted ? -Infinity : changedFrom >= 0 ? changedFrom : Infinity);
    this.barsInserted = false;
    const sizedFrom = this.sizedStale ? this.recountSizedCvds() : -1;
    // A rebuild leaves the values before the first changed bar as they were (each is a function
    // of the bars up to it), so readers re-read from that bar: a settled bar on a live chart is
    // one row, not every held bar and indicator value again.
    let from = this.drained.fromSeq;
    if (rebuilt && this.derivedAll) from = this.candles.count > 0 ? this.candles.firstSeq : -1;
    this.derivedAll = false;
    if (sizedFrom >= 0) from = from < 0 ? sizedFrom : Math.min(from, sizedFrom);
    if (from >= 0) {
      for (const reader of this.readers) reader.fromSeq = reader.fromSeq < 0 ? from : Math.min(reader.fromSeq, from);
    }
  }

  /**
   * Recounts every sized CVD from the trade log; returns the lowest seq whose value may have
   * changed (-1: none held before or after).
   */
  private recountSizedCvds(): number {
    this.sizedStale = false;
    let from = Infinity;
    for (const sized of this.sizedCvds) {
      const before = sized.bars.firstSeq;
      sized.rebuild(this.candles);
      const after = sized.bars.firstSeq;
      if (before === before) from = Math.min(from, before);
      if (after === after) from = Math.min(from, after);
    }
    return from === Infinity ? -1 : Math.max(from, this.candles.firstSeq);
  }

  /** Inputs refused anywhere in the engine: book levels, diffs, snapshots, trades, indicator inputs. */
  rejectedTotal(): number {
    let total = this.stats.rejected + this.book.rejected + this.sync.stats.rejected + this.sync.stats.snapshotsRejected;
    for (const indicator of this.indicators) total += indicator.rejected;
    return total;
  }

  /** True when the book may be shown as the exchange's book (not resyncing). */
  bookIsShowable(): boolean {
    return this.sync.isShowable();
  }

  /** Why the book is resyncing ('' when it is not or no reason was given). */
  get resyncReason(): string {
    return this.sync.isShowable() ? '' : this.sync.resyncReason;
  }

  /** The book's sync state, for the status badge. */
  bookState(): SyncState {
    return this.sync.state;
  }

  private onBookTicker(id: number, bid: number, bidSize: number, ask: number, askSize: number): void {
    const reached = this.sync.state === SyncState.Live ? this.sync.lastFinalId : -1;
    if (!this.tickerCheck.onTicker(this.book, reached, id, bid, bidSize, ask, askSize) && this.options.resyncOnTickerMismatch) {
      this.sync.requestResync("the exchange's best bid/ask disagreed with the rebuilt book");
    }
  }

  /**
   * Closes the heatmap's slices that ended by the market's clock with the book as it stands,
   * before the book changes (gaps while it is not showable). O(1) unless a slice ended.
   */
  private sampleHeatmap(): void {
    // The exchange's clock, as the candles are: a wall clock ahead of the stamps would put the
    // columns beside the wrong bars.
    const clock = this.time.exchangeClock;
    if (clock === clock) this.heatmap.advance(clock, this.book, this.sync.isShowable());
  }

  private bookChanged(): void {
    this.bookVersion++;
    this.sampleImbalance();
  }

  private sampleImbalance(): void {
    if (this.candles.count === 0 || !this.sync.isShowable()) return;
    const b = this.book;
    if (measureBookImbalance(b.bids.sizes, b.bids.count, b.asks.sizes, b.asks.count, this.imbalanceDepth, this.imbalanceOut)) {
      if (this.imbalanceOut.ratio === this.imbalanceOut.ratio) this.imbalance.sample(this.candles.lastSeq, this.imbalanceOut.ratio);
    }
  }

  private createIndicatorSet(specs: readonly unknown[]): IndicatorSet {
    return new IndicatorSet(specs.map((spec) => createIndicator(withCapacity(spec, this.options.candleCapacity))));
  }

  /** Feeds bar `seq` to the indicators (skipped when no price changed: see IndicatorSet). */
  private updateIndicators(seq: number): void {
    this.indicatorSet.feed(this.candles, seq);
  }

  /**
   * Recomputes indicators and CVD from the held bars. CVD bars before `keepBefore` (the first
   * changed bar) stay as they were: built live from trades, their intrabar high and low are
   * richer than the bar totals a rebuild has, and a panel that holds them must keep matching.
   * O(bars × indicators).
   */
  private rebuildDerived(keepBefore: number): void {
    this.derivedStale = false;
    this.indicatorSet.reset();
    const kept = this.cvd;
    this.cvd = new CvdBars({ capacity: this.options.candleCapacity });
    const c = this.candles;
    for (let seq = c.firstSeq; seq <= c.lastSeq; seq++) {
      this.updateIndicators(seq);
      if (seq < keepBefore && seq >= kept.firstSeq && seq <= kept.lastSeq && kept.valueAt(seq, 0) === kept.valueAt(seq, 0)) {
        this.cvd.restoreBar(seq, kept);
        continue;
      }
      // CVD per bar from the bar's taker-buy volume: delta = 2·takerBuy − volume.
      const tbv = c.value(seq, CandleField.TakerBuyVolume);
      const v = c.value(seq, CandleField.Volume);
      this.cvd.startBar(seq);
      if (tbv === tbv && v === v) {
        if (tbv > 0) this.cvd.addTrade(seq, tbv, 1);
        if (v - tbv > 0) this.cvd.addTrade(seq, v - tbv, -1);
      }
    }
  }
}

function withCapacity(spec: unknown, capacity: number): unknown {
  return typeof spec === 'object' && spec !== null && !('capacity' in spec) ? { ...spec, capacity } : spec;
}
