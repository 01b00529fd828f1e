/**
 * A recording replayed through a session as Replay Recording does, for the tests that compare a
 * replay with the live session it recorded.
 */
import type { MarketFacts } from '../../src/engine/protocol';
import type { MarketSession } from '../../src/feeds/marketSession';
import { ReplayFeed } from '../../src/feeds/replay/replayFeed';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import type { SessionStatus } from '../../src/feeds/sessionStatus';

/** Book rows [price, size], best first. */
export type Book = { bids: number[][]; asks: number[][] };

/** The session's book, `depth` rows a side at most. */
export function bookOf(session: MarketSession, depth = Infinity): Book {
  const book = session.market!.book;
  const side = (s: typeof book.bids): number[][] => {
    const rows: number[][] = [];
    for (let i = s.count - 1; i >= 0 && rows.length < depth; i--) rows.push([s.prices[i]!, s.sizes[i]!]);
    return rows;
  };
  return { bids: side(book.bids), asks: side(book.asks) };
}

/** Polls `check` every 10 ms; throws naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Replayed {
  wallMs: number;
  /** Samples (every 10 ms) with trades played but no book shown. */
  bookMissing: number;
  /** What the replay reported (onProblem). */
  problems: string[];
  book: Book;
  top20: Book;
  trades: number;
  lastPrice: number;
  /** The session's status once it said the replay finished. */
  status: SessionStatus;
  /** The market facts the replay opened with (tick size, precisions the views show). */
  facts: MarketFacts;
}

/**
 * Replays `path` at `speed` through a session keyed by the path, the recording's own market
 * playing (as the replay controller does), until it finished and the session's status says so.
 */
export async function replayRecording(path: string, speed: number, timeoutMs: number): Promise<Replayed> {
  const problems: string[] = [];
  const registry = new SessionRegistry({
    createFeed: (key) => {
      const feed = new ReplayFeed(key.symbol, { speed, onProblem: (p) => problems.push(p.message) });
      const open = feed.open.bind(feed);
      feed.open = (target) => open({ ...target, symbol: '' });
      return feed;
    },
    session: { timeframe: '1m', historyBars: 0 },
  });
  const lease = registry.acquire('replay', path);
  const session = lease.session;
  try {
    await session.whenReady();
    const started = performance.now();
    let bookMissing = 0;
    await until(
      'the replay to finish',
      () => {
        const market = session.market;
        if (market !== undefined && market.stats.byKind.trades > 0 && !market.bookIsShowable()) bookMissing++;
        return (session.currentFeed as ReplayFeed).progress().finished;
      },
      timeoutMs,
    );
    const wallMs = performance.now() - started;
    // Every view reads the session's one status: it says finished.
    await until('the finished status', () => session.latestStatus.state === 'finished' && /replay finished/.test(session.latestStatus.detail), 10_000);
    const market = session.market!;
    return { wallMs, bookMissing, problems, book: bookOf(session), top20: bookOf(session, 20), trades: market.stats.byKind.trades, lastPrice: market.lastPrice, status: session.latestStatus, facts: session.facts! };
  } finally {
    lease.release();
    await registry.dispose();
  }
}
