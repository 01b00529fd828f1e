/**
 * How the live ccxt feed fails, against the local fake exchange (real ccxt, real sockets): per
 * symbol (an unknown or delisted symbol in a batched ticker stream), on a garbage or huge markets
 * reply, and on "too many requests" with a Retry-After.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { FakeExchange, type MarketsFault } from '../fakeExchange/FakeExchange';
import { DEFAULT_BINANCE_MARKETS, type BinanceMarketSpec } from '../fakeExchange/binanceVenue';
import { fakeLiveOptions, waitFor } from '../support/fakeLiveFeed';
import { hasSharedData } from '../support/sharedData';
import { CcxtLiveSource } from '../../src/feeds/ccxt/ccxtLiveSource';
import type { CcxtLiveOptions } from '../../src/feeds/ccxt/ccxtLiveOptions';
import type { StreamStatus } from '../../src/feeds/ccxt/streamStatus';
import type { TickerSnapshot } from '../../src/feeds/feed';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import type { SessionStatus } from '../../src/feeds/sessionStatus';

const dataPresent = hasSharedData('binance/spot/btcusdt_20240808.gz');

const [BTC, ETH] = DEFAULT_BINANCE_MARKETS as [BinanceMarketSpec, BinanceMarketSpec];
/** BTCUSDT, and two markets that show BTCUSDT's tickers (there is one capture only). */
const MARKETS: BinanceMarketSpec[] = [BTC, { ...ETH, mirrorOf: 'BTCUSDT' }, { ...ETH, symbol: 'SOLUSDT', baseAsset: 'SOL', mirrorOf: 'BTCUSDT' }];

const POLLED = { has: { watchOrderBook: false, watchTrades: false, watchTickers: false, watchTicker: false } };

/** What one ticker subscriber of the hub saw. */
interface Seen {
  tickers: TickerSnapshot[];
  status: StreamStatus | undefined;
}

