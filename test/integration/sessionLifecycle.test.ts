/**
 * One lifecycle, one status: every view of a market (status bar, watchlist, chart badge, ladder)
 * reads the session's one derived status, so they cannot disagree; a silent or resyncing market
 * says so even when its feed says "live"; network changes re-dial in place (readers keep their
 * session); venues retired by new settings close only when their last feed lets go.
 */
import { describe, expect, test } from 'vitest';
import { EventKind, MarketEvent, TakerSide } from '../../src/engine/events';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { TickerFormatter } from '../../src/extension/statusBar/tickerText';
import { CcxtLiveSource } from '../../src/feeds/ccxt/ccxtLiveSource';
import type { MarketSession } from '../../src/feeds/marketSession';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import { SCRIPTED_FACTS, ScriptedFeed } from '../support/scriptedFeed';
import { deriveSessionStatus, sessionStatus, type SessionFacts } from '../../src/feeds/sessionStatus';

const FACTS = SCRIPTED_FACTS;

function setup() {
  const feeds: ScriptedFeed[] = [];
  const registry = new SessionRegistry({
    createFeed: (key, demand) => {
      const feed = new ScriptedFeed(key, demand);
      feeds.push(feed);
      return feed;
    },
    session: { timeframe: '1m', historyBars: 100, staleAfterMs: 30_000, backoff: { baseMs: 5, factor: 2, maxMs: 50, jitter: 0 } },
  });
  return { registry, feeds };
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  if (!check()) throw new Error(`never: ${what}`);
}

function trade(time: number, price: number): MarketEvent {
  const event = new MarketEvent();
  event.reset(EventKind.Trade);
  event.time = time;
  event.price = price;
  event.amount = 1;
  event.takerSide = TakerSide.Buy;
  return event;
}

/** What each view shows of the session, computed the way each view computes it. */
function views(session: MarketSession, builder: FrameBuilder, formatter: TickerFormatter, frameId: number) {
  const status = session.latestStatus;
  const frame = builder.buildFrame(frameId, status, 0, () => 0);
  const statusBar = formatter.format(
    { exchange: 'fake', symbol: 'BTC/USDT', last: 100, changePercent24h: 0, high24h: NaN, low24h: NaN, volume24h: NaN, pricePrecision: 1, ageMs: 0, state: status.state, detail: status.detail },
    'price',
  );
  return {
    badge: frame?.status?.state ?? status.state,
    statusBar: statusBar.state,
    ladderValid: frame?.book ? frame.book.valid : session.market!.bookIsShowable(),
  };
}

