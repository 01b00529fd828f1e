import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Database } from 'node-sqlite3-wasm';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { EventKind, type MarketEvent } from '../../src/engine/events';
import type { FeedSink, FeedStatus, TickerSnapshot } from '../../src/feeds/feed';
import { Market } from '../../src/engine/market';
import { MarketRefusals } from '../../src/feeds/replay/engineRefusals';
import { inferMarketFacts } from '../../src/feeds/replay/inferMarketFacts';
import { matchInstrument } from '../../src/feeds/replay/instrumentMatch';
import { ReplayFeed, type ReplayOptions, type ReplayProgress } from '../../src/feeds/replay/replayFeed';
import { detectReplayFormat } from '../../src/feeds/replay/replayFormat';
import { ReplayOpenError, type ReplayProblem } from '../../src/feeds/replay/replaySource';

const tempDir = mkdtempSync(join(tmpdir(), 'orderscope-replay-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));
let fileNo = 0;

const T0 = 1_723_161_255_000;
/** Receive times far from the exchange's: the replay must not use them. */
const receive = (k: number): number => 1_723_160_000_000_000_000 + k * 1_000_000_000;

const trade = (k: number, t: number, id = k, price = '61837.63000000') =>
  `${receive(k)} {"stream":"btcusdt@trade","data":{"e":"trade","E":${t},"s":"BTCUSDT","t":${id},"p":"${price}","q":"0.50000000","T":${t},"m":${k % 2 === 0}}}`;
const diff = (k: number, t: number, U: number, u: number) =>
  `${receive(k)} {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":${t},"s":"BTCUSDT","U":${U},"u":${u},"b":[["61837.62000000","1.00000000"]],"a":[["61837.64000000","2.00000000"]]}}`;
const snapshot = (k: number, id: number) =>
  `${receive(k)} {"lastUpdateId":${id},"bids":[["61837.62000000","1.00000000"],["61837.00000000","3.00000000"]],"asks":[["61837.64000000","2.00000000"]]}`;
const spotTicker = (k: number, u: number) =>
  `${receive(k)} {"stream":"btcusdt@bookTicker","data":{"u":${u},"s":"BTCUSDT","b":"61837.62000000","B":"1.00000000","a":"61837.64000000","A":"2.00000000"}}`;

function writeCapture(lines: string[], name = `cap${++fileNo}.gz`): string {
  const path = join(tempDir, name);
  writeFileSync(path, gzipSync(`${lines.join('\n')}\n`));
  return path;
}

/** Trades every `stepMs` of exchange time. */
function tradeLines(count: number, stepMs: number): string[] {
  return Array.from({ length: count }, (_, k) => trade(k, T0 + k * stepMs));
}

interface Played {
  wall: number;
  kind: number;
  time: number;
  tradeId: number;
}

/** A sink that records what it gets and when (wall ms since `start`). */
class RecordingSink implements FeedSink {
  readonly played: Played[] = [];
  readonly statuses: FeedStatus[] = [];
  readonly resyncs: string[] = [];
  readonly tickers: TickerSnapshot[] = [];
  readonly histories: [string, number[][]][] = [];
  start = performance.now();
  onEvent: ((event: MarketEvent) => void) | null = null;
  event(event: MarketEvent): void {
    this.played.push({ wall: performance.now() - this.start, kind: event.kind, time: event.time, tradeId: event.tradeId });
    this.onEvent?.(event);
  }
  mirrorBook(): void {}
  bookResync(reason: string): void {
    this.resyncs.push(reason);
  }
  history(timeframe: string, rows: ReadonlyArray<ArrayLike<unknown>>): void {
    this.histories.push([timeframe, rows.map((r) => Array.from(r as ArrayLike<number>))]);
  }
  ticker(ticker: TickerSnapshot): void {
    this.tickers.push(ticker);
  }
  status(status: FeedStatus): void {
    this.statuses.push(status);
  }
}

const TARGET = { exchange: '', symbol: 'BTC/USDT', timeframe: '1m', historyBars: 500 };

async function play(paths: string | string[], options: Partial<ReplayOptions> = {}, sink = new RecordingSink()) {
  const problems: ReplayProblem[] = [];
  const feed = new ReplayFeed(paths, { onProblem: (p) => problems.push(p), ...options });
  await feed.open(TARGET);
  sink.start = performance.now();
  feed.start(sink);
  await feed.finished;
  return { feed, sink, problems };
}

describe('replay timing', () => {
  it('plays at 1x on the exchange timestamps: no event early, none much late, receive times ignored', async () => {
    // 25 trades 20 ms apart in exchange time; their receive times are 1 s apart.
    const { sink, feed } = await play(writeCapture(tradeLines(25, 20)), { speed: 1 });
    expect(sink.played).toHaveLength(25);
    for (const p of sink.played) {
      const due = p.time - T0;
      expect(p.wall, `trade at +${due} ms`).toBeGreaterThanOrEqual(due - 6);
      expect(p.wall, `trade at +${due} ms`).toBeLessThanOrEqual(due + 250);
    }
    expect(sink.played[24]!.wall).toBeLessThan(2000); // not 24 s of receive time
    expect(feed.progress()).toMatchObject({ fraction: 1, finished: true, marketTime: T0 + 480 });
  });

  it('times a spot bookTicker (no exchange time) at the last exchange time seen', async () => {
    const path = writeCapture([trade(0, T0), spotTicker(1, 5), trade(2, T0 + 300)]);
    const { sink } = await play(path, { speed: 1 });
    expect(sink.played.map((p) => p.kind)).toEqual([EventKind.Trade, EventKind.BookTicker, EventKind.Trade]);
    expect(sink.played[1]!.time).toBeNaN();
    expect(sink.played[1]!.wall - sink.played[0]!.wall).toBeLessThan(100);
    expect(sink.played[2]!.wall - sink.played[0]!.wall).toBeGreaterThanOrEqual(294);
  });

  it('never goes back in time: an event older than the last one plays at once', async () => {
    const path = writeCapture([trade(0, T0 + 200), trade(1, T0), trade(2, T0 + 400)]);
    const { sink } = await play(path, { speed: 1 });
    expect(sink.played[1]!.wall - sink.played[0]!.wall).toBeLessThan(100);
    expect(sink.played[2]!.wall - sink.played[0]!.wall).toBeGreaterThanOrEqual(194);
  });

  it('a line stamped days ahead plays at once at the last time (no timer for days) and is reported', async () => {
    const path = writeCapture([trade(0, T0), trade(1, T0 + 3 * 86_400_000), trade(2, T0 + 200)]);
    const { sink, problems } = await play(path, { speed: 1 });
    expect(sink.played).toHaveLength(3);
    expect(sink.played[2]!.wall - sink.played[0]!.wall).toBeLessThan(1000);
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/cap\d+\.gz:2: its time is more than 5 min ahead of the market clock; played at the last time seen$/)]);
  });

  it('skips a stretch with no events longer than 5 s at the current speed, and says so; shorter ones play in time', async () => {
    // Gaps of 1 s (plays), 60 s (skipped at 1x) and 3 min (skipped), all within the time guard's 5 min.
    const times = [T0, T0 + 100, T0 + 1100, T0 + 61_100, T0 + 61_200, T0 + 241_200, T0 + 241_300];
    const notices: string[] = [];
    const { sink, feed } = await play(writeCapture(times.map((t, k) => trade(k, t))), { speed: 1, onNotice: (m) => notices.push(m) });
    expect(sink.played.map((p) => p.time)).toEqual(times);
    const wall = sink.played.map((p) => p.wall);
    expect(wall[2]! - wall[1]!).toBeGreaterThanOrEqual(990); // the 1 s gap is played in time
    expect(wall[6]!).toBeLessThan(1700); // not 4 min
    expect(feed.stats).toMatchObject({ idleGapsSkipped: 2, idleSkippedMs: 240_000 });
    expect(notices).toEqual([
      expect.stringMatching(/: skipped 60 s with no events \(2024-08-08T23:54:16\.100Z to 2024-08-08T23:55:16\.100Z\)$/),
      expect.stringMatching(/: skipped 3 min with no events /),
    ]);
    const last = sink.statuses[sink.statuses.length - 1]!;
    expect(last.detail).toMatch(/replay finished, end of recording \(7 events\); skipped 2 idle gaps of 4 min$/);
    expect(sink.statuses.some((s) => s.state === 'replay' && /at 1×; skipped an idle gap of 60 s/.test(s.detail))).toBe(true);
  });

  it('the idle gap is measured at the current speed: 30 s is 3 s at 10x (played), 60 s is 6 s (skipped)', async () => {
    const times = [T0, T0 + 30_000, T0 + 90_000];
    const { sink, feed } = await play(writeCapture(times.map((t, k) => trade(k, t))), { speed: 10 });
    const wall = sink.played.map((p) => p.wall);
    expect(wall[1]! - wall[0]!).toBeGreaterThanOrEqual(2950);
    expect(wall[2]! - wall[1]!).toBeLessThan(500);
    expect(feed.stats.idleGapsSkipped).toBe(1);
  });

  it('changes speed while playing, and the status says so', async () => {
    const path = writeCapture(tradeLines(101, 20)); // 2 s of market time
    const problems: ReplayProblem[] = [];
    const feed = new ReplayFeed(path, { speed: 1, onProblem: (p) => problems.push(p) });
    await feed.open(TARGET);
    const sink = new RecordingSink();
    feed.start(sink);
    await new Promise((r) => setTimeout(r, 150));
    const before = sink.played.length;
    expect(feed.setSpeed(20)).toBe(true);
    expect(feed.setSpeed(NaN)).toBe(false);
    expect(feed.setSpeed(-1)).toBe(false);
    expect(feed.setSpeed(0)).toBe(false);
    await feed.finished;
    const wall = sink.played[100]!.wall;
    // ~150 ms at 1x covers ~150 ms of market time; the other ~1850 ms go at 20x (~93 ms).
    expect(before).toBeGreaterThan(3);
    expect(before).toBeLessThan(30);
    expect(wall).toBeGreaterThanOrEqual(150 + 1850 / 20 - 40);
    expect(wall).toBeLessThan(900);
    const replayStatuses = sink.statuses.filter((s) => s.state === 'replay');
    expect(replayStatuses.map((s) => s.value)).toEqual([1, 20]);
    expect(feed.speed).toBe(20);
    expect(problems).toEqual([]);
  });

  it('pauses and resumes: nothing plays while paused, and the market clock does not run on', async () => {
    const path = writeCapture([trade(0, T0), trade(1, T0 + 100), trade(2, T0 + 200)]);
    const feed = new ReplayFeed(path, { speed: 1 });
    await feed.open(TARGET);
    const sink = new RecordingSink();
    feed.start(sink);
    await new Promise((r) => setTimeout(r, 50));
    feed.pause();
    expect(feed.paused).toBe(true);
    const pausedAt = performance.now() - sink.start;
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.played).toHaveLength(1);
    feed.resume();
    const resumedAt = performance.now() - sink.start;
    await feed.finished;
    expect(sink.played).toHaveLength(3);
    // The second trade was due 100 ms into the market; 50 ms had passed at the pause.
    expect(sink.played[1]!.wall - resumedAt).toBeGreaterThanOrEqual(100 - (pausedAt - 0) - 10);
    expect(sink.played[1]!.wall).toBeGreaterThan(resumedAt);
    expect(sink.statuses.map((s) => s.state)).toEqual(['replay', 'paused', 'replay', 'finished']);
    expect(sink.statuses[3]!.detail).toMatch(/end of recording \(3 events\)/);
  });

  it('can start paused, and the sink itself may pause the replay', async () => {
    const path = writeCapture(tradeLines(200, 1));
    const feed = new ReplayFeed(path, { speed: Infinity, paused: true });
    await feed.open(TARGET);
    const sink = new RecordingSink();
    sink.onEvent = (e) => {
      if (e.tradeId === 10) feed.pause();
    };
    feed.start(sink);
    await new Promise((r) => setTimeout(r, 50));
    expect(sink.played).toHaveLength(0);
    expect(sink.statuses.map((s) => [s.state, s.value])).toEqual([['paused', 0]]);
    feed.resume();
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.played).toHaveLength(11);
    feed.resume();
    await feed.finished;
    expect(sink.played).toHaveLength(200);
    expect(sink.played.map((p) => p.tradeId)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('batches at high speed: far fewer timers than events', async () => {
    // 4000 trades 5 ms apart: 20 s of market time, 20 ms of wall time at 1000x.
    const path = writeCapture(tradeLines(4000, 5));
    const spy = vi.spyOn(globalThis, 'setTimeout');
    try {
      const { sink } = await play(path, { speed: 1000 });
      expect(sink.played).toHaveLength(4000);
      const timers = spy.mock.calls.length;
      expect(timers).toBeLessThan(100);
      expect(sink.played[3999]!.wall).toBeGreaterThanOrEqual(20 - 5);
    } finally {
      spy.mockRestore();
    }
  });

  it('yields to the event loop while playing at maximum speed', async () => {
    const path = writeCapture(tradeLines(30_000, 1));
    const feed = new ReplayFeed(path, { speed: Infinity, sliceMs: 4 });
    await feed.open(TARGET);
    const sink = new RecordingSink();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    feed.start(sink);
    await feed.finished;
    clearInterval(ticker);
    expect(sink.played).toHaveLength(30_000);
    expect(ticks).toBeGreaterThan(2);
  });

  it('reports progress: fractions rise to 1, with the market time of the last event', async () => {
    const progress: ReplayProgress[] = [];
    const { sink } = await play(writeCapture(tradeLines(20_000, 3)), {
      speed: Infinity,
      sliceMs: 1,
      progressIntervalMs: 0,
      onProgress: (p) => progress.push(p),
    });
    expect(progress.length).toBeGreaterThan(3);
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]!.fraction).toBeGreaterThanOrEqual(progress[i - 1]!.fraction);
      expect(progress[i]!.items).toBeGreaterThanOrEqual(progress[i - 1]!.items);
    }
    const last = progress[progress.length - 1]!;
    expect(last).toMatchObject({ fraction: 1, finished: true, items: 20_000, marketTime: T0 + 19_999 * 3 });
    expect(progress.some((p) => p.fraction > 0.2 && p.fraction < 0.9)).toBe(true);
    expect(sink.played).toHaveLength(20_000);
  });

  it('stops at close: no event after it, and finished resolves', async () => {
    const path = writeCapture(tradeLines(100, 10));
    const feed = new ReplayFeed(path, { speed: 1 });
    await feed.open(TARGET);
    const sink = new RecordingSink();
    feed.start(sink);
    await new Promise((r) => setTimeout(r, 100));
    await feed.close();
    await feed.close();
    const count = sink.played.length;
    await feed.finished;
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.played.length).toBe(count);
    expect(count).toBeLessThan(100);
    expect(sink.statuses[sink.statuses.length - 1]!.state).toBe('closed');
  });
});

