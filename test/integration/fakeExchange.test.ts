/**
 * The fake exchange against the real ccxt clients: what the feed layer can rely on.
 *
 * Binance plays its capture at 10x and is checkpointed by hand (pause, step one diff, wait until
 * the client has applied it); OKX's 11-second capture is stepped by hand throughout. Timers are
 * shortened on the clients (keepAlive 500 ms, reconnect backoff base 100 ms, rateLimit 5 ms) so
 * each fault resolves in well under a second or two.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import ccxt, { type OrderBook, type Trade } from 'ccxt';
import WebSocket from 'ws';
import { FakeExchange, type BookSnapshot } from '../fakeExchange/FakeExchange';
import type { BinanceTapeEvent } from '../fakeExchange/binanceCapture';
import { hasSharedData } from '../support/sharedData';

const BINANCE_CAPTURE = 'binance/spot/btcusdt_20240808.gz';
const OKX_CAPTURE = 'cryptofeed/sample_data_master/OKX.ws.1.0';
const dataPresent = hasSharedData(BINANCE_CAPTURE, OKX_CAPTURE);

/** Depth asked of ccxt: above the server's whole book, so ccxt never truncates its copy. */
const FULL_DEPTH = 5000;

type BinanceClient = InstanceType<typeof ccxt.pro.binance>;
type OkxClient = InstanceType<typeof ccxt.pro.okx>;

/** Client timers shortened for tests; everything else is ccxt's default behaviour. */
function clientConfig(ex: FakeExchange, venue: 'binance' | 'okx'): Record<string, unknown> {
  const base = ex.ccxtConfig(venue);
  return {
    ...base,
    rateLimit: 5,
    streaming: { keepAlive: 500 },
    options: { ...base.options, ws: { backoff: { base: 100 } } },
  };
}

/** Resolves with the error `promise` rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** Calls `watch` until it rejects (at most `tries` resolutions); returns the error. */
async function firstRejection(watch: () => Promise<unknown>, tries = 200): Promise<Error> {
  for (let i = 0; i < tries; i++) {
    try {
      await watch();
    } catch (error) {
      return error as Error;
    }
  }
  throw new Error(`no rejection within ${tries} updates`);
}

/** Resolves once a client frame containing `needle` has been handled by the server. */
function clientSent(ex: FakeExchange, needle: string): Promise<void> {
  return new Promise((resolve) => {
    const listener = (_venue: string, text: string): void => {
      if (!text.includes(needle)) return;
      ex.off('clientMessage', listener);
      resolve();
    };
    ex.on('clientMessage', listener);
  });
}

/** Both sides of a ccxt book as plain number pairs. */
function clientLevels(book: OrderBook): { bids: number[][]; asks: number[][] } {
  return {
    bids: book.bids.map((row) => [Number(row[0]), Number(row[1])]),
    asks: book.asks.map((row) => [Number(row[0]), Number(row[1])]),
  };
}

/** The server's book parsed the way ccxt parses levels. */
function serverLevels(snapshot: BookSnapshot): { bids: number[][]; asks: number[][] } {
  const parse = (rows: [string, string][]): number[][] => rows.map(([price, size]) => [parseFloat(price), parseFloat(size)]);
  return { bids: parse(snapshot.bids), asks: parse(snapshot.asks) };
}

