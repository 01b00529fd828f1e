/**
 * A reader coming or going swaps a session's feed (a chart leaving a symbol the status bar shows:
 * market feed → ticker-only feed; a chart opening on it: the reverse). The status bar and the
 * watchlist read the session's one status: through the swap they go on showing the market as it
 * was, never "connecting", and see a failure only when the new feed really fails or the data
 * really stops. Fake clock: the registry's shared once-a-second tick runs only when the test moves
 * time; the old feed's close (its sockets closing) takes as long as the test says.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { TickerSnapshot } from '../../src/feeds/feed';
import { FeedOpenError } from '../../src/feeds/feedOpenError';
import type { MarketSession } from '../../src/feeds/marketSession';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import { sessionStatus } from '../../src/feeds/sessionStatus';
import type { MarketFacts } from '../../src/engine/protocol';
import { SCRIPTED_FACTS, ScriptedFeed } from '../support/scriptedFeed';

/** A plausible exchange time (the engine refuses stamps before 2009). */
const T0 = Date.UTC(2024, 7, 8, 12);
const STALE_AFTER_MS = 30_000;

/** A scripted feed whose close (a live feed's sockets closing) ends when the test says. */
class SlowClosingFeed extends ScriptedFeed {
  closeStarted = false;
  private finishClose: (() => void) | undefined;
  private readonly closeDone = new Promise<void>((resolve) => (this.finishClose = resolve));

  override async close(): Promise<void> {
    this.closeStarted = true;
    await this.closeDone;
    this.closed = true;
  }

  /** The sockets are closed. */
  closeNow(): void {
    this.finishClose?.();
  }
}

function ticker(last: number): TickerSnapshot {
  return { symbol: 'BTC/USDT', last, open24h: NaN, high24h: NaN, low24h: NaN, volume24h: NaN, changePercent24h: NaN, time: Date.now() };
}

/** Lets the session's feed change (awaits between its steps) run, timers untouched. */
async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
}

/**
 * A registry on the fake clock. `openers` scripts each feed's open in order (default: opens at
 * once). Records every status the views are told, and the status they read after each tick.
 */
