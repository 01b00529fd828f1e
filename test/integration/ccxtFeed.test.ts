/**
 * The live ccxt feed and market sessions against the local fake exchange (real ccxt, real
 * sockets), with the shortened timers of `fakeLiveOptions`.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FakeExchange } from '../fakeExchange/FakeExchange';
import { fakeLiveOptions, waitFor } from '../support/fakeLiveFeed';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { CcxtLiveSource } from '../../src/feeds/ccxt/ccxtLiveSource';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import type { MarketSession, SessionLease } from '../../src/feeds/marketSession';
import type { SessionStatus } from '../../src/feeds/sessionStatus';
import { CandleField } from '../../src/engine/candles/candleSeries';
import type { ConnectionState } from '../../src/engine/protocol';
import type { CcxtFeed } from '../../src/feeds/ccxt/ccxtFeed';

const CAPTURES = ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'];
const dataPresent = hasSharedData(...CAPTURES);

type Levels = { bids: number[][]; asks: number[][] };

function sessionBook(session: MarketSession): Levels {
  const book = session.market!.book;
  const side = (s: typeof book.bids): number[][] => {
    const rows: number[][] = [];
    for (let i = s.count - 1; i >= 0; i--) rows.push([s.prices[i]!, s.sizes[i]!]);
    return rows;
  };
  return { bids: side(book.bids), asks: side(book.asks) };
}

function serverBook(ex: FakeExchange): Levels {
  const snapshot = ex.bookSnapshot('BTCUSDT');
  const parse = (rows: [string, string][]): number[][] => rows.map(([p, s]) => [parseFloat(p), parseFloat(s)]);
  return { bids: parse(snapshot.bids), asks: parse(snapshot.asks) };
}

function sameBook(a: Levels, b: Levels): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Pauses the server and waits until the session's book equals the server's (then asserts it). */
async function expectBookConverges(ex: FakeExchange, session: MarketSession): Promise<void> {
  ex.pause();
  await waitFor('the session book to equal the server book', () => session.market!.bookIsShowable() && sameBook(sessionBook(session), serverBook(ex)));
  const book = sessionBook(session);
  expect(book.bids.length).toBeGreaterThan(900);
  expect(book).toEqual(serverBook(ex));
}

/** Records every status a session reports. */
function recordStates(session: MarketSession): { states: SessionStatus[]; stop(): void } {
  const states: SessionStatus[] = [];
  const sub = session.onStatus((status) => states.push(status));
  return { states, stop: () => sub.dispose() };
}


/** The server's klines of `interval` from `startTime` on: [openTime, o, h, l, c, volume]. */
async function serverKlines(ex: FakeExchange, interval: string, startTime: number): Promise<number[][]> {
  const response = await fetch(`${ex.httpUrl}/api/v3/klines?symbol=BTCUSDT&interval=${interval}&startTime=${startTime}&limit=1000`);
  const rows = (await response.json()) as (string | number)[][];
  return rows.map((row) => row.slice(0, 6).map(Number));
}

/** The session's bars: [openTime, o, h, l, c, volume], oldest first. */
function sessionBars(session: MarketSession): number[][] {
  const candles = session.market!.candles;
  const out: number[][] = [];
  for (let seq = candles.firstSeq; seq <= candles.lastSeq; seq++) {
    out.push([CandleField.OpenTime, CandleField.Open, CandleField.High, CandleField.Low, CandleField.Close, CandleField.Volume].map((f) => candles.value(seq, f)));
  }
  return out;
}

/**
 * Differences between the session's closed bars and the server's klines: every closed bar must
 * equal the server's (OHLC exactly, volume to 1e-9 relative: a trade counted twice or missed
 * shows), and every server bar with trades in the session's range must be held (no gap).
 */