describe.skipIf(!dataPresent)('fake exchange: its own book against the data oracles', () => {
  test('the Binance book it rebuilds equals every bookTicker with the same update id', async () => {
    const ex = await FakeExchange.start({ startPaused: true, okx: false });
    try {
      const tickers = new Map<number, string>();
      const tops = new Map<number, string>();
      ex.on('played', (_venue, kind, event) => {
        const played = event as BinanceTapeEvent;
        if (played.kind === 'bookTicker') {
          const { u, b, B, a, A } = played.message;
          tickers.set(u, [b, B, a, A].join(' '));
        } else if (kind === 'depth' && played.kind === 'depth') {
          const top = ex.bookSnapshot('BTCUSDT', 1);
          tops.set(played.message.u, [top.bids[0][0], top.bids[0][1], top.asks[0][0], top.asks[0][1]].join(' '));
        }
      });
      ex.step(Number.MAX_SAFE_INTEGER, 'binance');
      await expect(ex.waitForUpdateId(Number.MAX_SAFE_INTEGER, 'BTCUSDT')).rejects.toThrow(/tape ended/);
      let checks = 0;
      const mismatches: string[] = [];
      for (const [u, top] of tops) {
        const ticker = tickers.get(u);
        if (ticker === undefined) continue;
        checks++;
        if (ticker !== top) mismatches.push(`u=${u}: book ${top}, bookTicker ${ticker}`);
      }
      expect(mismatches).toEqual([]);
      expect(checks).toBeGreaterThan(300);
    } finally {
      await ex.stop();
    }
  });

  test('the OKX book it rebuilds matches every checksum OKX sent', async () => {
    const ex = await FakeExchange.start({ startPaused: true, binance: false });
    try {
      let books = 0;
      ex.on('played', (_venue, kind) => {
        if (kind === 'book') books++;
      });
      ex.step(Number.MAX_SAFE_INTEGER, 'okx');
      expect(books).toBeGreaterThan(50);
      // the snapshot was applied before serving, so one check more than updates played
      expect(ex.okx!.checksumChecks).toBe(books + 1);
      expect(ex.okx!.checksumMismatches).toBe(0);
    } finally {
      await ex.stop();
    }
  });
});

describe.skipIf(!dataPresent)('fake exchange: raw Binance protocol', () => {
  let ex: FakeExchange;
  beforeAll(async () => {
    ex = await FakeExchange.start({ startPaused: true, okx: false });
  });
  afterAll(async () => {
    await ex.stop();
  });

  /** Opens a socket and collects its parsed frames. */
  async function open(path: string): Promise<{ socket: WebSocket; frames: unknown[] }> {
    const socket = new WebSocket(`${ex.wsUrl}${path}`);
    const frames: unknown[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return { socket, frames };
  }

  async function until(check: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(check()).toBe(true);
  }

  test('combined streams carry envelopes; the merged @depth stream chains U == previous u + 1', async () => {
    const { socket, frames } = await open('/stream?streams=btcusdt@depth/btcusdt@trade');
    socket.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@kline_1m'], id: 7 }));
    socket.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: 8 }));
    socket.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@nonsense'], id: 9 }));
    await until(() => frames.length >= 3);
    expect(frames.slice(0, 3)).toEqual([
      { result: null, id: 7 },
      { result: ['btcusdt@depth', 'btcusdt@trade', 'btcusdt@kline_1m'], id: 8 },
      { error: { code: 2, msg: expect.stringContaining('btcusdt@nonsense') }, id: 9 },
    ]);
    const tradesBefore = ex.binance!.playedTrades('BTCUSDT').length;
    ex.step(3000, 'binance');
    const tradesSent = ex.binance!.playedTrades('BTCUSDT').length - tradesBefore;
    const streamFrames = (stream: string): unknown[] => frames.filter((frame) => (frame as { stream?: string }).stream === stream);
    await until(() => streamFrames('btcusdt@trade').length === tradesSent && streamFrames('btcusdt@depth').length >= 5);
    const merged = frames.filter((frame): frame is { stream: string; data: { U: number; u: number } } => (frame as { stream?: string }).stream === 'btcusdt@depth');
    for (let i = 1; i < merged.length; i++) expect(merged[i].data.U).toBe(merged[i - 1].data.u + 1);
    expect(merged.at(-1)!.data.u).toBeLessThanOrEqual(ex.bookSnapshot('BTCUSDT', 0).updateId);
    const trades = streamFrames('btcusdt@trade') as { data: { t: number } }[];
    expect(trades.map((frame) => frame.data.t)).toEqual(ex.binance!.playedTrades('BTCUSDT').slice(tradesBefore).map((trade) => trade.t));
    expect(streamFrames('btcusdt@kline_1m').length).toBeGreaterThan(0);
    socket.close();
  });

  test('REST answers klines, tickers and errors the way Binance does', async () => {
    const get = async (path: string): Promise<{ status: number; body: unknown }> => {
      const response = await fetch(`${ex.httpUrl}/api/v3/${path}`);
      return { status: response.status, body: await response.json() };
    };
    const played = ex.binance!.playedTrades('BTCUSDT');
    const all = (await get('klines?symbol=BTCUSDT&interval=1m&limit=1000')).body as (string | number)[][];
    // reference: plain grouping of the played trades by minute
    const minutes = new Map<number, { open: string; close: string; count: number }>();
    for (const trade of played) {
      const minute = Math.floor(trade.T / 60_000) * 60_000;
      const bar = minutes.get(minute) ?? { open: trade.p, close: trade.p, count: 0 };
      bar.close = trade.p;
      bar.count++;
      minutes.set(minute, bar);
    }
    expect(all.map((row) => row[0])).toEqual([...minutes.keys()]);
    expect(all.map((row) => [row[1], row[4], row[8]])).toEqual([...minutes.values()].map((bar) => [bar.open, bar.close, bar.count]));
    // startTime anchors the page at its start, endTime (alone) at its end; gaps are flat bars
    const seconds = (await get('klines?symbol=BTCUSDT&interval=1s&limit=1000')).body as number[][];
    expect(seconds.length).toBeGreaterThan(10);
    seconds.forEach((row, i) => i > 0 && expect(row[0]).toBe(seconds[i - 1][0] + 1000));
    const third = seconds[2][0];
    expect(((await get(`klines?symbol=BTCUSDT&interval=1s&startTime=${third}&limit=2`)).body as number[][]).map((row) => row[0])).toEqual([third, third + 1000]);
    expect(((await get(`klines?symbol=BTCUSDT&interval=1s&endTime=${third}&limit=2`)).body as number[][]).map((row) => row[0])).toEqual([third - 1000, third]);
    const ticker = (await get('ticker/24hr?symbol=BTCUSDT')).body as Record<string, unknown>;
    expect(ticker).toMatchObject({ lastPrice: played.at(-1)!.p, openPrice: played[0].p, count: played.length, lastId: played.at(-1)!.t });
    expect(await get('depth?symbol=DOGEUSDT')).toEqual({ status: 400, body: { code: -1121, msg: 'Invalid symbol.' } });
    expect((await get('klines?symbol=BTCUSDT&interval=7m')).status).toBe(400);
  });
});