function setup(openers: ((feed: ScriptedFeed) => Promise<MarketFacts>)[] = []) {
  const feeds: SlowClosingFeed[] = [];
  const registry = new SessionRegistry({
    createFeed: (key, demand) => {
      const feed = new SlowClosingFeed(key, demand, openers[feeds.length]);
      feeds.push(feed);
      return feed;
    },
    session: { timeframe: '1m', historyBars: 100, staleAfterMs: STALE_AFTER_MS, backoff: { baseMs: 2000, factor: 2, maxMs: 8000, jitter: 0 } },
  });
  const told: string[] = [];
  const shown: string[] = [];
  const watch = (session: MarketSession): void => {
    session.onStatus((status) => told.push(status.state));
  };
  /** Moves the clock `ms` (the shared tick runs each second) and notes what the views read then. */
  const pass = async (session: MarketSession, ms: number): Promise<void> => {
    for (let left = ms; left > 0; left -= 1000) {
      await vi.advanceTimersByTimeAsync(Math.min(1000, left));
      shown.push(session.latestStatus.state);
    }
  };
  /** Releases `leases`, lets every feed's sockets close, and waits for the sessions to close. */
  const finish = async (...leases: { release(): void }[]): Promise<void> => {
    for (const lease of leases) lease.release();
    await settle();
    for (const feed of feeds) feed.closeNow();
    await registry.whenClosed();
  };
  return { registry, feeds, told, shown, watch, pass, finish };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('a feed swap keeps what the status bar and the watchlist show', () => {
  test('a chart leaving (market → ticker only, the Switch Exchange case): live all through the old feed\'s slow close and the new feed\'s opening; the price is kept', async () => {
    const { registry, feeds, told, shown, watch, pass, finish } = setup();
    const chart = registry.acquire('binance', 'BTC/USDT', 'market');
    const statusBar = registry.acquire('binance', 'BTC/USDT', 'ticker');
    const session = statusBar.session;
    await settle();
    const market = feeds[0]!;
    market.sink!.status(sessionStatus('live', 'live'));
    market.sink!.ticker(ticker(100));
    market.sink!.mirrorBook([[100, 1]], [[100.5, 1]]);
    await pass(session, 1000);
    expect(session.latestStatus.state).toBe('live');
    watch(session);

    chart.release();
    await settle();
    expect(market.closeStarted).toBe(true);
    // Its sockets take a while to close; the shared tick re-derives the status meanwhile.
    await pass(session, 2000);
    market.closeNow();
    await settle();
    const tickerOnly = feeds[1]!;
    expect(tickerOnly.demand).toBe('ticker');
    expect(tickerOnly.sink).toBeDefined();
    // The new feed's streams are still opening.
    tickerOnly.sink!.status(sessionStatus('connecting', 'connecting'));
    await pass(session, 1000);
    expect(session.latestTicker?.last).toBe(100);
    tickerOnly.sink!.ticker(ticker(101));
    tickerOnly.sink!.status(sessionStatus('live', 'live'));
    await pass(session, 2000);

    expect(shown).toEqual(['live', 'live', 'live', 'live', 'live', 'live']);
    expect(told).toEqual([]);
    expect(session.latestTicker?.last).toBe(101);
    await finish(statusBar);
  });

  test('a chart joining a ticker-only session (ticker → market): the status bar never says connecting; only the chart\'s book loads (resyncing), then live', async () => {
    const { registry, feeds, told, shown, watch, pass, finish } = setup();
    const statusBar = registry.acquire('binance', 'BTC/USDT', 'ticker');
    const session = statusBar.session;
    await settle();
    const tickerOnly = feeds[0]!;
    tickerOnly.sink!.status(sessionStatus('live', 'live'));
    tickerOnly.sink!.ticker(ticker(100));
    await pass(session, 1000);
    watch(session);

    const chart = registry.acquire('binance', 'BTC/USDT', 'market');
    await settle();
    expect(tickerOnly.closeStarted).toBe(true);
    await pass(session, 2000);
    // While the old feed closes the session covers no book yet: the price is still live.
    expect(shown).toEqual(['live', 'live', 'live']);
    tickerOnly.closeNow();
    await settle();
    const market = feeds[1]!;
    expect(market.demand).toBe('market');
    expect(session.market).toBeDefined();
    market.sink!.status(sessionStatus('connecting', 'connecting'));
    market.sink!.ticker(ticker(101));
    await pass(session, 1000);
    expect(session.latestTicker?.last).toBe(101);
    market.sink!.mirrorBook([[100, 1]], [[100.5, 1]]);
    market.sink!.status(sessionStatus('live', 'live'));
    await pass(session, 1000);

    // The one status every view shows: the new chart's book is not the exchange's until its
    // snapshot came; never connecting, never reconnecting.
    expect(told).toEqual(['resyncing', 'live']);
    expect(shown.slice(3)).toEqual(['resyncing', 'live']);
    await finish(chart, statusBar);
  });

  test('a new feed that is refused shows its error to every reader at once', async () => {
    const { registry, feeds, told, watch, pass, finish } = setup([async () => SCRIPTED_FACTS, () => Promise.reject(new FeedOpenError('binance does not serve BTC/USDT tickers', false))]);
    const chart = registry.acquire('binance', 'BTC/USDT', 'market');
    const statusBar = registry.acquire('binance', 'BTC/USDT', 'ticker');
    const session = statusBar.session;
    await settle();
    feeds[0]!.sink!.status(sessionStatus('live', 'live'));
    feeds[0]!.sink!.ticker(ticker(100));
    feeds[0]!.sink!.mirrorBook([[100, 1]], [[100.5, 1]]);
    await pass(session, 1000);
    watch(session);

    chart.release();
    await settle();
    feeds[0]!.closeNow();
    await settle();
    expect(session.latestStatus.state).toBe('error');
    expect(session.latestStatus.detail).toBe('binance does not serve BTC/USDT tickers');
    expect(told).toEqual(['error']);
    await finish(statusBar);
  });

  test('a new feed that cannot connect shows reconnecting with its attempt, then live once it delivers', async () => {
    let failures = 1;
    const flaky = async (): Promise<MarketFacts> => {
      if (failures-- > 0) throw new FeedOpenError('network unreachable', true);
      return SCRIPTED_FACTS;
    };
    const { registry, feeds, told, watch, pass, finish } = setup([async () => SCRIPTED_FACTS, flaky]);
    const chart = registry.acquire('binance', 'BTC/USDT', 'market');
    const statusBar = registry.acquire('binance', 'BTC/USDT', 'ticker');
    const session = statusBar.session;
    await settle();
    feeds[0]!.sink!.status(sessionStatus('live', 'live'));
    feeds[0]!.sink!.ticker(ticker(100));
    feeds[0]!.sink!.mirrorBook([[100, 1]], [[100.5, 1]]);
    await pass(session, 1000);
    watch(session);

    chart.release();
    await settle();
    feeds[0]!.closeNow();
    await settle();
    expect(session.latestStatus.state).toBe('reconnecting');
    expect(session.latestStatus.attempt).toBe(1);
    expect(session.latestStatus.retryAt).toBe(Date.now() + 2000);
    await pass(session, 2000);
    feeds[1]!.sink!.ticker(ticker(101));
    feeds[1]!.sink!.status(sessionStatus('live', 'live'));
    expect(told).toEqual(['reconnecting', 'live']);
    await finish(statusBar);
  });

  test('a new feed that opens and never delivers: live until the stale timeout counted from the last data, then stale', async () => {
    const { registry, feeds, told, shown, watch, pass, finish } = setup();
    const chart = registry.acquire('binance', 'BTC/USDT', 'market');
    const statusBar = registry.acquire('binance', 'BTC/USDT', 'ticker');
    const session = statusBar.session;
    await settle();
    feeds[0]!.sink!.status(sessionStatus('live', 'live'));
    feeds[0]!.sink!.ticker(ticker(100));
    feeds[0]!.sink!.mirrorBook([[100, 1]], [[100.5, 1]]);
    await pass(session, 1000); // the last data is seen at this tick
    watch(session);

    chart.release();
    await settle();
    await pass(session, 5000);
    feeds[0]!.closeNow();
    await settle();
    feeds[1]!.sink!.status(sessionStatus('connecting', 'connecting'));
    await pass(session, STALE_AFTER_MS - 5000);
    expect(shown.slice(1)).toEqual(Array(STALE_AFTER_MS / 1000).fill('live'));
    await pass(session, 1000);
    expect(session.latestStatus.state).toBe('stale');
    expect(session.latestStatus.detail).toBe('no data for 31 s');
    expect(told).toEqual(['stale']);
    await finish(statusBar);
  });
});
