import { beforeAll, describe, expect, it } from 'vitest';
import { SyncState } from '../../src/engine/book/bookSync';
import { CandleField } from '../../src/engine/candles/candleSeries';
import { TIMEFRAME_MS, type Timeframe } from '../../src/engine/candles/timeframe';
import { EngineError } from '../../src/engine/engineError';
import { EventKind, MarketEvent } from '../../src/engine/events';
import { Market } from '../../src/engine/market';
import { binanceSpotRule } from '../../src/engine/book/sequenceRule';
import { MarketSimulator, type SimulatorOptions } from '../../src/feeds/simulator/marketSimulator';

const TICK = 0.01;
const LOT = 0.001;
const lots = (amount: number): number => Math.round(amount / LOT);
const onGrid = (x: number, step: number): boolean => Math.abs(Math.round(x / step) * step - x) < 1e-9 && Number(x.toFixed(8)) === x;

/**
 * Steps `sim` until `end`, calling `onEvent` with each event's kind (the event is in `e`).
 * Returns the events stepped and the wall time they took.
 */
function runUntil(sim: MarketSimulator, e: MarketEvent, end: number, onEvent: (kind: EventKind) => void): { events: number; runMs: number } {
  const t0 = performance.now();
  let events = 0;
  while (sim.nextTime() < end) {
    onEvent(sim.step(e));
    events++;
  }
  return { events, runMs: performance.now() - t0 };
}

/** A plain record of one event, for comparing sequences. */
function record(e: MarketEvent): string {
  const levels = (l: { count: number; prices: Float64Array; sizes: Float64Array }): string => {
    let s = '';
    for (let i = 0; i < l.count; i++) s += `${l.prices[i]}:${l.sizes[i]},`;
    return s;
  };
  switch (e.kind) {
    case EventKind.Trade:
      return `T ${e.time} ${e.tradeId} ${e.price} ${e.amount} ${e.takerSide}`;
    case EventKind.BookTicker:
      return `K ${e.time} ${e.finalId} ${e.bestBid} ${e.bestBidSize} ${e.bestAsk} ${e.bestAskSize}`;
    default:
      return `${e.kind} ${e.time} ${e.firstId} ${e.finalId} ${levels(e.bids)}|${levels(e.asks)}`;
  }
}

function sequence(options: Partial<SimulatorOptions>, count: number): string[] {
  const sim = new MarketSimulator(options);
  const e = new MarketEvent();
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    sim.step(e);
    out.push(record(e));
  }
  return out;
}

function autocorrelation(x: readonly number[], lag: number): number {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    den += (x[i]! - mean) ** 2;
    if (i >= lag) num += (x[i]! - mean) * (x[i - lag]! - mean);
  }
  return num / den;
}

/**
 * Plain aggregation of exchange rows into a longer timeframe (the reference for the simulator's
 * own): a bar opens at its first traded row; rows without trades (flat) only carry the price.
 */
function aggregate(rows: number[][], tf: Timeframe): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const length = TIMEFRAME_MS[tf];
  const anchor = tf === '1w' ? 4 * TIMEFRAME_MS['1d'] : 0;
  for (const r of rows) {
    const t = r[0]! - ((((r[0]! - anchor) % length) + length) % length);
    const traded = r[8]! > 0;
    const bar = out.get(t);
    if (bar === undefined || (traded && bar[6] === 0)) {
      out.set(t, [t, r[1]!, r[2]!, r[3]!, r[4]!, r[5]! + (bar?.[5] ?? 0), r[8]!]);
    } else if (traded) {
      bar[2] = Math.max(bar[2]!, r[2]!);
      bar[3] = Math.min(bar[3]!, r[3]!);
      bar[4] = r[4]!;
      bar[5]! += r[5]!;
      bar[6]! += r[8]!;
    }
  }
  return out;
}

