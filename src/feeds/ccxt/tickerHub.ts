/**
 * One ticker stream per exchange, shared by every session on it: N status-bar symbols cost one
 * batched `watchTickers` subscription, not N sockets. Falls back to one `watchTicker` loop per
 * symbol, then to polling `fetchTickers` (one request for all symbols) or `fetchTicker` (one per
 * symbol per round), never faster than the exchange's rate limit allows.
 *
 * Failures are per symbol: a symbol the venue's markets do not list is refused at subscribe and
 * never joins the batch; a symbol the exchange refuses at run time (ccxt BadSymbol from the batch)
 * is found (by name in the error, else by asking for halves of the batch) and cut out. Only its
 * subscribers see an error naming it; the others go on streaming.
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
  /** Why `symbol` cannot have a ticker here (not listed in the loaded markets), or undefined. */
  symbolProblem(symbol: string): string | undefined;
  /** The exchange's id of `symbol` (`BTCUSDT`, `BTC-USDT`), if its market is loaded. */
  marketId(symbol: string): string | undefined;
  /** The exchange refused a symbol (ccxt BadSymbol): which one, the error may not say. */
  isSymbolRefusal(error: unknown): boolean;
}

/** Picks the best ticker source `has` offers. O(1). */
export function tickerModeOf(has: Readonly<Record<string, unknown>>, streaming: boolean): TickerMode {
  if (streaming && has.watchTickers) return 'watchTickers';
  if (streaming && has.watchTicker) return 'watchTicker';
  if (has.fetchTickers) return 'fetchTickers';
  if (has.fetchTicker) return 'fetchTicker';
  return 'none';
}

/** How long a probe of part of a refused batch waits for the exchange to refuse it, ms. */
const PROBE_ANSWER_MS = 5000;