describe('replayed candles on a timeframe change', () => {
  it('gives the new timeframe the bars of the trades played so far', async () => {
    // Trades over 12 minutes, one every 7 s, with varying prices.
    const lines = Array.from({ length: 103 }, (_, k) => trade(k, T0 + k * 7000, k, `${61000 + ((k * 37) % 50)}.5`));
    const { feed, sink } = await play(writeCapture(lines), { speed: Infinity });
    feed.changeTimeframe('5m');
    feed.changeTimeframe('1s');
    feed.changeTimeframe('2 weeks');
    // Reference: plain aggregation of the same trades.
    const bars = new Map<number, number[]>();
    for (let k = 0; k < 103; k++) {
      const t = T0 + k * 7000;
      const price = 61000 + ((k * 37) % 50) + 0.5;
      const open = t - (t % 300_000);
      const bar = bars.get(open);
      const takerBuy = k % 2 === 0 ? 0 : 0.5;
      if (bar === undefined) bars.set(open, [open, price, price, price, price, 0.5, price * 0.5, takerBuy, 1]);
      else {
        bar[2] = Math.max(bar[2]!, price);
        bar[3] = Math.min(bar[3]!, price);
        bar[4] = price;
        bar[5]! += 0.5;
        bar[6]! += price * 0.5;
        bar[7]! += takerBuy;
        bar[8]! += 1;
      }
    }
    const [timeframe, rows] = sink.histories[0]!;
    expect(timeframe).toBe('5m');
    expect(rows.length).toBe(bars.size);
    rows.forEach((row, i) => {
      const expected = [...bars.values()][i]!;
      expect(row.slice(0, 6)).toEqual(expected.slice(0, 6));
      expect(row[6]).toBeCloseTo(expected[6]!, 6);
      expect(row.slice(7)).toEqual(expected.slice(7));
    });
    expect(sink.histories[1]![0]).toBe('1s');
    expect(sink.histories[1]![1].length).toBeGreaterThan(0);
    expect(sink.histories).toHaveLength(2);
  });
});