describe.skipIf(!dataPresent)('ccxt binance against the fake exchange', () => {
  let ex: FakeExchange;
  let client: BinanceClient;

  beforeAll(async () => {
    ex = await FakeExchange.start({ speed: 10, startPaused: true, okx: false });
    client = new ccxt.pro.binance(clientConfig(ex, 'binance'));
    await client.loadHttpProxyAgent();
  });

  afterAll(async () => {
    await client?.close();
    await ex?.stop();
  });

  const watchBook = (): Promise<OrderBook> => client.watchOrderBook('BTC/USDT', FULL_DEPTH);

  /** Pauses play, plays one more diff by hand, and waits until the client has applied it. */
  async function checkpoint(): Promise<OrderBook> {
    ex.pause();
    ex.binance!.stepUntilKind('depth');
    const target = ex.binance!.updateIdOf('BTCUSDT')!;
    let book = await watchBook();
    while ((book.nonce ?? 0) < target) book = await watchBook();
    expect(book.nonce).toBe(target);
    return book;
  }

  function expectServerBook(book: OrderBook): void {
    expect(clientLevels(book)).toEqual(serverLevels(ex.bookSnapshot('BTCUSDT')));
  }

  test('watchOrderBook converges to the server book, every level', async () => {
    const later = ex.binance!.updateIdOf('BTCUSDT')! + 2000;
    ex.resume();
    await watchBook();
    await ex.waitForUpdateId(later, 'BTCUSDT', 10_000);
    expect(ex.binance!.updateIdOf('BTCUSDT')).toBeGreaterThanOrEqual(later);
    const book = await checkpoint();
    expect(book.bids.length).toBeGreaterThan(900);
    expect(book.asks.length).toBeGreaterThan(900);
    expectServerBook(book);
  });

  test('watchTrades delivers the server trades in order, none missing', async () => {
    ex.resume();
    const received: Trade[] = [];
    while (received.length < 30) received.push(...(await client.watchTrades('BTC/USDT')));
    ex.pause();
    const played = ex.binance!.playedTrades('BTCUSDT');
    const first = played.findIndex((trade) => String(trade.t) === received[0].id);
    expect(first).toBeGreaterThanOrEqual(0);
    const expected = played.slice(first, first + received.length);
    expect(received.map((trade) => [trade.id, trade.price, trade.amount, trade.side])).toEqual(
      expected.map((trade) => [String(trade.t), Number(trade.p), Number(trade.q), trade.m ? 'sell' : 'buy']),
    );
  });

  test('fetchOHLCV returns the 1m bars of the trades played so far', async () => {
    ex.pause();
    const bars = await client.fetchOHLCV('BTC/USDT', '1m');
    const reference = new Map<number, number[]>();
    for (const trade of ex.binance!.playedTrades('BTCUSDT')) {
      const open = Math.floor(trade.T / 60_000) * 60_000;
      const price = Number(trade.p);
      const bar = reference.get(open);
      if (bar === undefined) reference.set(open, [open, price, price, price, price, Number(trade.q)]);
      else {
        bar[2] = Math.max(bar[2], price);
        bar[3] = Math.min(bar[3], price);
        bar[4] = price;
        bar[5] += Number(trade.q);
      }
    }
    expect(bars.map((bar) => bar.slice(0, 5))).toEqual([...reference.values()].map((bar) => bar.slice(0, 5)));
    bars.forEach((bar, i) => expect(bar[5]).toBeCloseTo([...reference.values()][i][5], 8));
  });

  test('watchTicker (24hrTicker stream) reports the last played trade and the running volume', async () => {
    ex.resume();
    const ticker = await client.watchTicker('BTC/USDT', { name: 'ticker' });
    ex.pause();
    const played = ex.binance!.playedTrades('BTCUSDT');
    const info = ticker.info as { L: number; n: number };
    const last = played.findIndex((trade) => trade.t === info.L);
    expect(last).toBe(info.n - 1);
    expect(ticker.last).toBe(Number(played[last].p));
    expect(ticker.baseVolume).toBeCloseTo(played.slice(0, last + 1).reduce((sum, trade) => sum + Number(trade.q), 0), 8);
  });

  test('sequence gap: ChecksumError at the next diff, then the resynced book equals the server book', async () => {
    await checkpoint();
    ex.skipSequence('binance');
    ex.resume();
    const error = await firstRejection(watchBook);
    expect(error.constructor).toBe(ccxt.ChecksumError);
    const started = performance.now();
    await watchBook();
    expect(performance.now() - started).toBeLessThan(5000);
    expectServerBook(await checkpoint());
  });

  test('malformed frame: the pending watch rejects (TypeError from the parser path); the next one works', async () => {
    await checkpoint();
    const pending = watchBook();
    ex.sendMalformed('binance');
    const error = await rejection(pending);
    expect(error).toBeInstanceOf(TypeError);
    ex.resume();
    expectServerBook(await checkpoint());
  });

  test('dropped connection: NetworkError, and the next watch redials and resyncs', async () => {
    await checkpoint();
    const opened = ex.stats().binance!.connectionsOpened;
    const pending = watchBook();
    expect(ex.dropConnections('binance')).toBeGreaterThan(0);
    const error = await rejection(pending);
    expect(error.constructor).toBe(ccxt.NetworkError);
    ex.resume();
    await watchBook();
    expect(ex.stats().binance!.connectionsOpened).toBeGreaterThan(opened);
    expectServerBook(await checkpoint());
  });

  test('unanswered pings: RequestTimeout after about two keepAlive periods', async () => {
    await checkpoint();
    ex.stopAnsweringPings('binance');
    const started = performance.now();
    const error = await rejection(watchBook());
    const waited = performance.now() - started;
    expect(error.constructor).toBe(ccxt.RequestTimeout);
    expect(waited).toBeGreaterThan(500);
    expect(waited).toBeLessThan(4000);
    expect(ex.stats().binance!.ignoredPings).toBeGreaterThan(0);
    ex.resumeAnsweringPings('binance');
    ex.resume();
    expectServerBook(await checkpoint());
  });

  test('snapshot HTTP 500 on every retry: OperationFailed; the next watch recovers', async () => {
    await checkpoint();
    const pending = watchBook();
    ex.failSnapshots(3);
    ex.dropConnections('binance');
    expect((await rejection(pending)).constructor).toBe(ccxt.NetworkError);
    const error = await rejection(watchBook());
    expect(error.constructor).toBe(ccxt.OperationFailed);
    expect(ex.stats().binance!.failedSnapshots).toBe(3);
    ex.resume();
    expectServerBook(await checkpoint());
  });

  test('server restart on the same port: NetworkError, then a retry loop gets the book back', async () => {
    await checkpoint();
    const port = ex.port;
    const pending = watchBook();
    const restarted = ex.restart(300);
    expect((await rejection(pending)).constructor).toBe(ccxt.NetworkError);
    await restarted;
    expect(ex.port).toBe(port);
    ex.resume();
    let recovered = false;
    for (let attempt = 0; attempt < 20 && !recovered; attempt++) {
      try {
        await watchBook();
        recovered = true;
      } catch (error) {
        expect(error).toBeInstanceOf(ccxt.NetworkError);
      }
    }
    expect(recovered).toBe(true);
    expectServerBook(await checkpoint());
  });
});

