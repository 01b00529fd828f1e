import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExternalLevel } from '../../src/engine/book/bookSide';
import { SyncState } from '../../src/engine/book/bookSync';
import { CandleField } from '../../src/engine/candles/candleSeries';
import { TIMEFRAME_MS, TimeframeError } from '../../src/engine/candles/timeframe';
import { EngineError } from '../../src/engine/engineError';
import { EventKind, type MarketEvent } from '../../src/engine/events';
import { Market } from '../../src/engine/market';
import type { FeedSink, FeedStatus, FeedTarget, TickerSnapshot } from '../../src/feeds/feed';
import { SIMULATOR_EXCHANGE, SIMULATOR_SYMBOL, SimulatorFeed } from '../../src/feeds/simulator/simulatorFeed';

const TARGET: FeedTarget = { exchange: SIMULATOR_EXCHANGE, symbol: SIMULATOR_SYMBOL, timeframe: '1m', historyBars: 500 };
const START = Date.UTC(2024, 4, 6, 12, 0, 0);

/** A sink that keeps what it is given (events copied to plain records) and feeds a Market. */
class RecordingSink implements FeedSink {
  readonly kinds: number[] = [];
  readonly times: number[] = [];
  readonly records: string[] = [];
  readonly histories: Array<{ timeframe: string; rows: ReadonlyArray<ArrayLike<unknown>> }> = [];
  readonly tickers: TickerSnapshot[] = [];
  readonly statuses: FeedStatus[] = [];
  resyncs = 0;
  mirrors = 0;

  constructor(readonly market: Market | null = null) {}