describe('MarketSimulator: determinism', () => {
  it('the same seed gives the identical event sequence; another seed differs', () => {
    const a = sequence({ seed: 42 }, 30_000);
    const b = sequence({ seed: 42 }, 30_000);
    const c = sequence({ seed: 43 }, 30_000);
    expect(b).toEqual(a);
    let differ = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== c[i]) differ++;
    expect(differ).toBeGreaterThan(a.length * 0.9);
  });

  it('the same seed gives the same past; the past length does not change the live market', () => {
    const a = new MarketSimulator({ seed: 9, historyBars: 200 });
    const b = new MarketSimulator({ seed: 9, historyBars: 200 });
    expect(b.history('15m', 200)).toEqual(a.history('15m', 200));
    expect(sequence({ seed: 9, historyBars: 50 }, 5000)).toEqual(sequence({ seed: 9, historyBars: 2000 }, 5000));
  });

  it('refuses bad options with a typed error', () => {
    const bad: Partial<SimulatorOptions>[] = [
      { initialPrice: NaN },
      { initialPrice: -5 },
      { tickSize: 0.03 },
      { tickSize: 0 },
      { amountStep: Infinity },
      { diffsPerSecond: 5, tradesPerSecond: 10 },
      { tradesPerSecond: 0 },
      { minuteVolatility: -0.001 },
      { historyBars: 0 },
      { historyBars: 1.5 },
      { symbol: '' },
      { seed: NaN },
      { initialPrice: 1, tickSize: 0.01 },
      { volatility: { persistenceSeconds: 0, logSd: 0.5, feedbackShare: 0.4, activityElasticity: 0.8 } },
    ];
    for (const options of bad) {
      let error: unknown = null;
      try {
        new MarketSimulator(options);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(options)).toBeInstanceOf(EngineError);
      expect((error as EngineError).code).toBe('badParameter');
    }
  });
});

describe('MarketSimulator: the events a Binance spot feed emits', () => {
  it('snapshot first; diffs chained U = previous u + 1; a bookTicker after each diff; valid trades', () => {
    const sim = new MarketSimulator({ seed: 3 });
    const e = new MarketEvent();
    expect(sim.step(e)).toBe(EventKind.DepthSnapshot);
    expect(e.bids.count).toBeGreaterThan(100);
    expect(e.asks.count).toBeGreaterThan(100);
    let lastId = e.finalId;
    let lastKind: number = e.kind;
    let lastTime = e.time;
    let lastTradeId = 0;
    const counts = [0, 0, 0, 0, 0];
    // Violations are counted (an expect per event would dominate the run time).
    const bad = { kind: 0, time: 0, chain: 0, idSpan: 0, grid: 0, tickerOrder: 0, tickerId: 0, tickerCrossed: 0, tradeId: 0, side: 0, amount: 0 };
    for (let i = 0; i < 100_000; i++) {
      const kind = sim.step(e);
      if (kind !== e.kind || e.symbol !== 'SIM/USDT') bad.kind++;
      counts[kind]!++;
      if (e.time < lastTime) bad.time++;
      lastTime = e.time;
      if (kind === EventKind.DepthDiff) {
        if (e.firstId !== lastId + 1) bad.chain++;
        if (e.finalId - e.firstId + 1 !== e.bids.count + e.asks.count) bad.idSpan++;
        lastId = e.finalId;
        for (let k = 0; k < e.bids.count; k++) if (!onGrid(e.bids.prices[k]!, TICK) || !onGrid(e.bids.sizes[k]!, LOT)) bad.grid++;
        for (let k = 0; k < e.asks.count; k++) if (!onGrid(e.asks.prices[k]!, TICK) || !onGrid(e.asks.sizes[k]!, LOT)) bad.grid++;
      } else if (kind === EventKind.BookTicker) {
        if (lastKind !== EventKind.DepthDiff) bad.tickerOrder++;
        if (e.finalId !== lastId) bad.tickerId++;
        if (!(e.bestBid < e.bestAsk)) bad.tickerCrossed++;
      } else if (kind === EventKind.Trade) {
        if (e.tradeId !== lastTradeId + 1) bad.tradeId++;
        lastTradeId = e.tradeId;
        if (e.takerSide !== 1 && e.takerSide !== -1) bad.side++;
        if (!onGrid(e.price, TICK) || !onGrid(e.amount, LOT)) bad.grid++;
        if (!(e.amount > 0)) bad.amount++;
      } else {
        bad.kind++;
      }
      lastKind = kind;
    }
    expect(bad).toEqual({ kind: 0, time: 0, chain: 0, idSpan: 0, grid: 0, tickerOrder: 0, tickerId: 0, tickerCrossed: 0, tradeId: 0, side: 0, amount: 0 });
    // Every diff is followed by its ticker (the last one may still be due).
    expect(counts[EventKind.BookTicker]).toBe(counts[EventKind.DepthDiff]! - (lastKind === EventKind.DepthDiff ? 1 : 0));
    expect(counts[EventKind.DepthDiff]).toBeGreaterThan(30_000);
    expect(counts[EventKind.Trade]).toBeGreaterThan(10_000);
  });

  it('a requested snapshot equals the book the diffs built, and chains on', () => {
    const sim = new MarketSimulator({ seed: 11 });
    const market = new Market({ symbol: 'SIM/USDT', tickSize: TICK, sequenceRule: binanceSpotRule });
    const e = new MarketEvent();
    for (let i = 0; i < 20_000; i++) {
      sim.step(e);
      market.onEvent(e);
    }
    sim.requestSnapshot();
    // Finish the current order event (its trades, diff, ticker) before the snapshot comes.
    let kind: number;
    do {
      kind = sim.step(e);
      if (kind !== EventKind.DepthSnapshot) market.onEvent(e);
    } while (kind !== EventKind.DepthSnapshot);
    expect(e.finalId).toBe(market.sync.lastFinalId);
    const bids = market.book.bids;
    const asks = market.book.asks;
    expect(e.bids.count).toBe(bids.count);
    expect(e.asks.count).toBe(asks.count);
    for (let i = 0; i < e.bids.count; i++) {
      expect(e.bids.prices[i]).toBe(bids.prices[bids.count - 1 - i]);
      expect(e.bids.sizes[i]).toBe(bids.sizes[bids.count - 1 - i]);
    }
    for (let i = 0; i < e.asks.count; i++) {
      expect(e.asks.prices[i]).toBe(asks.prices[asks.count - 1 - i]);
      expect(e.asks.sizes[i]).toBe(asks.sizes[asks.count - 1 - i]);
    }
    market.onEvent(e);
    for (let i = 0; i < 5000; i++) {
      sim.step(e);
      market.onEvent(e);
    }
    expect(market.sync.state).toBe(SyncState.Live);
    expect(market.sync.stats.gaps).toBe(0);
    expect(market.sync.stats.stale).toBe(0);
  });
});

