/**
 * One ticker stream per exchange, shared by every session on it: N status-bar symbols cost one
 * batched `watchTickers` subscription, not N sockets. Falls back to one `watchTicker` loop per
 * symbol, then to polling `fetchTickers` (one request for all symbols) or `fetchTicker` (one per
 * symbol per round), never faster than the exchange's rate limit allows.
 */
import type { TickerSnapshot } from '../feed';
import type { Disposable } from '../eventEmitter';
import type { CcxtExchange } from './loadCcxt';
import { StreamLoop, type StreamLoopHost, type StreamLoopOptions } from './streamLoop';
import type { StreamStatus } from './streamStatus';
import { toTickerSnapshot, type CcxtTickerLike } from './tickerSnapshot';

export interface TickerSubscriber {
  ticker(ticker: TickerSnapshot): void;
  status(status: StreamStatus): void;
}

/** How the hub gets tickers from this exchange. */
export type TickerMode = 'watchTickers' | 'watchTicker' | 'fetchTickers' | 'fetchTicker' | 'none';

export interface TickerHubOptions extends Omit<StreamLoopOptions, 'name' | 'pollIntervalMs'> {
  pollIntervalMs: number;
  watchdogIntervalMs: number;
}

/** The hub's view of its exchange. */
export interface TickerHubHost extends Omit<StreamLoopHost, 'statusChanged' | 'stopMessage'> {
  /** The venue's shared instance: `has`, rate limit, and the polling requests. */
  readonly exchange: CcxtExchange;
  /** ccxt has a websocket class for this exchange. */
  readonly streaming: boolean;
  /** A ccxt instance of the hub's own for the websocket streams. */
  createStreamClient(): Promise<CcxtExchange>;
  closeStreamClient(client: CcxtExchange | undefined): Promise<void>;
  stopMessage(error: unknown, symbol: string): string;
}

/** Picks the best ticker source `has` offers. O(1). */
export function tickerModeOf(has: Readonly<Record<string, unknown>>, streaming: boolean): TickerMode {
  if (streaming && has.watchTickers) return 'watchTickers';
  if (streaming && has.watchTicker) return 'watchTicker';
  if (has.fetchTickers) return 'fetchTickers';
  if (has.fetchTicker) return 'fetchTicker';
  return 'none';
}

export class TickerHub {
  readonly mode: TickerMode;
  private readonly subscribers = new Map<string, Set<TickerSubscriber>>();
  /** The batched loop (watchTickers, polling) or one loop per symbol (watchTicker). */
  private shared: StreamLoop | undefined;
  private readonly perSymbol = new Map<string, StreamLoop>();
  private symbolList: string[] = [];
  /** Resolves when the symbol set changes (a pending batched call then starts over). */
  private setChanged!: Promise<void>;
  private signalChange!: () => void;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private closing: Promise<void> = Promise.resolve();
  /**
   * The websocket instance, and the symbol set it subscribed. ccxt's Binance opens a new socket
   * for every distinct symbol set, so a changed set gets a fresh instance (the old one closed):
   * one ticker socket per exchange at any time.
   */
  private client: Promise<CcxtExchange> | undefined;
  private clientSymbols = '';

  constructor(
    private readonly host: TickerHubHost,
    private readonly options: TickerHubOptions,
  ) {
    this.mode = tickerModeOf(host.exchange.has as Record<string, unknown>, host.streaming);
    this.renewChangeSignal();
  }

  /** True when tickers are polled instead of streamed. */
  get polled(): boolean {
    return this.mode === 'fetchTickers' || this.mode === 'fetchTicker';
  }