describe('one status for every view of a market', () => {
  test('resync, recovery and silence: the status bar, badge and ladder agree at every step', async () => {
    const { registry, feeds } = setup();
    const lease = registry.acquire('fake', 'BTC/USDT', 'market');
    const session = lease.session;
    await session.whenReady();
    await until('started', () => feeds[0]?.sink !== undefined);
    const sink = feeds[0]!.sink!;
    const builder = new FrameBuilder(session.market!, FACTS, { panel: { exchange: 'fake', symbol: 'BTC/USDT' } });
    builder.buildInit(session.latestStatus);
    const formatter = new TickerFormatter();
    let id = 0;
    const seen: ReturnType<typeof views>[] = [];
    const check = (expected: string): void => {
      const v = views(session, builder, formatter, ++id);
      seen.push(v);
      expect(v.badge).toBe(expected);
      expect(v.statusBar).toBe(expected);
      // The ladder shows the book as the exchange's exactly when no view says resyncing.
      expect(v.ladderValid).toBe(expected !== 'resyncing');
    };

    sink.status(sessionStatus('live', 'live'));
    expect(session.latestStatus.state).toBe('connecting'); // live, but nothing came yet
    const now = Date.now();
    sink.event(trade(now, 100));
    // The feed says live, the book has no snapshot yet: every view says resyncing.
    check('resyncing');
    sink.mirrorBook([[100, 1], [99.5, 2]], [[100.5, 3]]);
    check('live');
    sink.bookResync('a gap in the diff sequence');
    check('resyncing');
    expect(session.latestStatus.detail).toContain('a gap in the diff sequence');
    sink.mirrorBook([[100, 1]], [[100.5, 3]]);
    check('live');
    // Silence: the feed keeps saying live, the session's shared tick turns it stale.
    session.tick(now);
    session.tick(now + 31_000);
    check('stale');
    expect(session.latestStatus.detail).toBe('no data for 31 s');
    sink.event(trade(now + 31_500, 101));
    session.tick(now + 32_000);
    check('live');
    // The feed reconnects with the book still held: the ladder hides it as the badge says why.
    sink.status(sessionStatus('reconnecting', 'book: socket closed; reconnecting'));
    expect(session.market!.bookIsShowable()).toBe(true);
    const v = views(session, builder, formatter, ++id);
    expect([v.badge, v.statusBar, v.ladderValid]).toEqual(['reconnecting', 'reconnecting', false]);
    sink.status(sessionStatus('live', 'live'));
    check('live');
    expect(seen.length).toBe(7);
    lease.release();
    await registry.whenClosed();
  });

  test('a feed that fails or reconnects is shown as such, whatever the book says', () => {
    const facts: SessionFacts = { closed: false, hasData: true, bookResyncing: true, resyncReason: 'x', silentMs: 99_000, staleAfterMs: 30_000, replacing: undefined };
    for (const state of ['error', 'reconnecting', 'stale', 'connecting', 'paused'] as const) {
      expect(deriveSessionStatus(sessionStatus(state, state), facts).state).toBe(state);
    }
    expect(deriveSessionStatus(sessionStatus('live', 'live'), { ...facts, closed: true }).state).toBe('closed');
    // A replay is never stale (its clock is the file's), but its book can resync.
    expect(deriveSessionStatus(sessionStatus('replay', 'replay'), facts).state).toBe('resyncing');
  });
});

describe('a live exchange is held to the wall clock', () => {
  test('after the shared tick, a trade stamped an hour ahead opens no bar and is counted; a replay-like feed keeps its own clock', async () => {
    for (const realTime of [true, false]) {
      const feeds: ScriptedFeed[] = [];
      const registry = new SessionRegistry({
        createFeed: (key) => {
          const feed = Object.assign(new ScriptedFeed(key, 'market'), { realTime });
          feeds.push(feed);
          return feed;
        },
        session: { timeframe: '1m', historyBars: 100 },
      });
      const lease = registry.acquire('fake', 'BTC/USDT', 'market');
      await lease.session.whenReady();
      await until('started', () => feeds[0]?.sink !== undefined);
      const now = Date.now();
      lease.session.tick(now);
      feeds[0]!.sink!.event(trade(now + 3_600_000, 100));
      const market = lease.session.market!;
      expect(market.stats.badTimes).toBe(realTime ? 1 : 0);
      expect(market.candles.count).toBe(realTime ? 0 : 1);
      lease.release();
      await registry.whenClosed();
    }
  });
});

