/**
 * The OKX half of the fake exchange: REST `/api/v5/*` (instruments, time, books, tickers, trades,
 * candles) and the public websocket `/ws/v5/public` (`books` snapshot then updates chained by
 * `prevSeqId`/`seqId` with CRC32 checksums, `books5`, `bbo-tbt`, `trades`, `tickers`; text
 * `ping` answered with `pong`), fed from a real capture. The capture predates sequence ids, so the
 * venue numbers its own: each update's `seqId` grows by 1 + its row count (not by 1, so a client
 * that assumes +1 fails), `prevSeqId` is the previous message's `seqId`, a snapshot's is -1.
 */
import type { WebSocket } from 'ws';
import { okxInterval } from './candleInterval';
import { CANDLE_SCALE, CandleSeries } from './candleSeries';
import { formatFixed } from './fixedPoint';
import { LevelBook, type LevelRow } from './levelBook';
import type { OkxTape, OkxTapeEvent, OkxTradeRow } from './okxCapture';
import { okxChecksum } from './okxChecksum';
import { Venue, type BookSnapshot, type RestReply, type VenueHooks, type VenueTiming } from './venue';

/** One listed spot instrument, fields as OKX prints them. */
export interface OkxInstrumentSpec {
  instId: string;
  baseCcy: string;
  quoteCcy: string;
  tickSz: string;
  lotSz: string;
  minSz: string;
}

export const DEFAULT_OKX_INSTRUMENTS: readonly OkxInstrumentSpec[] = [
  { instId: 'BTC-USDT', baseCcy: 'BTC', quoteCcy: 'USDT', tickSz: '0.1', lotSz: '0.00000001', minSz: '0.00001' },
  { instId: 'ETH-USDT', baseCcy: 'ETH', quoteCcy: 'USDT', tickSz: '0.01', lotSz: '0.000001', minSz: '0.0001' },
];

export interface OkxVenueOptions {
  instruments: readonly OkxInstrumentSpec[];
  /** Exchange milliseconds after the last snapshot to play silently before serving. */
  preplayMs: number;
}

/** Depth the `books` channel keeps and sends in a snapshot. */
const BOOKS_DEPTH = 400;
/** First sequence id the venue hands out. */
const SEQ_BASE = 1_000_000;
const PUBLIC_CHANNELS = new Set(['books', 'books5', 'bbo-tbt', 'trades', 'tickers']);

interface OkxConnection {
  socket: WebSocket;
  connId: string;
  /** Subscribed `channel:instId` keys. */
  subscriptions: Set<string>;
  isPublic: boolean;
}

class OkxInstrumentState {
  readonly book = new LevelBook();
  seqId = -1;
  bookTs = '0';
  /** Checksum of the book the exchange sent with the last update (to verify ours). */
  capturedChecksum = 0;
  readonly trades: OkxTradeRow[] = [];
  ticker: Record<string, unknown> | undefined;
  readonly candles = new Map<string, CandleSeries>();

  constructor(readonly spec: OkxInstrumentSpec) {}
}

export class OkxVenue extends Venue<OkxTapeEvent, OkxConnection> {
  readonly name = 'okx' as const;
  private readonly instruments = new Map<string, OkxInstrumentState>();
  private clock = 0;
  private nextConnId = 1;
  /** Updates whose book, rebuilt here, disagreed with the checksum the exchange sent. */
  checksumMismatches = 0;
  /** Updates checked against the exchange's checksum. */
  checksumChecks = 0;

  constructor(tape: OkxTape, options: OkxVenueOptions, hooks: VenueHooks, timing: VenueTiming) {
    super(hooks);
    for (const spec of options.instruments) this.instruments.set(spec.instId, new OkxInstrumentState(spec));
    let start = tape.start;
    const until = tape.events[start]?.t + options.preplayMs;
    while (start < tape.events.length && tape.events[start].t < until) start++;
    this.startTape(tape.events, start, timing);
  }

  get serverTime(): number {
    return this.clock;
  }

  protected kindOf(event: OkxTapeEvent): string {
    return event.kind;
  }

