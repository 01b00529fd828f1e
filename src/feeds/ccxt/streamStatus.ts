/**
 * One stream's status (book, trades, candles, ticker) and how a feed with several streams shows
 * them as one badge: the most urgent state wins.
 */
import type { ConnectionState } from '../../engine/protocol';
import type { SessionStatus } from '../sessionStatus';

/** A stream's status: a session status without the polled list (the feed adds it). */
export type StreamStatus = Omit<SessionStatus, 'polled'>;

/** How urgent a state is for the badge: higher wins. */
const URGENCY: Readonly<Record<ConnectionState, number>> = {
  error: 8,
  reconnecting: 7,
  resyncing: 6,
  stale: 5,
  connecting: 4,
  paused: 3,
  finished: 2,
  replay: 2,
  live: 1,
  closed: 0,
};

/**
 * The feed's status from its streams' (empty → connecting): the most urgent stream's state,
 * detail, age and retry; all live → "live", naming the polled streams. O(streams); allocates
 * the result.
 */
export function aggregateStatus(streams: readonly StreamStatus[], polled: readonly string[]): SessionStatus {
  let worst: StreamStatus | undefined;
  for (const stream of streams) if (worst === undefined || URGENCY[stream.state] > URGENCY[worst.state]) worst = stream;
  if (worst === undefined) return { state: 'connecting', detail: 'connecting', value: 0, attempt: 0, retryAt: NaN, polled };
  if (worst.state === 'live') {
    const detail = polled.length > 0 ? `live (polling ${polled.join(', ')})` : 'live';
    return { state: 'live', detail, value: 0, attempt: 0, retryAt: NaN, polled };
  }
  return { ...worst, polled };
}
