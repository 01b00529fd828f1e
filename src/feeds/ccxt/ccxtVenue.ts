/**
 * One exchange as the live feeds see it, shared by every session on that exchange: the ccxt
 * class and config, the markets (loaded once), one shared ccxt instance for REST (its throttle
 * keeps every session's requests together within the exchange's rate limit) and the ticker hub.
 * Book and trade streams get ccxt instances of their own (`createStreamClient`), so a stream's
 * reconnect never disturbs another stream's sockets. Every instance's REST requests pass one
 * {@link RestGate}: after "too many requests" nothing reaches the exchange before its Retry-After.
 * Reference-counted by its feeds.
 */
import type { MarketFacts } from '../../engine/protocol';
import { FeedOpenError } from '../feedOpenError';
import { classifyError, ErrorAction, errorMessage, errorTable, stopMessage, type ErrorTable } from './ccxtErrors';
import { ccxtConfigFor, type CcxtLiveOptions } from './ccxtLiveOptions';
import type { CcxtExchange, CcxtModule } from './loadCcxt';
import { marketFactsOf, type CcxtMarketLike, type PrecisionModes } from './marketFacts';
import { replyBodyProblem, usableMarkets, yieldToHost } from './marketList';
import { ccxtModulePath, loadMarketsOffThread, WorkerError, type LoadedMarkets } from './marketsWorker';
import { responseHeader, RestGate } from './restGate';
import { TickerHub } from './tickerHub';

type ExchangeClass = new (config: Record<string, unknown>) => CcxtExchange;

/** The ccxt class for `exchangeId`: the websocket (pro) one when there is one. */
export function exchangeClassOf(ccxt: CcxtModule, exchangeId: string): { cls: ExchangeClass; streaming: boolean } | undefined {
  const pro = (ccxt.pro as unknown as Record<string, unknown>)[exchangeId];
  const rest = (ccxt as unknown as Record<string, unknown>)[exchangeId];
  const isExchange = (value: unknown): value is ExchangeClass => typeof value === 'function' && value.prototype instanceof ccxt.Exchange;
  if (isExchange(pro)) return { cls: pro, streaming: true };
  if (isExchange(rest)) return { cls: rest, streaming: false };
  return undefined;
}

/**
 * ccxt's precision-mode constants: under `functions` in its ES module build, top-level in its
 * CommonJS build (the one the extension's bundled ccxt chunk loads, where `functions` is absent).
 */
function precisionModes(ccxt: CcxtModule): PrecisionModes {
  return (ccxt.functions as PrecisionModes | undefined) ?? (ccxt as unknown as PrecisionModes);
}

export class CcxtVenue {
  readonly rest: CcxtExchange;
  readonly streaming: boolean;
  readonly errors: ErrorTable;
  readonly tickers: TickerHub;
  /** Holds every REST request back while the exchange asks us to wait. */
  readonly gate: RestGate;
  /** Feeds holding this venue. */
  refs = 0;
  private readonly cls: ExchangeClass;
  private readonly config: Record<string, unknown>;
  private marketsLoading: Promise<void> | undefined;
  /** The markets are loaded (and were not garbage). */
  private marketsLoaded = false;
  /** The REST requests the markets load made, "GET /api/v3/exchangeInfo" (named in its errors). */
  private readonly marketsRequests = new Set<string>();
  /** What was wrong with the body of the markets load's last reply (not JSON, empty). */
  private marketsReplyProblem: string | undefined;
  private readonly streamClients = new Set<CcxtExchange>();
  /** Aborted on close: stops a markets worker still loading. */
  private readonly closing = new AbortController();

  /** Throws FeedOpenError for an exchange id ccxt does not know. */
  constructor(
    readonly id: string,
    readonly ccxt: CcxtModule,
    readonly options: CcxtLiveOptions,
  ) {
    const found = exchangeClassOf(ccxt, id);
    if (found === undefined) throw new FeedOpenError(`unknown exchange "${id}": ccxt has no exchange with this id`, false);
    this.cls = found.cls;
    this.streaming = found.streaming;
    this.config = ccxtConfigFor(id, options);
    this.gate = new RestGate(options.throttledBackoff);
    this.rest = this.instance();
    this.errors = errorTable(ccxt);
    this.tickers = new TickerHub(
      {
        exchange: this.rest,
        streaming: this.streaming,
        createStreamClient: () => this.createStreamClient(),
        closeStreamClient: (client) => this.closeStreamClient(client),
        classify: (error) => this.classify(error),
        reason: errorMessage,
        stopMessage: (error, symbol) => this.stopMessage(error, symbol),
        retryAfterMs: () => this.retryAfterMs(),
        symbolProblem: (symbol) => this.symbolProblem(symbol),
        marketId: (symbol) => this.marketOf(symbol)?.id,
        isSymbolRefusal: (error) => error instanceof ccxt.BadSymbol,
        now: Date.now,
      },
      {
        backoff: options.backoff,
        throttledBackoff: options.throttledBackoff,
        staleAfterMs: options.staleAfterMs,
        reconnectAfterMs: options.reconnectAfterMs,
        pollIntervalMs: options.pollIntervalMs,
        watchdogIntervalMs: options.watchdogIntervalMs,
      },
    );
  }

