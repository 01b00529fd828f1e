/**
 * Exponential backoff with jitter for reconnecting feeds: the delay before retry `attempt` is
 * `base · factor^(attempt − 1)`, capped at `max`, then spread by ±`jitter` so that many clients
 * dropped at once do not redial in lockstep.
 */

export interface BackoffOptions {
  /** Delay before the first retry, ms (> 0). */
  baseMs: number;
  /** Growth per attempt (≥ 1). */
  factor: number;
  /** Ceiling, ms (≥ baseMs); the jittered delay never exceeds it. */
  maxMs: number;
  /** Relative spread in [0, 1): the delay is scaled by a uniform factor in [1 − jitter, 1 + jitter]. */
  jitter: number;
}

export const DEFAULT_BACKOFF_OPTIONS: Readonly<BackoffOptions> = { baseMs: 500, factor: 2, maxMs: 30_000, jitter: 0.25 };

/** Throws RangeError naming the bad field (configuration, not events). O(1). */
export function checkBackoffOptions(options: BackoffOptions): void {
  const { baseMs, factor, maxMs, jitter } = options;
  if (!(baseMs > 0 && baseMs < Infinity)) throw new RangeError(`backoff baseMs must be a positive number of ms, got ${String(baseMs)}`);
  if (!(factor >= 1 && factor < Infinity)) throw new RangeError(`backoff factor must be ≥ 1, got ${String(factor)}`);
  if (!(maxMs >= baseMs && maxMs < Infinity)) throw new RangeError(`backoff maxMs must be ≥ baseMs (${baseMs}), got ${String(maxMs)}`);
  if (!(jitter >= 0 && jitter < 1)) throw new RangeError(`backoff jitter must be in [0, 1), got ${String(jitter)}`);
}

/**
 * Delay in ms before retry `attempt` (1 = first retry). `random` returns a number in [0, 1).
 * Throws RangeError for an attempt that is not an integer ≥ 1. O(1); allocates nothing.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`backoff attempt must be an integer ≥ 1, got ${String(attempt)}`);
  // factor^n may overflow to Infinity for absurd attempt counts; the cap then applies.
  const raw = Math.min(options.maxMs, options.baseMs * Math.pow(options.factor, attempt - 1));
  const spread = 1 + options.jitter * (2 * random() - 1);
  return Math.min(options.maxMs, Math.max(0, Math.round(raw * spread)));
}
