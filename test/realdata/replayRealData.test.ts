/**
 * Replay and recording on the real captures, read in place: the Binance spot and USD-M
 * captures through the ReplayFeed into the engine (the bookTicker oracle must still hold), the
 * cryptofeed OKX capture (every checksum must verify), and recordings made from real events that
 * must read back as the same events.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { SyncState } from '../../src/engine/book/bookSync';
import { binanceRule, okxRule } from '../../src/engine/book/sequenceRule';
import { CandleField } from '../../src/engine/candles/candleSeries';
import { EventKind, MarketEvent, type LevelList } from '../../src/engine/events';
import { Market } from '../../src/engine/market';
import { readCapture } from '../../src/feeds/captureReader';
import type { FeedSink, FeedStatus, TickerSnapshot } from '../../src/feeds/feed';
import { CaptureRecorder } from '../../src/feeds/recorder/captureRecorder';
import { OrderFlowDbRecorder } from '../../src/feeds/recorder/orderFlowDbRecorder';
import { ReplayFeed, type ReplayOptions } from '../../src/feeds/replay/replayFeed';
import type { ReplayProblem } from '../../src/feeds/replay/replaySource';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { fingerprint } from '../support/eventFingerprint';

const SPOT = ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'];
const USDM_BTC = 'binance/usdm/btcusdt_20240808.gz';
const OKX = 'cryptofeed/sample_data_master/OKX.ws.1.0';

const tempDir = mkdtempSync(join(tmpdir(), 'orderscope-replay-real-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

class MarketSink implements FeedSink {
  readonly market: Market;
  readonly statuses: FeedStatus[] = [];
  readonly tickers: TickerSnapshot[] = [];
  readonly resyncs: string[] = [];
  firstTime = NaN;
  constructor(market: Market) {
    this.market = market;
  }
  event(event: MarketEvent): void {
    if (this.firstTime !== this.firstTime && event.time === event.time) this.firstTime = event.time;
    this.market.onEvent(event);
  }
  mirrorBook(): void {}
  bookResync(reason: string): void {
    this.resyncs.push(reason);
    this.market.requestResync(reason);
  }
  history(_tf: string, rows: ReadonlyArray<ArrayLike<unknown>>): void {
    this.market.mergeHistoryRows(rows);
  }
  ticker(ticker: TickerSnapshot): void {
    this.tickers.push(ticker);
  }
  status(status: FeedStatus): void {
    this.statuses.push(status);
  }
}

async function replay(paths: string[], symbol: string, options: Partial<ReplayOptions> = {}) {
  const problems: ReplayProblem[] = [];
  const feed = new ReplayFeed(paths, { speed: Infinity, onProblem: (p) => problems.push(p), ...options });
  const facts = await feed.open({ exchange: '', symbol, timeframe: '1m', historyBars: 100 });
  // A capture has one snapshot: count disagreements instead of resyncing (as verifyCaptures does).
  const market = new Market({ sequenceRule: feed.sequenceRule, tickSize: facts.tickSize, resyncOnTickerMismatch: false });
  const sink = new MarketSink(market);
  const start = performance.now();
  feed.start(sink);
  await feed.finished;
  return { feed, facts, market, sink, problems, wall: performance.now() - start };
}

describe.skipIf(!hasSharedData(...SPOT, USDM_BTC))('replaying the Binance captures', () => {
  it('spot 0808 + 0809: every event reaches the engine, and the book matches all 1072 bookTickers', async () => {
    const { feed, facts, market, problems, sink } = await replay(SPOT.map(sharedDataPath), 'BTC/USDT');
    expect(problems).toEqual([]);
    expect(facts).toEqual({ exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 });
    expect(feed.stats).toMatchObject({ byKind: { depthDiffs: 3451 + 3044, trades: 9757 + 10147, bookTickers: 28040 + 45134, depthSnapshots: 1 }, problems: 0 });
    expect(market.tickerCheck.whenApplied.checks).toBe(1072);
    expect(market.tickerCheck.whenApplied.mismatches).toBe(0);
    expect(market.bookState()).toBe(SyncState.Live);
    // The market clock is the newest exchange time seen (the streams interleave slightly).
    let newest = -Infinity;
    await readCapture(SPOT.map(sharedDataPath), (e) => {
      if (e.time > newest) newest = e.time;
    });
    expect(feed.progress()).toMatchObject({ fraction: 1, finished: true, marketTime: newest, items: 99_574 });
    expect(sink.statuses[sink.statuses.length - 1]).toMatchObject({ state: 'finished', detail: expect.stringMatching(/end of recording \(99574 events\)/) });
  });

  it('spot at 1000x takes the market time span / 1000 of wall time (exchange times, not receive times)', async () => {
    const { feed, sink, wall } = await replay(SPOT.map(sharedDataPath), 'BTCUSDT', { speed: 1000 });
    const span = feed.progress().marketTime - sink.firstTime;
    expect(span).toBeGreaterThan(600_000);
    expect(wall).toBeGreaterThanOrEqual(span / 1000 - 20);
    expect(wall).toBeLessThan(span / 1000 + 1500);
  });

  it('memory stays flat: replaying the capture three times over holds no more than replaying it once', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const spot = sharedDataPath(SPOT[0]!);
    /** Live heap after a full collection, sampled while the replay runs. */
    async function peakLiveHeap(files: number): Promise<number> {
      gc();
      const baseline = process.memoryUsage().heapUsed;
      let peak = 0;
      let calls = 0;
      let samples = 0;
      const feed = new ReplayFeed(
        Array.from({ length: files }, () => spot),
        {
          speed: Infinity,
          progressIntervalMs: 0,
          onProgress: () => {
            if (++calls % 2 !== 0) return;
            samples++;
            gc();
            peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
          },
        },
      );
      await feed.open({ exchange: '', symbol: 'BTCUSDT', timeframe: '1m', historyBars: 0 });
      feed.start({ event: () => {}, mirrorBook: () => {}, bookResync: () => {}, history: () => {}, ticker: () => {}, status: () => {} });
      await feed.finished;
      expect(feed.stats.byKind.events).toBe(files * 41_249);
      expect(samples).toBeGreaterThan(5 * files);
      return peak;
    }
    const once = await peakLiveHeap(1);
    const threeTimes = await peakLiveHeap(3);
    // 11 MB decompressed per file: streaming holds a few chunks, and that does not grow.
    expect(once).toBeLessThan(4 * 1024 * 1024);
    expect(threeTimes - once).toBeLessThan(2 * 1024 * 1024);
  });

  it('usdm BTCUSDT (futures rule): 503 bookTicker checks, 0 mismatches', async () => {
    const { feed, facts, market, problems } = await replay([sharedDataPath(USDM_BTC)], 'BTC/USDT:USDT');
    expect(problems).toEqual([]);
    expect(facts.exchange).toBe('binanceusdm');
    expect(feed.sequenceRule).toBe(binanceRule);
    expect(market.tickerCheck.whenApplied.checks).toBe(503);
    expect(market.tickerCheck.whenApplied.mismatches).toBe(0);
    expect(feed.stats).toMatchObject({ byKind: { depthDiffs: 6551, trades: 21313, bookTickers: 66089 } });
  });
});