  classify(error: unknown): ErrorAction {
    return classifyError(error, this.errors);
  }

  stopMessage(error: unknown, symbol: string): string {
    return stopMessage(error, this.ccxt, this.id, symbol);
  }

  /** Ms before the exchange accepts requests again (its Retry-After); 0 when it does now. */
  retryAfterMs(): number {
    return this.gate.remainingMs();
  }

  /** `exchange.has[method]` (true or 'emulated'). */
  has(method: string): boolean {
    const value = (this.rest.has as Record<string, unknown>)[method];
    return value !== undefined && value !== false;
  }

  /** A websocket method usable here: the exchange has it and ccxt has a pro class for it. */
  canWatch(method: string): boolean {
    return this.streaming && this.has(method);
  }

  /**
   * Loads the markets once (again after a failure). Rejects FeedOpenError naming the markets
   * request: retryable for network trouble and for a garbage reply (HTML, an empty body, wrong
   * types, no market at all), not for a refusal.
   */
  loadMarkets(): Promise<void> {
    this.marketsLoading ??= this.fetchMarkets().catch((error: unknown) => {
      this.marketsLoading = undefined;
      const requests = this.marketsRequests.size > 0 ? ` (${[...this.marketsRequests].join(', ')})` : '';
      const garbage = error instanceof MarketsReplyError;
      const action = garbage ? ErrorAction.Retry : this.classify(error);
      // A rate limit makes the session wait longer, and never less than the exchange's Retry-After.
      const retry = { throttled: action === ErrorAction.Throttled, retryAfterMs: this.retryAfterMs() };
      throw new FeedOpenError(`${this.id}: could not load its markets${requests}: ${errorMessage(error)}`, action !== ErrorAction.Stop, retry);
    });
    return this.marketsLoading;
  }

  /** Tick size and decimals of `symbol`; rejects FeedOpenError naming the symbol when not listed. */
  async facts(symbol: string): Promise<MarketFacts> {
    await this.loadMarkets();
    const problem = this.symbolProblem(symbol);
    if (problem !== undefined) throw new FeedOpenError(problem, false);
    return marketFactsOf(this.id, symbol, this.marketOf(symbol)!, Number(this.rest.precisionMode), precisionModes(this.ccxt));
  }

  /** Why `symbol` has no market here ("binance does not list symbol X"); undefined when it has, or before the markets are loaded. */
  symbolProblem(symbol: string): string | undefined {
    if (!this.marketsLoaded || this.marketOf(symbol) !== undefined) return undefined;
    const byId = (this.rest.markets_by_id as Record<string, { symbol?: string }[] | undefined> | undefined)?.[symbol]?.[0]?.symbol;
    const hint = byId !== undefined ? ` (did you mean ${byId}?)` : '';
    return `${this.id} does not list symbol ${symbol}${hint}`;
  }

  /** The loaded market of `symbol`. O(1). */
  private marketOf(symbol: string): (CcxtMarketLike & { id?: string }) | undefined {
    const markets = this.rest.markets as Record<string, (CcxtMarketLike & { id?: string }) | undefined> | undefined;
    return markets !== undefined && Object.hasOwn(markets, symbol) ? markets[symbol] : undefined;
  }

  /**
   * ccxt's own `loadMarkets` keeps a failed or empty load for good (it never asks again); this
   * asks afresh on every call and checks the reply before anything uses it. ccxt's parsing and
   * indexing run on a worker thread ({@link loadMarketsOffThread}); in-thread only where no ccxt
   * build for a worker is found or the worker cannot run.
   */
  private async fetchMarkets(): Promise<void> {
    this.marketsRequests.clear();
    this.marketsReplyProblem = undefined;
    const ccxtPath = this.options.marketsOffThread ? ccxtModulePath() : undefined;
    if (ccxtPath !== undefined) {
      let loaded: LoadedMarkets | undefined;
      try {
        loaded = await this.fetchMarketsOffThread(ccxtPath);
      } catch (error) {
        // ccxt failed there: as if here. Anything else (the worker could not start): load here.
        if (error instanceof WorkerError) throw this.ccxtErrorOf(error);
        if (this.closing.signal.aborted) throw error;
      }
      if (loaded !== undefined) {
        const usable = usableMarkets(Object.values(loaded.markets));
        if (usable.problem !== undefined) throw new MarketsReplyError(this.marketsReplyProblem ?? usable.problem);
        this.rest.setMarketsFromExchange({ id: this.id, ...loaded } as never);
        this.marketsLoaded = true;
        return;
      }
    }
    await this.fetchMarketsInThread();
  }