async function candleMismatches(ex: FakeExchange, session: MarketSession, interval: string): Promise<string[]> {
  const bars = sessionBars(session);
  if (bars.length < 2) return ['fewer than 2 bars'];
  const closed = bars.slice(0, -1);
  const server = new Map((await serverKlines(ex, interval, closed[0]![0]!)).map((row) => [row[0]!, row]));
  const held = new Set(bars.map((bar) => bar[0]!));
  const problems: string[] = [];
  for (const bar of closed) {
    const row = server.get(bar[0]!);
    if (row === undefined) problems.push(`bar ${bar[0]} not on the server`);
    else if (bar.slice(1, 5).join() !== row.slice(1, 5).join() || Math.abs(bar[5]! - row[5]!) > 1e-9 * Math.max(1, row[5]!)) {
      problems.push(`bar ${bar[0]}: session ${bar.slice(1).join(' ')} server ${row.slice(1).join(' ')}`);
    }
  }
  const newest = bars[bars.length - 1]![0]!;
  for (const [time, row] of server) if (time < newest && row[5]! > 0 && !held.has(time)) problems.push(`server bar ${time} (volume ${row[5]}) missing`);
  return problems;
}

/** Pauses the server and waits until the closed bars equal the server's klines (then asserts it). */
async function expectCandlesMatch(ex: FakeExchange, session: MarketSession, interval = '1s'): Promise<void> {
  ex.pause();
  let problems: string[] = [];
  try {
    await waitFor('closed bars to equal the server klines', async () => (problems = await candleMismatches(ex, session, interval)).length === 0);
  } catch {
    // fall through to the assertion, which shows the differences
  }
  expect(problems).toEqual([]);
}

/** Plays until the session is live and has taken `trades` more trades. */
async function playUntilLive(ex: FakeExchange, session: MarketSession, trades = 20): Promise<void> {
  ex.resume();
  const target = session.market!.stats.byKind.trades + trades;
  await waitFor('live with new trades', () => session.latestStatus.state === 'live' && session.market!.stats.byKind.trades >= target);
}

interface FaultRun {
  states: ConnectionState[];
  /** ms from the server being back (fault lifted) to the status being live again. */
  recoveryMs: number;
}

/**
 * Injects a fault while playing, waits until every `expected` state was reported, lets the
 * server back (`lift`), and measures the time until the session is live again.
 */
async function runFault(ex: FakeExchange, session: MarketSession, expected: ConnectionState[], inject: () => unknown, lift: () => unknown = () => undefined): Promise<FaultRun> {
  await playUntilLive(ex, session);
  const record = recordStates(session);
  try {
    await inject();
    await waitFor(`states ${expected.join(', ')}`, () => expected.every((state) => record.states.some((status) => status.state === state)), 10_000);
    await lift();
    const back = performance.now();
    ex.resume();
    await waitFor('live again', () => session.latestStatus.state === 'live', 5000);
    return { states: record.states.map((status) => status.state), recoveryMs: performance.now() - back };
  } finally {
    record.stop();
  }
}

const recoveries: Record<string, number> = {};

