import type { RetryFailure } from './retry';

/**
 * Why a feed could not open, in words a person can act on ("binance does not list symbol
 * FOO/BAR"). `retryable` tells the session whether trying again later can help (network down)
 * or not (unknown exchange or symbol, unsupported market); `retry` whether the exchange asked to
 * slow down (a longer wait, never shorter than its Retry-After).
 */
export class FeedOpenError extends Error {
  override readonly name = 'FeedOpenError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retry?: RetryFailure,
  ) {
    super(message);
  }
}
