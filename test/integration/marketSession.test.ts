/**
 * Market sessions and the registry with a scripted feed (no network): leases and reference
 * counting, demand (ticker only vs whole market), the sink into the engine, status events,
 * retries of a failed open, and closing.
 */
import { describe, expect, test } from 'vitest';
import { EventKind, MarketEvent, TakerSide } from '../../src/engine/events';
import type { MarketFacts } from '../../src/engine/protocol';
import type { TickerSnapshot } from '../../src/feeds/feed';
import { FeedOpenError } from '../../src/feeds/feedOpenError';
import type { MarketSession } from '../../src/feeds/marketSession';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import { SCRIPTED_FACTS, ScriptedFeed } from '../support/scriptedFeed';
import type { SessionStatus } from '../../src/feeds/sessionStatus';

/** A plausible exchange time (the engine refuses stamps before 2009). */
const T0 = Date.UTC(2024, 7, 8);
const FACTS = SCRIPTED_FACTS;

function setup(opener: (feed: ScriptedFeed) => Promise<MarketFacts> = async () => FACTS, backoffMs = 5) {
  const feeds: ScriptedFeed[] = [];
  const registry = new SessionRegistry({
    createFeed: (key, demand) => {
      const feed = new ScriptedFeed(key, demand, opener);
      feeds.push(feed);
      return feed;
    },
    session: { timeframe: '1m', historyBars: 300, backoff: { baseMs: backoffMs, factor: 2, maxMs: 50, jitter: 0 } },
  });
  return { registry, feeds };
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  if (!check()) throw new Error(`never: ${what}`);
}

function trade(time: number, price: number, amount: number): MarketEvent {
  const event = new MarketEvent();
  event.reset(EventKind.Trade);
  event.time = time;
  event.price = price;
  event.amount = amount;
  event.takerSide = TakerSide.Buy;
  return event;
}

function status(state: SessionStatus['state'], detail: string, extra: Partial<SessionStatus> = {}): SessionStatus {
  return { state, detail, value: 0, polled: [], attempt: 0, retryAt: NaN, ...extra };
}

