/**
 * What a live feed does about a ccxt error. ccxt's hierarchy nests the cases that need different
 * handling (ChecksumError ⊂ InvalidNonce ⊂ NetworkError ⊂ OperationFailed), so a plain
 * `instanceof NetworkError` would also catch checksum failures. The error's own class decides
 * first, then its nearest ancestor in the table.
 */
import type { CcxtModule } from './loadCcxt';

export const ErrorAction = {
  /** The book lost sync (sequence gap, checksum): resync and watch again at once. */
  Resync: 'resync',
  /** Transient (network, timeout, exchange busy, malformed frame): retry with backoff. */
  Retry: 'retry',
  /** The exchange asked us to slow down (rate limit, DDoS protection): retry after a longer wait. */
  Throttled: 'throttled',
  /** Retrying cannot help (unknown symbol, unsupported, refused): stop and tell the user. */
  Stop: 'stop',
  /** The client was closed by us (`ExchangeClosedByUser`). */
  Closed: 'closed',
} as const;
export type ErrorAction = (typeof ErrorAction)[keyof typeof ErrorAction];

/** The ccxt error classes the table names (a subset of the module). */
export type CcxtErrorClasses = Pick<
  CcxtModule,
  | 'ChecksumError'
  | 'InvalidNonce'
  | 'RequestTimeout'
  | 'RateLimitExceeded'
  | 'DDoSProtection'
  | 'NetworkError'
  | 'OperationFailed'
  | 'BadSymbol'
  | 'BadRequest'
  | 'NotSupported'
  | 'AuthenticationError'
  | 'ArgumentsRequired'
  | 'InvalidProxySettings'
  | 'ExchangeClosedByUser'
  | 'ExchangeError'
>;

export type ErrorTable = ReadonlyMap<Function, ErrorAction>;

/** The class → action table for one loaded ccxt. Built once per feed source. */
export function errorTable(ccxt: CcxtErrorClasses): ErrorTable {
  return new Map<Function, ErrorAction>([
    [ccxt.ChecksumError, ErrorAction.Resync],
    [ccxt.InvalidNonce, ErrorAction.Resync],
    [ccxt.RequestTimeout, ErrorAction.Retry],
    // HTTP 429 and 418 (and the exchanges' own "too many requests" codes).
    [ccxt.RateLimitExceeded, ErrorAction.Throttled],
    [ccxt.DDoSProtection, ErrorAction.Throttled],
    // NetworkError covers ExchangeNotAvailable, OnMaintenance.
    [ccxt.NetworkError, ErrorAction.Retry],
    // OperationFailed: e.g. the book snapshot failing three times in a row.
    [ccxt.OperationFailed, ErrorAction.Retry],
    [ccxt.BadSymbol, ErrorAction.Stop],
    [ccxt.BadRequest, ErrorAction.Stop],
    [ccxt.NotSupported, ErrorAction.Stop],
    // AuthenticationError covers PermissionDenied, AccountSuspended, AccountNotEnabled.
    [ccxt.AuthenticationError, ErrorAction.Stop],
    [ccxt.ArgumentsRequired, ErrorAction.Stop],
    [ccxt.InvalidProxySettings, ErrorAction.Stop],
    [ccxt.ExchangeClosedByUser, ErrorAction.Closed],
    // Other exchange errors are often an unmapped server hiccup: retry, showing the message.
    [ccxt.ExchangeError, ErrorAction.Retry],
  ]);
}

/**
 * The action for `error`: walks its prototype chain from its own class up and returns the first
 * class the table names. Anything else (a TypeError or SyntaxError from a malformed frame, an
 * unknown error) is retried. O(depth of the class chain); allocates nothing.
 */
export function classifyError(error: unknown, table: ErrorTable): ErrorAction {
  if (typeof error !== 'object' || error === null) return ErrorAction.Retry;
  for (let proto = Object.getPrototypeOf(error) as { constructor?: unknown } | null; proto !== null; proto = Object.getPrototypeOf(proto)) {
    const action = table.get(proto.constructor as Function);
    if (action !== undefined) return action;
  }
  return ErrorAction.Retry;
}

/** The error's message, without ccxt's habit of appending the whole JSON body; at most 300 chars. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** What the user reads when a stream stops: names the exchange and the symbol. */
export function stopMessage(error: unknown, ccxt: Pick<CcxtModule, 'BadSymbol' | 'NotSupported' | 'AuthenticationError'>, exchange: string, symbol: string): string {
  if (error instanceof ccxt.BadSymbol) return `${exchange} does not list symbol ${symbol}`;
  if (error instanceof ccxt.NotSupported) return `${exchange} does not support this for ${symbol}: ${errorMessage(error)}`;
  if (error instanceof ccxt.AuthenticationError) return `${exchange} refused the request for ${symbol} (authentication): ${errorMessage(error)}`;
  return `${exchange} ${symbol}: ${errorMessage(error)}`;
}