describe.skipIf(!hasSharedData(OKX))('replaying the cryptofeed OKX capture', () => {
  const instruments = ['BTC-USDT', 'BTC-USD-220527', 'UNI-USD-SWAP'];

  it('all 290 checksums verify across the three instruments, and the books stay live', async () => {
    let verified = 0;
    for (const instrument of instruments) {
      const { feed, market, problems, sink } = await replay([sharedDataPath(OKX)], instrument);
      expect(problems, instrument).toEqual([]);
      expect(feed.sequenceRule).toBe(okxRule);
      expect(feed.stats.checksumMismatches, instrument).toBe(0);
      expect(sink.resyncs, instrument).toEqual([]);
      expect(market.bookState(), instrument).toBe(SyncState.Live);
      expect(market.sync.stats.gaps, instrument).toBe(0);
      expect(market.book.isCrossed(), instrument).toBe(false);
      verified += feed.stats.checksumsVerified;
    }
    expect(verified).toBe(290);
  });

  it('BTC-USDT: trades, tickers and book updates as in the capture, timed on ts at 20x', async () => {
    const { feed, facts, market, sink, wall } = await replay([sharedDataPath(OKX)], 'BTC/USDT', { speed: 20 });
    expect(facts).toMatchObject({ exchange: 'okx', symbol: 'BTC/USDT', tickSize: 0.1 });
    expect(feed.stats).toMatchObject({ byKind: { trades: 69, depthSnapshots: 1, depthDiffs: 97 }, tickers: 25, problems: 0 });
    expect(market.stats.byKind.trades).toBe(69);
    expect(sink.tickers.every((t) => t.symbol === 'BTC-USDT' && t.last > 0)).toBe(true);
    const span = feed.progress().marketTime - sink.firstTime;
    expect(wall).toBeGreaterThanOrEqual(span / 20 - 20);
    expect(wall).toBeLessThan(span / 20 + 1000);
  });
});