describe.skipIf(!dataPresent)('live ccxt feed through a market session (fake Binance)', () => {
  let ex: FakeExchange;
  let source: CcxtLiveSource;
  let registry: SessionRegistry;
  let lease: SessionLease;
  let session: MarketSession;

  beforeAll(async () => {
    ex = await FakeExchange.start({ speed: 10, startPaused: true, okx: false, binance: { captures: CAPTURES.map(sharedDataPath), preplayMs: 60_000 } });
    source = new CcxtLiveSource(fakeLiveOptions(ex));
    registry = new SessionRegistry({ createFeed: source.createFeed, session: { timeframe: '1s', historyBars: 1000 } });
    lease = registry.acquire('binance', 'BTC/USDT');
    session = lease.session;
  });

  afterAll(async () => {
    console.log('recovery ms per fault', JSON.stringify(recoveries));
    await registry?.dispose();
    await source?.close();
    await ex?.stop();
  });

  test('opens: facts from loadMarkets, status live, the book equals the server book at every level', async () => {
    const facts = await session.whenReady();
    expect(facts).toEqual({ exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 });
    expect(session.feedName).toBe('binance (live)');
    ex.resume();
    await waitFor('status live', () => session.latestStatus.state === 'live');
    expect(session.latestStatus.polled).toEqual([]);
    await waitFor('some trades', () => session.market!.stats.byKind.trades > 50);
    await expectBookConverges(ex, session);
  });

  test('candles: the history before the session plus bars built from trades equal the server klines', async () => {
    await playUntilLive(ex, session, 200);
    await expectCandlesMatch(ex, session);
    // 60 s of history played before the session opened, at one bar a second
    expect(session.market!.candles.count).toBeGreaterThan(60);
    expect(session.market!.candles.stats.trades).toBeGreaterThan(200);
  });

  test('ticker: the latest ticker carries the last traded price', async () => {
    ex.resume();
    await waitFor('a ticker', () => session.latestTicker !== undefined);
    ex.pause();
    const played = ex.binance!.playedTrades('BTCUSDT');
    const last = Number(played[played.length - 1]!.p);
    ex.resume();
    await waitFor('the ticker to show the last trade', () => session.latestTicker!.last === Number(ex.binance!.playedTrades('BTCUSDT').at(-1)!.p));
    expect(session.latestTicker!.volume24h).toBeGreaterThan(0);
    expect(last).toBeGreaterThan(0);
  });

  test('dropped connections: reconnecting, then live; the book and the candles are the server\'s again', async () => {
    const refills = (session.currentFeed as CcxtFeed).historyStats!.refills;
    const run = await runFault(ex, session, ['reconnecting'], () => expect(ex.dropConnections('binance')).toBeGreaterThan(0));
    recoveries.drop = Math.round(run.recoveryMs);
    expect(run.recoveryMs).toBeLessThan(5000);
    await expectBookConverges(ex, session);
    await expectCandlesMatch(ex, session);
    expect((session.currentFeed as CcxtFeed).historyStats!.refills).toBeGreaterThan(refills);
  });

  test('sequence gap: resyncing, then live, with the resynced book equal to the server book', async () => {
    const resyncsBefore = (session.currentFeed as CcxtFeed).stats.bookResyncs;
    const run = await runFault(ex, session, ['resyncing'], () => ex.skipSequence('binance'));
    recoveries.gap = Math.round(run.recoveryMs);
    expect((session.currentFeed as CcxtFeed).stats.bookResyncs).toBeGreaterThan(resyncsBefore);
    await expectBookConverges(ex, session);
  });

  test('unanswered pings: reconnecting until pongs come back, then live', async () => {
    const run = await runFault(
      ex,
      session,
      ['reconnecting'],
      () => ex.stopAnsweringPings('binance'),
      () => ex.resumeAnsweringPings('binance'),
    );
    recoveries.pings = Math.round(run.recoveryMs);
    expect(run.recoveryMs).toBeLessThan(5000);
    expect(ex.stats().binance!.ignoredPings).toBeGreaterThan(0);
    await expectBookConverges(ex, session);
    await expectCandlesMatch(ex, session);
  });

  test('malformed frame: retried, then live; book and candles unharmed', async () => {
    const run = await runFault(ex, session, ['reconnecting'], async () => {
      // Quiet first: a garbage frame read in the same chunk as a frame that resolved the pending
      // watch rejects nothing (ccxt rejects only pending calls), which would make this test flaky.
      ex.pause();
      await waitFor('the session book to catch up', () => sameBook(sessionBook(session), serverBook(ex)));
      expect(ex.sendMalformed('binance')).toBeGreaterThan(0);
    });
    recoveries.malformed = Math.round(run.recoveryMs);
    expect(run.recoveryMs).toBeLessThan(5000);
    await expectBookConverges(ex, session);
    await expectCandlesMatch(ex, session);
  });

  test('snapshot HTTP 500 (three times) after a drop: retried with backoff, then live', async () => {
    const failedBefore = ex.stats().binance!.failedSnapshots;
    const run = await runFault(ex, session, ['reconnecting'], () => {
      ex.failSnapshots(3);
      ex.dropConnections('binance');
    });
    recoveries.snapshot500 = Math.round(run.recoveryMs);
    expect(run.recoveryMs).toBeLessThan(5000);
    expect(ex.stats().binance!.failedSnapshots - failedBefore).toBe(3);
    await expectBookConverges(ex, session);
  });

  test('server stopped for 1 s and restarted: reconnecting with attempts, live within 5 s of the restart', async () => {
    let attempts = 0;
    const sub = session.onStatus((status) => (attempts = Math.max(attempts, status.attempt)));
    const run = await runFault(ex, session, ['reconnecting'], () => ex.restart(1000));
    sub.dispose();
    recoveries.restart = Math.round(run.recoveryMs);
    expect(attempts).toBeGreaterThan(1);
    expect(run.recoveryMs).toBeLessThan(5000);
    await expectBookConverges(ex, session);
    await expectCandlesMatch(ex, session);
  });

  test('silence: stale with the age of the last message, then a forced reconnect; live once data flows', async () => {
    let staleAge = 0;
    const sub = session.onStatus((status) => {
      if (status.state === 'stale') staleAge = Math.max(staleAge, status.value);
    });
    const run = await runFault(
      ex,
      session,
      ['stale', 'reconnecting'],
      () => ex.pause(),
    );
    sub.dispose();
    recoveries.silence = Math.round(run.recoveryMs);
    expect(staleAge).toBeGreaterThanOrEqual(1500);
    expect(run.states.indexOf('stale')).toBeLessThan(run.states.lastIndexOf('reconnecting'));
    await expectBookConverges(ex, session);
    await expectCandlesMatch(ex, session);
  });

  test('timeframe switch: 1m history is loaded and its closed bars equal the server klines', async () => {
    expect(session.setTimeframe('1m')).toBeUndefined();
    expect(session.setTimeframe('7m')).toBeDefined();
    await playUntilLive(ex, session, 50);
    await expectCandlesMatch(ex, session, '1m');
    expect(session.market!.candles.timeframe).toBe('1m');
  });

  test('unknown exchange and unknown symbol: an error status naming the value', async () => {
    const badExchange = registry.acquire('nosuchexchange', 'BTC/USDT');
    const badSymbol = registry.acquire('binance', 'FOO/BAR');
    await expect(badExchange.session.whenReady()).rejects.toThrow('unknown exchange "nosuchexchange"');
    await expect(badSymbol.session.whenReady()).rejects.toThrow('binance does not list symbol FOO/BAR');
    expect(badExchange.session.latestStatus).toMatchObject({ state: 'error', detail: 'unknown exchange "nosuchexchange": ccxt has no exchange with this id' });
    expect(badSymbol.session.latestStatus).toMatchObject({ state: 'error', detail: 'binance does not list symbol FOO/BAR' });
    badExchange.release();
    badSymbol.release();
    await registry.whenClosed();
    expect(registry.find('binance', 'FOO/BAR')).toBeUndefined();
  });

  test('ticker-only sessions share one batched ticker socket', async () => {
    ex.resume();
    const tickerSource = new CcxtLiveSource(fakeLiveOptions(ex));
    const tickers = new SessionRegistry({ createFeed: tickerSource.createFeed });
    const before = ex.stats().binance!.openConnections;
    const btc = tickers.acquire('binance', 'BTC/USDT', 'ticker');
    const eth = tickers.acquire('binance', 'ETH/USDT', 'ticker');
    try {
      await waitFor('a BTC ticker', () => btc.session.latestTicker !== undefined);
      await eth.session.whenReady();
      expect(btc.session.market).toBeUndefined();
      expect(btc.session.latestStatus.state).toBe('live');
      // both symbols on one socket; no book or trade socket for ticker-only readers
      await waitFor('one ticker socket', () => ex.stats().binance!.openConnections - before === 1);
    } finally {
      btc.release();
      eth.release();
      await tickers.dispose();
      await tickerSource.close();
    }
    await waitFor('ticker socket closed', () => ex.stats().binance!.openConnections === before);
  });

  test('no watch methods: book, trades and ticker are polled (and said so); book and candles still right', async () => {
    const polledSource = new CcxtLiveSource(fakeLiveOptions(ex, {}, { has: { watchOrderBook: false, watchTrades: false, watchTickers: false, watchTicker: false } }));
    const polled = new SessionRegistry({ createFeed: polledSource.createFeed, session: { timeframe: '1s', historyBars: 200 } });
    const before = ex.stats().binance!.openConnections;
    const polledLease = polled.acquire('binance', 'BTC/USDT');
    const polledSession = polledLease.session;
    try {
      await polledSession.whenReady();
      await playUntilLive(ex, polledSession, 100);
      expect(polledSession.latestStatus.polled).toEqual(['book', 'trades', 'ticker']);
      // the footprint backfill may already be reporting its progress after the polled state
      expect(polledSession.latestStatus.detail).toMatch(/^live \(polling book, trades, ticker\)(; footprint backfill \d+%)?$/);
      expect(ex.stats().binance!.openConnections).toBe(before);
      await waitFor('a polled ticker', () => polledSession.latestTicker !== undefined);
      // overlapping trade polls: the repeats are dropped, and the candles show none counted twice
      await waitFor('an overlapping trade poll', () => (polledSession.currentFeed as CcxtFeed).stats.duplicateTrades > 0);
      await expectBookConverges(ex, polledSession);
      await expectCandlesMatch(ex, polledSession);
    } finally {
      polledLease.release();
      await polled.dispose();
      await polledSource.close();
    }
  });

  test('reference counting: a second reader shares the session; the last release closes every socket', async () => {
    ex.resume();
    const second = registry.acquire('binance', 'BTC/USDT', 'ticker');
    expect(second.session).toBe(session);
    expect(session.leaseCount).toBe(2);
    lease.release();
    lease.release(); // idempotent
    // the remaining reader needs the ticker only: the book and trade sockets close
    await waitFor('only the ticker socket open', () => ex.stats().binance!.openConnections === 1 && session.latestStatus.state === 'live');
    expect(session.demand).toBe('ticker');
    const closedStates: ConnectionState[] = [];
    session.onStatus((status) => closedStates.push(status.state));
    second.release();
    expect(registry.find('binance', 'BTC/USDT')).toBeUndefined();
    await registry.whenClosed();
    await waitFor('every socket closed', () => ex.stats().binance!.openConnections === 0);
    expect(closedStates).toContain('closed');
    expect(source.venueCount).toBe(0);
  });
});