  event(e: MarketEvent): void {
    this.kinds.push(e.kind);
    this.times.push(e.time);
    this.records.push(`${e.kind} ${e.time} ${e.finalId} ${e.price} ${e.amount} ${e.bids.count} ${e.asks.count} ${e.bestBid} ${e.bestAsk}`);
    this.market?.onEvent(e);
  }
  mirrorBook(_bids: ArrayLike<ExternalLevel>, _asks: ArrayLike<ExternalLevel>): void {
    this.mirrors++;
  }
  bookResync(): void {
    this.resyncs++;
  }
  history(timeframe: string, rows: ReadonlyArray<ArrayLike<unknown>>): void {
    this.histories.push({ timeframe, rows });
    this.market?.mergeHistoryRows(rows);
  }
  ticker(t: TickerSnapshot): void {
    this.tickers.push(t);
  }
  status(s: FeedStatus): void {
    this.statuses.push(s);
  }
  count(kind: number): number {
    return this.kinds.filter((k) => k === kind).length;
  }
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('SimulatorFeed', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(START);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens offline with the market facts of SIM/USDT on the simulator', async () => {
    const feed = new SimulatorFeed();
    expect(feed.name).toBe('simulator');
    expect(await feed.open(TARGET)).toEqual({ exchange: 'simulator', symbol: 'SIM/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 3 });
    await feed.close();
  });

  it('rejects targets it cannot serve, with a message a person can act on', async () => {
    expect(String(await rejection(new SimulatorFeed().open({ ...TARGET, exchange: 'binance' })))).toContain('simulator');
    expect(await rejection(new SimulatorFeed().open({ ...TARGET, timeframe: '1M' }))).toBeInstanceOf(TimeframeError);
    expect(String(await rejection(new SimulatorFeed().open({ ...TARGET, historyBars: NaN })))).toContain('history bars');
    expect(String(await rejection(new SimulatorFeed().open({ ...TARGET, symbol: ' ' })))).toContain('symbol');
    expect(await rejection(new SimulatorFeed({ market: { tickSize: 0.03 } }).open(TARGET))).toBeInstanceOf(EngineError);
    const feed = new SimulatorFeed();
    await feed.open(TARGET);
    expect(String(await rejection(feed.open(TARGET)))).toContain('already open');
    expect(() => new SimulatorFeed({ speed: 0 })).toThrow(EngineError);
    expect(() => new SimulatorFeed({ speed: NaN })).toThrow(EngineError);
    expect(() => new SimulatorFeed({ batchMs: 0 })).toThrow(EngineError);
    expect(() => feed.setSpeed(-1)).toThrow(EngineError);
  });

  it('sends status, history and a ticker, then the snapshot, then events paced in real time', async () => {
    const feed = new SimulatorFeed({ seed: 2 });
    await feed.open(TARGET);
    const sink = new RecordingSink();
    feed.start(sink);
    expect(sink.statuses[0]).toMatchObject({ state: 'live', polled: [] });
    expect(sink.histories).toHaveLength(1);
    expect(sink.histories[0]!.timeframe).toBe('1m');
    expect(sink.histories[0]!.rows).toHaveLength(500);
    expect(sink.kinds[0]).toBe(EventKind.DepthSnapshot);
    expect(sink.tickers).toHaveLength(1);

    vi.advanceTimersByTime(60_000);
    const diffs = sink.count(EventKind.DepthDiff);
    const trades = sink.count(EventKind.Trade);
    console.log(`feed, 60 s at 1×: ${diffs} diffs, ${trades} trades, ${sink.count(EventKind.BookTicker)} bookTickers, ${sink.tickers.length} tickers`);
    // ~20 diffs/s and ~10 trades/s on average; a single minute varies with the volatility regime.
    expect(diffs).toBeGreaterThan(60 * 20 * 0.4);
    expect(diffs).toBeLessThan(60 * 20 * 2.5);
    expect(trades).toBeGreaterThan(60 * 10 * 0.4);
    expect(trades).toBeLessThan(60 * 10 * 2.5);
    // Event times follow the wall clock (never ahead of it), batched every 50 ms.
    expect(Math.max(...sink.times)).toBeLessThanOrEqual(Date.now());
    expect(Math.max(...sink.times)).toBeGreaterThan(Date.now() - 1000);
    expect(sink.tickers.length).toBeGreaterThanOrEqual(60);
    const t = sink.tickers.at(-1)!;
    expect(t.symbol).toBe('SIM/USDT');
    expect(t.low24h).toBeLessThanOrEqual(t.last);
    expect(t.high24h).toBeGreaterThanOrEqual(t.last);
    expect(t.volume24h).toBeGreaterThan(0);
    expect(t.changePercent24h).toBeCloseTo(((t.last - t.open24h) / t.open24h) * 100, 9);

    await feed.close();
    const delivered = sink.kinds.length;
    vi.advanceTimersByTime(10_000);
    expect(sink.kinds.length).toBe(delivered);
    await feed.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('runs faster at a higher speed', async () => {
    const a = new SimulatorFeed({ seed: 4 });
    const b = new SimulatorFeed({ seed: 4, speed: 5 });
    await a.open(TARGET);
    await b.open(TARGET);
    const sa = new RecordingSink();
    const sb = new RecordingSink();
    a.start(sa);
    b.start(sb);
    vi.advanceTimersByTime(20_000);
    // The same market, five times as far along.
    expect(sb.records.slice(0, sa.records.length)).toEqual(sa.records);
    const ratio = sb.kinds.length / sa.kinds.length;
    console.log(`speed 5×: ${sb.kinds.length} events vs ${sa.kinds.length} at 1× (ratio ${ratio.toFixed(2)})`);
    expect(ratio).toBeGreaterThan(3);
    expect(ratio).toBeLessThan(8);
    expect(Math.max(...sb.times)).toBeGreaterThan(START + 90_000);
    await a.close();
    await b.close();
  });

  it('is deterministic: the same seed and clock give the same events', async () => {
    const runOnce = async (): Promise<string[]> => {
      vi.setSystemTime(START);
      const feed = new SimulatorFeed({ seed: 77 });
      await feed.open(TARGET);
      const sink = new RecordingSink();
      feed.start(sink);
      vi.advanceTimersByTime(15_000);
      await feed.close();
      return sink.records;
    };
    const first = await runOnce();
    const second = await runOnce();
    expect(first.length).toBeGreaterThan(300);
    expect(second).toEqual(first);
  });

  it('feeds an engine Market end to end: live book, history plus live candles, another timeframe on request', async () => {
    const market = new Market({ symbol: 'SIM/USDT', tickSize: 0.01, timeframe: '1m' });
    const feed = new SimulatorFeed({ seed: 6 });
    await feed.open(TARGET);
    const sink = new RecordingSink(market);
    feed.start(sink);
    vi.advanceTimersByTime(5.5 * 60_000);
    market.settle();
    expect(market.bookState()).toBe(SyncState.Live);
    expect(market.sync.stats.gaps).toBe(0);
    expect(market.rejectedTotal()).toBe(0);
    expect(market.tickerCheck.atArrival.mismatches).toBe(0);
    expect(market.tickerCheck.atArrival.checks).toBeGreaterThan(1000);
    // 500 history bars (the last one closed at the start, 12:00) and the live 12:00..12:05 bars.
    expect(market.candles.count).toBe(506);
    // The engine's live bars continue the history without a gap.
    const c = market.candles;
    for (let seq = c.firstSeq + 1; seq <= c.lastSeq; seq++) {
      expect(c.value(seq, CandleField.OpenTime) - c.value(seq - 1, CandleField.OpenTime)).toBe(TIMEFRAME_MS['1m']);
    }

    market.setTimeframe('5m');
    feed.changeTimeframe('5m');
    expect(sink.histories.at(-1)!.timeframe).toBe('5m');
    const rows = sink.histories.at(-1)!.rows;
    expect(rows).toHaveLength(500);
    // The newest 5m bar is the one in progress (it has traded since 12:05) and holds the live trades.
    expect(Number(rows.at(-1)![0])).toBe(START + 5 * 60_000);
    expect(Number(rows.at(-1)![4])).toBe(market.lastPrice);
    vi.advanceTimersByTime(60_000);
    market.settle();
    expect(market.candles.count).toBeGreaterThanOrEqual(500);
    expect(market.candles.value(market.candles.lastSeq, CandleField.Close)).toBe(market.lastPrice);

    feed.changeTimeframe('7m');
    expect(feed.rejected).toBe(1);
    expect(sink.histories.at(-1)!.timeframe).toBe('5m');
    expect(sink.resyncs + sink.mirrors).toBe(0);
    await feed.close();
  });

  it('scrolling back pages in its generated past before the bars held, without a gap, then says none at its start', async () => {
    const market = new Market({ symbol: 'SIM/USDT', tickSize: 0.01, timeframe: '1m' });
    const feed = new SimulatorFeed({ seed: 6 });
    await feed.open(TARGET);
    feed.start(new RecordingSink(market));
    vi.advanceTimersByTime(60_000);
    const c = market.candles;
    expect(c.count).toBe(501); // 500 history bars and the live one
    const pages: number[] = [];
    for (;;) {
      const rows = await feed.loadOlder('1m', c.value(c.firstSeq, CandleField.OpenTime), 500);
      if (rows === 'none') break;
      pages.push(rows.length);
      market.mergeHistoryRows(rows);
    }
    // The 1m past spans 5 × 500 bars and a few more (back to a 15m boundary): 2000 more in
    // pages of 500, then the rest.
    expect(pages.slice(0, 4)).toEqual([500, 500, 500, 500]);
    expect(pages.length).toBe(5);
    expect(c.count).toBeGreaterThan(2501);
    for (let seq = c.firstSeq + 1; seq <= c.lastSeq; seq++) {
      expect(c.value(seq, CandleField.OpenTime) - c.value(seq - 1, CandleField.OpenTime)).toBe(TIMEFRAME_MS['1m']);
    }
    await expect(feed.loadOlder('7m', START, 10)).rejects.toBeInstanceOf(TimeframeError);
    await feed.close();
  });

  it('after a stall, delivers at most one batch cap per tick and lets the simulated clock fall behind', async () => {
    const feed = new SimulatorFeed({ seed: 3, maxEventsPerBatch: 500 });
    await feed.open(TARGET);
    const sink = new RecordingSink();
    feed.start(sink);
    vi.advanceTimersByTime(1000);
    const before = sink.kinds.length;
    // The machine slept for an hour: the clock jumps, then one timer tick runs.
    vi.setSystemTime(Date.now() + 3600_000);
    vi.advanceTimersByTime(50);
    expect(sink.kinds.length - before).toBe(500);
    const afterStall = sink.kinds.length;
    vi.advanceTimersByTime(10_000);
    // Back to the normal pace (not an hour of catch-up).
    expect(sink.kinds.length - afterStall).toBeLessThan(10 * 200);
    expect(sink.kinds.length - afterStall).toBeGreaterThan(10);
    await feed.close();
  });

  it('sends a fresh snapshot on request, which the engine takes without losing the chain', async () => {
    const market = new Market({ symbol: 'SIM/USDT', tickSize: 0.01 });
    const feed = new SimulatorFeed({ seed: 12 });
    await feed.open(TARGET);
    const sink = new RecordingSink(market);
    feed.start(sink);
    vi.advanceTimersByTime(5000);
    market.requestResync('test: the book was lost');
    expect(market.bookState()).toBe(SyncState.NeedsResync);
    feed.requestSnapshot();
    vi.advanceTimersByTime(5000);
    expect(sink.count(EventKind.DepthSnapshot)).toBe(2);
    expect(market.bookState()).toBe(SyncState.Live);
    expect(market.book.bestBid()).toBeLessThan(market.book.bestAsk());
    expect(market.tickerCheck.atArrival.mismatches).toBe(0);
    await feed.close();
  });

  it('reports an error status when started before it was opened', () => {
    const feed = new SimulatorFeed();
    const sink = new RecordingSink();
    feed.start(sink);
    expect(sink.statuses).toEqual([{ state: 'error', detail: 'the simulator was started before it was opened', value: 0, polled: [] }]);
    expect(sink.kinds).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
