/**
 * A market session: the one live view of (exchange, symbol) that the status bar, every panel and
 * every alert on it share. It owns the engine {@link Market} and one {@link Feed}, and is the
 * feed's sink. Readers take a lease (`acquire`) saying what they need; the session runs the feed
 * its most demanding reader needs (ticker only, or the whole market) and closes the feed, with
 * its sockets, when the last lease is released.
 *
 * Its life is one state machine: connecting (opening the feed) → live | replay | paused, with
 * stale (no data past the stale timeout), resyncing (the book is not the exchange's), reconnecting
 * (attempt and next retry time) and error (refused: a message a person can act on) on the way,
 * and closed at the end. The state shown is derived in one place (`deriveSessionStatus`) from the
 * feed's word and the session's own checks, and every view of the market reads that one status.
 */
import { isClockTimeframe, parseChartTimeframe, TimeframeError, type ChartTimeframe, type Timeframe } from '../engine/candles/timeframe';
import type { ExternalLevel } from '../engine/book/bookSide';
import type { MarketEvent } from '../engine/events';
import { Market, type MarketOptions } from '../engine/market';
import type { HistoryEnd, MarketFacts } from '../engine/protocol';
import { CandleField } from '../engine/candles/candleSeries';
import { checkBackoffOptions, DEFAULT_BACKOFF_OPTIONS, type BackoffOptions } from './backoff';
import { Emitter, type Disposable } from './eventEmitter';
import type { Feed, FeedSink, FeedStatus, FeedTarget, TickerSnapshot } from './feed';
import type { HistoryTrades } from '../engine/footprint/historyTrades';
import type { MarketId } from '../engine/marketId';
import type { FeedFactory } from './feedFactory';
import { FeedOpenError } from './feedOpenError';
import { retryDelay, Sleep } from './retry';
import { maxDemand, type SessionDemand } from './sessionDemand';
import { sameStatus } from '../engine/protocol';
import { deriveSessionStatus, sessionStatus, toSessionStatus, type SessionFacts, type SessionStatus } from './sessionStatus';

export interface MarketSessionOptions {
  /** Chart timeframe the session starts with. */
  timeframe: string;
  /** Bars of history to load. */
  historyBars: number;
  /** Engine options (symbol, tick size and timeframe come from the market and the session). */
  market: Partial<Omit<MarketOptions, 'symbol' | 'tickSize' | 'timeframe'>>;
  /** Delays between attempts to open a feed after a retryable failure (network down). */
  backoff: BackoffOptions;
  /** A live session with no data for longer than this shows stale (checked by `tick`). */
  staleAfterMs: number;
}

export const DEFAULT_MARKET_SESSION_OPTIONS: Readonly<MarketSessionOptions> = {
  timeframe: '1m',
  historyBars: 1000,
  market: {},
  backoff: DEFAULT_BACKOFF_OPTIONS,
  staleAfterMs: 30_000,
};

/**
 * What paging older bars in did: `loaded` bars were added before the oldest held (0: the page
 * overlapped what was held), or none can be (`end`), or the source failed (`failed`, a message
 * for the user; asking again retries).
 */
export type OlderPage = { loaded: number } | { end: HistoryEnd } | { failed: string };

/** A reader's hold on a session. `release()` (or `dispose()`) is idempotent. */
export interface SessionLease extends Disposable {
  readonly session: MarketSession;
  readonly demand: SessionDemand;
  release(): void;
}

/** What a tap receives: the book and market events of the session (the recorder's sink). */
export type SessionTap = Pick<FeedSink, 'event' | 'mirrorBook' | 'bookResync'>;

export class MarketSession implements FeedSink {
  readonly key: MarketId;
  /** Status changes (and the stale age, once a second). */
  readonly onStatus: (listener: (status: SessionStatus) => void) => Disposable;
  /** Every ticker. */
  readonly onTicker: (listener: (ticker: TickerSnapshot) => void) => Disposable;
  /** The engine market exists (first feed with the whole market opened). */
  readonly onMarket: (listener: (market: Market) => void) => Disposable;