describe.skipIf(!dataPresent)('live ccxt feed failures (fake Binance)', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(options: Partial<CcxtLiveOptions> = {}, binance: Record<string, unknown> = {}) {
    const ex = await FakeExchange.start({ speed: 10, okx: false, binance: { markets: MARKETS } });
    cleanups.push(() => ex.stop());
    const source = new CcxtLiveSource(fakeLiveOptions(ex, options, binance));
    cleanups.push(() => source.close());
    return { ex, source };
  }

  /** Subscribes `symbols` to the venue's ticker hub; returns what each subscriber sees. */
  async function subscribeTickers(source: CcxtLiveSource, symbols: string[]): Promise<Map<string, Seen>> {
    const venue = await source.acquireVenue('binance');
    cleanups.push(() => source.releaseVenue(venue));
    await venue.loadMarkets();
    const seen = new Map<string, Seen>();
    for (const symbol of symbols) {
      const record: Seen = { tickers: [], status: undefined };
      seen.set(symbol, record);
      const subscription = venue.tickers.subscribe(symbol, {
        ticker: (ticker) => record.tickers.push(ticker),
        status: (status) => (record.status = status),
      });
      cleanups.push(() => subscription.dispose());
    }
    return seen;
  }

  test('an unknown symbol in the batched ticker stream: only its subscribers see an error naming it; the others stream and are live', async () => {
    const { source } = await start();
    const seen = await subscribeTickers(source, ['BTC/USDT', 'NOPE/USDT', 'ETH/USDT']);
    expect(seen.get('NOPE/USDT')!.status).toMatchObject({ state: 'error', detail: 'binance does not list symbol NOPE/USDT' });
    await waitFor('BTC and ETH tickers, live', () => ['BTC/USDT', 'ETH/USDT'].every((symbol) => seen.get(symbol)!.tickers.length >= 3 && seen.get(symbol)!.status?.state === 'live'));
    expect(seen.get('ETH/USDT')!.tickers.at(-1)).toMatchObject({ symbol: 'ETH/USDT' });
    expect(seen.get('NOPE/USDT')!.tickers).toEqual([]);
    expect(seen.get('NOPE/USDT')!.status!.state).toBe('error');
  });

  test('through market sessions: BTC and ETH tickers live, NOPE/USDT an error naming it', async () => {
    const { source } = await start();
    const registry = new SessionRegistry({ createFeed: source.createFeed });
    cleanups.push(() => registry.dispose());
    const leases = ['BTC/USDT', 'NOPE/USDT', 'ETH/USDT'].map((symbol) => registry.acquire('binance', symbol, 'ticker'));
    const [btc, nope, eth] = leases.map((lease) => lease.session);
    await waitFor('BTC and ETH live with tickers', () => [btc!, eth!].every((session) => session.latestStatus.state === 'live' && session.latestTicker !== undefined));
    expect(nope!.latestStatus).toMatchObject({ state: 'error', detail: 'binance does not list symbol NOPE/USDT' });
    for (const lease of leases) lease.release();
  });

  test('a symbol delisted while polled (the exchange answers "Invalid symbol." without naming it) is found by halving the batch and cut out; the others go on', async () => {
    const { ex, source } = await start({}, POLLED);
    const seen = await subscribeTickers(source, ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']);
    const all = [...seen.values()];
    await waitFor('three polled tickers live', () => all.every((record) => record.tickers.length >= 2 && record.status?.state === 'live'));
    ex.delist('ETHUSDT');
    await waitFor('ETH refused', () => seen.get('ETH/USDT')!.status?.state === 'error');
    expect(seen.get('ETH/USDT')!.status!.detail).toBe('binance does not list symbol ETH/USDT');
    const counts = ['BTC/USDT', 'SOL/USDT'].map((symbol) => seen.get(symbol)!.tickers.length);
    await waitFor('BTC and SOL still polled', () => seen.get('BTC/USDT')!.tickers.length >= counts[0]! + 3 && seen.get('SOL/USDT')!.tickers.length >= counts[1]! + 3);
    expect(seen.get('BTC/USDT')!.status!.state).toBe('live');
    expect(seen.get('SOL/USDT')!.status!.state).toBe('live');
    // found by asking for halves: ETHUSDT alone was refused
    const polls = ex.requestLog.filter((request) => request.path.startsWith('/api/v3/ticker/24hr'));
    expect(polls.some((request) => decodeURIComponent(request.path).endsWith('symbols=["ETHUSDT"]') && request.status === 400)).toBe(true);
    // the batch no longer names ETHUSDT
    expect(polls.at(-1)!.path).not.toContain('ETHUSDT');
    expect(polls.at(-1)!.status).toBe(200);
  });

  const GARBAGE: [MarketsFault, string][] = [
    ['html', 'the reply was not JSON (text/html): "<!DOCTYPE html><html><head><title>Maintenance</title></he..."'],
    ['empty', 'the reply was empty'],
    // ccxt's own parser refuses these fields; a list it parses into nameless markets is refused by ours (unit test)
    ['wrongTypes', 'binance parseMarket() missing id'],
    ['emptyList', 'the reply listed no markets'],
  ];

  const GARBAGE_CASES = [true, false].flatMap((offThread) => GARBAGE.map(([kind, what]) => ({ kind, what, offThread, where: offThread ? 'on a worker' : 'in-thread' })));

  test.each(GARBAGE_CASES)('a garbage markets reply ($kind, loaded $where) is a retryable error naming the markets request; the session recovers when the endpoint does', async ({ kind, what, offThread }) => {
    const { ex, source } = await start({ marketsOffThread: offThread });
    ex.failMarkets(kind);
    const registry = new SessionRegistry({ createFeed: source.createFeed, session: { backoff: { baseMs: 100, factor: 1, maxMs: 100, jitter: 0 } } });
    cleanups.push(() => registry.dispose());
    const lease = registry.acquire('binance', 'BTC/USDT', 'ticker');
    const session = lease.session;
    const states: SessionStatus[] = [];
    session.onStatus((status) => states.push(status));
    await waitFor('a retry', () => states.some((status) => status.state === 'reconnecting' && status.attempt >= 2));
    const failure = states.find((status) => status.state === 'reconnecting')!;
    expect(failure.detail).toMatch(new RegExp(`^binance: could not load its markets \\(GET /api/v3/exchangeInfo\\): ${escape(what)}; reconnecting`));
    expect(states.some((status) => status.state === 'error')).toBe(false);
    ex.failMarkets(undefined);
    expect(await session.whenReady()).toMatchObject({ symbol: 'BTC/USDT', tickSize: 0.01 });
    await waitFor('live', () => session.latestStatus.state === 'live');
    lease.release();
  });

  test('markets unreachable at first (server down): retried, naming the request, and loaded once it is back (ccxt alone would keep the failed load)', async () => {
    const { ex, source } = await start();
    const restarting = ex.restart(800);
    const registry = new SessionRegistry({ createFeed: source.createFeed, session: { backoff: { baseMs: 100, factor: 1, maxMs: 100, jitter: 0 } } });
    cleanups.push(() => registry.dispose());
    const lease = registry.acquire('binance', 'BTC/USDT', 'ticker');
    const states: SessionStatus[] = [];
    lease.session.onStatus((status) => states.push(status));
    await waitFor('a retry', () => states.some((status) => status.state === 'reconnecting'));
    expect(states.find((status) => status.state === 'reconnecting')!.detail).toMatch(/^binance: could not load its markets \(GET \/api\/v3\/exchangeInfo\): binance GET http:\/\/127\.0\.0\.1:\d+\/api\/v3\/exchangeInfo fetch failed/);
    await restarting;
    expect(await lease.session.whenReady()).toMatchObject({ symbol: 'BTC/USDT' });
    await waitFor('live', () => lease.session.latestStatus.state === 'live');
    lease.release();
  });

  // 418 without Retry-After: the gate holds for the throttled backoff (300 ms ± 20 % here).
  test.each([
    { status: 429, retryAfterS: 2 as number | undefined, holdMs: 2000 },
    { status: 418, retryAfterS: undefined, holdMs: 240 },
  ])('HTTP $status (Retry-After $retryAfterS s): no request reaches the exchange for $holdMs ms, from any stream; the session shows it and recovers', async ({ status, retryAfterS, holdMs }) => {
    const { ex, source } = await start({}, POLLED);
    const registry = new SessionRegistry({ createFeed: source.createFeed, session: { timeframe: '1s', historyBars: 100 } });
    cleanups.push(() => registry.dispose());
    const lease = registry.acquire('binance', 'BTC/USDT');
    const session = lease.session;
    await waitFor('live', () => session.latestStatus.state === 'live');
    const states: SessionStatus[] = [];
    session.onStatus((each) => states.push(each));
    ex.throttle(1, { status, retryAfterS });
    await waitFor(`the ${status}`, () => ex.requestLog.some((request) => request.status === status));
    const refused = ex.requestLog.find((request) => request.status === status)!;
    const refusedWallTime = Date.now() - (performance.now() - refused.at);
    await waitFor('live again after the wait', () => performance.now() > refused.at + holdMs && session.latestStatus.state === 'live', 10_000);
    const after = ex.requestLog.filter((request) => request.at > refused.at);
    // Requests already on their way when the refusal was answered arrive within a few ms; none
    // later until the wait has passed.
    const inFlight = after.filter((request) => request.at < refused.at + 50);
    const early = after.filter((request) => request.at >= refused.at + 50 && request.at < refused.at + holdMs);
    expect(early).toEqual([]);
    expect(inFlight.length).toBeLessThanOrEqual(3);
    expect(after.length - inFlight.length).toBeGreaterThan(0);
    // the stream that was refused says so, and when it tries again (not before the wait ends)
    const throttled = states.find((each) => each.detail.includes('rate limited'));
    expect(throttled).toMatchObject({ state: 'reconnecting' });
    expect(throttled!.retryAt).toBeGreaterThanOrEqual(refusedWallTime + holdMs - 20);
    lease.release();
  });

  // The limit is 50 ms, and a quiet run measures 15-60 ms (the log shows the figures). The
  // assertions allow 400 ms: this process also runs the fake exchange (it writes the 32 MB reply)
  // and its two cores are shared (load 4 and more stretches wall-clock gaps to 200 ms), while the
  // regression they guard against, ccxt parsing and indexing in this thread, blocks 0.5-8 s.
  test('a huge market list (20 000 markets): loading, listing and opening streams on it never block the event loop for long (ccxt parses and indexes on a worker)', async () => {
    const { ex, source } = await start();
    ex.listFillerMarkets(20_000);
    const venue = await source.acquireVenue('binance'); // loads ccxt itself first
    cleanups.push(() => source.releaseVenue(venue));
    const loading = watchBlocks();
    const started = performance.now();
    await venue.loadMarkets();
    const symbols = await source.listMarkets('binance');
    const listedMs = performance.now() - started;
    const loadBlocks = loading.stop();
    expect(symbols.length).toBe(20_003);
    expect(symbols).toContain('F19999/USDT');
    // A chart opens three stream clients (book, trades, tickers), each used to index every market again.
    const onTop = watchBlocks();
    const clients = [await venue.createStreamClient(), await venue.createStreamClient(), await venue.createStreamClient()];
    expect(await venue.facts('F12345/USDT')).toMatchObject({ tickSize: 0.0001 });
    expect(venue.symbolProblem('NOPE/USDT')).toBe('binance does not list symbol NOPE/USDT');
    const subscription = venue.tickers.subscribe('F00001/USDT', { ticker: () => undefined, status: () => undefined });
    subscription.dispose();
    const topBlocks = onTop.stop();
    for (const client of clients) {
      // shared, not indexed again: O(1) whatever the number of markets
      expect(client.markets).toBe(venue.rest.markets);
      expect(client.markets!['F19999/USDT']).toBeDefined();
      await venue.closeStreamClient(client);
    }
    console.log(
      `20 000 markets: loaded and listed in ${Math.round(listedMs)} ms; longest synchronous blocks ${loadBlocks.map(Math.round).join(', ')} ms ` +
        `(ccxt parses and indexes on a worker); on top of them (3 stream clients, facts, symbol checks): ${topBlocks.map(Math.round).join(', ')} ms`,
    );
    expect(loadBlocks[0]).toBeLessThan(400);
    expect(topBlocks[0]).toBeLessThan(400);
  }, 120_000);
});

/** Longest gaps (ms, five of them, longest first) between turns of the event loop, until `stop`. */
function watchBlocks(): { stop(): number[] } {
  const gaps: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 1);
  return {
    stop: () => {
      clearInterval(timer);
      // the stretch since the last turn counts too (work done in microtasks only never lets a timer run)
      gaps.push(performance.now() - last);
      return gaps.sort((a, b) => b - a).slice(0, 5);
    },
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