describe.skipIf(!hasSharedData('cryptofeed/sample_data_master/OKX.ws.1.0'))('live ccxt feed through a market session (fake OKX)', () => {
  test('OKX: facts from its instruments; the book (snapshot, then chained updates) equals the server book; trades and history arrive', async () => {
    const ex = await FakeExchange.start({ speed: 2, startPaused: true, binance: false });
    const base = ex.ccxtConfig('okx');
    const source = new CcxtLiveSource({ ...fakeLiveOptions(ex), exchanges: { okx: { ...base, rateLimit: 5 } } });
    const registry = new SessionRegistry({ createFeed: source.createFeed });
    try {
      const okxLease = registry.acquire('okx', 'BTC/USDT');
      const okx = okxLease.session;
      expect(await okx.whenReady()).toEqual({ exchange: 'okx', symbol: 'BTC/USDT', tickSize: 0.1, pricePrecision: 1, amountPrecision: 8 });
      ex.resume();
      await waitFor('okx live with trades', () => okx.latestStatus.state === 'live' && okx.market!.stats.byKind.trades > 3);
      ex.pause();
      const server = (): Levels => {
        const snapshot = ex.bookSnapshot('BTC-USDT');
        const parse = (rows: [string, string][]): number[][] => rows.map(([p, s]) => [parseFloat(p), parseFloat(s)]);
        return { bids: parse(snapshot.bids), asks: parse(snapshot.asks) };
      };
      await waitFor('the okx book to equal the server book', () => sameBook(sessionBook(okx), server()));
      expect(sessionBook(okx).bids).toHaveLength(400);
      expect(okx.market!.candles.count).toBeGreaterThan(0);
      okxLease.release();
      await registry.whenClosed();
      await waitFor('okx sockets closed', () => ex.stats().okx!.openConnections === 0);
    } finally {
      await registry.dispose();
      await source.close();
      await ex.stop();
    }
  });
});