  private async fetchMarketsOffThread(ccxtPath: string): Promise<LoadedMarkets> {
    // The worker's requests pass the gate's wait here, and tell it what the exchange answered.
    await this.gate.whenOpen();
    return loadMarketsOffThread(
      { ccxtPath, exchangeId: this.id, config: this.config },
      {
        request: (method, path) => this.marketsRequests.add(`${method} ${path}`),
        reply: (status, headers, bodyHead) => {
          this.gate.observe(status, headers);
          this.marketsReplyProblem = replyBodyProblem(bodyHead, responseHeader(headers, 'content-type'));
        },
      },
      this.closing.signal,
    );
  }

  /** A worker's failure as the ccxt error it was (its class decides what is done about it). */
  private ccxtErrorOf(error: WorkerError): Error {
    const cls = (this.ccxt as unknown as Record<string, unknown>)[error.className];
    return typeof cls === 'function' && cls.prototype instanceof Error ? new (cls as new (message: string) => Error)(error.message) : new Error(error.message);
  }

  /** The same in this thread: ccxt's parsing, a turn for the host's event loop, ccxt's indexing. */
  private async fetchMarketsInThread(): Promise<void> {
    const rest = this.rest;
    await rest.loadHttpProxyAgent();
    // As ccxt's loadMarkets does: currencies only where the exchange has a real endpoint.
    const currencies = rest.has.fetchCurrencies === true ? await rest.fetchCurrencies() : undefined;
    if (currencies !== undefined) rest.options.cachedCurrencies = currencies;
    let markets: unknown;
    try {
      markets = await rest.fetchMarkets();
    } finally {
      delete rest.options.cachedCurrencies;
    }
    const usable = usableMarkets(markets);
    if (usable.problem !== undefined) throw new MarketsReplyError(this.marketsReplyProblem ?? usable.problem);
    await yieldToHost();
    rest.setMarkets(usable.markets as never, currencies as never);
    this.marketsLoaded = true;
  }

  /** A ccxt instance with this venue's config, its REST requests through the gate. */
  private instance(): CcxtExchange {
    const exchange = new this.cls(this.config);
    this.gate.install(exchange);
    // Names the markets request and what its reply was, for the markets load's error.
    const fetch = exchange.fetch.bind(exchange);
    exchange.fetch = (url: string, method?: string, headers?: unknown, body?: unknown) => {
      if (this.loadingMarkets()) this.marketsRequests.add(`${method ?? 'GET'} ${pathOf(url)}`);
      return fetch(url, method, headers as never, body as never);
    };
    const seen = exchange.onRestResponse.bind(exchange);
    exchange.onRestResponse = (...args: Parameters<CcxtExchange['onRestResponse']>) => {
      if (this.loadingMarkets()) this.marketsReplyProblem = replyBodyProblem(args[5], responseHeader(args[4], 'content-type'));
      return seen(...args);
    };
    return exchange;
  }

  private loadingMarkets(): boolean {
    return this.marketsLoading !== undefined && !this.marketsLoaded;
  }

  /** A fresh ccxt instance for one stream, sharing the loaded markets (no extra REST call, no re-indexing). */
  async createStreamClient(): Promise<CcxtExchange> {
    // A ccxt instance takes tens of ms to build (its API tables): streams opening together take turns.
    await yieldToHost();
    const client = this.instance();
    await client.loadHttpProxyAgent();
    if (this.marketsLoaded) client.setMarketsFromExchange(this.rest);
    this.streamClients.add(client);
    return client;
  }

  /** Closes a stream's instance (its sockets). */
  async closeStreamClient(client: CcxtExchange | undefined): Promise<void> {
    if (client === undefined) return;
    this.streamClients.delete(client);
    await client.close().catch(() => undefined);
  }

  /** Closes the ticker hub and every socket this venue opened. */
  async close(): Promise<void> {
    this.closing.abort();
    this.gate.close();
    await this.tickers.close();
    await Promise.all([...this.streamClients].map((client) => this.closeStreamClient(client)));
    await this.rest.close().catch(() => undefined);
  }
}

/** A markets reply that parsed but is unusable (no markets, wrong types). */
class MarketsReplyError extends Error {
  override readonly name = 'MarketsReplyError';
}

/** `/api/v3/exchangeInfo` from a full url (no host, no query: the query may hold a long list). */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
