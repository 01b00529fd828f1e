/**
 * The contract between a source of market data (ccxt live, a recording, the simulator) and the
 * market session that owns an engine {@link Market}. A feed pushes; the sink never throws.
 */
import type { ExternalLevel } from '../engine/book/bookSide';
import type { SequenceRule } from '../engine/book/sequenceRule';
import type { MarketEvent } from '../engine/events';
import type { HistoryTrades } from '../engine/footprint/historyTrades';
import type { MarketFacts } from '../engine/protocol';
import type { FeedStatus } from './sessionStatus';

/** 24h ticker figures for the status bar and the watchlist. NaN where the source has none. */
export interface TickerSnapshot {
  symbol: string;
  last: number;
  open24h: number;
  high24h: number;
  low24h: number;
  /** Base volume over 24h. */
  volume24h: number;
  /** Percent change over 24h. */
  changePercent24h: number;
  /** Exchange time of the figures, ms. */
  time: number;
}

export type { FeedStatus } from './sessionStatus';

export interface FeedSink {
  /** A market event; the object is reused by the feed, copy what you keep. */
  event(event: MarketEvent): void;
  /**
   * The feed keeps its own sequenced book (ccxt does): mirror it. Rows best-first,
   * `[price, size]`. The sink records which levels changed.
   */
  mirrorBook(bids: ArrayLike<ExternalLevel>, asks: ArrayLike<ExternalLevel>): void;
  /** The book is not the exchange's until the next snapshot/mirror (gap, checksum, reconnect). */
  bookResync(reason: string): void;
  /**
   * One bar's trades from the exchange's history for the footprint of `timeframe` only (bars
   * before the live session), bars newest first. Absent: the sink takes none.
   */
  footprintTrades?(timeframe: string, trades: HistoryTrades): void;
  /** Candle history `[t, o, h, l, c, v, ...]` rows, oldest first, for `timeframe`. */
  history(timeframe: string, rows: ReadonlyArray<ArrayLike<unknown>>): void;
  ticker(ticker: TickerSnapshot): void;
  status(status: FeedStatus): void;
}

/** What a session needs to open a feed. */
export interface FeedTarget {
  exchange: string;
  symbol: string;
  timeframe: string;
  /** Bars of history to load (ccxt: paginated fetchOHLCV). */
  historyBars: number;
}

export interface Feed {
  /** Human name, e.g. "binance (live)", "replay btcusdt_20240808.gz", "simulator". */
  readonly name: string;
  /**
   * How the feed's depth diffs chain, once `open` resolved (a replay knows it from the file).
   * Absent: the session's default (feeds that mirror a book sequenced elsewhere need none).
   */
  readonly sequenceRule?: SequenceRule;
  /**
   * The feed's stamps follow the wall clock (a live exchange): the session lets the engine check
   * them against it. A replay's or a simulation's clock is its own.
   */
  readonly realTime?: boolean;
  /** Resolves the market's facts (tick size, precision) or rejects with a message a person can act on. */
  open(target: FeedTarget): Promise<MarketFacts>;
  /** Starts pushing into `sink`; returns at once. */
  start(sink: FeedSink): void;
  /** Asks for candle history of another timeframe (the user switched). */
  changeTimeframe(timeframe: string): void;
  /**
   * The chart shows bars of N trades or volume (`true`), or bars by the clock again (`false`,
   * followed by `changeTimeframe`). No exchange history serves the former and the session drops
   * the history it is given meanwhile, so a feed that fetches history (footprint trades of past
   * bars) stops doing so. Absent: the feed fetches little or nothing (a recording, a simulation).
   */
  pauseHistory?(paused: boolean): void;
  /**
   * Up to `bars` candle rows of `timeframe` opening before `before` (ms), oldest first, ending
   * next to `before` (the user scrolled back past the bars held): an exchange's `fetchOHLCV`
   * paged backwards, a recording's earlier part, a simulation's generated past. `'none'`: the
   * source has no bar before `before`. Rejects with a message a person can act on when the
   * source failed (scrolling back again retries). Absent: the feed has no earlier history.
   */
  loadOlder?(timeframe: string, before: number, bars: number): Promise<ReadonlyArray<ArrayLike<unknown>> | 'none'>;
  /** Stops and releases sockets, timers and files. Idempotent. */
  close(): Promise<void>;
}
