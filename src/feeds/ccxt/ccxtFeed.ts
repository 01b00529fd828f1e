/**
 * The live feed through ccxt for one market session. Streams, each run by a {@link StreamLoop}:
 *
 * - book: `watchOrderBook` (deep enough to hold the whole book), mirrored into the engine with
 *   `sink.mirrorBook` on every update (ccxt mutates one book object in place: the engine copies it
 *   before the next await). A gap or checksum failure marks the engine's book resyncing and
 *   watches again at once; ccxt refetches the snapshot.
 * - trades: `watchTrades` → engine Trade events (ccxt side 'buy' = the taker bought). The engine
 *   builds the live bar from them. After the trade stream recovers from a failure, the candle gap
 *   is refilled from `fetchOHLCV` (see {@link CandleHistory}).
 * - candles: history through `fetchOHLCV`.
 * - ticker: the exchange's shared {@link TickerHub}.
 * - footprint backfill: once the candle history is in and live trades flow, the footprint of the
 *   bars before the session from `fetchTrades` (see {@link FootprintBackfill}); its progress or
 *   failure is said in the status detail of a live feed.
 *
 * A stream the exchange cannot watch is polled through its fetch method instead, never faster
 * than the exchange's rate limit (and at most every `pollIntervalMs`), and listed in
 * `FeedStatus.polled`. Nothing reaches the sink after `close()`.
 */
import { EventKind, MarketEvent, TakerSide } from '../../engine/events';
import { barOpenTime, parseTimeframe, TIMEFRAME_MS, TimeframeError, type Timeframe } from '../../engine/candles/timeframe';
import type { MarketFacts } from '../../engine/protocol';
import type { Feed, FeedSink, FeedTarget } from '../feed';
import type { MarketId } from '../../engine/marketId';
import { FeedOpenError } from '../feedOpenError';
import type { SessionDemand } from '../sessionDemand';
import { sameStatus } from '../../engine/protocol';
import type { SessionStatus } from '../sessionStatus';
import type { Disposable } from '../eventEmitter';
import { CandleHistory, type OhlcvRow } from './candleHistory';
import { ErrorAction, errorMessage } from './ccxtErrors';
import { FootprintBackfill, type HistoryTradeLike } from './footprintBackfill';
import type { CcxtLiveSource } from './ccxtLiveSource';
import type { CcxtVenue } from './ccxtVenue';
import type { CcxtExchange } from './loadCcxt';
import { StreamLoop, type StreamLoopHost, type StreamWork } from './streamLoop';
import { aggregateStatus, type StreamStatus } from './streamStatus';
import { TradeDeduper } from './tradeDeduper';

/** The fields of a ccxt trade this reads. */
interface CcxtTradeLike {
  id?: string | undefined;
  timestamp?: number | undefined;
  price?: number | undefined;
  amount?: number | undefined;
  side?: string | undefined;
}

export class CcxtFeed implements Feed {
  readonly name: string;
  readonly realTime = true;
  /** Counters for diagnostics and tests. */
  readonly stats = { trades: 0, duplicateTrades: 0, rejectedTrades: 0, bookUpdates: 0, bookResyncs: 0, historyRows: 0 };
  private venue: CcxtVenue | undefined;
  private target: FeedTarget | undefined;
  private timeframe: Timeframe = '1m';
  private sink: FeedSink | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly loops: StreamLoop[] = [];
  private candles: CandleHistory | undefined;
  private tickerStatus: StreamStatus | undefined;
  private tickerSubscription: Disposable | undefined;
  private readonly clients = new Set<CcxtExchange>();
  private polled: string[] = [];
  private lastStatus: SessionStatus | undefined;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private readonly event = new MarketEvent();
  private readonly deduper = new TradeDeduper();
  /** The running or finished backfill of the current timeframe (undefined: not started). */
  private backfill: FootprintBackfill | undefined;
  /** Time of the first trade delivered since the timeframe was set (NaN before): the live seam is at or after it. */
  private firstTradeTime = NaN;
  /** Why no backfill runs where one would (the exchange has no trade history), for the status detail. */
  private noBackfillNote = '';
  /** The chart shows bars of N trades or volume: no footprint backfill (see Feed.pauseHistory). */
  private historyPaused = false;

  constructor(
    private readonly source: CcxtLiveSource,
    readonly key: MarketId,
    readonly demand: SessionDemand,
  ) {
    this.name = `${key.exchange} (live)`;
  }

  /** The candle history's counters (undefined for a ticker-only feed). */
  get historyStats(): CandleHistory['stats'] | undefined {
    return this.candles?.stats;
  }