  protected apply(event: OkxTapeEvent, silent: boolean): void {
    this.clock = event.t;
    const state = this.instruments.get(event.instId);
    if (state === undefined) {
      this.counters.rejected++;
      return;
    }
    switch (event.kind) {
      case 'book':
        this.applyBook(state, event, silent);
        break;
      case 'trade': {
        state.trades.push(event.trade);
        for (const series of state.candles.values()) this.addCandleTrade(series, event.trade);
        if (!silent) this.broadcast(`trades:${event.instId}`, { arg: { channel: 'trades', instId: event.instId }, data: [{ ...event.trade, count: '1' }] });
        break;
      }
      case 'ticker':
        state.ticker = event.ticker;
        if (!silent) this.broadcast(`tickers:${event.instId}`, { arg: { channel: 'tickers', instId: event.instId }, data: [event.ticker] });
        break;
    }
  }

  private applyBook(state: OkxInstrumentState, event: Extract<OkxTapeEvent, { kind: 'book' }>, silent: boolean): void {
    if (event.action === 'snapshot') state.book.clear();
    state.book.applyAll(event.bids, event.asks);
    const prevSeqId = state.seqId;
    state.seqId = state.seqId < 0 ? SEQ_BASE : state.seqId + 1 + event.bids.length + event.asks.length;
    state.bookTs = event.ts;
    const top = state.book.levels(25);
    const checksum = okxChecksum(top.bids, top.asks);
    this.checksumChecks++;
    if (checksum !== event.checksum) this.checksumMismatches++;
    state.capturedChecksum = event.checksum;
    if (silent || event.action === 'snapshot') return;
    const instId = state.spec.instId;
    if (!this.takeWithheld()) {
      this.broadcast(`books:${instId}`, {
        arg: { channel: 'books', instId },
        action: 'update',
        data: [{ asks: event.asks, bids: event.bids, ts: event.ts, checksum, prevSeqId, seqId: state.seqId }],
      });
    }
    this.broadcastTop(state, 'books5', 5);
    this.broadcastTop(state, 'bbo-tbt', 1);
  }

  private broadcastTop(state: OkxInstrumentState, channel: string, depth: number): void {
    const key = `${channel}:${state.spec.instId}`;
    if (!this.anySubscribed(key)) return;
    this.broadcast(key, this.topMessage(state, channel, depth));
  }

  private topMessage(state: OkxInstrumentState, channel: string, depth: number): unknown {
    const top = state.book.levels(depth);
    const instId = state.spec.instId;
    return { arg: { channel, instId }, data: [{ asks: top.asks, bids: top.bids, instId, ts: state.bookTs, seqId: state.seqId }] };
  }

  private snapshotMessage(state: OkxInstrumentState): unknown {
    const top = state.book.levels(BOOKS_DEPTH);
    const checksum = okxChecksum(top.bids.slice(0, 25), top.asks.slice(0, 25));
    return {
      arg: { channel: 'books', instId: state.spec.instId },
      action: 'snapshot',
      data: [{ asks: top.asks, bids: top.bids, ts: state.bookTs, checksum, prevSeqId: -1, seqId: state.seqId }],
    };
  }

  private addCandleTrade(series: CandleSeries, trade: OkxTradeRow): void {
    try {
      series.add({ time: Number(trade.ts), price: trade.px, qty: trade.sz, takerBuy: trade.side === 'buy', id: Number(trade.tradeId) });
    } catch {
      this.counters.rejected++;
    }
  }

  private anySubscribed(key: string): boolean {
    for (const connection of this.connections) if (connection.subscriptions.has(key)) return true;
    return false;
  }

  private broadcast(key: string, payload: unknown): void {
    let text: string | undefined;
    for (const connection of this.connections) {
      if (connection.subscriptions.has(key)) this.send(connection, (text ??= JSON.stringify(payload)));
    }
  }

  // ---------------------------------------------------------------- websocket