describe('replay scrolling back', () => {
  it('pages in the replayed bars before those given as history, then none at the first', async () => {
    const lines = Array.from({ length: 103 }, (_, k) => trade(k, T0 + k * 7000, k, `${61000 + ((k * 37) % 50)}.5`));
    const feed = new ReplayFeed(writeCapture(lines), { speed: Infinity });
    await feed.open({ ...TARGET, historyBars: 20 });
    const sink = new RecordingSink();
    feed.start(sink);
    await feed.finished;
    feed.changeTimeframe('1s');
    const [, given] = sink.histories[0]!;
    expect(given).toHaveLength(20);
    let held = given;
    for (;;) {
      const older = await feed.loadOlder('1s', held[0]![0]!, 30);
      if (older === 'none') break;
      expect(older.length).toBeLessThanOrEqual(30);
      held = [...older, ...held];
    }
    // Every trade's second, oldest first, from the recording's first trade on.
    expect(held.map((row) => row[0])).toEqual(Array.from({ length: 103 }, (_, k) => T0 + k * 7000));
    await feed.close();
  });
});

describe('opening a recording', () => {
  it('tells the format from the content, whatever the name', async () => {
    const gz = join(tempDir, 'capture.txt');
    writeFileSync(gz, gzipSync(`${trade(0, T0)}\n`));
    const db = join(tempDir, 'book.gz');
    const created = new Database(db);
    created.exec('CREATE TABLE t(x)');
    created.close();
    const cryptofeed = join(tempDir, 'data.db');
    writeFileSync(cryptofeed, '1652459225.5: {"event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT"}}\n');
    expect(await detectReplayFormat(gz)).toBe('binance-capture');
    expect(await detectReplayFormat(db)).toBe('order-flow-db');
    expect(await detectReplayFormat(cryptofeed)).toBe('okx-cryptofeed');
  });

  it('refuses what it cannot replay with an error naming the file', async () => {
    const text = join(tempDir, 'notes.txt');
    writeFileSync(text, 'hello world\n');
    const empty = join(tempDir, 'empty.gz');
    writeFileSync(empty, '');
    const zstd = join(tempDir, 'x.jsonl.zst');
    writeFileSync(zstd, Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0]));
    const dir = join(tempDir, 'a-directory');
    mkdirSync(dir);
    const missing = join(tempDir, 'missing.gz');
    const cases: [string, RegExp][] = [
      [text, /notes\.txt: not a recording this can replay.*starts "hello world"/],
      [empty, /empty\.gz: the file is empty/],
      [zstd, /x\.jsonl\.zst: zstd-compressed/],
      [dir, /a-directory: is a directory, not a recording file/],
      [missing, /missing\.gz: cannot read the recording \(ENOENT/],
    ];
    for (const [path, message] of cases) {
      const feed = new ReplayFeed(path);
      const opening = feed.open(TARGET);
      await expect(opening).rejects.toThrow(ReplayOpenError);
      await expect(opening).rejects.toThrow(message);
    }
  });

  it('refuses a capture of another market, listing the markets it holds', async () => {
    const feed = new ReplayFeed(writeCapture(tradeLines(3, 1)));
    await expect(feed.open({ ...TARGET, symbol: 'ETH/USDT' })).rejects.toThrow(/no market "ETH\/USDT" in this capture \(it holds BTCUSDT\)/);
  });

  it('a gzip file that is no capture is refused at open, naming the line', async () => {
    const path = join(tempDir, 'other.gz');
    writeFileSync(path, gzipSync('time,price\n1,2\n'));
    await expect(new ReplayFeed(path).open(TARGET)).rejects.toThrow(/other\.gz: line 1 is not "<receive_ns> <JSON>"/);
  });

  it('infers the market facts from the numbers (Binance pads to 8 decimals; the shortest form counts)', async () => {
    const path = writeCapture([snapshot(0, 5), trade(1, T0)]);
    const facts = await new ReplayFeed(path, { facts: { amountPrecision: 3 } }).open(TARGET);
    expect(facts).toEqual({ exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 3 });
    expect(inferMarketFacts('okx', 'X', [30238.8, 30239, 5.148], [60, 0.001])).toMatchObject({ tickSize: 0.001, pricePrecision: 3, amountPrecision: 3 });
    expect(inferMarketFacts('okx', 'X', [30238.8, 30239], [60])).toMatchObject({ tickSize: 0.1, pricePrecision: 1, amountPrecision: 0 });
    expect(inferMarketFacts('okx', 'X', [], [])).toMatchObject({ tickSize: 0.01, pricePrecision: 2 });
  });

  it('matches symbols across spellings', () => {
    expect(matchInstrument('BTC/USDT', ['ETH-USDT', 'BTC-USDT'])).toBe('BTC-USDT');
    expect(matchInstrument('btcusdt', ['BTCUSDT'])).toBe('BTCUSDT');
    expect(matchInstrument('BTC/USDT:USDT', ['BTC-USDT', 'BTC-USDT-SWAP'])).toBe('BTC-USDT-SWAP');
    expect(matchInstrument('BTC/USDT', ['BTC-USDT-SWAP', 'BTC-USDT'])).toBe('BTC-USDT');
    expect(matchInstrument('BTC/USDT:USDT', ['BTCUSDT'])).toBe('BTCUSDT');
    expect(matchInstrument('BTC/USDT:USDT', ['BTC-USDT-SWAP', 'ETH-USDT-SWAP'])).toBe('BTC-USDT-SWAP');
    expect(matchInstrument('BTC/USD:BTC-220527', ['BTC-USD-220527', 'BTC-USD-SWAP'])).toBe('BTC-USD-220527');
    expect(matchInstrument('', ['A', 'B'])).toBe('A');
    expect(matchInstrument('DOGE/USDT', ['BTC-USDT'])).toBeNull();
  });
});