  private readonly options: MarketSessionOptions;
  private readonly taps: SessionTap[] = [];
  private readonly statusEmitter = new Emitter<SessionStatus>();
  private readonly tickerEmitter = new Emitter<TickerSnapshot>();
  private readonly marketEmitter = new Emitter<Market>();
  private readonly leases = new Set<SessionLease>();
  /** What the feed (or the opening loop) last said. */
  private feedStatus: SessionStatus = sessionStatus('connecting', 'connecting');
  /** What every view shows: derived from `feedStatus` and the facts below. */
  private currentStatus: SessionStatus = this.feedStatus;
  /** Data arrivals (events, books, tickers) since the current feed started; compared by `tick`. */
  private dataCount = 0;
  /** A feed of this session delivered data before (the current one may be a replacement). */
  private hadData = false;
  /** Why the current feed replaced a running one: a re-dial shows reconnecting until it delivers. */
  private replacedBy: 'redial' | 'demand' | undefined;
  private dataCountAtTick = 0;
  /** Epoch ms of the last tick that saw new data (kept across a feed swap); NaN before any. */
  private lastDataAt = NaN;
  /** The engine's book was showable at the last check (re-derive the status when it flips). */
  private bookShowable = true;
  private tickerNow: TickerSnapshot | undefined;
  private engine: Market | undefined;
  private marketFacts: MarketFacts | undefined;
  private feed: Feed | undefined;
  /** What the running (or opening) feed provides. */
  private feedDemand: SessionDemand | undefined;
  private feedStarted = false;
  /** A demand whose feed was refused (unknown symbol...): not tried again for the same demand. */
  private refusedDemand: SessionDemand | undefined;
  private chartTimeframe: ChartTimeframe;
  /**
   * The clock timeframe the feed loads candle history for: the chart's, or while the chart shows
   * bars of N trades or volume (no exchange has history of those) the last clock one, whose
   * replies the session drops (`history`).
   */
  private feedTimeframe: Timeframe;
  private isClosed = false;
  /** Why the whole market was refused (a chart arriving later is told), or undefined. */
  private marketRefusalMessage: string | undefined;
  /** Set by `redial`: the next demand check replaces the running feed. */
  private redialReason: string | undefined;
  /** Set by `restart`: the next demand check replaces the feed and the engine. */
  private restartPending = false;
  /** Feed changes run one after another. */
  private work: Promise<void> = Promise.resolve();
  /** The older page being fetched (one at a time for every reader), or undefined. */
  private olderPage: Promise<OlderPage> | undefined;
  /** The wait between open attempts; a change of leases or a redial cuts it short. */
  private readonly retryWait = new Sleep();
  /** Reused input of `deriveSessionStatus` (no allocation per check). */
  private readonly derivationInput: SessionFacts = { closed: false, hasData: false, bookResyncing: false, resyncReason: '', silentMs: NaN, staleAfterMs: 0, replacing: undefined };
  private readonly ready: Promise<MarketFacts>;
  private resolveReady!: (facts: MarketFacts) => void;
  private rejectReady!: (error: Error) => void;