  attach(socket: WebSocket, url: URL): void {
    const connection: OkxConnection = {
      socket,
      connId: `fake${(this.nextConnId++).toString(16).padStart(4, '0')}`,
      subscriptions: new Set(),
      isPublic: url.pathname === '/ws/v5/public',
    };
    this.register(connection);
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const text = isBinary ? '' : data.toString('utf8');
      this.handleClientFrame(connection, text);
      this.hooks.onClientMessage(this.name, text);
    });
  }

  private handleClientFrame(connection: OkxConnection, text: string): void {
    if (text === 'ping') {
      if (this.answerPings) this.send(connection, 'pong');
      else this.counters.ignoredPings++;
      return;
    }
    const { connId } = connection;
    let request: { op?: unknown; args?: unknown; id?: unknown };
    try {
      request = JSON.parse(text);
    } catch {
      this.counters.rejected++;
      this.send(connection, JSON.stringify({ event: 'error', code: '60012', msg: `Illegal request: ${text}`, connId }));
      return;
    }
    const withId = (body: Record<string, unknown>): string => JSON.stringify(request?.id === undefined ? body : { id: request.id, ...body });
    if (typeof request !== 'object' || request === null || (request.op !== 'subscribe' && request.op !== 'unsubscribe') || !Array.isArray(request.args)) {
      this.counters.rejected++;
      this.send(connection, withId({ event: 'error', code: '60012', msg: `Illegal request: ${text}`, connId }));
      return;
    }
    for (const arg of request.args as { channel?: unknown; instId?: unknown }[]) {
      const channel = typeof arg?.channel === 'string' ? arg.channel : '';
      const instId = typeof arg?.instId === 'string' ? arg.instId : '';
      const state = this.instruments.get(instId);
      if (!connection.isPublic || !PUBLIC_CHANNELS.has(channel) || state === undefined) {
        this.counters.rejected++;
        this.send(connection, withId({ event: 'error', code: '60018', msg: `Wrong URL or channel:${channel},instId:${instId} doesn't exist`, connId }));
        continue;
      }
      const key = `${channel}:${instId}`;
      if (request.op === 'unsubscribe') {
        connection.subscriptions.delete(key);
        this.send(connection, withId({ event: 'unsubscribe', arg: { channel, instId }, connId }));
        continue;
      }
      connection.subscriptions.add(key);
      this.send(connection, withId({ event: 'subscribe', arg: { channel, instId }, connId }));
      if (channel === 'books') this.send(connection, JSON.stringify(this.snapshotMessage(state)));
      else if (channel === 'books5') this.send(connection, JSON.stringify(this.topMessage(state, channel, 5)));
      else if (channel === 'bbo-tbt') this.send(connection, JSON.stringify(this.topMessage(state, channel, 1)));
      else if (channel === 'tickers' && state.ticker !== undefined) this.send(connection, JSON.stringify({ arg: { channel, instId }, data: [state.ticker] }));
    }
  }

  // ---------------------------------------------------------------- REST

  handleRest(path: string, query: URLSearchParams): RestReply {
    this.counters.restRequests++;
    switch (path) {
      case 'public/time':
        return okx([{ ts: String(this.clock) }]);
      case 'public/instruments': {
        const type = query.get('instType');
        if (type === null || !['SPOT', 'MARGIN', 'SWAP', 'FUTURES', 'OPTION'].includes(type)) return this.fail(51000, 'Parameter instType error');
        if (type !== 'SPOT') return okx([]);
        const instId = query.get('instId');
        const listed = [...this.instruments.values()].filter((state) => instId === null || state.spec.instId === instId);
        return okx(listed.map((state) => instrumentBody(state.spec)));
      }
      case 'market/books':
      case 'market/books-full': {
        const state = this.instrumentParam(query);
        if (state === undefined) return this.fail(51001, "Instrument ID doesn't exist");
        if (this.takeSnapshotFailure()) return { status: this.failSnapshotStatus, body: { code: '50001', msg: 'Service temporarily unavailable. Please try again later.', data: [] } };
        const size = Math.min(Math.max(Number(query.get('sz') ?? '1') || 1, 1), BOOKS_DEPTH);
        const top = state.book.levels(size);
        return okx([{ asks: top.asks, bids: top.bids, ts: state.bookTs }]);
      }
      case 'market/ticker': {
        const state = this.instrumentParam(query);
        if (state === undefined) return this.fail(51001, "Instrument ID doesn't exist");
        return okx([this.tickerBody(state)]);
      }
      case 'market/tickers': {
        if (query.get('instType') !== 'SPOT') return query.get('instType') === null ? this.fail(51000, 'Parameter instType error') : okx([]);
        return okx([...this.instruments.values()].map((state) => this.tickerBody(state)));
      }
      case 'market/trades': {
        const state = this.instrumentParam(query);
        if (state === undefined) return this.fail(51001, "Instrument ID doesn't exist");
        const limit = Math.min(Math.max(Number(query.get('limit') ?? '100') || 100, 1), 500);
        return okx(state.trades.slice(-limit).reverse().map((trade) => ({ ...trade, count: '1' })));
      }
      case 'market/candles':
      case 'market/history-candles':
        return this.candles(query, path === 'market/candles' ? 300 : 100);
      default:
        this.counters.rejected++;
        return { status: 404, body: { code: '50014', msg: `Unknown endpoint /api/v5/${path}`, data: [] } };
    }
  }

  private candles(query: URLSearchParams, maxLimit: number): RestReply {
    const state = this.instrumentParam(query);
    if (state === undefined) return this.fail(51001, "Instrument ID doesn't exist");
    const bar = query.get('bar') ?? '1m';
    const interval = okxInterval(bar);
    if (interval === undefined) return this.fail(51000, 'Parameter bar error');
    const limit = Math.min(Math.max(Number(query.get('limit') ?? '100') || 100, 1), maxLimit);
    const after = query.has('after') ? Number(query.get('after')) : undefined;
    const before = query.has('before') ? Number(query.get('before')) : undefined;
    let series = state.candles.get(bar);
    if (series === undefined) {
      series = new CandleSeries(interval);
      for (const trade of state.trades) this.addCandleTrade(series, trade);
      state.candles.set(bar, series);
    }
    series.extendTo(this.clock);
    const last = series.bars.length - 1;
    const selected = series.bars
      .map((candle, index) => ({ candle, closed: index < last }))
      .filter(({ candle }) => (after === undefined || candle.openTime < after) && (before === undefined || candle.openTime > before))
      .reverse()
      .slice(0, limit);
    return okx(
      selected.map(({ candle, closed }) => [
        String(candle.openTime),
        candle.open,
        candle.high,
        candle.low,
        candle.close,
        trimZeros(formatFixed(candle.volume, CANDLE_SCALE, 8)),
        trimZeros(formatFixed(candle.quoteVolume, 2 * CANDLE_SCALE, 8)),
        trimZeros(formatFixed(candle.quoteVolume, 2 * CANDLE_SCALE, 8)),
        closed ? '1' : '0',
      ]),
    );
  }

  private tickerBody(state: OkxInstrumentState): unknown {
    if (state.ticker !== undefined) return state.ticker;
    const bid = state.book.bestBid();
    const ask = state.book.bestAsk();
    return { instType: 'SPOT', instId: state.spec.instId, last: '', lastSz: '', askPx: ask?.[0] ?? '', askSz: ask?.[1] ?? '', bidPx: bid?.[0] ?? '', bidSz: bid?.[1] ?? '', open24h: '', high24h: '', low24h: '', volCcy24h: '0', vol24h: '0', sodUtc0: '', sodUtc8: '', ts: String(this.clock) };
  }

  private instrumentParam(query: URLSearchParams): OkxInstrumentState | undefined {
    return this.instruments.get(query.get('instId') ?? '');
  }

  private fail(code: number, msg: string): RestReply {
    this.counters.rejected++;
    return { status: 400, body: { code: String(code), msg, data: [] } };
  }

  updateIdOf(instId: string): number | undefined {
    return this.instruments.get(instId)?.seqId;
  }

  bookSnapshot(instId: string, depth?: number): BookSnapshot | undefined {
    const state = this.instruments.get(instId);
    if (state === undefined) return undefined;
    const levels = state.book.levels(depth);
    return {
      venue: 'okx',
      symbol: instId,
      updateId: state.seqId,
      timestamp: Number(state.bookTs),
      bids: levels.bids.map((row: LevelRow) => [row[0], row[1]]),
      asks: levels.asks.map((row: LevelRow) => [row[0], row[1]]),
    };
  }

  /** Every trade played so far for `instId` (history included), oldest first. */
  playedTrades(instId: string): OkxTradeRow[] {
    return [...(this.instruments.get(instId)?.trades ?? [])];
  }
}

function okx(data: unknown[]): RestReply {
  return { status: 200, body: { code: '0', msg: '', data } };
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

function instrumentBody(spec: OkxInstrumentSpec): Record<string, string> {
  return {
    alias: '',
    baseCcy: spec.baseCcy,
    category: '1',
    ctMult: '',
    ctType: '',
    ctVal: '',
    ctValCcy: '',
    expTime: '',
    instFamily: '',
    instId: spec.instId,
    instType: 'SPOT',
    lever: '10',
    listTime: '1548133413000',
    lotSz: spec.lotSz,
    maxIcebergSz: '9999999999.0000000000000000',
    maxLmtAmt: '20000000',
    maxLmtSz: '9999999999',
    maxMktAmt: '1000000',
    maxMktSz: '1000000',
    maxStopSz: '1000000',
    maxTriggerSz: '9999999999.0000000000000000',
    maxTwapSz: '9999999999.0000000000000000',
    minSz: spec.minSz,
    optType: '',
    quoteCcy: spec.quoteCcy,
    settleCcy: '',
    state: 'live',
    stk: '',
    tickSz: spec.tickSz,
    uly: '',
  };
}