  /** Loads ccxt and the exchange's markets; rejects FeedOpenError with a message a person can act on. */
  async open(target: FeedTarget): Promise<MarketFacts> {
    const timeframe = parseTimeframe(target.timeframe);
    if (timeframe instanceof TimeframeError) throw new FeedOpenError(timeframe.message, false);
    this.target = target;
    this.timeframe = timeframe;
    const venue = await this.source.acquireVenue(target.exchange);
    if (this.closed) {
      await this.source.releaseVenue(venue);
      throw new FeedOpenError(`${target.exchange} ${target.symbol}: closed while opening`, false);
    }
    this.venue = venue;
    try {
      return await venue.facts(target.symbol);
    } catch (error) {
      this.venue = undefined;
      await this.source.releaseVenue(venue);
      throw error;
    }
  }

  start(sink: FeedSink): void {
    const venue = this.venue;
    const target = this.target;
    if (venue === undefined || target === undefined) throw new Error('CcxtFeed.start before a successful open');
    if (this.closed || this.sink !== undefined) return;
    this.sink = sink;
    const options = venue.options;
    const polled: string[] = [];
    if (this.demand === 'market') {
      const watchBook = venue.canWatch('watchOrderBook');
      if (watchBook || venue.has('fetchOrderBook')) {
        this.addLoop('book', watchBook ? this.watchBookWork(venue, target.symbol) : this.pollBookWork(venue, target.symbol), !watchBook, false);
        if (!watchBook) polled.push('book');
      }
      const watchTrades = venue.canWatch('watchTrades');
      if (watchTrades || venue.has('fetchTrades')) {
        this.addLoop('trades', watchTrades ? this.watchTradesWork(venue, target.symbol) : this.pollTradesWork(venue, target.symbol), !watchTrades, true);
        if (!watchTrades) polled.push('trades');
      }
      if (venue.has('fetchOHLCV')) {
        this.candles = new CandleHistory(
          this.timeframe,
          { historyBars: target.historyBars, pageLimit: options.historyPageLimit, backoff: options.backoff, throttledBackoff: options.throttledBackoff },
          {
            fetchOHLCV: (tf, since, limit) => venue.rest.fetchOHLCV(target.symbol, tf, since, limit) as Promise<OhlcvRow[]>,
            deliver: (tf, rows) => {
              if (this.closed) return;
              this.stats.historyRows += rows.length;
              sink.history(tf, rows);
            },
            classify: (error) => venue.classify(error),
            stopMessage: (error) => venue.stopMessage(error, target.symbol),
            reason: errorMessage,
            retryAfterMs: () => venue.retryAfterMs(),
            statusChanged: () => this.emitStatus(),
            now: Date.now,
          },
        );
      }
    }
    if (venue.tickers.polled) polled.push('ticker');
    this.polled = polled;
    this.tickerSubscription = venue.tickers.subscribe(target.symbol, {
      ticker: (ticker) => {
        if (!this.closed) sink.ticker(ticker);
      },
      status: (status) => {
        this.tickerStatus = status;
        this.emitStatus();
      },
    });
    this.candles?.tradesInterrupted();
    for (const loop of this.loops) loop.start();
    this.candles?.load();
    this.watchdog = setInterval(() => {
      const now = Date.now();
      for (const loop of this.loops) loop.check(now);
    }, options.watchdogIntervalMs);
    this.watchdog.unref?.();
    this.emitStatus();
  }

  changeTimeframe(timeframe: string): void {
    const parsed = parseTimeframe(timeframe);
    if (parsed instanceof TimeframeError || this.closed) return;
    this.timeframe = parsed;
    // The engine's footprint starts again: a new backfill follows the next trades.
    this.backfill?.stop();
    this.backfill = undefined;
    this.firstTradeTime = NaN;
    this.candles?.setTimeframe(parsed);
  }

  /** See Feed.pauseHistory: a running footprint backfill stops, and none starts while paused. */
  pauseHistory(paused: boolean): void {
    this.historyPaused = paused;
    if (!paused) return;
    this.backfill?.stop();
    this.backfill = undefined;
  }

  /** Older bars through `fetchOHLCV` paged backwards (see {@link CandleHistory.fetchOlder}). */
  async loadOlder(timeframe: string, before: number, bars: number): Promise<OhlcvRow[] | 'none'> {
    const parsed = parseTimeframe(timeframe);
    if (parsed instanceof TimeframeError) throw parsed;
    if (this.candles === undefined) {
      if (this.closed || this.sink === undefined) throw new Error(`${this.name}: not streaming`);
      return 'none'; // the exchange has no fetchOHLCV
    }
    const rows = await this.candles.fetchOlder(parsed, before, bars);
    if (rows !== 'none') this.stats.historyRows += rows.length;
    return rows;
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    this.backfill?.stop();
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    this.tickerSubscription?.dispose();
    await Promise.all([...this.loops.map((loop) => loop.close()), this.candles?.close()]);
    const venue = this.venue;
    if (venue !== undefined) {
      await Promise.all([...this.clients].map((client) => venue.closeStreamClient(client)));
      this.clients.clear();
      this.venue = undefined;
      await this.source.releaseVenue(venue);
    }
  }

