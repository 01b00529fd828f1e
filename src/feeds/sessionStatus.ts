/**
 * The one status of a market session, read by every view of that market (status bar, watchlist,
 * chart badge, ladder, alerts): the protocol's `StatusInfo` plus what the views add to it (which
 * streams are polled, the reconnect attempt and when the next one starts). Feeds report it; the
 * session derives what it shows from it (see `deriveSessionStatus`), so two views of one market
 * can never disagree.
 */
import type { ConnectionState, StatusInfo } from '../engine/protocol';

export interface SessionStatus extends StatusInfo {
  /** Streams polled instead of streamed (the user is told). */
  polled: readonly string[];
  /** Reconnecting or resyncing after failures: the failed attempts so far; else 0. */
  attempt: number;
  /** Epoch ms when the next attempt starts; NaN when none is scheduled. */
  retryAt: number;
}

/** What a feed reports: the same status, with the retry fields optional. */
export type FeedStatus = StatusInfo & Partial<Omit<SessionStatus, keyof StatusInfo>>;

const NO_STREAMS: readonly string[] = [];

/** A status with no retry scheduled. Allocates the object. */
export function sessionStatus(state: ConnectionState, detail: string, value = 0, polled: readonly string[] = NO_STREAMS): SessionStatus {
  return { state, detail, value, polled, attempt: 0, retryAt: NaN };
}

/**
 * Reads a feed's status as a session status: missing retry fields get 0 / NaN, a stale age is
 * rounded down to whole seconds (the badge counts seconds; the protocol's one `sameStatus`
 * compares exactly, and the detail text carries the attempt and the polled streams).
 * Allocates the result.
 */
export function toSessionStatus(status: FeedStatus): SessionStatus {
  const session: SessionStatus = {
    state: status.state,
    detail: status.detail,
    value: status.state === 'stale' ? Math.floor(status.value / 1000) * 1000 : status.value,
    polled: Array.isArray(status.polled) ? status.polled : NO_STREAMS,
    attempt: typeof status.attempt === 'number' ? status.attempt : 0,
    retryAt: typeof status.retryAt === 'number' ? status.retryAt : NaN,
  };
  if (status.backfill !== undefined) session.backfill = status.backfill;
  return session;
}

/** What the session knows besides its feed's word, for {@link deriveSessionStatus}. */
export interface SessionFacts {
  closed: boolean;
  /**
   * The session has data to show: its feed delivered some since it started, or it replaced a
   * feed that had (a reader came or went) and the new one has not spoken yet.
   */
  hasData: boolean;
  /**
   * The feed replaced a running one and is still opening (no data yet, or its streams still
   * connecting): after a re-dial (network settings) the views say reconnecting; after a reader
   * came or went they go on showing the data as live (the silence rule still applies).
   * Undefined otherwise.
   */
  replacing: 'redial' | 'demand' | undefined;
  /** The session runs an order book (a chart reads it) and the book is not the exchange's now. */
  bookResyncing: boolean;
  /** Why the book resyncs (the engine's reason); '' when unknown. */
  resyncReason: string;
  /** ms since the last data; NaN before the first. */
  silentMs: number;
  /** Past this silence a live session shows stale. */
  staleAfterMs: number;
}

/**
 * The status every view shows, from the feed's status and the session's own facts. Pure; O(1).
 * Precedence: closed, then the feed's failures (error, reconnecting, stale, connecting), then the
 * session's checks of a "live" feed: no data yet → connecting, silent too long → stale, book
 * resyncing → resyncing. A feed that replaced a running one and has not delivered yet shows as
 * reconnecting after a re-dial, and as the data it continues (live) after a reader came or went. A feed that says live can so never hide a frozen stream or a book that
 * is not the exchange's. Allocates only when the feed's status is overridden.
 */
export function deriveSessionStatus(feed: SessionStatus, facts: SessionFacts): SessionStatus {
  if (facts.closed) return feed.state === 'closed' ? feed : sessionStatus('closed', 'closed');
  const opening = feed.state === 'live' || feed.state === 'connecting';
  if (facts.replacing === 'redial' && opening) return { ...feed, state: 'reconnecting', detail: 'reconnecting with the new network settings', value: 0 };
  if (facts.replacing === 'demand' && feed.state === 'connecting') feed = { ...feed, state: 'live', detail: 'live' };
  if (feed.state !== 'live' && feed.state !== 'replay') return feed;
  if (!facts.hasData) return { ...feed, state: 'connecting', detail: 'waiting for the first data', value: 0 };
  if (feed.state === 'live' && facts.silentMs > facts.staleAfterMs) {
    const seconds = Math.floor(facts.silentMs / 1000);
    return { ...feed, state: 'stale', detail: `no data for ${seconds} s`, value: seconds * 1000 };
  }
  if (facts.bookResyncing) {
    const why = facts.resyncReason || 'waiting for the order book snapshot';
    return { ...feed, state: 'resyncing', detail: `resyncing the order book: ${why}`, value: 0 };
  }
  return feed;
}