  /** Delivers `symbol`'s tickers and stream status to `subscriber` until disposed. */
  subscribe(symbol: string, subscriber: TickerSubscriber): Disposable {
    let set = this.subscribers.get(symbol);
    if (set === undefined) {
      set = new Set();
      this.subscribers.set(symbol, set);
      this.symbolsChanged();
    }
    set.add(subscriber);
    if (this.mode === 'none') {
      subscriber.status({ state: 'error', detail: `${this.host.exchange.id} offers no ticker for ${symbol}`, value: 0, attempt: 0, retryAt: NaN });
    } else {
      this.ensureRunning(symbol);
      const loop = this.loopOf(symbol);
      if (loop !== undefined) subscriber.status(loop.status);
    }
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        this.unsubscribe(symbol, subscriber);
      },
    };
  }

  /** Stops every loop and closes the hub's sockets. */
  async close(): Promise<void> {
    this.subscribers.clear();
    this.symbolList = [];
    await this.stopAll();
  }

  private unsubscribe(symbol: string, subscriber: TickerSubscriber): void {
    const set = this.subscribers.get(symbol);
    if (set === undefined || !set.delete(subscriber) || set.size > 0) return;
    this.subscribers.delete(symbol);
    this.symbolsChanged();
    const loop = this.perSymbol.get(symbol);
    if (loop !== undefined) {
      this.perSymbol.delete(symbol);
      void loop.close();
    }
    if (this.subscribers.size === 0) void this.stopAll();
  }

  private symbolsChanged(): void {
    this.symbolList = [...this.subscribers.keys()];
    const signal = this.signalChange;
    this.renewChangeSignal();
    signal();
  }

  private renewChangeSignal(): void {
    this.setChanged = new Promise((resolve) => (this.signalChange = resolve));
  }

  private loopOf(symbol: string): StreamLoop | undefined {
    return this.mode === 'watchTicker' ? this.perSymbol.get(symbol) : this.shared;
  }

  private ensureRunning(symbol: string): void {
    if (this.mode === 'watchTicker') {
      if (!this.perSymbol.has(symbol)) {
        const loop = this.makeLoop(symbol, () => this.watchOne(symbol), 0);
        this.perSymbol.set(symbol, loop);
        this.startLoop(loop);
      }
    } else if (this.shared === undefined) {
      const polling = this.polled;
      const interval = polling ? Math.max(this.options.pollIntervalMs, Number(this.host.exchange.rateLimit) || 0) : 0;
      this.shared = this.makeLoop(undefined, () => (polling ? this.pollAll() : this.watchAll()), interval);
      this.startLoop(this.shared);
    }
    if (this.watchdog === undefined) {
      this.watchdog = setInterval(() => this.check(), this.options.watchdogIntervalMs);
      this.watchdog.unref?.();
    }
  }

  private startLoop(loop: StreamLoop): void {
    // A hub restarted right after its last subscriber left waits for the old sockets to close.
    void this.closing.then(() => loop.start());
  }

  private makeLoop(symbol: string | undefined, next: () => Promise<boolean>, pollIntervalMs: number): StreamLoop {
    const staleAfterMs = pollIntervalMs > 0 ? Math.max(this.options.staleAfterMs, 3 * pollIntervalMs) : this.options.staleAfterMs;
    const reconnectAfterMs = pollIntervalMs > 0 ? Math.max(this.options.reconnectAfterMs, 6 * pollIntervalMs) : this.options.reconnectAfterMs;
    const host: StreamLoopHost = {
      classify: (error) => this.host.classify(error),
      reason: (error) => this.host.reason(error),
      now: () => this.host.now(),
      stopMessage: (error) => this.host.stopMessage(error, symbol ?? this.symbolList.join(', ')),
      statusChanged: () => this.broadcastStatus(symbol, loop.status),
    };
    const loop: StreamLoop = new StreamLoop(
      {
        next,
        // Stall: close the hub's sockets; the next call redials on a fresh instance.
        abort: () => this.dropClient(),
      },
      { ...this.options, name: 'ticker', pollIntervalMs, staleAfterMs, reconnectAfterMs },
      host,
    );
    return loop;
  }

  private async watchAll(): Promise<boolean> {
    const symbols = this.symbolList;
    if (symbols.length === 0) {
      await this.setChanged;
      return false;
    }
    const client = await this.clientFor(symbols.join('\n'));
    const pending = client.watchTickers(symbols);
    pending.catch(() => undefined);
    const tickers = await Promise.race([pending, this.setChanged.then(() => undefined)]);
    if (tickers === undefined) return false;
    let delivered = false;
    for (const ticker of Object.values(tickers)) delivered = this.dispatch(ticker as CcxtTickerLike) || delivered;
    return delivered;
  }

  private async watchOne(symbol: string): Promise<boolean> {
    const client = await this.clientFor('');
    const ticker = await client.watchTicker(symbol);
    return this.dispatch(ticker as CcxtTickerLike, symbol);
  }

  private async pollAll(): Promise<boolean> {
    const symbols = this.symbolList;
    if (symbols.length === 0) {
      await this.setChanged;
      return false;
    }
    let delivered = false;
    if (this.mode === 'fetchTickers') {
      const tickers = await this.host.exchange.fetchTickers(symbols);
      for (const ticker of Object.values(tickers)) delivered = this.dispatch(ticker as CcxtTickerLike) || delivered;
    } else {
      for (const symbol of symbols) delivered = this.dispatch((await this.host.exchange.fetchTicker(symbol)) as CcxtTickerLike, symbol) || delivered;
    }
    return delivered;
  }

  /** The websocket instance for `symbols` (a key), replacing one made for another set. */
  private async clientFor(symbols: string): Promise<CcxtExchange> {
    if (this.client !== undefined && this.clientSymbols !== symbols) await this.dropClient();
    if (this.client === undefined) {
      this.clientSymbols = symbols;
      // Shared by concurrent callers (per-symbol loops start together).
      this.client = this.host.createStreamClient();
    }
    return this.client;
  }

  private async dropClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) await this.host.closeStreamClient(await client.catch(() => undefined));
  }

  private dispatch(ticker: CcxtTickerLike, symbol = ticker.symbol): boolean {
    if (symbol === undefined) return false;
    const set = this.subscribers.get(symbol);
    if (set === undefined) return false;
    const snapshot = toTickerSnapshot(symbol, ticker, this.host.now());
    for (const subscriber of set) subscriber.ticker(snapshot);
    return true;
  }

  private broadcastStatus(symbol: string | undefined, status: StreamStatus): void {
    if (symbol !== undefined) {
      for (const subscriber of this.subscribers.get(symbol) ?? []) subscriber.status(status);
      return;
    }
    for (const set of this.subscribers.values()) for (const subscriber of set) subscriber.status(status);
  }

  private check(): void {
    const now = this.host.now();
    this.shared?.check(now);
    for (const loop of this.perSymbol.values()) loop.check(now);
  }

  private async stopAll(): Promise<void> {
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    this.watchdog = undefined;
    const loops = [...this.perSymbol.values()];
    if (this.shared !== undefined) loops.push(this.shared);
    this.perSymbol.clear();
    this.shared = undefined;
    this.signalChange();
    this.renewChangeSignal();
    const closing = Promise.all(loops.map((loop) => loop.close())).then(() => this.dropClient());
    this.closing = closing.then(() => undefined);
    await this.closing;
  }
}
