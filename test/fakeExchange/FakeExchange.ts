/**
 * A local fake exchange for integration tests: one HTTP + WebSocket server on 127.0.0.1 that
 * speaks Binance spot (`/api/v3/*`, `/ws`, `/stream`) and OKX (`/api/v5/*`, `/ws/v5/public`)
 * well enough for the real ccxt clients, replaying real captures. It holds the authoritative book
 * so a test can compare a client's book with it, plays deterministically (pause, step, speed), and
 * injects faults (drops, sequence gaps, muted pongs, garbage frames, failing snapshots, restarts,
 * "too many requests" with Retry-After, garbage or huge market lists, delisted symbols).
 *
 *     const ex = await FakeExchange.start({ speed: 10 });
 *     const binance = new ccxt.pro.binance(ex.ccxtConfig('binance'));
 *     ...
 *     await ex.stop();
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { sharedDataPath } from '../support/sharedData';
import { loadBinanceCapture, type BinanceTapeEvent } from './binanceCapture';
import { BinanceVenue, DEFAULT_BINANCE_MARKETS, type BinanceMarketSpec, type MarketsFault } from './binanceVenue';
import { loadOkxCapture, type OkxTapeEvent } from './okxCapture';
import { DEFAULT_OKX_INSTRUMENTS, OkxVenue, type OkxInstrumentSpec } from './okxVenue';
import type { PlaySpeed } from './tapePlayer';
import type { BookSnapshot, RestReply, VenueHooks, VenueName, VenueStats } from './venue';

export type { BookSnapshot, VenueName, VenueStats } from './venue';
export type { MarketsFault } from './binanceVenue';
export type { PlaySpeed } from './tapePlayer';

export interface BinanceVenueConfig {
  /** Consecutive capture files of one symbol, played as one stream. */
  captures: string[];
  markets: readonly BinanceMarketSpec[];
  /** Exchange ms after the capture's snapshot played silently before serving (history). */
  preplayMs: number;
}

export interface OkxVenueConfig {
  capture: string;
  instruments: readonly OkxInstrumentSpec[];
  preplayMs: number;
}

export interface FakeExchangeOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Multiple of the capture's own pace, or 'max'. */
  speed: PlaySpeed;
  /** Start with playback paused (use `step`, `resume`). */
  startPaused: boolean;
  /** Events per event-loop turn at most (bounds how long one turn blocks at 'max'). */
  batchSize: number;
  /** Binance venue, or false to leave it out (its REST and ws paths then answer 404). */
  binance: Partial<BinanceVenueConfig> | false;
  okx: Partial<OkxVenueConfig> | false;
}

export const DEFAULT_FAKE_EXCHANGE_OPTIONS: FakeExchangeOptions = {
  host: '127.0.0.1',
  port: 0,
  speed: 1,
  startPaused: false,
  batchSize: 500,
  binance: {},
  okx: {},
};

const DEFAULT_BINANCE_CONFIG = (): BinanceVenueConfig => ({
  captures: [sharedDataPath('binance/spot/btcusdt_20240808.gz')],
  markets: DEFAULT_BINANCE_MARKETS,
  preplayMs: 0,
});

const DEFAULT_OKX_CONFIG = (): OkxVenueConfig => ({
  capture: sharedDataPath('cryptofeed/sample_data_master/OKX.ws.1.0'),
  instruments: DEFAULT_OKX_INSTRUMENTS,
  preplayMs: 0,
});

/** Events: see `FakeExchangeEvents`. */
export interface FakeExchangeEvents {
  /** One tape event was played (broadcast) by a venue: a BinanceTapeEvent or an OkxTapeEvent. */
  played: [venue: VenueName, kind: string, event: BinanceTapeEvent | OkxTapeEvent];
  /** A venue's tape has no more events. */
  end: [venue: VenueName];
  /** A websocket was accepted. */
  connection: [venue: VenueName, path: string];
  /** A client sent a websocket frame (emitted after the server acted on it). */
  clientMessage: [venue: VenueName, text: string];
  /** An HTTP request was answered. */
  request: [method: string, path: string, status: number];
}

/** One HTTP request as the server saw it. */
export interface RequestRecord {
  /** `performance.now()` when the request arrived. */
  at: number;
  venue: VenueName | undefined;
  method: string;
  /** Path and query. */
  path: string;
  status: number;
}