describe('MarketSimulator against the engine (2 simulated hours)', () => {
  function runAgainstEngine() {
    // One run shared by the checks below: every event goes through the engine's Market.
    const sim = new MarketSimulator({ seed: 5 });
    const market = new Market({ symbol: 'SIM/USDT', tickSize: TICK, sequenceRule: binanceSpotRule, bookCapacity: 4096 });
    const e = new MarketEvent();
    const end = sim.time + 2 * 3600_000;
    let diffs = 0;
    let crossedAfterDiff = 0;
    let touchMismatches = 0;
    let trades = 0;
    let tradesOffTouch = 0;
    let walks = 0;
    let walkViolations = 0;
    let consumeViolations = 0;
    let consumedChecks = 0;
    // Prints of the current order: price → lots taken, and the engine's size there before.
    const taken = new Map<number, number>();
    const before = new Map<number, number>();
    let orderSide = 0;
    let lastPrintPrice = NaN;
    // Depth profile: mean size by level index from the touch, sampled every 200 diffs.
    const levelSums = new Float64Array(60);
    let samples = 0;
    let roundSum = 0;
    let roundN = 0;
    let plainSum = 0;
    let plainN = 0;
    const { events, runMs } = runUntil(sim, e, end, (kind) => {
      if (kind === EventKind.Trade) {
        trades++;
        const makers = e.takerSide > 0 ? market.book.asks : market.book.bids;
        const best = makers.bestPrice();
        if (e.takerSide > 0 ? e.price < best : e.price > best) tradesOffTouch++;
        if (taken.size === 0) {
          orderSide = e.takerSide;
          lastPrintPrice = e.price;
        } else if (e.takerSide !== orderSide || (orderSide > 0 ? e.price < lastPrintPrice : e.price > lastPrintPrice)) {
          walkViolations++;
        }
        if (e.price !== best && e.price !== lastPrintPrice) walks++;
        lastPrintPrice = e.price;
        // Every level better than this print must have been taken whole.
        for (let i = makers.count - 1; i >= 0; i--) {
          const p = makers.prices[i]!;
          if (p === e.price) break;
          if ((taken.get(p) ?? 0) !== lots(makers.sizes[i]!)) walkViolations++;
        }
        before.set(e.price, lots(makers.sizeAt(e.price)));
        taken.set(e.price, (taken.get(e.price) ?? 0) + lots(e.amount));
        if (taken.get(e.price)! > before.get(e.price)!) consumeViolations++;
      }
      market.onEvent(e);
      if (kind === EventKind.DepthDiff) {
        diffs++;
        const book = market.book;
        if (book.isCrossed()) crossedAfterDiff++;
        if (book.bestBid() !== sim.bestBid() || book.bestAsk() !== sim.bestAsk() || book.bids.bestSize() !== sim.bestBidSize() || book.asks.bestSize() !== sim.bestAskSize()) touchMismatches++;
        // The diff removed exactly what the prints took.
        const makers = orderSide > 0 ? book.asks : book.bids;
        for (const [price, lotsTaken] of taken) {
          consumedChecks++;
          if (lots(makers.sizeAt(price)) !== before.get(price)! - lotsTaken) consumeViolations++;
        }
        taken.clear();
        before.clear();
        if (diffs % 200 === 0) {
          samples++;
          for (let k = 0; k < levelSums.length; k++) levelSums[k]! += (book.bids.sizes[book.bids.count - 1 - k]! + book.asks.sizes[book.asks.count - 1 - k]!) / 2;
          // Round prices (multiples of 0.10) against the others, 20..200 ticks from the touch.
          for (let k = 0; k < book.bids.count; k++) {
            const p = book.bids.prices[k]!;
            const ticks = Math.round((book.bestBid() - p) / TICK);
            if (ticks < 20 || ticks > 200) continue;
            if (Math.round(p / TICK) % 10 === 0) {
              roundSum += book.bids.sizes[k]!;
              roundN++;
            } else {
              plainSum += book.bids.sizes[k]!;
              plainN++;
            }
          }
        }
      }
    });
    return { sim, market, diffs, crossedAfterDiff, touchMismatches, trades, tradesOffTouch, walks, walkViolations, consumeViolations, consumedChecks, levelSums, samples, roundSum, roundN, plainSum, plainN, runMs, events };
  }
  let run: ReturnType<typeof runAgainstEngine>;
  beforeAll(() => {
    run = runAgainstEngine();
  });

  it('the engine applies every diff with no gap, the book is never crossed, and the touch matches the simulator', () => {
    const { sim, market, diffs, crossedAfterDiff, touchMismatches, trades, walks, runMs, events } = run;
    console.log(
      `simulator+engine: ${events} events in ${runMs.toFixed(0)} ms; ${diffs} diffs, ${trades} trades, ` +
        `ticker checks ${market.tickerCheck.atArrival.checks} (mismatches ${market.tickerCheck.atArrival.mismatches}), ` +
        `multi-level prints ${walks}, large orders ${sim.stats.largeOrders}, marketable limits ${sim.stats.marketableLimits}`,
    );
    expect(diffs).toBeGreaterThan(100_000);
    expect(market.sync.stats.applied).toBe(diffs);
    expect(market.sync.stats.gaps).toBe(0);
    expect(market.sync.stats.stale).toBe(0);
    expect(market.sync.state).toBe(SyncState.Live);
    expect(market.rejectedTotal()).toBe(0);
    expect(crossedAfterDiff).toBe(0);
    expect(touchMismatches).toBe(0);
    // The bookTickers (finalId = the diff's) all match the engine's rebuilt book.
    expect(market.tickerCheck.atArrival.checks).toBe(market.stats.byKind.bookTickers);
    expect(market.tickerCheck.atArrival.mismatches).toBe(0);
    expect(market.stats.byKind.bookTickers).toBe(diffs);
  });

  it('trades happen at the touch, walk the levels in order for large orders, and the diff removes exactly what they took', () => {
    const { trades, tradesOffTouch, walks, walkViolations, consumeViolations, consumedChecks } = run;
    expect(trades).toBeGreaterThan(50_000);
    expect(tradesOffTouch).toBe(0);
    expect(walkViolations).toBe(0);
    expect(consumeViolations).toBe(0);
    expect(consumedChecks).toBeGreaterThan(trades / 2);
    expect(walks).toBeGreaterThan(100);
  });

  it('has more size away from the touch than at it, and more on round prices', () => {
    const { levelSums, samples, roundSum, roundN, plainSum, plainN } = run;
    const mean = (from: number, to: number): number => {
      let s = 0;
      for (let k = from; k < to; k++) s += levelSums[k]! / samples;
      return s / (to - from);
    };
    const touch = mean(0, 1);
    const near = mean(1, 5);
    const mid = mean(10, 20);
    const far = mean(40, 60);
    const roundRatio = roundSum / roundN / (plainSum / plainN);
    console.log(`depth profile (mean size): level 1 ${touch.toFixed(1)}, 2-5 ${near.toFixed(1)}, 11-20 ${mid.toFixed(1)}, 41-60 ${far.toFixed(1)}; round/plain price size ${roundRatio.toFixed(2)}`);
    expect(samples).toBeGreaterThan(500);
    expect(mid).toBeGreaterThan(touch * 1.2);
    expect(far).toBeGreaterThan(mid);
    expect(roundRatio).toBeGreaterThan(1.5);
  });
});