describe('network settings re-dial in place', () => {
  test('the session keeps its readers, shows reconnecting, then runs on a new feed; other exchanges are untouched', async () => {
    const { registry, feeds } = setup();
    const chart = registry.acquire('fake', 'BTC/USDT', 'market');
    const ticker = registry.acquire('fake', 'BTC/USDT', 'ticker');
    const other = registry.acquire('other', 'ETH/USDT', 'ticker');
    await until('both started', () => feeds.length === 2 && feeds.every((f) => f.sink !== undefined));
    const [first, otherFeed] = [feeds.find((f) => f.key.exchange === 'fake')!, feeds.find((f) => f.key.exchange === 'other')!];
    first.sink!.status(sessionStatus('live', 'live'));
    first.sink!.event(trade(Date.now(), 100));
    const states: string[] = [];
    chart.session.onStatus((s) => states.push(s.state));

    expect(registry.redial(new Set(['fake']), 'the network settings changed')).toBe(1);
    await until('re-dialled', () => feeds.length === 3 && feeds[2]!.sink !== undefined);
    expect(first.closed).toBe(true);
    expect(otherFeed.closed).toBe(false);
    expect(chart.session).toBe(ticker.session);
    expect(registry.find('fake', 'BTC/USDT')).toBe(chart.session);
    expect(chart.session.leaseCount).toBe(2);
    // Data can come before the new feed's first word: still reconnecting.
    feeds[2]!.sink!.ticker({ symbol: 'BTC/USDT', last: 100, open24h: NaN, high24h: NaN, low24h: NaN, volume24h: NaN, changePercent24h: NaN, time: Date.now() });
    expect(chart.session.latestStatus.state).toBe('reconnecting');
    // The new feed opens, then is up but has delivered nothing: still reconnecting, never "connecting".
    feeds[2]!.sink!.status(sessionStatus('connecting', 'connecting'));
    expect(chart.session.latestStatus.state).toBe('reconnecting');
    // Data from its first stream while the others still open: still reconnecting.
    feeds[2]!.sink!.mirrorBook([[100, 1]], [[100.5, 1]]);
    expect(chart.session.latestStatus.state).toBe('reconnecting');
    feeds[2]!.sink!.status(sessionStatus('live', 'live'));
    expect(chart.session.latestStatus.state).toBe('live');
    expect(states.filter((state, i) => state !== states[i - 1])).toEqual(['reconnecting', 'live']);
    chart.release();
    ticker.release();
    other.release();
    await registry.whenClosed();
  });

  test('a reader leaving (chart closed, ticker stays) swaps the feed without a "connecting" blip; silence still turns it stale', async () => {
    const { registry, feeds } = setup();
    const chart = registry.acquire('fake', 'BTC/USDT', 'market');
    const ticker = registry.acquire('fake', 'BTC/USDT', 'ticker');
    await until('started', () => feeds[0]?.sink !== undefined);
    const now = Date.now();
    feeds[0]!.sink!.status(sessionStatus('live', 'live'));
    feeds[0]!.sink!.ticker({ symbol: 'BTC/USDT', last: 100, open24h: NaN, high24h: NaN, low24h: NaN, volume24h: NaN, changePercent24h: NaN, time: now });
    feeds[0]!.sink!.mirrorBook([[100, 1]], [[100.5, 1]]);
    ticker.session.tick(now);
    expect(ticker.session.latestStatus.state).toBe('live');
    const states: string[] = [];
    ticker.session.onStatus((s) => states.push(s.state));
    chart.release();
    await until('ticker-only feed started', () => feeds.length === 2 && feeds[1]!.sink !== undefined);
    expect(feeds[0]!.closed).toBe(true);
    expect(feeds[1]!.demand).toBe('ticker');
    expect(ticker.session.latestStatus.state).toBe('live');
    // A feed says connecting while its streams open: the price it continues stays live.
    feeds[1]!.sink!.status(sessionStatus('connecting', 'connecting'));
    expect(ticker.session.latestStatus.state).toBe('live');
    expect(ticker.session.latestTicker?.last).toBe(100);
    // The new feed never speaks: past the stale timeout from the last data, every view says stale.
    ticker.session.tick(now + 31_000);
    expect(ticker.session.latestStatus.state).toBe('stale');
    expect(states).toEqual(['stale']);
    ticker.release();
    await registry.whenClosed();
  });

  test('a slow swap with the shared tick in between never shows connecting; a replaced feed\'s late words are dropped', async () => {
    let release: (() => void) | undefined;
    const feeds: ScriptedFeed[] = [];
    const registry = new SessionRegistry({
      createFeed: (key, demand) => {
        // The second feed (ticker only) opens slowly.
        const slow = feeds.length > 0;
        const feed = new ScriptedFeed(key, demand, () => (slow ? new Promise((resolve) => (release = () => resolve(FACTS))) : Promise.resolve(FACTS)));
        feeds.push(feed);
        return feed;
      },
      session: { timeframe: '1m', historyBars: 100, staleAfterMs: 30_000 },
    });
    const chart = registry.acquire('fake', 'BTC/USDT', 'market');
    const ticker = registry.acquire('fake', 'BTC/USDT', 'ticker');
    await until('started', () => feeds[0]?.sink !== undefined);
    const first = feeds[0]!.sink!;
    first.status(sessionStatus('live', 'live'));
    first.mirrorBook([[100, 1]], [[100.5, 1]]);
    const session = ticker.session;
    session.tick(Date.now());
    const states: string[] = [];
    session.onStatus((s) => states.push(s.state));
    chart.release();
    await until('the slow open began', () => release !== undefined);
    session.tick(Date.now() + 1000);
    // The chart switches timeframe while the next feed opens: that feed is asked for it.
    expect(session.setTimeframe('5m')).toBeUndefined();
    release!();
    await until('ticker feed started', () => feeds[1]!.sink !== undefined);
    expect(feeds[1]!.target?.timeframe === '5m' || feeds[1]!.timeframes.includes('5m')).toBe(true);
    // The old feed is closed; whatever it still says is not the session's.
    first.status(sessionStatus('closed', 'closed'));
    first.ticker({ symbol: 'BTC/USDT', last: 1, open24h: NaN, high24h: NaN, low24h: NaN, volume24h: NaN, changePercent24h: NaN, time: Date.now() });
    expect(session.latestTicker?.last).not.toBe(1);
    feeds[1]!.sink!.status(sessionStatus('connecting', 'connecting'));
    expect(states).not.toContain('connecting');
    expect(states).not.toContain('closed');
    expect(session.latestStatus.state).toBe('live');
    ticker.release();
    await registry.whenClosed();
  });

  test('a feed that throws on start leaves an error naming it, and the next reader change tries again', async () => {
    let throwOnStart = true;
    const feeds: ScriptedFeed[] = [];
    const registry = new SessionRegistry({
      createFeed: (key, demand) => {
        const feed = new ScriptedFeed(key, demand);
        if (throwOnStart) feed.start = () => {
          throw new Error('start exploded');
        };
        feeds.push(feed);
        return feed;
      },
      session: { timeframe: '1m', historyBars: 100 },
    });
    const lease = registry.acquire('fake', 'BTC/USDT', 'ticker');
    await until('the error', () => lease.session.latestStatus.state === 'error');
    expect(lease.session.latestStatus.detail).toContain('start exploded');
    throwOnStart = false;
    const chart = registry.acquire('fake', 'BTC/USDT', 'market');
    await until('the next feed started', () => feeds.length === 2 && feeds[1]!.sink !== undefined);
    chart.release();
    lease.release();
    await registry.whenClosed();
    expect(lease.session.latestStatus.state).toBe('closed');
  });

  test('a venue whose last feed let go is kept for a while: a chart reopened takes it back, markets and all', async () => {
    const source = new CcxtLiveSource({ venueIdleMs: 60_000 });
    const venue = await source.acquireVenue('binance');
    await source.releaseVenue(venue);
    expect(await source.acquireVenue('binance')).toBe(venue);
    await source.releaseVenue(venue);
    // Retired while idle (new endpoints): nothing will take it back, it goes now.
    let closed = 0;
    const close = venue.close.bind(venue);
    venue.close = () => (closed++, close());
    source.reconfigure({ venueIdleMs: 60_000, exchanges: { binance: { rateLimit: 20 } } });
    expect(closed).toBe(1);
    expect(await source.acquireVenue('binance')).not.toBe(venue);
    await source.close();
  });

  test('the live source retires only the venues whose connection changed; a retired venue closes with its last feed', async () => {
    const source = new CcxtLiveSource({});
    const binance = await source.acquireVenue('binance');
    const okx = await source.acquireVenue('okx');
    let closed = 0;
    const close = binance.close.bind(binance);
    binance.close = () => {
      closed++;
      return close();
    };
    // An endpoint for binance only: okx keeps its sockets.
    expect([...source.reconfigure({ exchanges: { binance: { urls: { api: { public: 'http://127.0.0.1:1/api' } } } } }, ['kraken'])]).toEqual(['binance']);
    const fresh = await source.acquireVenue('binance');
    expect(fresh).not.toBe(binance);
    expect(await source.acquireVenue('okx')).toBe(okx);
    expect(closed).toBe(0); // still read by its feed
    await source.releaseVenue(binance);
    expect(closed).toBe(1);
    // The same settings again change nothing.
    expect(source.reconfigure({ exchanges: { binance: { urls: { api: { public: 'http://127.0.0.1:1/api' } } } } }).size).toBe(0);
    // A proxy reaches every exchange in use, with a venue or between attempts.
    expect([...source.reconfigure({ proxy: { httpProxy: 'http://127.0.0.1:3128' } }, ['kraken'])].sort()).toEqual(['binance', 'kraken', 'okx']);
    await source.close();
  });
});