  // ---------------------------------------------------------------- streams

  private addLoop(name: string, work: StreamWork, polled: boolean, quiet: boolean): StreamLoop {
    const venue = this.venue!;
    const options = venue.options;
    const pollIntervalMs = polled ? Math.max(options.pollIntervalMs, Number(venue.rest.rateLimit) || 0) : 0;
    const host: StreamLoopHost = {
      classify: (error) => venue.classify(error),
      stopMessage: (error) => venue.stopMessage(error, this.target!.symbol),
      reason: errorMessage,
      retryAfterMs: () => venue.retryAfterMs(),
      statusChanged: () => this.emitStatus(),
      now: Date.now,
    };
    const loop = new StreamLoop(
      work,
      {
        name,
        pollIntervalMs,
        // Trades may legitimately pause for minutes: never "stale", reconnected only after long silence.
        staleAfterMs: quiet ? Infinity : Math.max(options.staleAfterMs, 3 * pollIntervalMs),
        reconnectAfterMs: Math.max(quiet ? options.quietReconnectAfterMs : options.reconnectAfterMs, 6 * pollIntervalMs),
        backoff: options.backoff,
        throttledBackoff: options.throttledBackoff,
      },
      host,
    );
    this.loops.push(loop);
    return loop;
  }

  /** A stream's own ccxt instance, created on first use and replaced after a forced reconnect. */
  private streamClient(venue: CcxtVenue): { get(): Promise<CcxtExchange>; abort(): Promise<void> } {
    let client: CcxtExchange | undefined;
    return {
      get: async () => {
        if (client === undefined) {
          client = await venue.createStreamClient();
          if (this.closed) {
            await venue.closeStreamClient(client);
            throw new Error('closed');
          }
          this.clients.add(client);
        }
        return client;
      },
      abort: async () => {
        // Closing drops every socket of this stream; the next watch call redials.
        if (client !== undefined) await client.close().catch(() => undefined);
      },
    };
  }

  private watchBookWork(venue: CcxtVenue, symbol: string): StreamWork {
    const stream = this.streamClient(venue);
    const depth = venue.options.bookDepth[venue.id];
    return {
      next: async () => {
        const client = await stream.get();
        const book = await client.watchOrderBook(symbol, depth);
        return this.mirror(book.bids as unknown as ArrayLike<ArrayLike<number>>, book.asks as unknown as ArrayLike<ArrayLike<number>>);
      },
      failed: (action, reason) => this.bookFailed(action, reason),
      abort: stream.abort,
    };
  }

  private pollBookWork(venue: CcxtVenue, symbol: string): StreamWork {
    const depth = venue.options.bookDepth[venue.id];
    return {
      next: async () => {
        const book = await venue.rest.fetchOrderBook(symbol, depth);
        return this.mirror(book.bids as unknown as ArrayLike<ArrayLike<number>>, book.asks as unknown as ArrayLike<ArrayLike<number>>);
      },
      failed: (action, reason) => this.bookFailed(action, reason),
    };
  }

  private mirror(bids: ArrayLike<ArrayLike<number>>, asks: ArrayLike<ArrayLike<number>>): boolean {
    if (this.closed) return false;
    this.stats.bookUpdates++;
    // Synchronous: the engine has copied the levels before ccxt can mutate them again.
    this.sink!.mirrorBook(bids, asks);
    return true;
  }

  private bookFailed(action: ErrorAction, reason: string): void {
    if (this.closed) return;
    this.stats.bookResyncs++;
    // Whatever failed, the engine's book is not the exchange's until the next mirror.
    this.sink!.bookResync(action === ErrorAction.Resync ? `book out of sync: ${reason}` : `book stream interrupted: ${reason}`);
  }

  private watchTradesWork(venue: CcxtVenue, symbol: string): StreamWork {
    const stream = this.streamClient(venue);
    return {
      next: async () => {
        const client = await stream.get();
        const trades = await client.watchTrades(symbol);
        return this.deliverTrades(trades as CcxtTradeLike[]);
      },
      failed: () => this.candles?.tradesInterrupted(),
      recovered: () => this.candles?.refill(),
      abort: stream.abort,
    };
  }

  private pollTradesWork(venue: CcxtVenue, symbol: string): StreamWork {
    let failedSince = false;
    return {
      next: async () => {
        const newest = this.deduper.newest;
        const trades = await venue.rest.fetchTrades(symbol, newest > -Infinity ? newest : undefined);
        this.deliverTrades(trades as CcxtTradeLike[]);
        // A poll that answered is a delivery even with no new trade: the market is just quiet.
        return !this.closed;
      },
      failed: () => {
        failedSince = true;
        this.candles?.tradesInterrupted();
      },
      recovered: () => {
        if (failedSince) this.candles?.refill();
        failedSince = false;
      },
    };
  }