/** Error for using a venue the server was started without, or an unknown symbol. */
export class FakeExchangeError extends Error {
  override readonly name = 'FakeExchangeError';
}

interface Waiter {
  venue: VenueName;
  symbol: string;
  updateId: number;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class FakeExchange extends EventEmitter<FakeExchangeEvents> {
  readonly binance: BinanceVenue | undefined;
  readonly okx: OkxVenue | undefined;
  private server: Server | undefined;
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });
  private boundPort: number;
  private readonly waiters = new Set<Waiter>();
  private stopped = false;
  /** Every HTTP request, in arrival order (with its time: a test can check a client's pacing). */
  readonly requestLog: RequestRecord[] = [];

  private constructor(private readonly options: FakeExchangeOptions) {
    super();
    this.boundPort = options.port;
    const hooks: VenueHooks = {
      onPlayed: (venue, kind, event) => {
        this.emit('played', venue, kind, event as BinanceTapeEvent | OkxTapeEvent);
        if (kind === 'depth' || kind === 'book') this.settleWaiters(venue);
      },
      onEnd: (venue) => {
        this.emit('end', venue);
        this.settleWaiters(venue);
      },
      onClientMessage: (venue, text) => this.emit('clientMessage', venue, text),
    };
    const timing = { speed: options.speed, batchSize: options.batchSize };
    if (options.binance !== false) {
      const config = { ...DEFAULT_BINANCE_CONFIG(), ...options.binance };
      this.binance = new BinanceVenue(loadBinanceCapture(config.captures), config, hooks, timing);
    }
    if (options.okx !== false) {
      const config = { ...DEFAULT_OKX_CONFIG(), ...options.okx };
      this.okx = new OkxVenue(
        loadOkxCapture(
          config.capture,
          config.instruments.map((spec) => spec.instId),
        ),
        config,
        hooks,
        timing,
      );
    }
  }

  /** Loads the captures, listens, and (unless `startPaused`) starts playing. */
  static async start(options: Partial<FakeExchangeOptions> = {}): Promise<FakeExchange> {
    const exchange = new FakeExchange({ ...DEFAULT_FAKE_EXCHANGE_OPTIONS, ...options });
    await exchange.listen();
    if (!exchange.options.startPaused) exchange.resume();
    return exchange;
  }

  get port(): number {
    return this.boundPort;
  }

  /** `http://127.0.0.1:PORT` */
  get httpUrl(): string {
    return `http://${this.options.host}:${this.boundPort}`;
  }

  /** `ws://127.0.0.1:PORT` */
  get wsUrl(): string {
    return `ws://${this.options.host}:${this.boundPort}`;
  }

  /**
   * Constructor config for `new ccxt.pro.binance(...)` / `new ccxt.pro.okx(...)` pointing at this
   * server (spot markets only). Callers still need `await exchange.loadHttpProxyAgent()` before
   * the first watch, or ccxt refuses `ws://` urls.
   */
  ccxtConfig(venue: VenueName): { urls: { api: Record<string, unknown> }; options: Record<string, unknown> } {
    if (venue === 'binance') {
      return {
        urls: { api: { public: `${this.httpUrl}/api/v3`, ws: { spot: `${this.wsUrl}/ws` } } },
        options: { fetchMarkets: { types: ['spot'] } },
      };
    }
    return {
      urls: { api: { rest: this.httpUrl, ws: `${this.wsUrl}/ws/v5` } },
      options: { fetchMarkets: { types: ['spot'] } },
    };
  }

  // ---------------------------------------------------------------- playback

  /** Pauses every venue's playback. */
  pause(): void {
    for (const venue of this.venues()) venue.pause();
  }

  /** Resumes every venue's playback. */
  resume(): void {
    for (const venue of this.venues()) venue.resume();
  }

  setSpeed(speed: PlaySpeed): void {
    for (const venue of this.venues()) venue.setSpeed(speed);
  }

  /** Plays the next `count` events of one venue now. Returns how many were played. */
  step(count: number, venue: VenueName = 'binance'): number {
    return this.venue(venue).step(count);
  }

  /**
   * Authoritative book of `symbol` (Binance ids `BTCUSDT`, OKX ids `BTC-USDT`), best `depth`
   * levels a side (all by default).
   * Throws FakeExchangeError for a symbol no venue lists.
   */
  bookSnapshot(symbol: string, depth?: number): BookSnapshot {
    const snapshot = this.binance?.bookSnapshot(symbol, depth) ?? this.okx?.bookSnapshot(symbol, depth);
    if (snapshot === undefined) throw new FakeExchangeError(`no venue lists ${symbol}`);
    return snapshot;
  }

  /**
   * Resolves once the book of `symbol` has applied update `updateId` (Binance `u`, OKX `seqId`)
   * or a later one; rejects when the tape ends first or after `timeoutMs`.
   */
  waitForUpdateId(updateId: number, symbol = 'BTCUSDT', timeoutMs = 30_000): Promise<void> {
    const venue: VenueName | undefined = this.binance?.updateIdOf(symbol) !== undefined ? 'binance' : this.okx?.updateIdOf(symbol) !== undefined ? 'okx' : undefined;
    if (venue === undefined) return Promise.reject(new FakeExchangeError(`no venue lists ${symbol}`));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        venue,
        symbol,
        updateId,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new FakeExchangeError(`update ${updateId} of ${symbol} not reached within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
      this.settleWaiters(venue);
    });
  }

  // ---------------------------------------------------------------- faults

  /** Terminates every websocket of one venue (or all), like a network drop. Returns the count. */
  dropConnections(venue?: VenueName): number {
    return this.selected(venue).reduce((sum, each) => sum + each.dropConnections(), 0);
  }

  /**
   * Withholds the next `count` depth messages from every client while the server's own book still
   * applies them: a Binance `U`/`u` gap, or an OKX update whose `prevSeqId` the client never saw.
   */
  skipSequence(venue: VenueName = 'binance', count = 1): void {
    this.venue(venue).skipSequence(count);
  }

  /** Stops answering pings: OKX text `ping`, and protocol-level ping frames on both venues. */
  stopAnsweringPings(venue?: VenueName): void {
    for (const each of this.selected(venue)) each.setAnswerPings(false);
  }

  resumeAnsweringPings(venue?: VenueName): void {
    for (const each of this.selected(venue)) each.setAnswerPings(true);
  }

  /** Sends `text` (default: truncated JSON) to every open websocket. Returns the count. */
  sendMalformed(venue?: VenueName, text = '{"e":"depthUpdate","E":17231612'): number {
    return this.selected(venue).reduce((sum, each) => sum + each.sendRaw(text), 0);
  }

  /** Answers the next `count` depth snapshots (Binance `/depth`, OKX `/market/books`) with `status`. */
  failSnapshots(count: number, status = 500, venue: VenueName = 'binance'): void {
    this.venue(venue).failSnapshots(count, status);
  }

  /**
   * Answers the next `count` REST requests of `venue` with HTTP `status` (429: rate limited, 418:
   * banned) and `Retry-After: retryAfterS` (no header when undefined), whatever the path.
   */
  throttle(count: number, options: { status?: number; retryAfterS?: number; venue?: VenueName } = {}): void {
    this.venue(options.venue ?? 'binance').throttle(count, options.status ?? 429, options.retryAfterS);
  }

  /**
   * Binance `exchangeInfo` answers garbage of `kind` (a 200 HTML page, an empty 200 body, fields
   * of the wrong types, an empty symbol list) until called with undefined.
   */
  failMarkets(kind: MarketsFault | undefined): void {
    this.binanceVenue().setMarketsFault(kind);
  }

  /**
   * Binance `exchangeInfo` also lists `count` made-up markets (no trades, no streams): a market
   * list as large as a test needs.
   */
  listFillerMarkets(count: number): void {
    this.binanceVenue().setFillerMarkets(count);
  }

  /**
   * Binance stops listing `symbol` (exchange id, e.g. `ETHUSDT`): REST answers -1121 "Invalid
   * symbol.", a stream subscription naming it is refused, `exchangeInfo` leaves it out.
   */
  delist(symbol: string): void {
    this.binanceVenue().delist(symbol);
  }

  /**
   * Closes the listener and every connection, waits `downMs`, and listens again on the same port.
   * Playback goes on meanwhile (clients miss what is played while down).
   */
  async restart(downMs = 0): Promise<void> {
    await this.closeListener();
    if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
    if (!this.stopped) await this.listen();
  }

  /** Stops playback, closes every connection and the listener. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const venue of this.venues()) venue.dispose();
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new FakeExchangeError('fake exchange stopped'));
    }
    this.waiters.clear();
    await this.closeListener();
    this.wss.close();
  }

  stats(): Partial<Record<VenueName, VenueStats>> {
    const out: Partial<Record<VenueName, VenueStats>> = {};
    for (const venue of this.venues()) out[venue.name] = venue.stats();
    return out;
  }

  // ---------------------------------------------------------------- internals

  private venues(): (BinanceVenue | OkxVenue)[] {
    const out: (BinanceVenue | OkxVenue)[] = [];
    if (this.binance !== undefined) out.push(this.binance);
    if (this.okx !== undefined) out.push(this.okx);
    return out;
  }

  private venue(name: VenueName): BinanceVenue | OkxVenue {
    const venue = name === 'binance' ? this.binance : this.okx;
    if (venue === undefined) throw new FakeExchangeError(`the ${name} venue is disabled`);
    return venue;
  }

  private binanceVenue(): BinanceVenue {
    if (this.binance === undefined) throw new FakeExchangeError('the binance venue is disabled');
    return this.binance;
  }

  private selected(name: VenueName | undefined): (BinanceVenue | OkxVenue)[] {
    return name === undefined ? this.venues() : [this.venue(name)];
  }

  private settleWaiters(venue: VenueName): void {
    const source = this.venue(venue);
    for (const waiter of this.waiters) {
      if (waiter.venue !== venue) continue;
      const reached = (source.updateIdOf(waiter.symbol) ?? -1) >= waiter.updateId;
      if (!reached && !source.ended) continue;
      this.waiters.delete(waiter);
      clearTimeout(waiter.timer);
      if (reached) waiter.resolve();
      else waiter.reject(new FakeExchangeError(`the ${venue} tape ended before update ${waiter.updateId} of ${waiter.symbol}`));
    }
  }

  private listen(): Promise<void> {
    const server = createServer((request, response) => this.handleHttp(request, response));
    server.on('upgrade', (request, socket, head) => this.handleUpgrade(request, socket, head));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, this.options.host, () => {
        server.off('error', reject);
        this.boundPort = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private closeListener(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const venue of this.venues()) venue.dropConnections();
    if (server === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private handleHttp(request: IncomingMessage, response: ServerResponse): void {
    const at = performance.now();
    const url = new URL(request.url ?? '/', this.httpUrl);
    const venue = url.pathname.startsWith('/api/v3/') ? this.binance : url.pathname.startsWith('/api/v5/') ? this.okx : undefined;
    let reply: RestReply = { status: 404, body: { code: -1, msg: `no route for ${url.pathname}` } };
    try {
      if (request.method !== 'GET') {
        reply = { status: 405, body: { code: -1, msg: `${request.method} is not supported by the fake exchange` } };
      } else if (venue !== undefined) {
        reply = venue.takeThrottle() ?? venue.handleRest(url.pathname.slice(venue === this.binance ? '/api/v3/'.length : '/api/v5/'.length), url.searchParams);
      }
    } catch (error) {
      reply = { status: 500, body: { code: -1, msg: `fake exchange failure: ${(error as Error).message}` } };
    }
    const text = reply.text ?? JSON.stringify(reply.body);
    response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers, 'content-length': Buffer.byteLength(text) });
    response.end(text);
    const path = `${url.pathname}${url.search}`;
    this.requestLog.push({ at, venue: venue?.name, method: request.method ?? 'GET', path, status: reply.status });
    this.emit('request', request.method ?? 'GET', path, reply.status);
  }

  private handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', this.httpUrl);
    const path = url.pathname;
    const venue = path.startsWith('/ws/v5/') ? this.okx : path === '/ws' || path.startsWith('/ws/') || path.startsWith('/stream') ? this.binance : undefined;
    if (venue === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      venue.attach(ws, url);
      this.emit('connection', venue.name, `${path}${url.search}`);
    });
  }
}
