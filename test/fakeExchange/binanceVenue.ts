/**
 * The Binance spot half of the fake exchange: REST `/api/v3/*` and the market-data websocket
 * (`/ws`, `/ws/<stream>`, `/stream?streams=a/b`), fed from a real capture. The venue keeps the
 * authoritative book (capture snapshot, then every diff), every trade played, candles and 24h
 * statistics, and serves them the way Binance does: diffs every 100 ms (`@depth@100ms`) or merged
 * per second (`@depth`), trades, aggTrades, klines and tickers pushed on each exchange second.
 */
import type { WebSocket } from 'ws';
import type { BinanceDepthMessage, BinanceTape, BinanceTapeEvent, BinanceTradeMessage } from './binanceCapture';
import { binanceInterval } from './candleInterval';
import { CANDLE_SCALE, CandleSeries, type Candle } from './candleSeries';
import { formatFixed, parseFixed } from './fixedPoint';
import { LevelBook, type LevelRow } from './levelBook';
import { TradeStats } from './tradeStats';
import { Venue, type BookSnapshot, type RestReply, type VenueHooks, type VenueTiming } from './venue';

/** One listed spot market. Numbers as Binance prints them. */
export interface BinanceMarketSpec {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  tickSize: string;
  stepSize: string;
  minQty: string;
  maxQty: string;
  minNotional: string;
  /**
   * A market without a capture of its own that shows this listed market's book and 24h statistics
   * (tickers on a second symbol: only BTCUSDT has a capture).
   */
  mirrorOf?: string;
}

/** Garbage `exchangeInfo` replies (`FakeExchange.failMarkets`). */
export type MarketsFault = 'html' | 'empty' | 'wrongTypes' | 'emptyList';