describe('lines the engine refuses', () => {
  it('are reported at their file:line (a crossed snapshot, a diff that crosses the book), and the replay goes on', async () => {
    const crossedSnapshot = `${receive(2)} {"lastUpdateId":200,"bids":[["61837.70000000","1.00000000"]],"asks":[["61837.64000000","2.00000000"]]}`;
    const crossingDiff = `${receive(4)} {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":${T0 + 30},"s":"BTCUSDT","U":102,"u":102,"b":[["61837.90000000","1.00000000"]],"a":[]}}`;
    const path = writeCapture([snapshot(0, 100), diff(1, T0 + 10, 101, 101), crossedSnapshot, trade(3, T0 + 20), crossingDiff, trade(5, T0 + 40)]);
    const market = new Market({ tickSize: 0.01 });
    const sink = new RecordingSink();
    sink.onEvent = (e) => market.onEvent(e);
    const { problems } = await play(path, { speed: Infinity, refusals: new MarketRefusals(() => market) }, sink);
    expect(problems.map((p) => p.message)).toEqual([
      `${path}:3: the book refused this snapshot (empty, unsorted, crossed or with bad numbers)`,
      `${path}:5: the book went to resync: the book crossed after a diff (best bid >= best ask)`,
    ]);
    expect(problems.map((p) => p.line)).toEqual([3, 5]);
    expect(market.stats.byKind.trades).toBe(2);
  });
});