  /** Throws TimeframeError for a bad `options.timeframe`, RangeError for bad backoff options (configuration). */
  constructor(
    key: MarketId,
    private readonly createFeed: FeedFactory,
    options: Partial<MarketSessionOptions> = {},
    private readonly onClosed: (session: MarketSession) => void = () => undefined,
  ) {
    this.key = { exchange: key.exchange, symbol: key.symbol };
    this.options = { ...DEFAULT_MARKET_SESSION_OPTIONS, ...options, backoff: { ...DEFAULT_BACKOFF_OPTIONS, ...options.backoff } };
    checkBackoffOptions(this.options.backoff);
    const timeframe = parseChartTimeframe(this.options.timeframe);
    if (timeframe instanceof TimeframeError) throw timeframe;
    this.chartTimeframe = timeframe;
    this.feedTimeframe = isClockTimeframe(timeframe) ? timeframe : '1m';
    this.onStatus = this.statusEmitter.event;
    this.onTicker = this.tickerEmitter.event;
    this.onMarket = this.marketEmitter.event;
    this.ready = new Promise<MarketFacts>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => undefined);
  }

  /** The engine market; undefined until a reader needing the whole market has it opened. */
  get market(): Market | undefined {
    return this.engine;
  }

  /** Tick size and decimals; undefined until the feed opened. */
  get facts(): MarketFacts | undefined {
    return this.marketFacts;
  }

  /** The current status (`status` is the sink method feeds call). */
  get latestStatus(): SessionStatus {
    return this.currentStatus;
  }

  /** The latest ticker, undefined before the first. */
  get latestTicker(): TickerSnapshot | undefined {
    return this.tickerNow;
  }

  get timeframe(): ChartTimeframe {
    return this.chartTimeframe;
  }

  /**
   * Why this market cannot be charted (the feed refused the whole market: unknown symbol,
   * unusable facts), even when a ticker reader keeps the session running; else undefined.
   */
  get marketRefusal(): string | undefined {
    return this.marketRefusalMessage;
  }

  /** The running feed's name ("binance (live)"), or undefined. */
  get feedName(): string | undefined {
    return this.feed?.name;
  }

  /** The running feed (for diagnostics and tests). */
  get currentFeed(): Feed | undefined {
    return this.feed;
  }

  /** What the current readers need together; undefined when none is left. */
  get demand(): SessionDemand | undefined {
    let demand: SessionDemand | undefined;
    for (const lease of this.leases) demand = maxDemand(demand, lease.demand);
    return demand;
  }

  get leaseCount(): number {
    return this.leases.size;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Resolves with the market facts once a feed opened; rejects if the session fails or closes first. */
  whenReady(): Promise<MarketFacts> {
    return this.ready;
  }

  /** Resolves when every feed change so far (and the close, once closed) has finished. */
  whenIdle(): Promise<void> {
    return this.work;
  }

  /**
   * Drops the feed and opens a new one (network settings changed: proxy, endpoint). Every lease
   * keeps this session; the views show reconnecting, then live. A refused demand is tried again
   * (the change may be what fixes it). No-op when closed or when no feed is wanted.
   */
  redial(reason: string): void {
    if (this.isClosed || this.demand === undefined) return;
    this.refusedDemand = undefined;
    this.marketRefusalMessage = undefined;
    this.redialReason = reason;
    this.setFeedStatus(sessionStatus('reconnecting', `${reason}; reconnecting`));
    this.schedule();
  }

  /**
   * Starts the market over: a fresh engine (every reader is handed it through `onMarket`) fed by
   * a new feed (a replay jumping back in time plays its file again from the start). The views go
   * on showing the session until the new feed speaks. No-op when closed or when no feed is wanted.
   */
  restart(): void {
    if (this.isClosed || this.demand === undefined) return;
    this.restartPending = true;
    this.schedule();
  }

  /** The stale timeout changed (a setting): applies at the next `tick`, touches no socket. */
  setStaleAfter(ms: number): void {
    if (Number.isFinite(ms) && ms > 0) this.options.staleAfterMs = ms;
  }

  /**
   * The history length changed (a setting): kept for the next open and older pages; with
   * `reload`, a session showing a chart re-opens its feed, which loads that many bars (the views
   * show reconnecting, then live). Returns whether it reloads. O(1).
   */
  setHistoryBars(bars: number, reload: boolean): boolean {
    if (!(Number.isInteger(bars) && bars >= 1) || bars === this.options.historyBars) return false;
    this.options.historyBars = bars;
    if (!reload || this.demand !== 'market') return false;
    this.redial('the history length changed');
    return true;
  }

  /**
   * The shared once-a-second check (the registry's timer): notes when data last came and
   * re-derives the status, so a silent stream turns stale even when its feed says nothing.
   * O(1); allocates only when the status changes.
   */
  tick(now: number): void {
    if (this.isClosed) return;
    // A live exchange's stamps are checked against the wall clock (a far-future one is refused).
    if (this.feed?.realTime === true) this.engine?.observeClock(now);
    if (this.dataCount !== this.dataCountAtTick) {
      this.dataCountAtTick = this.dataCount;
      this.lastDataAt = now;
    }
    this.refreshStatus(now);
  }

  /** A hold on the session for a reader needing `demand`. Throws when the session is closed. */
  acquire(demand: SessionDemand = 'market'): SessionLease {
    if (this.isClosed) throw new Error(`the ${this.key.exchange} ${this.key.symbol} session is closed`);
    let released = false;
    const lease: SessionLease = {
      session: this,
      demand,
      release: () => {
        if (released) return;
        released = true;
        this.leases.delete(lease);
        if (this.leases.size === 0) void this.close();
        else this.schedule();
      },
      dispose: () => lease.release(),
    };
    this.leases.add(lease);
    this.schedule();
    return lease;
  }

  /**
   * Switches the chart timeframe: the market starts an empty series and the feed loads its
   * history. Returns the error for a bad name (nothing changes then).
   */
  setTimeframe(timeframe: string): TimeframeError | undefined {
    const parsed = parseChartTimeframe(timeframe);
    if (parsed instanceof TimeframeError) return parsed;
    if (parsed === this.chartTimeframe) return undefined;
    this.chartTimeframe = parsed;
    this.engine?.setTimeframe(parsed);
    // Bars of N trades or volume start from the next trade: no history to ask the feed for.
    const clock = isClockTimeframe(parsed);
    if (this.feedStarted) this.feed?.pauseHistory?.(!clock);
    if (!clock) return undefined;
    this.feedTimeframe = parsed;
    if (this.feedStarted) this.feed?.changeTimeframe(parsed);
    return undefined;
  }

  /**
   * Pages older bars into the market before its oldest held bar, from the feed (a page is
   * `historyBars` bars, fewer when the candle capacity leaves less room). At most one request at
   * a time: a reader asking meanwhile shares it. A source without older bars marks the series
   * (`sourceStartHeld`), so every reader sees the end. Never rejects.
   */
  loadOlder(): Promise<OlderPage> {
    this.olderPage ??= this.fetchOlder().finally(() => (this.olderPage = undefined));
    return this.olderPage;
  }

  private async fetchOlder(): Promise<OlderPage> {
    const market = this.engine;
    const feed = this.feed;
    if (market === undefined || feed === undefined || !this.feedStarted) return { failed: 'not connected' };
    const candles = market.candles;
    const end = candles.olderEnd;
    if (end !== null) return { end };
    if (candles.count === 0) return { failed: 'no bars yet' };
    if (feed.loadOlder === undefined) {
      candles.sourceStartHeld = true;
      return { end: 'source' };
    }
    const timeframe = this.chartTimeframe;
    const before = candles.value(candles.firstSeq, CandleField.OpenTime);
    const bars = Math.min(this.options.historyBars, candles.capacity - candles.count);
    let rows: ReadonlyArray<ArrayLike<unknown>> | 'none';
    try {
      rows = await feed.loadOlder(timeframe, before, bars);
    } catch (error) {
      return { failed: error instanceof Error ? error.message : String(error) };
    }
    // Another timeframe or feed meanwhile: the new series is not the one asked for.
    if (market.candles !== candles || this.feed !== feed) return { failed: 'the chart changed meanwhile' };
    if (rows === 'none') {
      candles.sourceStartHeld = true;
      return { end: 'source' };
    }
    const heldBefore = candles.count;
    market.mergeHistoryRows(rows);
    const loaded = candles.count - heldBefore;
    // Nothing usable before the oldest bar (rows refused, or not older): asking again would
    // fetch the same page.
    if (loaded === 0) candles.sourceStartHeld = true;
    return loaded === 0 ? { end: candles.olderEnd ?? 'source' } : { loaded };
  }

  /** Closes the session now, whatever leases remain (the registry's dispose). Idempotent. */
  close(): Promise<void> {
    if (!this.isClosed) {
      this.isClosed = true;
      this.leases.clear();
      this.taps.length = 0; // a closed session feeds no recorder
      this.rejectReady(new Error(`the ${this.key.exchange} ${this.key.symbol} session closed before its market opened`));
      this.schedule();
      this.work = this.work.then(() => {
        this.setFeedStatus(sessionStatus('closed', 'closed'));
        this.statusEmitter.dispose();
        this.tickerEmitter.dispose();
        this.marketEmitter.dispose();
      });
      // After the close is queued, so that `whenIdle` covers it.
      this.onClosed(this);
    }
    return this.work;
  }

  // ---------------------------------------------------------------- FeedSink

  event(event: MarketEvent): void {
    const first = this.dataCount++ === 0;
    const engine = this.engine;
    if (engine !== undefined) engine.onEvent(event);
    // O(1): re-derived only on the first data and when the book's showability flips.
    if (first || (engine !== undefined && engine.bookIsShowable() !== this.bookShowable)) this.refreshStatus(Date.now());
    for (let i = 0; i < this.taps.length; i++) this.taps[i]!.event(event);
  }

  mirrorBook(bids: ArrayLike<ExternalLevel>, asks: ArrayLike<ExternalLevel>): void {
    const first = this.dataCount++ === 0;
    const engine = this.engine;
    if (engine !== undefined) engine.mirrorBook(bids, asks);
    if (first || (engine !== undefined && engine.bookIsShowable() !== this.bookShowable)) this.refreshStatus(Date.now());
    for (let i = 0; i < this.taps.length; i++) this.taps[i]!.mirrorBook(bids, asks);
  }

  bookResync(reason: string): void {
    this.engine?.requestResync(reason);
    this.refreshStatus(Date.now());
    for (let i = 0; i < this.taps.length; i++) this.taps[i]!.bookResync(reason);
  }

  /**
   * Sees every event, mirrored book and resync the engine sees, in the same order (a recorder).
   * A tap must not throw. Dispose to detach.
   */
  addTap(tap: SessionTap): Disposable {
    this.taps.push(tap);
    return {
      dispose: () => {
        const i = this.taps.indexOf(tap);
        if (i >= 0) this.taps.splice(i, 1);
      },
    };
  }

  history(timeframe: string, rows: ReadonlyArray<ArrayLike<unknown>>): void {
    // A reply for a timeframe the chart has left is dropped.
    if (timeframe === this.chartTimeframe) this.engine?.mergeHistoryRows(rows);
  }

  footprintTrades(timeframe: string, trades: HistoryTrades): void {
    // A reply for a timeframe the chart has left is dropped (its footprint was cleared).
    if (timeframe === this.chartTimeframe) this.engine?.backfillFootprint(trades);
  }

  ticker(ticker: TickerSnapshot): void {
    if (this.isClosed) return;
    const first = this.dataCount++ === 0;
    this.tickerNow = ticker;
    if (first) this.refreshStatus(Date.now());
    this.tickerEmitter.fire(ticker);
  }

  status(status: FeedStatus): void {
    if (this.isClosed) return;
    this.setFeedStatus(toSessionStatus(status));
  }

  // ---------------------------------------------------------------- feed changes

  private schedule(): void {
    // A retry wait gives way at once to a change of plan (another demand, a re-dial, the close);
    // a reader joining with the same demand waits for the backoff like the others.
    if (this.isClosed || this.redialReason !== undefined || this.restartPending || this.demand !== this.feedDemand) this.retryWait.wake();
    this.work = this.work.then(() => this.applyDemand()).catch((error: unknown) => this.failed(error));
  }

  /**
   * A feed threw where feeds must not (making, starting or closing it): the session shows the
   * error and stays usable (the next change of leases or a re-dial tries again). Never rethrows,
   * so the work chain and the close step go on.
   */
  private failed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    void this.feed?.close().catch(() => undefined);
    this.feed = undefined;
    this.feedDemand = undefined;
    this.feedStarted = false;
    if (!this.isClosed) this.setFeedStatus(sessionStatus('error', `${this.key.exchange} ${this.key.symbol}: the feed failed: ${message}`));
  }

  /** Brings the feed in line with the leases: none, ticker only, or the whole market. */
  private async applyDemand(): Promise<void> {
    const want = this.isClosed ? undefined : this.demand;
    const redial = this.redialReason;
    this.redialReason = undefined;
    const restart = this.restartPending;
    this.restartPending = false;
    if (want === this.feedDemand && this.feed !== undefined && redial === undefined && !restart) return;
    if (want !== undefined && want === this.refusedDemand) return;
    // A swap of a running feed (more or less demand, a re-dial) keeps what the views show until
    // the new feed delivers: no "connecting" blip, and silence still counts from the last data.
    // Set before the old feed closes: closing a live feed's sockets takes a while (0.4-1 s seen),
    // and the shared tick re-derives the status meanwhile, with no data counted yet.
    const replacing = want !== undefined && this.feed !== undefined && this.hadData;
    this.replacedBy = replacing ? (redial !== undefined ? 'redial' : 'demand') : undefined;
    await this.closeFeed();
    if (restart) this.engine = undefined;
    if (want === undefined) return;
    const feed = this.createFeed(this.key, want);
    this.feed = feed;
    this.feedDemand = want;
    if (this.replacedBy === undefined) this.setFeedStatus(sessionStatus('connecting', `connecting to ${this.key.exchange} ${this.key.symbol}`));
    for (let attempt = 1; ; attempt++) {
      let facts: MarketFacts;
      // The chart may switch timeframes while the feed opens or waits to retry.
      const target: FeedTarget = { exchange: this.key.exchange, symbol: this.key.symbol, timeframe: this.feedTimeframe, historyBars: this.options.historyBars };
      try {
        facts = await feed.open(target);
      } catch (error) {
        if (this.feed !== feed || this.isClosed || this.demand !== want) return;
        const message = error instanceof Error ? error.message : String(error);
        if (!(error instanceof FeedOpenError) || !error.retryable) {
          await this.refuse(want, message);
          return;
        }
        const delay = retryDelay(attempt, this.options, error.retry);
        this.setFeedStatus({ ...sessionStatus('reconnecting', `${message}; reconnecting (attempt ${attempt}, next in ${(delay / 1000).toFixed(1)} s)`), attempt, retryAt: Date.now() + delay });
        await this.retryWait.wait(delay);
        if (this.feed !== feed || this.isClosed || this.demand !== want) return;
        continue;
      }
      if (this.feed !== feed || this.isClosed) return;
      this.marketFacts = facts;
      if (want === 'market' && this.engine === undefined) {
        const sequenceRule = feed.sequenceRule ?? this.options.market.sequenceRule;
        try {
          this.engine = new Market({
            ...this.options.market,
            ...(sequenceRule ? { sequenceRule } : {}),
            symbol: this.key.symbol,
            tickSize: facts.tickSize,
            timeframe: this.chartTimeframe,
          });
        } catch (error) {
          // Unusable market facts (a zero or absurd tick size): an error the user sees, never a
          // session stuck at "connecting" or an unhandled rejection.
          // The engine's message names the symbol and what is wrong with the tick.
          await this.refuse(want, `${this.key.exchange}: unusable market facts: ${error instanceof Error ? error.message : String(error)}`);
          return;
        }
        this.bookShowable = this.engine.bookIsShowable();
        this.marketEmitter.fire(this.engine);
      } else if (want === 'market') {
        // Back from ticker-only: the book was not watched meanwhile.
        this.engine?.requestResync('the book was not watched');
      }
      this.resolveReady(facts);
      this.feedStarted = true;
      this.dataCount = 0;
      this.dataCountAtTick = 0;
      // The demand may have changed what the status covers (a book, or no longer).
      this.refreshStatus(Date.now());
      feed.start(new FeedChannel(this, feed));
      if (!isClockTimeframe(this.chartTimeframe)) feed.pauseHistory?.(true);
      if (target.timeframe !== this.feedTimeframe) feed.changeTimeframe(this.feedTimeframe);
      return;
    }
  }

  /** The feed for `want` was refused: show why; trying again cannot help (a bigger demand may). */
  private async refuse(want: SessionDemand, message: string): Promise<void> {
    if (want === 'market') this.marketRefusalMessage = message;
    this.setFeedStatus(sessionStatus('error', message));
    this.rejectReady(new Error(message));
    await this.closeFeed();
    this.refusedDemand = want;
  }

  private async closeFeed(): Promise<void> {
    const feed = this.feed;
    this.feed = undefined;
    this.feedDemand = undefined;
    this.feedStarted = false;
    // What the next feed delivers is counted from zero (a replacement is over only after that).
    this.dataCount = 0;
    this.dataCountAtTick = 0;
    if (feed === undefined) return;
    this.engine?.requestResync('the feed closed');
    await feed.close();
  }


  private setFeedStatus(status: SessionStatus): void {
    this.feedStatus = status;
    this.refreshStatus(Date.now());
  }

  /** Re-derives the status every view shows; fires when it changed. O(1). */
  private refreshStatus(now: number): void {
    const engine = this.feedDemand === 'market' ? this.engine : undefined;
    this.bookShowable = engine === undefined || engine.bookIsShowable();
    const facts: SessionFacts = this.derivationInput;
    facts.closed = this.isClosed;
    if (this.dataCount > 0) this.hadData = true;
    facts.hasData = this.dataCount > 0 || (this.hadData && this.replacedBy === 'demand');
    // A replacement is over once the new feed delivered and itself says it is up: data can come
    // before its first status, when the status is still the re-dial's own "reconnecting".
    const feedState = this.feedStatus.state;
    if (this.replacedBy !== undefined && this.feedStarted && this.dataCount > 0 && feedState !== 'connecting' && feedState !== 'reconnecting') this.replacedBy = undefined;
    facts.replacing = this.replacedBy;
    facts.bookResyncing = !this.bookShowable;
    facts.resyncReason = engine === undefined || this.bookShowable ? '' : engine.resyncReason;
    facts.silentMs = !facts.hasData ? NaN : Number.isNaN(this.lastDataAt) ? 0 : now - this.lastDataAt;
    facts.staleAfterMs = this.options.staleAfterMs;
    const status = deriveSessionStatus(this.feedStatus, facts);
    if (sameStatus(this.currentStatus, status)) return;
    this.currentStatus = status;
    this.statusEmitter.fire(status);
  }
}

/**
 * One feed's way into its session: what a replaced or closed feed still says (a late status, a
 * last event) is dropped, so it can never override the feed that replaced it. O(1) per call.
 */
class FeedChannel implements FeedSink {
  constructor(
    private readonly session: MarketSession,
    private readonly feed: Feed,
  ) {}

  private get current(): boolean {
    return this.session.currentFeed === this.feed;
  }

  event(event: MarketEvent): void {
    if (this.current) this.session.event(event);
  }

  mirrorBook(bids: ArrayLike<ExternalLevel>, asks: ArrayLike<ExternalLevel>): void {
    if (this.current) this.session.mirrorBook(bids, asks);
  }

  bookResync(reason: string): void {
    if (this.current) this.session.bookResync(reason);
  }

  history(timeframe: string, rows: ReadonlyArray<ArrayLike<unknown>>): void {
    if (this.current) this.session.history(timeframe, rows);
  }

  footprintTrades(timeframe: string, trades: HistoryTrades): void {
    if (this.current) this.session.footprintTrades(timeframe, trades);
  }

  ticker(ticker: TickerSnapshot): void {
    if (this.current) this.session.ticker(ticker);
  }

  status(status: FeedStatus): void {
    if (this.current) this.session.status(status);
  }
}