describe('MarketSimulator: a long run (50 simulated hours)', () => {
  function runLong() {
    const sim = new MarketSimulator({ seed: 1 });
    const start = sim.time;
    const e = new MarketEvent();
    const minutes = 3000;
    const end = start + minutes * 60_000;
    // Last trade price and traded volume of each live minute.
    const closes: number[] = [];
    const volumes: number[] = [];
    let minute = Math.floor(start / 60_000);
    let lastPrice = sim.lastTradePrice;
    let volume = 0;
    let spreadSum = 0;
    let oneTick = 0;
    const { events, runMs } = runUntil(sim, e, end, (kind) => {
      if (kind === EventKind.Trade) {
        for (const m = Math.floor(e.time / 60_000); minute < m; minute++) {
          closes.push(lastPrice);
          volumes.push(volume);
          volume = 0;
        }
        lastPrice = e.price;
        volume += e.amount;
      } else if (kind === EventKind.BookTicker) {
        const spread = Math.round((e.bestAsk - e.bestBid) / TICK);
        spreadSum += spread;
        if (spread === 1) oneTick++;
      }
    });
    const returns: number[] = [];
    for (let i = 1; i < closes.length; i++) returns.push(Math.log(closes[i]! / closes[i - 1]!));
    const sd = Math.sqrt(returns.reduce((a, b) => a + b * b, 0) / returns.length);
    return { sim, start, minutes, closes, volumes, spreadSum, oneTick, runMs, events, returns, sd };
  }
  let run: ReturnType<typeof runLong>;
  beforeAll(() => {
    run = runLong();
  });

  it('produces about the configured rates', () => {
    const { sim, minutes, spreadSum, oneTick, runMs, events } = run;
    const seconds = minutes * 60;
    const diffRate = sim.stats.byKind.depthDiffs / seconds;
    const tradeRate = sim.stats.byKind.trades / seconds;
    console.log(
      `long run: ${events} events in ${runMs.toFixed(0)} ms (${((runMs * 1e6) / events).toFixed(0)} ns/event); ` +
        `${diffRate.toFixed(2)} diffs/s, ${tradeRate.toFixed(2)} trades/s; mean spread ${(spreadSum / sim.stats.byKind.bookTickers).toFixed(2)} ticks, ` +
        `1-tick spread ${((100 * oneTick) / sim.stats.byKind.bookTickers).toFixed(0)}% of the time`,
    );
    expect(diffRate).toBeGreaterThan(20 * 0.8);
    expect(diffRate).toBeLessThan(20 * 1.2);
    expect(tradeRate).toBeGreaterThan(10 * 0.8);
    expect(tradeRate).toBeLessThan(10 * 1.2);
    expect(spreadSum / sim.stats.byKind.bookTickers).toBeLessThan(4);
  });

  it('clusters volatility: |1-minute returns| are autocorrelated, returns are not', () => {
    const { minutes, returns, sd } = run;
    const abs = returns.map(Math.abs);
    const acRaw1 = autocorrelation(returns, 1);
    const acAbs1 = autocorrelation(abs, 1);
    const acAbs5 = autocorrelation(abs, 5);
    const kurtosis = returns.reduce((a, b) => a + b ** 4, 0) / returns.length / sd ** 4;
    console.log(
      `1-minute returns (n=${returns.length}): sd ${(sd * 1e4).toFixed(2)} bp (target 8), autocorrelation raw ${acRaw1.toFixed(3)}, ` +
        `|r| lag 1 ${acAbs1.toFixed(3)}, lag 5 ${acAbs5.toFixed(3)}; kurtosis ${kurtosis.toFixed(2)}`,
    );
    expect(returns.length).toBeGreaterThan(minutes - 3);
    // 1/sqrt(n) ≈ 0.018 is the noise level of an autocorrelation here.
    expect(Math.abs(acRaw1)).toBeLessThan(0.08);
    expect(acAbs1).toBeGreaterThan(0.1);
    expect(acAbs5).toBeGreaterThan(0.06);
    expect(kurtosis).toBeGreaterThan(3.5);
    expect(sd).toBeGreaterThan(0.0008 * 0.7);
    expect(sd).toBeLessThan(0.0008 * 1.4);
  });

  it('has a past as volatile and as busy as its live market', () => {
    const { sim, start, volumes, sd } = run;
    const past = sim.history('1m', 5000).filter((r) => r[0]! + 60_000 <= start);
    const pastReturns: number[] = [];
    for (let i = 1; i < past.length; i++) pastReturns.push(Math.log(past[i]![4]! / past[i - 1]![4]!));
    const pastSd = Math.sqrt(pastReturns.reduce((a, b) => a + b * b, 0) / pastReturns.length);
    const pastVolume = past.reduce((a, r) => a + r[5]!, 0) / past.length;
    const liveVolume = volumes.reduce((a, b) => a + b, 0) / volumes.length;
    console.log(
      `past 1m (n=${pastReturns.length}): sd ${(pastSd * 1e4).toFixed(2)} bp vs live ${(sd * 1e4).toFixed(2)}; ` +
        `|r| autocorrelation ${autocorrelation(pastReturns.map(Math.abs), 1).toFixed(3)}; volume/min ${pastVolume.toFixed(0)} vs live ${liveVolume.toFixed(0)}`,
    );
    expect(pastReturns.length).toBeGreaterThan(1500);
    expect(pastSd / sd).toBeGreaterThan(0.7);
    expect(pastSd / sd).toBeLessThan(1.4);
    expect(pastVolume / liveVolume).toBeGreaterThan(0.7);
    expect(pastVolume / liveVolume).toBeLessThan(1.4);
    expect(autocorrelation(pastReturns.map(Math.abs), 1)).toBeGreaterThan(0.1);
  });
});