describe('bad input in a capture', () => {
  it('malformed lines and unknown message types are reported as file:line, and the replay goes on', async () => {
    const lines = [
      trade(0, T0),
      'not-a-number {"json": true}',
      trade(2, T0 + 1),
      `${receive(3)} {"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1,"s":"BTCUSDT"}}`,
      `${receive(4)} {"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":4,"p":"-5","q":"1","T":1,"m":true}}`,
      trade(5, T0 + 2),
    ];
    const path = writeCapture(lines);
    const { sink, problems, feed } = await play(path, { speed: Infinity });
    expect(sink.played.map((p) => p.tradeId)).toEqual([0, 2, 5]);
    expect(problems.map((p) => p.message)).toEqual([
      `${path}:2: receive time is not an unsigned number`,
      `${path}:4: a message of an unknown type was skipped (not depthUpdate, trade, bookTicker or a depth snapshot)`,
      `${path}:5: bad or missing p (price)`,
    ]);
    expect(feed.stats.problems).toBe(3);
    // Line problems do not make the replay an error.
    expect(sink.statuses[sink.statuses.length - 1]!.state).toBe('finished');
  });

  it('a truncated gzip: every line before the damage plays, the damage is reported, and the status ends in error', async () => {
    const lines = tradeLines(3000, 1);
    const whole = gzipSync(`${lines.join('\n')}\n`);
    const path = join(tempDir, 'truncated.gz');
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const { sink, problems } = await play(path, { speed: Infinity });
    expect(sink.played.length).toBeGreaterThan(100);
    expect(sink.played.length).toBeLessThan(3000);
    expect(sink.played.map((p) => p.tradeId)).toEqual(Array.from({ length: sink.played.length }, (_, i) => i));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(new RegExp(`^${path}: capture unreadable after ${sink.played.length} lines: truncated or corrupt gzip`));
    const last = sink.statuses[sink.statuses.length - 1]!;
    expect(last.state).toBe('error');
    expect(last.detail).toContain(path);
  });

  it('a damaged file among several: the next file still plays', async () => {
    const whole = gzipSync(`${tradeLines(2000, 1).join('\n')}\n`);
    const damaged = join(tempDir, 'damaged-first.gz');
    writeFileSync(damaged, whole.subarray(0, Math.floor(whole.length / 2)));
    const second = writeCapture(Array.from({ length: 10 }, (_, k) => trade(k, T0 + 5000 + k, 100_000 + k)));
    const { sink, problems } = await play([damaged, second], { speed: Infinity });
    expect(problems.map((p) => p.file)).toEqual([damaged]);
    expect(sink.played.slice(-10).map((p) => p.tradeId)).toEqual(Array.from({ length: 10 }, (_, k) => 100_000 + k));
  });

  it('a capture without a snapshot: the book cannot be built, which is reported; trades still play', async () => {
    const lines = [diff(0, T0, 10, 12), trade(1, T0 + 1), diff(2, T0 + 100, 13, 15), trade(3, T0 + 101)];
    const path = writeCapture(lines);
    const { sink, problems } = await play(path, { speed: Infinity });
    expect(sink.played.filter((p) => p.kind === EventKind.Trade)).toHaveLength(2);
    expect(problems.map((p) => p.message)).toEqual([
      `${path}: no depth snapshot after 2 book updates: the order book cannot be rebuilt (trades and candles still play)`,
    ]);
  });

  it('many bad lines: the first ones are reported one by one, the rest summarized', async () => {
    const lines = [trade(0, T0), ...Array.from({ length: 30 }, () => 'garbage'), trade(31, T0 + 1)];
    const path = writeCapture(lines);
    const { problems, feed } = await play(path, { speed: Infinity, maxProblemsPerFile: 20 });
    expect(problems).toHaveLength(21);
    expect(problems[19]!.message).toBe(`${path}:21: no "<receive_ns> " prefix`);
    expect(problems[20]!.message).toBe(`${path}: 10 more problems were not reported one by one`);
    expect(feed.stats).toMatchObject({ problems: 30, problemsSuppressed: 10, byKind: { trades: 2 } });
  });

  it('a sink that throws is reported and does not stop the replay', async () => {
    const sink = new RecordingSink();
    sink.onEvent = (e) => {
      if (e.tradeId === 1) throw new Error('boom');
    };
    const { problems } = await play(writeCapture(tradeLines(3, 1)), { speed: Infinity }, sink);
    expect(sink.played).toHaveLength(3);
    expect(problems.map((p) => p.reason)).toEqual(['the sink failed (boom)']);
  });
});