  /** Trades in arrival order → engine events; repeats and bad rows are dropped and counted. */
  private deliverTrades(trades: readonly CcxtTradeLike[]): boolean {
    if (this.closed) return false;
    const sink = this.sink!;
    const event = this.event;
    const symbol = this.target!.symbol;
    let delivered = false;
    for (let i = 0; i < trades.length; i++) {
      const trade = trades[i]!;
      const time = trade.timestamp;
      if (typeof time !== 'number' || typeof trade.price !== 'number' || typeof trade.amount !== 'number' || (trade.side !== 'buy' && trade.side !== 'sell')) {
        this.stats.rejectedTrades++;
        continue;
      }
      if (!this.deduper.accept(time, trade.id)) {
        this.stats.duplicateTrades++;
        continue;
      }
      event.reset(EventKind.Trade);
      event.symbol = symbol;
      event.time = time;
      event.price = trade.price;
      event.amount = trade.amount;
      event.takerSide = trade.side === 'buy' ? TakerSide.Buy : TakerSide.Sell;
      const id = Number(trade.id);
      event.tradeId = Number.isFinite(id) ? id : -1;
      sink.event(event);
      if (this.firstTradeTime !== this.firstTradeTime) this.firstTradeTime = time;
      this.candles?.onTrade(time);
      this.stats.trades++;
      delivered = true;
    }
    if (delivered) this.startBackfill();
    return delivered || trades.length > 0;
  }

  /**
   * Starts the footprint backfill once per timeframe, after live trades reached the engine with
   * the candle history merged (so the engine knows its live seam): from the newest trade's bar
   * back past the first trade's (the seam lies between: trades the history covered are not in the
   * footprint), then `footprintBackfillBars` more. Not when the exchange has no `fetchTrades` (those bars keep "no footprint").
   */
  private startBackfill(): void {
    const venue = this.venue;
    const options = venue?.options;
    if (this.backfill !== undefined || this.historyPaused || venue === undefined || options === undefined || options.footprintBackfillBars === 0 || this.demand !== 'market') return;
    if (this.candles !== undefined && this.candles.status.state !== 'live') return;
    if (!venue.has('fetchTrades')) {
      if (this.noBackfillNote === '') {
        this.noBackfillNote = `no footprint before the session: ${venue.id} offers no trade history`;
        this.emitStatus();
      }
      return;
    }
    const symbol = this.target!.symbol;
    const timeframe = this.timeframe;
    const sink = this.sink!;
    const newest = this.deduper.newest;
    const barMs = TIMEFRAME_MS[timeframe];
    const newestBar = barOpenTime(newest, timeframe);
    const sessionBars = (newestBar - barOpenTime(this.firstTradeTime, timeframe)) / barMs + 1;
    const backfill = new FootprintBackfill(
      barMs,
      newestBar,
      newest,
      { bars: sessionBars + options.footprintBackfillBars, pageLimit: options.footprintPageLimit, maxPagesPerBar: options.footprintMaxPagesPerBar, maxAttempts: 6, backoff: options.backoff, throttledBackoff: options.throttledBackoff },
      {
        fetchTrades: (since, limit, until) => venue.rest.fetchTrades(symbol, since, limit, { until }) as Promise<HistoryTradeLike[]>,
        deliver: (trades) => {
          if (!this.closed && this.backfill === backfill) sink.footprintTrades?.(timeframe, trades);
        },
        classify: (error) => venue.classify(error),
        reason: errorMessage,
        retryAfterMs: () => venue.retryAfterMs(),
        progressChanged: () => {
          if (this.backfill === backfill) this.emitStatus();
        },
      },
    );
    this.backfill = backfill;
    void backfill.run();
  }

  // ---------------------------------------------------------------- status

  private emitStatus(): void {
    if (this.closed || this.sink === undefined) return;
    const streams: StreamStatus[] = [];
    for (const loop of this.loops) streams.push(loop.status);
    if (this.candles !== undefined) streams.push(this.candles.status);
    if (this.tickerStatus !== undefined) streams.push(this.tickerStatus);
    let status = aggregateStatus(streams, this.polled);
    const note = this.backfill?.note ?? this.noBackfillNote;
    const progress = this.backfill?.progress;
    if (note !== '' && status.state === 'live') status = progress === undefined ? { ...status, detail: `${status.detail}; ${note}` } : { ...status, detail: `${status.detail}; ${note}`, backfill: progress };
    if (this.lastStatus !== undefined && sameStatus(this.lastStatus, status)) return;
    this.lastStatus = status;
    this.sink.status(status);
  }
}