describe('market sessions', () => {
  test('one session per (exchange, symbol), shared by every lease', async () => {
    const { registry, feeds } = setup();
    const a = registry.acquire('fake', 'BTC/USDT');
    const b = registry.acquire('fake', 'BTC/USDT');
    const c = registry.acquire('fake', 'ETH/USDT');
    expect(a.session).toBe(b.session);
    expect(c.session).not.toBe(a.session);
    expect(registry.size).toBe(2);
    expect(registry.find('fake', 'BTC/USDT')).toBe(a.session);
    await a.session.whenReady();
    expect(feeds.filter((feed) => feed.key.symbol === 'BTC/USDT')).toHaveLength(1);
    expect(feeds[0]!.target).toEqual({ exchange: 'fake', symbol: 'BTC/USDT', timeframe: '1m', historyBars: 300 });
    await registry.dispose();
    expect(feeds.every((feed) => feed.closed)).toBe(true);
    expect(registry.size).toBe(0);
  });

  test('the sink feeds the engine market: trades, mirrored book, resync, history of its timeframe only', async () => {
    const { registry, feeds } = setup();
    const lease = registry.acquire('fake', 'BTC/USDT');
    const session = lease.session;
    const markets: unknown[] = [];
    session.onMarket((market) => markets.push(market));
    expect(await session.whenReady()).toEqual(FACTS);
    await until('started', () => feeds[0]!.sink !== undefined);
    const market = session.market!;
    expect(markets).toEqual([market]);
    expect(market.options.tickSize).toBe(0.5);
    const sink = feeds[0]!.sink!;
    sink.event(trade(T0 + 120_000, 100, 1));
    sink.event(trade(T0 + 121_000, 101, 2));
    expect(market.stats.byKind.trades).toBe(2);
    sink.mirrorBook([[100, 1], [99.5, 2]], [[100.5, 3]]);
    expect(market.bookIsShowable()).toBe(true);
    expect(market.book.bestBid()).toBe(100);
    sink.bookResync('gap');
    expect(market.bookIsShowable()).toBe(false);
    sink.history('5m', [[T0, 1, 1, 1, 1, 1]]);
    expect(market.candles.count).toBe(1);
    sink.history('1m', [[T0 + 60_000, 90, 95, 89, 94, 10]]);
    expect(market.candles.count).toBe(2);
    lease.release();
    await registry.whenClosed();
  });

  test('tickers and status events reach listeners; repeated statuses are not repeated; closing ends with "closed"', async () => {
    const { registry, feeds } = setup();
    const lease = registry.acquire('fake', 'BTC/USDT', 'ticker');
    const session = lease.session;
    const statuses: SessionStatus[] = [];
    const tickers: TickerSnapshot[] = [];
    session.onStatus((s) => statuses.push(s));
    session.onTicker(() => {
      throw new Error('a broken listener');
    });
    session.onTicker((t) => tickers.push(t));
    await until('started', () => feeds[0]?.sink !== undefined);
    const sink = feeds[0]!.sink!;
    const ticker: TickerSnapshot = { symbol: 'BTC/USDT', last: 1, open24h: 1, high24h: 1, low24h: 1, volume24h: 1, changePercent24h: 0, time: 1 };
    sink.ticker(ticker);
    expect(session.latestTicker).toBe(ticker);
    expect(tickers).toEqual([ticker]);
    sink.status(status('live', 'live'));
    sink.status(status('live', 'live'));
    sink.status(status('reconnecting', 'book: closed; reconnecting (attempt 2, next in 0.4 s)', { attempt: 2, retryAt: 1234 }));
    sink.status({ state: 'stale', detail: 'stale', value: 2500, polled: ['ticker'] }); // a feed without retry fields
    expect(statuses.map((s) => s.state)).toEqual(['connecting', 'live', 'reconnecting', 'stale']);
    expect(statuses[0]!.detail).toBe('connecting to fake BTC/USDT');
    expect(statuses[2]).toMatchObject({ attempt: 2, retryAt: 1234 });
    expect(statuses[3]).toMatchObject({ value: 2000, attempt: 0, polled: ['ticker'] }); // the age in whole seconds
    expect(session.market).toBeUndefined(); // ticker-only readers never build the engine market
    lease.release();
    await registry.whenClosed();
    expect(statuses.at(-1)!.state).toBe('closed');
    expect(feeds[0]!.closed).toBe(true);
    sink.ticker(ticker); // a late push after close is ignored
    expect(tickers).toHaveLength(1);
  });

  test('demand follows the leases: ticker → market → ticker → none, each with the feed it needs', async () => {
    const { registry, feeds } = setup();
    const changes: string[] = [];
    registry.onDidChange((s) => changes.push(`${s.key.symbol} ${s.closed ? 'closed' : 'open'}`));
    const statusBar = registry.acquire('fake', 'BTC/USDT', 'ticker');
    const session = statusBar.session;
    await until('ticker feed started', () => feeds[0]?.sink !== undefined);
    expect(feeds.map((f) => f.demand)).toEqual(['ticker']);
    const panel = registry.acquire('fake', 'BTC/USDT', 'market');
    expect(session.demand).toBe('market');
    await until('market feed started', () => feeds[1]?.sink !== undefined);
    expect(feeds[0]!.closed).toBe(true);
    expect(feeds[1]!.demand).toBe('market');
    const market = session.market!;
    expect(market).toBeDefined();
    panel.release();
    await until('back to a ticker feed', () => feeds[2]?.sink !== undefined);
    expect(feeds[1]!.closed).toBe(true);
    expect(feeds[2]!.demand).toBe('ticker');
    expect(session.market).toBe(market); // kept, book marked resyncing
    expect(market.bookIsShowable()).toBe(false);
    statusBar.release();
    statusBar.release();
    await registry.whenClosed();
    expect(feeds.every((f) => f.closed)).toBe(true);
    expect(session.closed).toBe(true);
    expect(() => session.acquire()).toThrow(/closed/);
    expect(changes).toEqual(['BTC/USDT open', 'BTC/USDT closed']);
    // a new reader gets a new session
    const again = registry.acquire('fake', 'BTC/USDT');
    expect(again.session).not.toBe(session);
    again.release();
    await registry.whenClosed();
  });

  test('a retryable open failure retries with backoff (reconnecting, attempt, retry time), then opens', async () => {
    let failures = 2;
    const { registry, feeds } = setup(async () => {
      if (failures-- > 0) throw new FeedOpenError('binance: could not load its markets: connection refused', true);
      return FACTS;
    });
    const lease = registry.acquire('fake', 'BTC/USDT');
    const seen: SessionStatus[] = [];
    lease.session.onStatus((s) => seen.push(s));
    await lease.session.whenReady();
    await until('started', () => feeds[0]?.sink !== undefined);
    const retries = seen.filter((s) => s.state === 'reconnecting');
    expect(retries.map((s) => s.attempt)).toEqual([1, 2]);
    expect(retries[0]!.detail).toBe('binance: could not load its markets: connection refused; reconnecting (attempt 1, next in 0.0 s)');
    expect(retries.every((s) => s.retryAt > 0)).toBe(true);
    expect(feeds).toHaveLength(1);
    lease.release();
    await registry.whenClosed();
  });

  test('a refused open stops with the message; whenReady rejects; the feed is closed', async () => {
    const { registry, feeds } = setup(async (feed) => {
      throw new FeedOpenError(`binance does not list symbol ${feed.key.symbol}`, false);
    });
    const lease = registry.acquire('binance', 'FOO/BAR');
    await expect(lease.session.whenReady()).rejects.toThrow('binance does not list symbol FOO/BAR');
    expect(lease.session.latestStatus).toMatchObject({ state: 'error', detail: 'binance does not list symbol FOO/BAR' });
    expect(feeds[0]!.closed).toBe(true);
    expect(feeds[0]!.sink).toBeUndefined();
    // another reader with the same need does not try again
    const second = registry.acquire('binance', 'FOO/BAR');
    await second.session.whenIdle();
    expect(feeds).toHaveLength(1);
    expect(second.session.latestStatus.state).toBe('error');
    second.release();
    lease.release();
    await registry.whenClosed();
  });

  test('released while opening: the feed is closed and never started', async () => {
    let finishOpen!: (facts: MarketFacts) => void;
    const { registry, feeds } = setup(() => new Promise((resolve) => (finishOpen = resolve)));
    const lease = registry.acquire('fake', 'BTC/USDT');
    await until('opening', () => feeds.length === 1 && finishOpen !== undefined);
    lease.release();
    finishOpen(FACTS);
    await registry.whenClosed();
    expect(feeds[0]!.closed).toBe(true);
    expect(feeds[0]!.sink).toBeUndefined();
    await expect(lease.session.whenReady()).rejects.toThrow(/closed before its market opened/);
  });

  test('timeframe: the market starts a new series and the feed is asked for its history', async () => {
    const { registry, feeds } = setup();
    const lease = registry.acquire('fake', 'BTC/USDT');
    const session: MarketSession = lease.session;
    await until('started', () => feeds[0]?.sink !== undefined);
    feeds[0]!.sink!.event(trade(T0 + 120_000, 100, 1));
    expect(session.setTimeframe('15m')).toBeUndefined();
    expect(session.timeframe).toBe('15m');
    expect(session.market!.candles.timeframe).toBe('15m');
    expect(session.market!.candles.count).toBe(0);
    expect(feeds[0]!.timeframes).toEqual(['15m']);
    expect(session.setTimeframe('1M')?.message).toMatch(/Unsupported timeframe "1M"/);
    expect(session.timeframe).toBe('15m');
    lease.release();
    await registry.whenClosed();
  });
});