export class TickerHub {
  readonly mode: TickerMode;
  private readonly subscribers = new Map<string, Set<TickerSubscriber>>();
  /** The ccxt ticker object last delivered per symbol (batched websocket mode). */
  private readonly lastDispatched = new Map<string, CcxtTickerLike>();
  /** Symbols cut out of the batch, with the error their subscribers see. */
  private readonly refused = new Map<string, StreamStatus>();
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
      const problem = this.host.symbolProblem(symbol);
      if (problem !== undefined) this.refused.set(symbol, errorStatus(problem));
      else this.symbolsChanged();
    }
    set.add(subscriber);
    const refusal = this.refused.get(symbol);
    if (refusal !== undefined) {
      subscriber.status(refusal);
    } else if (this.mode === 'none') {
      subscriber.status(errorStatus(`${this.host.exchange.id} offers no ticker for ${symbol}`));
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
    this.lastDispatched.clear();
    this.refused.clear();
    this.symbolList = [];
    await this.stopAll();
  }

  private unsubscribe(symbol: string, subscriber: TickerSubscriber): void {
    const set = this.subscribers.get(symbol);
    if (set === undefined || !set.delete(subscriber) || set.size > 0) return;
    this.subscribers.delete(symbol);
    this.lastDispatched.delete(symbol);
    if (!this.refused.delete(symbol)) this.symbolsChanged();
    const loop = this.perSymbol.get(symbol);
    if (loop !== undefined) {
      this.perSymbol.delete(symbol);
      void loop.close();
    }
    if (this.subscribers.size === 0) void this.stopAll();
  }

  private symbolsChanged(): void {
    this.symbolList = [...this.subscribers.keys()].filter((symbol) => !this.refused.has(symbol));
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
      retryAfterMs: (error) => this.host.retryAfterMs?.(error) ?? 0,
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
    let tickers: Awaited<typeof pending> | undefined;
    try {
      tickers = await Promise.race([pending, this.setChanged.then(() => undefined)]);
    } catch (error) {
      await this.cutOutRefused(error, symbols, (subset) => this.probeWatch(subset));
      return false;
    }
    if (tickers === undefined) return false;
    // ccxt resolves a batched watch with the first symbol's update only: updates of other symbols
    // read from the same socket chunk reach only its ticker cache. Each new ticker object there
    // is delivered once.
    let delivered = false;
    for (const ticker of Object.values(tickers)) delivered = this.dispatchNew(ticker as CcxtTickerLike) || delivered;
    const cache = (client as unknown as { tickers?: Record<string, CcxtTickerLike | undefined> }).tickers;
    if (cache !== undefined) {
      for (const symbol of symbols) {
        const ticker = cache[symbol];
        if (ticker !== undefined) delivered = this.dispatchNew(ticker, symbol) || delivered;
      }
    }
    return delivered;
  }

  /** Dispatches `ticker` unless this very object was dispatched for its symbol already. */
  private dispatchNew(ticker: CcxtTickerLike, symbol = ticker.symbol): boolean {
    if (symbol === undefined || this.lastDispatched.get(symbol) === ticker) return false;
    this.lastDispatched.set(symbol, ticker);
    return this.dispatch(ticker, symbol);
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
      let tickers: Awaited<ReturnType<CcxtExchange['fetchTickers']>>;
      try {
        tickers = await this.host.exchange.fetchTickers(symbols);
      } catch (error) {
        await this.cutOutRefused(error, symbols, (subset) => this.probePoll(subset));
        return false;
      }
      for (const ticker of Object.values(tickers)) delivered = this.dispatch(ticker as CcxtTickerLike) || delivered;
    } else {
      for (const symbol of symbols) {
        let ticker: unknown;
        try {
          ticker = await this.host.exchange.fetchTicker(symbol);
        } catch (error) {
          await this.cutOutRefused(error, [symbol], () => Promise.reject(error));
          continue;
        }
        delivered = this.dispatch(ticker as CcxtTickerLike, symbol) || delivered;
      }
    }
    return delivered;
  }

  /**
   * After `batch` failed with `error`: when the exchange refused a symbol, cuts the refused ones
   * out (named in the error, else found by `probe`, which resolves false for a refused subset)
   * and resolves; otherwise rethrows for the loop to classify.
   */
  private async cutOutRefused(error: unknown, batch: readonly string[], probe: (symbols: string[]) => Promise<boolean>): Promise<void> {
    if (!this.host.isSymbolRefusal(error)) throw error;
    const text = error instanceof Error ? error.message : String(error);
    let refused = batch.filter((symbol) => names(text, symbol) || names(text, this.host.marketId(symbol)));
    if (refused.length === 0) refused = batch.length === 1 ? [...batch] : await refusedBy(batch, probe);
    // Refused as a whole, accepted in parts: not one symbol's fault. Retried as a failure.
    if (refused.length === 0) throw new Error(`${this.host.reason(error)} (no single symbol refused)`);
    for (const symbol of refused) {
      if (!this.subscribers.has(symbol) || this.refused.has(symbol)) continue;
      const status = errorStatus(this.host.stopMessage(error, symbol));
      this.refused.set(symbol, status);
      for (const subscriber of this.subscribers.get(symbol)!) subscriber.status(status);
    }
    this.symbolsChanged();
  }

  /**
   * Whether the exchange serves tickers for `symbols` by websocket (a throwaway client): a refusal
   * comes with the subscription's answer; no refusal within {@link PROBE_ANSWER_MS} is an accept
   * (a quiet market may send no ticker for longer).
   */
  private async probeWatch(symbols: string[]): Promise<boolean> {
    const client = await this.host.createStreamClient();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const pending = client.watchTickers(symbols);
      pending.catch(() => undefined);
      await Promise.race([pending, new Promise((resolve) => (timer = setTimeout(resolve, PROBE_ANSWER_MS)))]);
      return true;
    } catch (error) {
      if (this.host.isSymbolRefusal(error)) return false;
      throw error;
    } finally {
      clearTimeout(timer);
      await this.host.closeStreamClient(client);
    }
  }

  /** Whether the exchange serves tickers for `symbols` over REST. */
  private async probePoll(symbols: string[]): Promise<boolean> {
    try {
      await this.host.exchange.fetchTickers(symbols);
      return true;
    } catch (error) {
      if (this.host.isSymbolRefusal(error)) return false;
      throw error;
    }
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
    for (const [each, set] of this.subscribers) if (!this.refused.has(each)) for (const subscriber of set) subscriber.status(status);
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

function errorStatus(detail: string): StreamStatus {
  return { state: 'error', detail, value: 0, attempt: 0, retryAt: NaN };
}

/**
 * `text` names `name` as a whole word: `BTC/USDT` is not named by `BTC/USDT:USDT` nor `B-USDT`
 * by `AB-USDT`, but `B-USDT` is by `instId:B-USDT`. O(length).
 */
function names(text: string, name: string | undefined): boolean {
  if (name === undefined || name === '') return false;
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    const before = text.charCodeAt(at - 1);
    if ((before === COLON || !isSymbolChar(before)) && !isSymbolChar(text.charCodeAt(at + name.length))) return true;
  }
  return false;
}

const COLON = 58;

/** Letters, digits and the separators symbols and market ids are made of (`/`, `:`, `-`, `_`, `.`). */
function isSymbolChar(code: number): boolean {
  // NaN (before the start, after the end) is not
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 47 || code === COLON || code === 45 || code === 95 || code === 46;
}

/**
 * The symbols of `batch` (refused as a whole) that `probe` refuses, by asking for halves:
 * O(refused · log(batch)) probes, one at a time.
 */
async function refusedBy(batch: readonly string[], probe: (symbols: string[]) => Promise<boolean>): Promise<string[]> {
  if (batch.length === 1) return [...batch];
  const middle = batch.length >> 1;
  const out: string[] = [];
  for (const half of [batch.slice(0, middle), batch.slice(middle)]) if (!(await probe(half))) out.push(...(await refusedBy(half, probe)));
  return out;
}
