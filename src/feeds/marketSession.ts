/**
 * A market session: the one live view of (exchange, symbol) that the status bar, every panel and
 * every alert on it share. It owns the engine {@link Market} and one {@link Feed}, and is the
 * feed's sink. Readers take a lease (`acquire`) saying what they need; the session runs the feed
 * its most demanding reader needs (ticker only, or the whole market) and closes the feed, with
 * its sockets, when the last lease is released.
 *
 * Status events: connecting, live, stale (with the age of the last message), reconnecting
 * (attempt and next retry time), resyncing, error (a message a person can act on), closed.
 */
import { parseTimeframe, TimeframeError, type Timeframe } from '../engine/candles/timeframe';
import type { ExternalLevel } from '../engine/book/bookSide';
import type { MarketEvent } from '../engine/events';
import { Market, type MarketOptions } from '../engine/market';
import type { MarketFacts } from '../engine/protocol';
import { backoffDelay, checkBackoffOptions, DEFAULT_BACKOFF_OPTIONS, type BackoffOptions } from './backoff';
import { Emitter, type Disposable } from './eventEmitter';
import type { Feed, FeedSink, FeedStatus, FeedTarget, TickerSnapshot } from './feed';
import type { FeedFactory, SessionKey } from './feedFactory';
import { FeedOpenError } from './feedOpenError';
import { maxDemand, type SessionDemand } from './sessionDemand';
import { sameStatus, sessionStatus, toSessionStatus, type SessionStatus } from './sessionStatus';

export interface MarketSessionOptions {
  /** Chart timeframe the session starts with. */
  timeframe: string;
  /** Bars of history to load. */
  historyBars: number;
  /** Engine options (symbol, tick size and timeframe come from the market and the session). */
  market: Partial<Omit<MarketOptions, 'symbol' | 'tickSize' | 'timeframe'>>;
  /** Delays between attempts to open a feed after a retryable failure (network down). */
  backoff: BackoffOptions;
}

export const DEFAULT_MARKET_SESSION_OPTIONS: Readonly<MarketSessionOptions> = {
  timeframe: '1m',
  historyBars: 1000,
  market: {},
  backoff: DEFAULT_BACKOFF_OPTIONS,
};

/** A reader's hold on a session. `release()` (or `dispose()`) is idempotent. */
export interface SessionLease extends Disposable {
  readonly session: MarketSession;
  readonly demand: SessionDemand;
  release(): void;
}

/** What a tap receives: the book and market events of the session (the recorder's sink). */
export type SessionTap = Pick<FeedSink, 'event' | 'mirrorBook' | 'bookResync'>;

export class MarketSession implements FeedSink {
  readonly key: SessionKey;
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
  private currentStatus: SessionStatus = sessionStatus('connecting', 'connecting');
  private tickerNow: TickerSnapshot | undefined;
  private engine: Market | undefined;
  private marketFacts: MarketFacts | undefined;
  private feed: Feed | undefined;
  /** What the running (or opening) feed provides. */
  private feedDemand: SessionDemand | undefined;
  private feedStarted = false;
  /** A demand whose feed was refused (unknown symbol...): not tried again for the same demand. */
  private refusedDemand: SessionDemand | undefined;
  private chartTimeframe: Timeframe;
  private isClosed = false;
  /** Feed changes run one after another. */
  private work: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly ready: Promise<MarketFacts>;
  private resolveReady!: (facts: MarketFacts) => void;
  private rejectReady!: (error: Error) => void;

