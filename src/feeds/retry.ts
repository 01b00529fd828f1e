/**
 * The one definition of "wait, then try again" for the feeds: the delay before the next attempt,
 * given what failed (exponential backoff with jitter; a longer one when the exchange asked us to
 * slow down; never shorter than the exchange's Retry-After), and a wait that a close or a change
 * of plan can cut short.
 */
import { backoffDelay, type BackoffOptions } from './backoff';

/** How long to wait between attempts. */
export interface RetryPolicy {
  /** After a network error, a timeout, an exchange hiccup. */
  backoff: BackoffOptions;
  /**
   * After the exchange said "too many requests" (HTTP 429/418, ccxt RateLimitExceeded or
   * DDoSProtection): longer, because hammering a rate limit gets the address banned.
   * Defaults to {@link DEFAULT_THROTTLED_BACKOFF}.
   */
  throttledBackoff?: BackoffOptions;
}

/** What the last failure says about the wait. */
export interface RetryFailure {
  /** The exchange asked us to slow down. */
  throttled: boolean;
  /** The exchange's Retry-After, ms from now; 0 when it named none. */
  retryAfterMs: number;
}

export const DEFAULT_THROTTLED_BACKOFF: Readonly<BackoffOptions> = { baseMs: 5000, factor: 2, maxMs: 300_000, jitter: 0.25 };

const PLAIN_FAILURE: RetryFailure = { throttled: false, retryAfterMs: 0 };

/**
 * Delay in ms before retry `attempt` (1 = first retry) after `failure`: the policy's backoff (the
 * throttled one for a throttled failure), never below the Retry-After. Throws RangeError for an
 * attempt that is not an integer ≥ 1. O(1); allocates nothing.
 */
export function retryDelay(attempt: number, policy: RetryPolicy, failure: RetryFailure = PLAIN_FAILURE, random: () => number = Math.random): number {
  const backoff = failure.throttled ? (policy.throttledBackoff ?? DEFAULT_THROTTLED_BACKOFF) : policy.backoff;
  const floor = failure.retryAfterMs > 0 && failure.retryAfterMs < Infinity ? Math.ceil(failure.retryAfterMs) : 0;
  return Math.max(backoffDelay(attempt, backoff, random), floor);
}

/** A wait that `wake()` ends early. One wait at a time: a new one ends the pending one first. */
export class Sleep {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private resolve: (() => void) | undefined;

  /** Resolves after `ms`, or as soon as `wake()` is called. */
  wait(ms: number): Promise<void> {
    this.wake();
    return new Promise<void>((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(() => this.wake(), ms);
    });
  }

  /** Ends the pending wait now; nothing when none is pending. */
  wake(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const resolve = this.resolve;
    this.resolve = undefined;
    resolve?.();
  }
}