describe('MarketSimulator: candle history', () => {
  it('is contiguous, valid, on the grid, and ends at the live price', () => {
    const sim = new MarketSimulator({ seed: 21, historyBars: 1000 });
    const e = new MarketEvent();
    for (const tf of ['1s', '1m', '5m', '15m', '1h', '4h', '1d', '1w'] as const) {
      const rows = sim.history(tf, 1000);
      const expected = tf === '1w' ? 357 : 1000;
      expect(rows.length, tf).toBeGreaterThanOrEqual(expected);
      for (let i = 0; i < rows.length; i++) {
        const [t, o, h, l, c, v, , buy, n] = rows[i]!;
        if (i > 0) {
          expect(t! - rows[i - 1]![0]!, tf).toBe(TIMEFRAME_MS[tf]);
          expect(o, `${tf} open = previous close`).toBe(rows[i - 1]![4]);
        }
        expect(h).toBeGreaterThanOrEqual(Math.max(o!, c!));
        expect(l).toBeLessThanOrEqual(Math.min(o!, c!));
        expect(l).toBeGreaterThan(0);
        for (const p of [o!, h!, l!, c!]) expect(onGrid(p, TICK)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(buy!);
        expect(buy).toBeGreaterThanOrEqual(0);
        expect(n).toBeGreaterThanOrEqual(0);
      }
      // The last bar holds the start and closes at the start price.
      expect(rows.at(-1)![0]).toBeLessThanOrEqual(sim.time);
      expect(rows.at(-1)![0]! + TIMEFRAME_MS[tf]).toBeGreaterThanOrEqual(sim.time);
      expect(rows.at(-1)![4]).toBe(sim.lastTradePrice);
    }
    const closeBefore = sim.history('1s', 1)[0]![4]!;
    let kind: number;
    do kind = sim.step(e);
    while (kind !== EventKind.Trade);
    console.log(`history: last close before the start ${closeBefore}, first live trade ${e.price}, best bid/ask ${sim.bestBid()}/${sim.bestAsk()}`);
    expect(Math.abs(e.price - closeBefore)).toBeLessThanOrEqual(5 * TICK + 1e-9);
  });

  it('is one path at every timeframe: coarser bars are the aggregates of finer ones', () => {
    const sim = new MarketSimulator({ seed: 8, historyBars: 600 });
    const e = new MarketEvent();
    // Some live trading first, so live bars are part of it too.
    const end = sim.time + 20 * 60_000;
    while (sim.nextTime() < end) sim.step(e);
    const pairs: Array<[Timeframe, Timeframe]> = [
      ['1s', '1m'],
      ['1m', '5m'],
      ['1m', '15m'],
      ['15m', '1h'],
      ['1h', '4h'],
      ['1h', '1d'],
      ['1d', '1w'],
    ];
    for (const [fine, coarse] of pairs) {
      const fineRows = sim.history(fine, 5000);
      const reference = aggregate(fineRows, coarse);
      const coarseRows = sim.history(coarse, 5000);
      // Only coarse bars wholly covered by the (contiguous) fine rows are comparable.
      let compared = 0;
      for (const row of coarseRows) {
        if (row[0]! < fineRows[0]![0]!) continue;
        const ref = reference.get(row[0]!)!;
        compared++;
        expect(row.slice(1, 5), `${coarse} at ${row[0]} from ${fine}`).toEqual(ref.slice(1, 5));
        expect(row[5]).toBeCloseTo(ref[5]!, 2);
      }
      expect(compared, `${fine} → ${coarse}`).toBeGreaterThan(2);
    }
  });

  it('merged into the engine, continues seamlessly into the live bars the engine builds from trades', () => {
    const sim = new MarketSimulator({ seed: 13, historyBars: 300 });
    const market = new Market({ symbol: 'SIM/USDT', tickSize: TICK, timeframe: '1m' });
    const history = sim.history('1m', 300);
    expect(market.mergeHistoryRows(history)).toBe(300);
    const e = new MarketEvent();
    const end = sim.time + 30 * 60_000;
    let firstTrade = NaN;
    while (sim.nextTime() < end) {
      sim.step(e);
      if (e.kind === EventKind.Trade && firstTrade !== firstTrade) firstTrade = e.price;
      market.onEvent(e);
    }
    market.settle();
    const c = market.candles;
    const after = sim.history('1m', c.count);
    expect(after[0]![0]).toBe(history[0]![0]);
    expect(after.length).toBe(c.count);
    expect(c.stats.rejected + c.stats.lateDropped + c.stats.historyRejected).toBe(0);
    for (let i = 0; i < after.length; i++) {
      const seq = c.seqAt(i);
      const row = after[i]!;
      expect(c.value(seq, CandleField.OpenTime)).toBe(row[0]);
      expect([c.value(seq, CandleField.Open), c.value(seq, CandleField.High), c.value(seq, CandleField.Low), c.value(seq, CandleField.Close)]).toEqual(row.slice(1, 5));
      expect(c.value(seq, CandleField.Volume)).toBeCloseTo(row[5]!, 6);
    }
    const lastHistoryClose = history.at(-1)![4]!;
    console.log(`engine candles: ${c.count} bars (300 history + live); last history close ${lastHistoryClose}, first live trade ${firstTrade}`);
    expect(Math.abs(firstTrade - lastHistoryClose)).toBeLessThanOrEqual(5 * TICK + 1e-9);
  });

  it('gives rolling 24h figures from its minute bars', () => {
    const sim = new MarketSimulator({ seed: 4, historyBars: 500 });
    const f = sim.figures24h();
    const minutes = sim.history('1m', 5000).filter((r) => r[0]! >= sim.time - 24 * 3600_000);
    expect(minutes.length).toBeGreaterThanOrEqual(1440);
    expect(f.open).toBe(minutes[0]![1]);
    expect(f.high).toBe(Math.max(...minutes.map((r) => r[2]!)));
    expect(f.low).toBe(Math.min(...minutes.map((r) => r[3]!)));
    expect(f.last).toBe(sim.lastTradePrice);
    expect(f.volume).toBeCloseTo(minutes.reduce((a, r) => a + r[5]!, 0), 2);
  });
});