export const DEFAULT_BINANCE_MARKETS: readonly BinanceMarketSpec[] = [
  { symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', tickSize: '0.01000000', stepSize: '0.00001000', minQty: '0.00001000', maxQty: '9000.00000000', minNotional: '5.00000000' },
  { symbol: 'ETHUSDT', baseAsset: 'ETH', quoteAsset: 'USDT', tickSize: '0.01000000', stepSize: '0.00010000', minQty: '0.00010000', maxQty: '9000.00000000', minNotional: '5.00000000' },
];

const DEPTH_LIMIT_DEFAULT = 100;
const DEPTH_LIMIT_MAX = 5000;
const KLINE_LIMIT_DEFAULT = 500;
const KLINE_LIMIT_MAX = 1000;
const TRADES_LIMIT_DEFAULT = 500;
const TRADES_LIMIT_MAX = 1000;
/** First aggregate-trade id; aggregates are numbered in tape order from here. */
const AGG_TRADE_BASE = 1_000_000;
const PARTIAL_DEPTHS = new Set(['5', '10', '20']);

/** Per-socket state: subscribed stream names and whether frames get the combined envelope. */
interface BinanceConnection {
  socket: WebSocket;
  streams: Set<string>;
  combined: boolean;
}

/** A merged (1000 ms) depth diff being collected. */
interface MergedDiff {
  U: number;
  u: number;
  bids: Map<string, LevelRow>;
  asks: Map<string, LevelRow>;
}

/** An aggregate trade: consecutive trades of one taker order (same time, price and side). */
interface AggTrade {
  a: number;
  p: string;
  q: string;
  f: number;
  l: number;
  T: number;
  m: boolean;
  M: boolean;
}

/** Everything the venue knows about one symbol. */
class BinanceSymbolState {
  readonly book: LevelBook;
  lastUpdateId = 0;
  bookTime = 0;
  /** Every trade of the tape, in order; the first `played` have happened. */
  trades: BinanceTradeMessage[] = [];
  /** Aggregate id and whether the trade closes its aggregate, parallel to `trades`. */
  aggIds: number[] = [];
  aggCloses: boolean[] = [];
  played = 0;
  readonly stats: TradeStats;
  readonly candles = new Map<string, CandleSeries>();
  /** Last candle pushed per interval (open time and trade count), to push only changes. */
  readonly pushedCandle = new Map<string, { openTime: number; count: number }>();
  merged: MergedDiff | undefined;

  /** A mirror (`spec.mirrorOf`) shares its source's book and statistics. */
  constructor(
    readonly spec: BinanceMarketSpec,
    source?: BinanceSymbolState,
  ) {
    this.book = source?.book ?? new LevelBook();
    this.stats = source?.stats ?? new TradeStats();
  }

  get lower(): string {
    return this.spec.symbol.toLowerCase();
  }
}

export interface BinanceVenueOptions {
  markets: readonly BinanceMarketSpec[];
  /** Exchange milliseconds after the snapshot to play silently before serving (kline history). */
  preplayMs: number;
}

/** Parsed stream name. */
type StreamSpec =
  | { kind: 'depth'; symbol: string; fast: boolean }
  | { kind: 'partialDepth'; symbol: string; levels: number; fast: boolean }
  | { kind: 'trade' | 'aggTrade' | 'miniTicker' | 'ticker' | 'bookTicker'; symbol: string }
  | { kind: 'kline'; symbol: string; interval: string }
  | { kind: 'allMiniTickers' | 'allTickers' };

export class BinanceVenue extends Venue<BinanceTapeEvent, BinanceConnection> {
  readonly name = 'binance' as const;
  private readonly symbols = new Map<string, BinanceSymbolState>();
  /** Exchange time (ms) of the last event played. */
  private clock = 0;
  private second = -1;
  private marketsFault: MarketsFault | undefined;
  private fillerMarkets = 0;
  /**
   * The whole `exchangeInfo` reply while filler markets are listed, encoded once when they are
   * listed: rendering tens of thousands of markets takes the fake's (shared) event loop long
   * enough to spoil a client's measurement of its own blocking.
   */
  private fillerReply: Buffer | undefined;
  private readonly delisted = new Set<string>();

  constructor(tape: BinanceTape, options: BinanceVenueOptions, hooks: VenueHooks, timing: VenueTiming) {
    super(hooks);
    for (const spec of options.markets) if (spec.mirrorOf === undefined) this.symbols.set(spec.symbol, new BinanceSymbolState(spec));
    for (const spec of options.markets) {
      if (spec.mirrorOf === undefined) continue;
      const source = this.symbols.get(spec.mirrorOf);
      if (source === undefined) throw new Error(`${spec.symbol} mirrors ${spec.mirrorOf}, which is not listed`);
      this.symbols.set(spec.symbol, new BinanceSymbolState(spec, source));
    }
    const state = this.symbols.get(tape.symbol);
    if (state === undefined) throw new Error(`capture symbol ${tape.symbol} is not among the listed markets`);
    let aggId = AGG_TRADE_BASE - 1;
    let previous: BinanceTradeMessage | undefined;
    for (const event of tape.events) {
      if (event.kind !== 'trade') continue;
      const trade = event.message;
      const joins = previous !== undefined && previous.T === trade.T && previous.p === trade.p && previous.m === trade.m;
      if (!joins) aggId++;
      if (previous !== undefined) state.aggCloses[state.aggCloses.length - 1] = !joins;
      state.trades.push(trade);
      state.aggIds.push(aggId);
      state.aggCloses.push(true);
      previous = trade;
    }
    let start = tape.start;
    const until = tape.events[start]?.t + options.preplayMs;
    while (start < tape.events.length && tape.events[start].t < until) start++;
    this.startTape(tape.events, start, timing);
  }

  setMarketsFault(kind: MarketsFault | undefined): void {
    this.marketsFault = kind;
  }

  setFillerMarkets(count: number): void {
    this.fillerMarkets = count;
    this.fillerReply = undefined;
    if (count > 0) this.fillerReply = Buffer.from(JSON.stringify(this.exchangeInfo(undefined)));
  }

  delist(symbol: string): void {
    if (!this.symbols.has(symbol)) throw new Error(`${symbol} is not listed`);
    this.delisted.add(symbol);
    if (this.fillerMarkets > 0) this.setFillerMarkets(this.fillerMarkets);
  }

  /** A listed, not delisted market. */
  private listed(symbol: string): BinanceSymbolState | undefined {
    return this.delisted.has(symbol) ? undefined : this.symbols.get(symbol);
  }

  /** Exchange time of the last played event (ms): what `/api/v3/time` answers. */
  get serverTime(): number {
    return this.clock;
  }

  protected kindOf(event: BinanceTapeEvent): string {
    return event.kind;
  }

  protected apply(event: BinanceTapeEvent, silent: boolean): void {
    if (!silent) this.crossSecond(event.t);
    this.clock = event.t;
    switch (event.kind) {
      case 'snapshot': {
        const state = this.symbols.get(event.symbol)!;
        state.book.clear();
        state.book.applyAll(event.snapshot.bids, event.snapshot.asks);
        state.lastUpdateId = event.snapshot.lastUpdateId;
        state.bookTime = event.t;
        break;
      }
      case 'depth':
        this.applyDepth(event.message, silent);
        break;
      case 'trade':
        this.applyTrade(event.message, silent);
        break;
      case 'bookTicker':
        if (!silent) this.broadcast(`${event.message.s.toLowerCase()}@bookTicker`, event.message);
        break;
    }
  }

  private applyDepth(message: BinanceDepthMessage, silent: boolean): void {
    const state = this.symbols.get(message.s)!;
    state.book.applyAll(message.b, message.a);
    state.lastUpdateId = message.u;
    state.bookTime = message.E;
    if (silent) return;
    const lower = state.lower;
    if (this.takeWithheld()) {
      // Dropping the batch being merged too makes the gap visible on the 1000 ms stream.
      state.merged = undefined;
    } else {
      this.broadcast(`${lower}@depth@100ms`, message);
      const merged = state.merged ?? (state.merged = { U: message.U, u: message.u, bids: new Map(), asks: new Map() });
      merged.u = message.u;
      for (const row of message.b) merged.bids.set(row[0], row);
      for (const row of message.a) merged.asks.set(row[0], row);
    }
    for (const levels of PARTIAL_DEPTHS) this.broadcastPartial(state, Number(levels), `${lower}@depth${levels}@100ms`);
  }

  private applyTrade(trade: BinanceTradeMessage, silent: boolean): void {
    const state = this.symbols.get(trade.s)!;
    const index = state.played++;
    if (!state.stats.add(trade.p, trade.q, trade.T, trade.t)) {
      this.counters.rejected++;
      return;
    }
    for (const series of state.candles.values()) series.add(toCandleTrade(trade));
    if (silent) return;
    this.broadcast(`${state.lower}@trade`, trade);
    if (state.aggCloses[index]) this.broadcast(`${state.lower}@aggTrade`, { e: 'aggTrade', E: trade.E, s: trade.s, ...this.aggTradeEndingAt(state, index) });
  }

  /** Pushes what Binance pushes once per exchange second, before time moves past it. */
  private crossSecond(time: number): void {
    const second = Math.floor(time / 1000);
    if (second === this.second) return;
    const first = this.second < 0;
    this.second = second;
    if (first) return;
    const E = time;
    const allMini: unknown[] = [];
    const allFull: unknown[] = [];
    for (const state of this.symbols.values()) {
      const lower = state.lower;
      const merged = state.merged;
      if (merged !== undefined) {
        state.merged = undefined;
        this.broadcast(`${lower}@depth`, {
          e: 'depthUpdate',
          E,
          s: state.spec.symbol,
          U: merged.U,
          u: merged.u,
          b: [...merged.bids.values()],
          a: [...merged.asks.values()],
        });
      }
      for (const levels of PARTIAL_DEPTHS) this.broadcastPartial(state, Number(levels), `${lower}@depth${levels}`);
      for (const [interval, series] of state.candles) this.pushKline(state, interval, series, E);
      if (state.stats.count === 0) continue;
      const mini = this.miniTicker(state, E);
      const full = this.fullTicker(state, E);
      allMini.push(mini);
      allFull.push(full);
      this.broadcast(`${lower}@miniTicker`, mini);
      this.broadcast(`${lower}@ticker`, full);
    }
    if (allMini.length > 0) {
      this.broadcast('!miniTicker@arr', allMini);
      this.broadcast('!ticker@arr', allFull);
    }
  }

  private pushKline(state: BinanceSymbolState, interval: string, series: CandleSeries, E: number): void {
    series.extendTo(this.clock);
    const stream = `${state.lower}@kline_${interval}`;
    const pushed = state.pushedCandle.get(interval);
    const bars = series.bars;
    // A market with no trade yet (e.g. ETHUSDT without a capture) has no bar to push.
    if (bars.length === 0) return;
    // Close the bars that ended since the last push (final values, x: true), then the open one.
    let from = bars.length - 1;
    if (pushed !== undefined) {
      while (from > 0 && bars[from - 1].openTime >= pushed.openTime) from--;
    }
    for (let i = from; i < bars.length; i++) {
      const bar = bars[i];
      const closed = i < bars.length - 1;
      if (!closed && pushed !== undefined && pushed.openTime === bar.openTime && pushed.count === bar.count) continue;
      this.broadcast(stream, { e: 'kline', E, s: state.spec.symbol, k: klineBody(bar, state.spec.symbol, interval, closed) });
    }
    const last = bars[bars.length - 1];
    if (last !== undefined) state.pushedCandle.set(interval, { openTime: last.openTime, count: last.count });
  }

  private miniTicker(state: BinanceSymbolState, E: number): Record<string, unknown> {
    const stats = state.stats;
    return {
      e: '24hrMiniTicker',
      E,
      s: state.spec.symbol,
      c: stats.last,
      o: stats.open,
      h: stats.high,
      l: stats.low,
      v: formatFixed(stats.volume, CANDLE_SCALE, 8),
      q: formatFixed(stats.quoteVolume, 2 * CANDLE_SCALE, 8),
    };
  }

  private fullTicker(state: BinanceSymbolState, E: number): Record<string, unknown> {
    const stats = state.stats;
    const bid = state.book.bestBid();
    const ask = state.book.bestAsk();
    return {
      e: '24hrTicker',
      E,
      s: state.spec.symbol,
      p: stats.change(8),
      P: stats.changePercent(),
      w: stats.weightedAverage(8),
      x: stats.open,
      c: stats.last,
      Q: stats.lastQty,
      b: bid?.[0] ?? '0.00000000',
      B: bid?.[1] ?? '0.00000000',
      a: ask?.[0] ?? '0.00000000',
      A: ask?.[1] ?? '0.00000000',
      o: stats.open,
      h: stats.high,
      l: stats.low,
      v: formatFixed(stats.volume, CANDLE_SCALE, 8),
      q: formatFixed(stats.quoteVolume, 2 * CANDLE_SCALE, 8),
      O: stats.openTime,
      C: this.clock,
      F: stats.firstId,
      L: stats.lastId,
      n: stats.count,
    };
  }

  private broadcastPartial(state: BinanceSymbolState, levels: number, stream: string): void {
    if (!this.anySubscribed(stream)) return;
    const top = state.book.levels(levels);
    this.broadcast(stream, { lastUpdateId: state.lastUpdateId, bids: top.bids, asks: top.asks });
  }

  private anySubscribed(stream: string): boolean {
    for (const connection of this.connections) if (connection.streams.has(stream)) return true;
    return false;
  }

  private broadcast(stream: string, payload: unknown): void {
    let raw: string | undefined;
    let combined: string | undefined;
    for (const connection of this.connections) {
      if (!connection.streams.has(stream)) continue;
      if (connection.combined) this.send(connection, (combined ??= JSON.stringify({ stream, data: payload })));
      else this.send(connection, (raw ??= JSON.stringify(payload)));
    }
  }

  // ---------------------------------------------------------------- websocket

  attach(socket: WebSocket, url: URL): void {
    const combined = url.pathname.startsWith('/stream');
    const connection: BinanceConnection = { socket, streams: new Set(), combined };
    const initial = combined ? (url.searchParams.get('streams') ?? '').split('/') : url.pathname.split('/').slice(2);
    for (const name of initial) {
      if (name !== '' && this.parseStream(name) !== undefined) connection.streams.add(name);
    }
    this.register(connection);
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const text = isBinary ? '' : data.toString('utf8');
      this.handleClientFrame(connection, text);
      this.hooks.onClientMessage(this.name, text);
    });
  }

  private handleClientFrame(connection: BinanceConnection, text: string): void {
    let request: { method?: unknown; params?: unknown; id?: unknown };
    try {
      request = JSON.parse(text);
    } catch {
      this.counters.rejected++;
      this.send(connection, JSON.stringify({ error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' }, id: null }));
      return;
    }
    const id = request?.id ?? null;
    const fail = (msg: string): void => {
      this.counters.rejected++;
      this.send(connection, JSON.stringify({ error: { code: 2, msg: `Invalid request: ${msg}` }, id }));
    };
    if (typeof request !== 'object' || request === null) return fail('expected an object');
    switch (request.method) {
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE': {
        const params = request.params;
        if (!Array.isArray(params) || params.some((name) => typeof name !== 'string' || this.parseStream(name) === undefined)) {
          return fail(`unknown or invalid stream in ${JSON.stringify(params)}`);
        }
        for (const name of params as string[]) {
          if (request.method === 'SUBSCRIBE') connection.streams.add(name);
          else connection.streams.delete(name);
        }
        this.send(connection, JSON.stringify({ result: null, id }));
        return;
      }
      case 'LIST_SUBSCRIPTIONS':
        this.send(connection, JSON.stringify({ result: [...connection.streams], id }));
        return;
      case 'SET_PROPERTY': {
        const params = request.params;
        if (!Array.isArray(params) || params[0] !== 'combined' || typeof params[1] !== 'boolean') return fail('unknown property');
        connection.combined = params[1];
        this.send(connection, JSON.stringify({ result: null, id }));
        return;
      }
      case 'GET_PROPERTY': {
        const params = request.params;
        if (!Array.isArray(params) || params[0] !== 'combined') return fail('unknown property');
        this.send(connection, JSON.stringify({ result: connection.combined, id }));
        return;
      }
      default:
        return fail(`unknown method ${JSON.stringify(request.method)}`);
    }
  }

  /** Validates a stream name against the listed symbols; undefined when Binance would refuse it. */
  private parseStream(name: string): StreamSpec | undefined {
    if (name === '!miniTicker@arr') return { kind: 'allMiniTickers' };
    if (name === '!ticker@arr') return { kind: 'allTickers' };
    const at = name.indexOf('@');
    if (at < 0) return undefined;
    const symbol = name.slice(0, at).toUpperCase();
    const state = this.listed(symbol);
    if (state === undefined || name.slice(0, at) !== state.lower) return undefined;
    const rest = name.slice(at + 1);
    if (rest === 'depth' || rest === 'depth@1000ms') return { kind: 'depth', symbol, fast: false };
    if (rest === 'depth@100ms') return { kind: 'depth', symbol, fast: true };
    const partial = /^depth(\d+)(@100ms|@1000ms)?$/.exec(rest);
    if (partial !== null) {
      if (!PARTIAL_DEPTHS.has(partial[1]) || partial[2] === '@1000ms') return undefined;
      return { kind: 'partialDepth', symbol, levels: Number(partial[1]), fast: partial[2] === '@100ms' };
    }
    if (rest === 'trade' || rest === 'aggTrade' || rest === 'miniTicker' || rest === 'ticker' || rest === 'bookTicker') return { kind: rest, symbol };
    if (rest.startsWith('kline_') && binanceInterval(rest.slice(6)) !== undefined) {
      const interval = rest.slice(6);
      this.candlesOf(state, interval); // a kline stream is pushed from its series: make sure it exists
      return { kind: 'kline', symbol, interval };
    }
    return undefined;
  }

  // ---------------------------------------------------------------- REST

  handleRest(path: string, query: URLSearchParams): RestReply {
    this.counters.restRequests++;
    try {
      switch (path) {
        case 'ping':
          return ok({});
        case 'time':
          return ok({ serverTime: this.clock });
        case 'exchangeInfo':
          if (this.marketsFault !== undefined) return garbageMarkets(this.marketsFault);
          if (this.fillerReply !== undefined && !query.has('symbol') && !query.has('symbols')) return { status: 200, body: undefined, text: this.fillerReply };
          return ok(this.exchangeInfo(this.symbolsParam(query, false)));
        case 'depth':
          return this.depth(query);
        case 'trades':
          return ok(this.recentTrades(query));
        case 'aggTrades':
          return ok(this.aggTrades(query));
        case 'klines':
        case 'uiKlines':
          return ok(this.klines(query));
        case 'ticker/24hr':
          return ok(this.perSymbol(query, (state) => this.restTicker(state)));
        case 'ticker/price':
          return ok(this.perSymbol(query, (state) => ({ symbol: state.spec.symbol, price: state.stats.last || '0.00000000' })));
        case 'ticker/bookTicker':
          return ok(this.perSymbol(query, (state) => restBookTicker(state)));
        default:
          this.counters.rejected++;
          return { status: 404, body: { code: -1000, msg: `Unknown endpoint /api/v3/${path}` } };
      }
    } catch (error) {
      if (error instanceof BinanceRequestError) {
        this.counters.rejected++;
        return { status: 400, body: { code: error.code, msg: error.message } };
      }
      throw error;
    }
  }

  private exchangeInfo(symbols: BinanceSymbolState[] | undefined): unknown {
    const listed = symbols ?? [...this.symbols.values()].filter((state) => !this.delisted.has(state.spec.symbol));
    const specs = listed.map((state) => state.spec);
    for (let i = 0; i < this.fillerMarkets; i++) specs.push(fillerMarket(i));
    return {
      timezone: 'UTC',
      serverTime: this.clock,
      rateLimits: [
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
        { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
        { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
      ],
      exchangeFilters: [],
      symbols: specs.map((spec) => ({
        symbol: spec.symbol,
        status: 'TRADING',
        baseAsset: spec.baseAsset,
        baseAssetPrecision: 8,
        quoteAsset: spec.quoteAsset,
        quotePrecision: 8,
        quoteAssetPrecision: 8,
        baseCommissionPrecision: 8,
        quoteCommissionPrecision: 8,
        orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
        icebergAllowed: true,
        ocoAllowed: true,
        otoAllowed: true,
        quoteOrderQtyMarketAllowed: true,
        allowTrailingStop: true,
        cancelReplaceAllowed: true,
        isSpotTradingAllowed: true,
        isMarginTradingAllowed: true,
        filters: [
          { filterType: 'PRICE_FILTER', minPrice: spec.tickSize, maxPrice: '1000000.00000000', tickSize: spec.tickSize },
          { filterType: 'LOT_SIZE', minQty: spec.minQty, maxQty: spec.maxQty, stepSize: spec.stepSize },
          { filterType: 'ICEBERG_PARTS', limit: 10 },
          { filterType: 'MARKET_LOT_SIZE', minQty: '0.00000000', maxQty: '100.00000000', stepSize: '0.00000000' },
          { filterType: 'TRAILING_DELTA', minTrailingAboveDelta: 10, maxTrailingAboveDelta: 2000, minTrailingBelowDelta: 10, maxTrailingBelowDelta: 2000 },
          { filterType: 'PERCENT_PRICE_BY_SIDE', bidMultiplierUp: '5', bidMultiplierDown: '0.2', askMultiplierUp: '5', askMultiplierDown: '0.2', avgPriceMins: 5 },
          { filterType: 'NOTIONAL', minNotional: spec.minNotional, applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
          { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
          { filterType: 'MAX_NUM_ALGO_ORDERS', maxNumAlgoOrders: 5 },
        ],
        permissions: [],
        permissionSets: [['SPOT', 'MARGIN']],
        defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
        allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
      })),
    };
  }

  private depth(query: URLSearchParams): RestReply {
    const state = this.symbolParam(query);
    const limit = intParam(query, 'limit', DEPTH_LIMIT_DEFAULT, 1, DEPTH_LIMIT_MAX);
    if (this.takeSnapshotFailure()) {
      return { status: this.failSnapshotStatus, body: { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' } };
    }
    const top = state.book.levels(limit);
    return ok({ lastUpdateId: state.lastUpdateId, bids: top.bids, asks: top.asks });
  }

  private recentTrades(query: URLSearchParams): unknown[] {
    const state = this.symbolParam(query);
    const limit = intParam(query, 'limit', TRADES_LIMIT_DEFAULT, 1, TRADES_LIMIT_MAX);
    const out: unknown[] = [];
    for (let i = Math.max(0, state.played - limit); i < state.played; i++) {
      const trade = state.trades[i];
      const notional = parseFixed(trade.p, CANDLE_SCALE)! * parseFixed(trade.q, CANDLE_SCALE)!;
      out.push({ id: trade.t, price: trade.p, qty: trade.q, quoteQty: formatFixed(notional, 2 * CANDLE_SCALE, 8), time: trade.T, isBuyerMaker: trade.m, isBestMatch: trade.M });
    }
    return out;
  }

  private aggTrades(query: URLSearchParams): AggTrade[] {
    const state = this.symbolParam(query);
    const limit = intParam(query, 'limit', TRADES_LIMIT_DEFAULT, 1, TRADES_LIMIT_MAX);
    const fromId = optionalInt(query, 'fromId');
    const startTime = optionalInt(query, 'startTime');
    const endTime = optionalInt(query, 'endTime');
    const all: AggTrade[] = [];
    for (let i = 0; i < state.played; i++) if (state.aggCloses[i]) all.push(this.aggTradeEndingAt(state, i));
    let selected = all;
    if (fromId !== undefined) selected = selected.filter((agg) => agg.a >= fromId);
    if (startTime !== undefined) selected = selected.filter((agg) => agg.T >= startTime);
    if (endTime !== undefined) selected = selected.filter((agg) => agg.T <= endTime);
    const anchoredAtStart = fromId !== undefined || startTime !== undefined;
    return anchoredAtStart ? selected.slice(0, limit) : selected.slice(-limit);
  }

  private aggTradeEndingAt(state: BinanceSymbolState, last: number): AggTrade {
    let first = last;
    while (first > 0 && state.aggIds[first - 1] === state.aggIds[last]) first--;
    let qty = 0n;
    for (let i = first; i <= last; i++) qty += parseFixed(state.trades[i].q, CANDLE_SCALE)!;
    const trade = state.trades[last];
    return { a: state.aggIds[last], p: trade.p, q: formatFixed(qty, CANDLE_SCALE, 8), f: state.trades[first].t, l: trade.t, T: trade.T, m: trade.m, M: trade.M };
  }

  private klines(query: URLSearchParams): unknown[] {
    const state = this.symbolParam(query);
    const interval = query.get('interval');
    if (interval === null || binanceInterval(interval) === undefined) throw new BinanceRequestError(-1120, 'Invalid interval.');
    const limit = intParam(query, 'limit', KLINE_LIMIT_DEFAULT, 1, KLINE_LIMIT_MAX);
    const startTime = optionalInt(query, 'startTime');
    const endTime = optionalInt(query, 'endTime');
    const series = this.candlesOf(state, interval);
    series.extendTo(this.clock);
    let bars = series.bars.filter((bar) => (startTime === undefined || bar.openTime >= startTime) && (endTime === undefined || bar.openTime <= endTime));
    bars = startTime !== undefined ? bars.slice(0, limit) : bars.slice(-limit);
    return bars.map((bar) => [
      bar.openTime,
      bar.open,
      bar.high,
      bar.low,
      bar.close,
      formatFixed(bar.volume, CANDLE_SCALE, 8),
      bar.closeTime,
      formatFixed(bar.quoteVolume, 2 * CANDLE_SCALE, 8),
      bar.count,
      formatFixed(bar.takerBuyVolume, CANDLE_SCALE, 8),
      formatFixed(bar.takerBuyQuoteVolume, 2 * CANDLE_SCALE, 8),
      '0',
    ]);
  }

  /** The candle series of one interval, built from every trade played so far on first use. */
  private candlesOf(state: BinanceSymbolState, interval: string): CandleSeries {
    let series = state.candles.get(interval);
    if (series === undefined) {
      series = new CandleSeries(binanceInterval(interval)!);
      for (let i = 0; i < state.played; i++) series.add(toCandleTrade(state.trades[i]));
      state.candles.set(interval, series);
    }
    return series;
  }

  private restTicker(state: BinanceSymbolState): unknown {
    const stats = state.stats;
    const bid = state.book.bestBid();
    const ask = state.book.bestAsk();
    const zero = '0.00000000';
    return {
      symbol: state.spec.symbol,
      priceChange: stats.change(8),
      priceChangePercent: stats.changePercent(),
      weightedAvgPrice: stats.weightedAverage(8),
      prevClosePrice: stats.open || zero,
      lastPrice: stats.last || zero,
      lastQty: stats.lastQty || zero,
      bidPrice: bid?.[0] ?? zero,
      bidQty: bid?.[1] ?? zero,
      askPrice: ask?.[0] ?? zero,
      askQty: ask?.[1] ?? zero,
      openPrice: stats.open || zero,
      highPrice: stats.high || zero,
      lowPrice: stats.low || zero,
      volume: formatFixed(stats.volume, CANDLE_SCALE, 8),
      quoteVolume: formatFixed(stats.quoteVolume, 2 * CANDLE_SCALE, 8),
      openTime: stats.openTime,
      closeTime: this.clock,
      firstId: stats.firstId,
      lastId: stats.lastId,
      count: stats.count,
    };
  }

  /** One object for `symbol=`, an array for `symbols=[...]` or no parameter (every symbol). */
  private perSymbol(query: URLSearchParams, render: (state: BinanceSymbolState) => unknown): unknown {
    if (query.has('symbol')) return render(this.symbolParam(query));
    return (this.symbolsParam(query, true) ?? [...this.symbols.values()].filter((state) => !this.delisted.has(state.spec.symbol))).map(render);
  }

  private symbolParam(query: URLSearchParams): BinanceSymbolState {
    const symbol = query.get('symbol');
    if (symbol === null || symbol === '') throw new BinanceRequestError(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    const state = this.listed(symbol);
    if (state === undefined) throw new BinanceRequestError(-1121, 'Invalid symbol.');
    return state;
  }

  private symbolsParam(query: URLSearchParams, fromSymbolsOnly: boolean): BinanceSymbolState[] | undefined {
    const single = fromSymbolsOnly ? null : query.get('symbol');
    if (single !== null) return [this.symbolParam(query)];
    const list = query.get('symbols');
    if (list === null) return undefined;
    let names: unknown;
    try {
      names = JSON.parse(list);
    } catch {
      throw new BinanceRequestError(-1100, "Illegal characters found in parameter 'symbols'; legal range is '^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'.");
    }
    if (!Array.isArray(names)) throw new BinanceRequestError(-1100, "Illegal characters found in parameter 'symbols'.");
    return names.map((name) => {
      const state = typeof name === 'string' ? this.listed(name) : undefined;
      if (state === undefined) throw new BinanceRequestError(-1121, 'Invalid symbol.');
      return state;
    });
  }

  updateIdOf(symbol: string): number | undefined {
    return this.symbols.get(symbol)?.lastUpdateId;
  }

  bookSnapshot(symbol: string, depth?: number): BookSnapshot | undefined {
    const state = this.symbols.get(symbol);
    if (state === undefined) return undefined;
    const levels = state.book.levels(depth);
    return {
      venue: 'binance',
      symbol,
      updateId: state.lastUpdateId,
      timestamp: state.bookTime,
      bids: levels.bids.map((row) => [row[0], row[1]]),
      asks: levels.asks.map((row) => [row[0], row[1]]),
    };
  }

  /** Every trade played so far for `symbol` (history included), oldest first. */
  playedTrades(symbol: string): BinanceTradeMessage[] {
    const state = this.symbols.get(symbol);
    return state === undefined ? [] : state.trades.slice(0, state.played);
  }
}

/** A REST request Binance would refuse with HTTP 400 and this code. */
class BinanceRequestError extends Error {
  override readonly name = 'BinanceRequestError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function ok(body: unknown): RestReply {
  return { status: 200, body };
}

/** A made-up market for a large `exchangeInfo`: `F00000USDT`, `F00001USDT`, ... */
function fillerMarket(index: number): BinanceMarketSpec {
  const base = `F${String(index).padStart(5, '0')}`;
  return { symbol: `${base}USDT`, baseAsset: base, quoteAsset: 'USDT', tickSize: '0.00010000', stepSize: '0.01000000', minQty: '0.01000000', maxQty: '900000.00000000', minNotional: '5.00000000' };
}

/** What a broken `exchangeInfo` answers (HTTP 200 each time: nothing but the body says it is wrong). */
function garbageMarkets(kind: MarketsFault): RestReply {
  switch (kind) {
    case 'html':
      return { status: 200, body: undefined, text: '<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>We will be back soon</h1></body></html>', headers: { 'content-type': 'text/html' } };
    case 'empty':
      return { status: 200, body: undefined, text: '' };
    case 'wrongTypes':
      return { status: 200, body: { timezone: 0, serverTime: 'now', rateLimits: {}, symbols: [{ symbol: 42, status: true, baseAsset: null, quoteAsset: ['USDT'], filters: 'none' }, 'BTCUSDT', null] } };
    case 'emptyList':
      return { status: 200, body: { timezone: 'UTC', serverTime: 0, rateLimits: [], exchangeFilters: [], symbols: [] } };
  }
}

function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const value = optionalInt(query, name);
  if (value === undefined) return fallback;
  if (value < min) throw new BinanceRequestError(-1100, `Illegal characters found in parameter '${name}'; legal range is '${min}..${max}'.`);
  return Math.min(value, max);
}

function optionalInt(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  if (!/^-?\d+$/.test(text)) throw new BinanceRequestError(-1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`);
  return Number(text);
}

function toCandleTrade(trade: BinanceTradeMessage): { time: number; price: string; qty: string; takerBuy: boolean; id: number } {
  return { time: trade.T, price: trade.p, qty: trade.q, takerBuy: !trade.m, id: trade.t };
}

function klineBody(bar: Candle, symbol: string, interval: string, closed: boolean): Record<string, unknown> {
  return {
    t: bar.openTime,
    T: bar.closeTime,
    s: symbol,
    i: interval,
    f: bar.firstId,
    L: bar.lastId,
    o: bar.open,
    c: bar.close,
    h: bar.high,
    l: bar.low,
    v: formatFixed(bar.volume, CANDLE_SCALE, 8),
    n: bar.count,
    x: closed,
    q: formatFixed(bar.quoteVolume, 2 * CANDLE_SCALE, 8),
    V: formatFixed(bar.takerBuyVolume, CANDLE_SCALE, 8),
    Q: formatFixed(bar.takerBuyQuoteVolume, 2 * CANDLE_SCALE, 8),
    B: '0',
  };
}

function restBookTicker(state: BinanceSymbolState): unknown {
  const bid = state.book.bestBid();
  const ask = state.book.bestAsk();
  const zero = '0.00000000';
  return { symbol: state.spec.symbol, bidPrice: bid?.[0] ?? zero, bidQty: bid?.[1] ?? zero, askPrice: ask?.[0] ?? zero, askQty: ask?.[1] ?? zero };
}