describe.skipIf(!dataPresent)('ccxt okx against the fake exchange', () => {
  let ex: FakeExchange;
  let client: OkxClient;

  beforeAll(async () => {
    ex = await FakeExchange.start({ startPaused: true, binance: false });
    client = new ccxt.pro.okx(clientConfig(ex, 'okx'));
    await client.loadHttpProxyAgent();
  });

  afterAll(async () => {
    await client?.close();
    await ex?.stop();
  });

  const watchBook = (): Promise<OrderBook> => client.watchOrderBook('BTC/USDT');

  /** Plays the next book update by hand and waits until the client has applied it. */
  async function stepBook(): Promise<OrderBook> {
    ex.okx!.stepUntilKind('book');
    const target = ex.okx!.updateIdOf('BTC-USDT')!;
    let book = await watchBook();
    while ((book.nonce ?? 0) < target) book = await watchBook();
    expect(book.nonce).toBe(target);
    return book;
  }

  function expectServerBook(book: OrderBook): void {
    expect(clientLevels(book)).toEqual(serverLevels(ex.bookSnapshot('BTC-USDT')));
  }

  test('watchOrderBook: the snapshot, then chained updates, equal the server book (400 levels)', async () => {
    const first = await watchBook();
    expect(first.nonce).toBe(ex.okx!.updateIdOf('BTC-USDT'));
    expectServerBook(first);
    let book = first;
    for (let i = 0; i < 10; i++) book = await stepBook();
    expect(book.bids.length).toBe(400);
    expectServerBook(book);
  });

  test('watchTrades delivers the server trades in order', async () => {
    const before = ex.okx!.playedTrades('BTC-USDT').length;
    const subscribed = clientSent(ex, '"trades"');
    const pending = client.watchTrades('BTC/USDT');
    await subscribed;
    const received: Trade[] = [];
    ex.okx!.stepUntilKind('trade');
    received.push(...(await pending));
    while (received.length < 5) {
      ex.okx!.stepUntilKind('trade');
      received.push(...(await client.watchTrades('BTC/USDT')));
    }
    const played = ex.okx!.playedTrades('BTC-USDT').slice(before);
    expect(received.map((trade) => [trade.id, trade.price, trade.amount, trade.side])).toEqual(
      played.slice(0, received.length).map((trade) => [trade.tradeId, Number(trade.px), Number(trade.sz), trade.side]),
    );
  });

  test('sequence gap (withheld update): InvalidNonce, then the resubscribed snapshot equals the server book', async () => {
    await stepBook();
    ex.skipSequence('okx');
    ex.okx!.stepUntilKind('book'); // withheld
    const pending = watchBook();
    ex.okx!.stepUntilKind('book'); // prevSeqId no longer matches the client's seqId
    const error = await rejection(pending);
    expect(error.constructor).toBe(ccxt.InvalidNonce);
    const resynced = await watchBook();
    expect(resynced.nonce).toBe(ex.okx!.updateIdOf('BTC-USDT'));
    expectServerBook(resynced);
    expectServerBook(await stepBook());
  });

  test('dropped connection: NetworkError, and the next watch reconnects with a fresh snapshot', async () => {
    const pending = watchBook();
    ex.dropConnections('okx');
    expect((await rejection(pending)).constructor).toBe(ccxt.NetworkError);
    const book = await watchBook();
    expectServerBook(book);
    expectServerBook(await stepBook());
  });

  test('unanswered text pings: RequestTimeout; answering again lets the next watch reconnect', async () => {
    ex.stopAnsweringPings('okx');
    const started = performance.now();
    const error = await rejection(watchBook());
    expect(error.constructor).toBe(ccxt.RequestTimeout);
    expect(performance.now() - started).toBeLessThan(4000);
    expect(ex.stats().okx!.ignoredPings).toBeGreaterThan(0);
    ex.resumeAnsweringPings('okx');
    expectServerBook(await watchBook());
  });
});