describe.skipIf(!hasSharedData(...SPOT))('recording real events', () => {
  it('the capture recorder writes the spot capture so that it reads back as the identical 99,574 events', async () => {
    const path = join(tempDir, 'spot-rerecorded.gz');
    const recorder = await CaptureRecorder.open(path);
    const expected: string[] = [];
    await readCapture(SPOT.map(sharedDataPath), (e) => {
      expected.push(fingerprint(e));
      recorder.event(e);
    });
    const stats = await recorder.close();
    expect(stats).toMatchObject({ events: 99_574, rejected: 0, failed: 0, pending: 0 });
    const read: string[] = [];
    const counts = await readCapture([path], (e) => void read.push(fingerprint(e)));
    expect(counts.malformed + counts.unknown).toBe(0);
    expect(read.length).toBe(expected.length);
    expect(read).toEqual(expected);
  });

  it('the database recorder keeps every trade and the book as it stood at the end of each 100 ms window', async () => {
    const path = join(tempDir, 'spot.db');
    const recorder = await OrderFlowDbRecorder.open(path, { symbol: 'BTC-USDT', bookDepth: 20, bookIntervalMs: 100, sequenceRule: binanceRule });
    // Reference: the engine's book, sampled by the rule the recorder documents.
    const reference = new Market({ sequenceRule: binanceRule, resyncOnTickerMismatch: false });
    // Rows as [time, book]; a snapshot has no exchange time: the recorder stamps it with the last
    // exchange time seen plus the local time since (a few ms at most here), kept as [low, high].
    const expectedRows: [number, number, string][] = [];
    let pending: string | null = null;
    let pendingTime: [number, number] = [NaN, NaN];
    let lastExchangeTime = NaN;
    const top = (): string => {
      const b = reference.book;
      const side = (s: typeof b.bids) => Array.from({ length: Math.min(20, s.count) }, (_, i) => [s.prices[s.count - 1 - i], s.sizes[s.count - 1 - i]]);
      return JSON.stringify([side(b.bids), side(b.asks)]);
    };
    const direct = new Market({ sequenceRule: binanceRule, resyncOnTickerMismatch: false });
    await readCapture(SPOT.map(sharedDataPath), (e) => {
      recorder.event(e);
      direct.onEvent(e);
      const time: [number, number] = e.time === e.time ? [e.time, e.time] : [lastExchangeTime, lastExchangeTime + 1000];
      if (e.time === e.time) lastExchangeTime = e.time;
      if (e.kind !== EventKind.DepthDiff && e.kind !== EventKind.DepthSnapshot) return;
      if (pending !== null && Math.floor(time[0] / 100) !== Math.floor(pendingTime[0] / 100)) {
        expectedRows.push([...pendingTime, pending]);
        pending = null;
      }
      const applied = reference.sync.stats.applied;
      reference.onEvent(e);
      if (reference.bookIsShowable() && (e.kind === EventKind.DepthSnapshot || reference.sync.stats.applied !== applied)) {
        pending = top();
        pendingTime = time;
      }
    });
    if (pending !== null) expectedRows.push([...pendingTime, pending]);
    const stats = await recorder.close();
    expect(stats).toMatchObject({ tradeRows: 19_904, rejected: 0, failed: 0, pending: 0, bookRows: expectedRows.length });

    // Replay the database: the book rows equal the reference, the trades make the same candles.
    const rows: [number, string][] = [];
    const problems: ReplayProblem[] = [];
    const feed = new ReplayFeed(path, { speed: Infinity, onProblem: (p) => problems.push(p) });
    await feed.open({ exchange: '', symbol: 'BTC/USDT', timeframe: '1m', historyBars: 0 });
    const replayed = new Market({ sequenceRule: feed.sequenceRule });
    const sink = new MarketSink(replayed);
    const event = sink.event.bind(sink);
    sink.event = (e: MarketEvent) => {
      if (e.kind === EventKind.DepthSnapshot) {
        const side = (l: LevelList) => Array.from({ length: l.count }, (_, i) => [l.prices[i], l.sizes[i]]);
        rows.push([e.time, JSON.stringify([side(e.bids), side(e.asks)])]);
      }
      event(e);
    };
    feed.start(sink);
    await feed.finished;
    expect(problems).toEqual([]);
    expect(rows.map((r) => r[1])).toEqual(expectedRows.map((r) => r[2]));
    rows.forEach(([time], i) => {
      expect(time).toBeGreaterThanOrEqual(expectedRows[i]![0]);
      expect(time).toBeLessThanOrEqual(expectedRows[i]![1]);
    });
    expect(expectedRows.filter((r) => r[0] !== r[1])).toHaveLength(1); // only the snapshot's
    expect(replayed.stats.byKind.trades).toBe(19_904);
    direct.settle();
    replayed.settle();
    expect(replayed.candles.count).toBe(direct.candles.count);
    for (let seq = direct.candles.firstSeq; seq <= direct.candles.lastSeq; seq++) {
      for (const field of [CandleField.OpenTime, CandleField.Open, CandleField.High, CandleField.Low, CandleField.Close, CandleField.Volume, CandleField.TakerBuyVolume, CandleField.TradeCount]) {
        const offset = replayed.candles.firstSeq - direct.candles.firstSeq;
        expect(replayed.candles.value(seq + offset, field)).toBe(direct.candles.value(seq, field));
      }
    }
  });
});