  /** Throws TimeframeError for a bad `options.timeframe`, RangeError for bad backoff options (configuration). */
  constructor(
    key: SessionKey,
    private readonly createFeed: FeedFactory,
    options: Partial<MarketSessionOptions> = {},
    private readonly onClosed: (session: MarketSession) => void = () => undefined,
  ) {
    this.key = { exchange: key.exchange, symbol: key.symbol };
    this.options = { ...DEFAULT_MARKET_SESSION_OPTIONS, ...options, backoff: { ...DEFAULT_BACKOFF_OPTIONS, ...options.backoff } };
    checkBackoffOptions(this.options.backoff);
    const timeframe = parseTimeframe(this.options.timeframe);
    if (timeframe instanceof TimeframeError) throw timeframe;
    this.chartTimeframe = timeframe;
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

  get timeframe(): Timeframe {
    return this.chartTimeframe;
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
    const parsed = parseTimeframe(timeframe);
    if (parsed instanceof TimeframeError) return parsed;
    if (parsed === this.chartTimeframe) return undefined;
    this.chartTimeframe = parsed;
    this.engine?.setTimeframe(parsed);
    if (this.feedStarted) this.feed?.changeTimeframe(parsed);
    return undefined;
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
        this.setStatus(sessionStatus('closed', 'closed'));
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
    this.engine?.onEvent(event);
    for (let i = 0; i < this.taps.length; i++) this.taps[i]!.event(event);
  }

  mirrorBook(bids: ArrayLike<ExternalLevel>, asks: ArrayLike<ExternalLevel>): void {
    this.engine?.mirrorBook(bids, asks);
    for (let i = 0; i < this.taps.length; i++) this.taps[i]!.mirrorBook(bids, asks);
  }

  bookResync(reason: string): void {
    this.engine?.requestResync(reason);
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

  ticker(ticker: TickerSnapshot): void {
    if (this.isClosed) return;
    this.tickerNow = ticker;
    this.tickerEmitter.fire(ticker);
  }

  status(status: FeedStatus): void {
    if (this.isClosed) return;
    this.setStatus(toSessionStatus(status));
  }

  // ---------------------------------------------------------------- feed changes

  private schedule(): void {
    // A retry wait gives way at once to the change.
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.wake?.();
    this.work = this.work.then(() => this.applyDemand());
  }

  /** Brings the feed in line with the leases: none, ticker only, or the whole market. */
  private async applyDemand(): Promise<void> {
    const want = this.isClosed ? undefined : this.demand;
    if (want === this.feedDemand && this.feed !== undefined) return;
    if (want !== undefined && want === this.refusedDemand) return;
    await this.closeFeed();
    if (want === undefined) return;
    const feed = this.createFeed(this.key, want);
    this.feed = feed;
    this.feedDemand = want;
    const target: FeedTarget = { exchange: this.key.exchange, symbol: this.key.symbol, timeframe: this.chartTimeframe, historyBars: this.options.historyBars };
    this.setStatus(sessionStatus('connecting', `connecting to ${this.key.exchange} ${this.key.symbol}`));
    for (let attempt = 1; ; attempt++) {
      let facts: MarketFacts;
      try {
        facts = await feed.open(target);
      } catch (error) {
        if (this.feed !== feed || this.isClosed || this.demand !== want) return;
        const message = error instanceof Error ? error.message : String(error);
        if (!(error instanceof FeedOpenError) || !error.retryable) {
          this.setStatus(sessionStatus('error', message));
          this.rejectReady(new Error(message));
          await this.closeFeed();
          // Trying again cannot help; a reader needing more (ticker → market) may try.
          this.refusedDemand = want;
          return;
        }
        const delay = backoffDelay(attempt, this.options.backoff);
        this.setStatus({ ...sessionStatus('reconnecting', `${message}; reconnecting (attempt ${attempt}, next in ${(delay / 1000).toFixed(1)} s)`), attempt, retryAt: Date.now() + delay });
        await this.sleep(delay);
        if (this.feed !== feed || this.isClosed || this.demand !== want) return;
        continue;
      }
      if (this.feed !== feed || this.isClosed) return;
      this.marketFacts = facts;
      if (want === 'market' && this.engine === undefined) {
        const sequenceRule = feed.sequenceRule ?? this.options.market.sequenceRule;
        this.engine = new Market({
          ...this.options.market,
          ...(sequenceRule ? { sequenceRule } : {}),
          symbol: this.key.symbol,
          tickSize: facts.tickSize,
          timeframe: this.chartTimeframe,
        });
        this.marketEmitter.fire(this.engine);
      } else if (want === 'market') {
        // Back from ticker-only: the book was not watched meanwhile.
        this.engine?.requestResync('the book was not watched');
      }
      this.resolveReady(facts);
      this.feedStarted = true;
      feed.start(this);
      return;
    }
  }

  private async closeFeed(): Promise<void> {
    const feed = this.feed;
    this.feed = undefined;
    this.feedDemand = undefined;
    this.feedStarted = false;
    if (feed === undefined) return;
    this.engine?.requestResync('the feed closed');
    await feed.close();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    }).then(() => {
      this.wake = undefined;
      this.timer = undefined;
    });
  }

  private setStatus(status: SessionStatus): void {
    if (sameStatus(this.currentStatus, status)) return;
    this.currentStatus = status;
    this.statusEmitter.fire(status);
  }
}
