/**
 * One exchange as the live feeds see it, shared by every session on that exchange: the ccxt
 * class and config, the markets (loaded once), one shared ccxt instance for REST (its throttle
 * keeps every session's requests together within the exchange's rate limit) and the ticker hub.
 * Book and trade streams get ccxt instances of their own (`createStreamClient`), so a stream's
 * reconnect never disturbs another stream's sockets. Reference-counted by its feeds.
 */
import type { MarketFacts } from '../../engine/protocol';
import { FeedOpenError } from '../feedOpenError';
import { classifyError, ErrorAction, errorMessage, errorTable, stopMessage, type ErrorTable } from './ccxtErrors';
import { ccxtConfigFor, type CcxtLiveOptions } from './ccxtLiveOptions';
import type { CcxtExchange, CcxtModule } from './loadCcxt';
import { marketFactsOf, type CcxtMarketLike, type PrecisionModes } from './marketFacts';
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
  /** Feeds holding this venue. */
  refs = 0;
  private readonly cls: ExchangeClass;
  private readonly config: Record<string, unknown>;
  private marketsLoading: Promise<void> | undefined;
  private readonly streamClients = new Set<CcxtExchange>();

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
    this.rest = new this.cls(this.config);
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
        now: Date.now,
      },
      {
        backoff: options.backoff,
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
   * Loads the markets once (again after a failure). Rejects FeedOpenError: retryable for network
   * trouble, not for a refusal.
   */
  loadMarkets(): Promise<void> {
    this.marketsLoading ??= (async () => {
      await this.rest.loadHttpProxyAgent();
      await this.rest.loadMarkets();
    })().catch((error: unknown) => {
      this.marketsLoading = undefined;
      const action = this.classify(error);
      throw new FeedOpenError(`${this.id}: could not load its markets: ${errorMessage(error)}`, action !== ErrorAction.Stop);
    });
    return this.marketsLoading;
  }

  /** Tick size and decimals of `symbol`; rejects FeedOpenError naming the symbol when not listed. */
  async facts(symbol: string): Promise<MarketFacts> {
    await this.loadMarkets();
    const market = (this.rest.markets as Record<string, CcxtMarketLike | undefined>)[symbol];
    if (market === undefined) {
      const byId = (this.rest.markets_by_id as Record<string, { symbol?: string }[] | undefined> | undefined)?.[symbol]?.[0]?.symbol;
      const hint = byId !== undefined ? ` (did you mean ${byId}?)` : '';
      throw new FeedOpenError(`${this.id} does not list symbol ${symbol}${hint}`, false);
    }
    return marketFactsOf(this.id, symbol, market, Number(this.rest.precisionMode), precisionModes(this.ccxt));
  }

  /** A fresh ccxt instance for one stream, sharing the loaded markets (no extra REST call). */
  async createStreamClient(): Promise<CcxtExchange> {
    const client = new this.cls(this.config);
    await client.loadHttpProxyAgent();
    client.setMarkets(this.rest.markets, this.rest.currencies as never);
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
    await this.tickers.close();
    await Promise.all([...this.streamClients].map((client) => this.closeStreamClient(client)));
    await this.rest.close().catch(() => undefined);
  }
}
