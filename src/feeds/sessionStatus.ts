/**
 * The status a market session reports: the feed's status plus, while reconnecting, which attempt
 * this is and when the next one starts (the badge shows "reconnecting (attempt 3, next in 4 s)").
 */
import type { FeedStatus } from './feed';

export interface SessionStatus extends FeedStatus {
  /** Reconnecting or resyncing after failures: the failed attempts so far; else 0. */
  attempt: number;
  /** Epoch ms when the next attempt starts; NaN when none is scheduled. */
  retryAt: number;
}

/** A status with no retry scheduled. Allocates the object. */
export function sessionStatus(state: FeedStatus['state'], detail: string, value = 0, polled: readonly string[] = []): SessionStatus {
  return { state, detail, value, polled, attempt: 0, retryAt: NaN };
}

/** Reads a feed's status as a session status (feeds that do not report retries get 0 / NaN). */
export function toSessionStatus(status: FeedStatus): SessionStatus {
  const extra = status as Partial<SessionStatus>;
  return {
    state: status.state,
    detail: status.detail,
    value: status.value,
    polled: status.polled,
    attempt: typeof extra.attempt === 'number' ? extra.attempt : 0,
    retryAt: typeof extra.retryAt === 'number' ? extra.retryAt : NaN,
  };
}

/** True when two statuses would show the same badge (the stale age counts to the second). O(polled). */
export function sameStatus(a: SessionStatus, b: SessionStatus): boolean {
  return (
    a.state === b.state &&
    a.detail === b.detail &&
    Math.floor(a.value / 1000) === Math.floor(b.value / 1000) &&
    a.attempt === b.attempt &&
    (a.retryAt === b.retryAt || (a.retryAt !== a.retryAt && b.retryAt !== b.retryAt)) &&
    a.polled.length === b.polled.length &&
    a.polled.every((name, i) => name === b.polled[i])
  );
}
