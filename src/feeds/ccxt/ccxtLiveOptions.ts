/**
 * Settings of the live ccxt source, merged over {@link DEFAULT_CCXT_LIVE_OPTIONS}, and the ccxt
 * constructor config they produce for one exchange.
 */
import { checkBackoffOptions, DEFAULT_BACKOFF_OPTIONS, type BackoffOptions } from '../backoff';
import { DEFAULT_THROTTLED_BACKOFF } from '../retry';

/** ccxt's proxy properties (set at most one of the REST ones; ccxt refuses several). */
export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  socksProxy?: string;
  wsProxy?: string;
  wssProxy?: string;
  wsSocksProxy?: string;
}

export interface CcxtLiveOptions {
  /**
   * Per exchange id, an object deep-merged into the ccxt constructor config last: custom endpoints
   * (`urls`), `options`, `rateLimit`, even `has` (a test can switch a watch method off).
   */
  exchanges: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Proxies for every exchange (ccxt's `httpProxy`, `httpsProxy`, `socksProxy`, `ws*Proxy`). */
  proxy: ProxySettings;
  /** Websocket ping period (ccxt `streaming.keepAlive`); two missed pongs end the socket. */
  keepAliveMs: number;
  /**
   * Book depth asked of `watchOrderBook` per exchange id. ccxt truncates its copy to this limit
   * after every update, so levels deeper than it that later move up would be missing: Binance
   * needs 5000 to hold its whole book. Exchanges not listed use ccxt's default (some accept only
   * a few fixed limits).
   */
  bookDepth: Readonly<Record<string, number>>;
  /** Bars per `fetchOHLCV` request. */
  historyPageLimit: number;
  /**
   * Bars before the live session whose footprint is filled from `fetchTrades` (newest first,
   * counting the session's first bar); 0 turns the backfill off.
   */
  footprintBackfillBars: number;
  /** Trades per `fetchTrades` request of the backfill. */
  footprintPageLimit: number;
  /** Requests per bar at most: a busier bar is left without footprint (bounds the backfill's time). */
  footprintMaxPagesPerBar: number;
  /** Polling period of a stream the exchange cannot stream, ms; never faster than its `rateLimit`. */
  pollIntervalMs: number;
  /** A stream silent this long shows as stale (with the age). Trades are exempt: markets go quiet. */
  staleAfterMs: number;
  /** A stream silent this long is reconnected (ccxt streams can stall without an error). */
  reconnectAfterMs: number;
  /** Same for the trade stream, which is legitimately quiet on slow markets. */
  quietReconnectAfterMs: number;
  /** How often the staleness watchdog looks, ms. */
  watchdogIntervalMs: number;
  /**
   * A venue whose last feed let go stays open this long (ms) before its sockets close: a chart
   * closed and reopened, or a session swapping feeds, reuses it (no markets reload). 0 closes at once.
   */
  venueIdleMs: number;
  /** Retry delays after network errors. */
  backoff: BackoffOptions;
  /**
   * Retry delays after the exchange said "too many requests" (longer); a Retry-After it sends is
   * honoured on top (nothing reaches the exchange before it expires).
   */
  throttledBackoff: BackoffOptions;
  /**
   * Load markets on a worker thread (ccxt parses and indexes them synchronously: seconds for a
   * large exchange). Off, they load in the host's thread.
   */
  marketsOffThread: boolean;
}

export const DEFAULT_CCXT_LIVE_OPTIONS: Readonly<CcxtLiveOptions> = {
  exchanges: {},
  proxy: {},
  keepAliveMs: 15_000,
  bookDepth: { binance: 5000, binanceus: 5000 },
  historyPageLimit: 1000,
  footprintBackfillBars: 120,
  footprintPageLimit: 1000,
  footprintMaxPagesPerBar: 50,
  pollIntervalMs: 1500,
  staleAfterMs: 10_000,
  reconnectAfterMs: 60_000,
  quietReconnectAfterMs: 300_000,
  watchdogIntervalMs: 1000,
  venueIdleMs: 10_000,
  backoff: DEFAULT_BACKOFF_OPTIONS,
  throttledBackoff: DEFAULT_THROTTLED_BACKOFF,
  marketsOffThread: true,
};

/** Options merged over the defaults (nested backoffs too). Throws RangeError on bad numbers. */
export function resolveCcxtLiveOptions(options: Partial<CcxtLiveOptions>): CcxtLiveOptions {
  const merged: CcxtLiveOptions = {
    ...DEFAULT_CCXT_LIVE_OPTIONS,
    ...options,
    backoff: { ...DEFAULT_CCXT_LIVE_OPTIONS.backoff, ...options.backoff },
    throttledBackoff: { ...DEFAULT_CCXT_LIVE_OPTIONS.throttledBackoff, ...options.throttledBackoff },
  };
  for (const key of ['keepAliveMs', 'historyPageLimit', 'pollIntervalMs', 'staleAfterMs', 'reconnectAfterMs', 'quietReconnectAfterMs', 'watchdogIntervalMs'] as const) {
    const value = merged[key];
    if (!(value > 0 && value < Infinity)) throw new RangeError(`ccxt live option ${key} must be a positive number, got ${String(value)}`);
  }
  if (!(Number.isInteger(merged.footprintBackfillBars) && merged.footprintBackfillBars >= 0)) throw new RangeError(`ccxt live option footprintBackfillBars must be a whole number ≥ 0, got ${String(merged.footprintBackfillBars)}`);
  for (const key of ['footprintPageLimit', 'footprintMaxPagesPerBar'] as const) {
    if (!(Number.isInteger(merged[key]) && merged[key] >= 1)) throw new RangeError(`ccxt live option ${key} must be a whole number ≥ 1, got ${String(merged[key])}`);
  }
  if (!(merged.venueIdleMs >= 0 && merged.venueIdleMs < Infinity)) throw new RangeError(`ccxt live option venueIdleMs must be a number ≥ 0, got ${String(merged.venueIdleMs)}`);
  checkBackoffOptions(merged.backoff);
  checkBackoffOptions(merged.throttledBackoff);
  return merged;
}

type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** `over` merged into `base`, recursively for plain objects; arrays and other values replace. */
export function deepMerge(base: PlainObject, over: PlainObject): PlainObject {
  const out: PlainObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const before = out[key];
    out[key] = isPlainObject(before) && isPlainObject(value) ? deepMerge(before, value) : value;
  }
  return out;
}

/**
 * The ccxt constructor config for `exchangeId`: rate limiting on, our keepAlive, ccxt's own
 * redial backoff off (the feed's backoff decides and shows when the next try is), the proxies,
 * then the per-exchange overrides on top. O(size of the config).
 */
export function ccxtConfigFor(exchangeId: string, options: CcxtLiveOptions): PlainObject {
  const base: PlainObject = {
    enableRateLimit: true,
    streaming: { keepAlive: options.keepAliveMs },
    options: { ws: { backoff: { base: 0 } } },
  };
  for (const [key, value] of Object.entries(options.proxy)) if (typeof value === 'string' && value !== '') base[key] = value;
  const overrides = options.exchanges[exchangeId];
  return overrides === undefined ? base : deepMerge(base, overrides as PlainObject);
}
