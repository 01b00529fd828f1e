/**
 * Absurd numbers are refused where they enter: ticks and prices that are zero, negative, NaN,
 * infinite or below 1e-12; exchange market facts that give no usable tick (an error naming the
 * market, never a guessed grid); recordings whose prices carry float noise (left out of the
 * inferred tick, and reported).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as ccxt from 'ccxt';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MIN_PRICE } from '../../src/engine/book/levelValidity';
import { OrderBook } from '../../src/engine/book/orderBook';
import { PriceGrid, tickSizeProblem } from '../../src/engine/book/priceGrid';
import { CandleSeries, TradeOutcome } from '../../src/engine/candles/candleSeries';
import { EngineError } from '../../src/engine/engineError';
import { LevelList } from '../../src/engine/events';
import { Market } from '../../src/engine/market';
import { marketFactsOf } from '../../src/feeds/ccxt/marketFacts';
import { FeedOpenError } from '../../src/feeds/feedOpenError';
import { inferMarketFacts } from '../../src/feeds/replay/inferMarketFacts';
import { ReplayFeed } from '../../src/feeds/replay/replayFeed';
import { ReplayOpenError } from '../../src/feeds/replay/replaySource';

const modes = ccxt.functions;
const ABSURD = [0, -0, -0.01, NaN, Infinity, -Infinity, 1e-13, 5e-324, -1e-12];

const tempDir = mkdtempSync(join(tmpdir(), 'orderscope-numbers-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

describe('ticks', () => {
  it('new Market refuses every absurd tick with an EngineError naming the symbol and the tick', () => {
    for (const tick of ABSURD) {
      let error: unknown;
      try {
        new Market({ symbol: 'ETH/BTC', tickSize: tick });
      } catch (e) {
        error = e;
      }
      expect(error, String(tick)).toBeInstanceOf(EngineError);
      expect((error as EngineError).code).toBe('badParameter');
      expect((error as EngineError).message).toMatch(/^ETH\/BTC: tick size .* got /);
    }
  });

  it('any tick either is refused or makes a grid whose buckets are finite prices', () => {
    fc.assert(
      fc.property(fc.double(), fc.double({ min: 1e-8, max: 1e7, noNaN: true }), (tick, price) => {
        if (tickSizeProblem(tick) !== null) {
          expect(() => new PriceGrid(tick)).toThrow(EngineError);
          return;
        }
        const grid = new PriceGrid(tick);
        expect(grid.tickUnits).toBeGreaterThanOrEqual(1);
        expect(Number.isFinite(grid.floorToBucket(price, 1))).toBe(true);
        expect(Number.isFinite(grid.ceilToBucket(price, 10))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('prices', () => {
  it('the book refuses (and counts) levels and snapshots priced below 1e-12', () => {
    const book = new OrderBook();
    for (const p of ABSURD) book.applyLevel(true, p, 1);
    expect(book.rejected).toBe(ABSURD.length);
    expect(book.bids.count).toBe(0);
    const bids = new LevelList();
    bids.push(MIN_PRICE / 10, 1);
    expect(book.applySnapshot(bids, new LevelList())).not.toBe(0);
    book.applyLevel(true, MIN_PRICE, 1);
    expect(book.bids.count).toBe(1);
  });

  it('candles refuse trades priced below 1e-12', () => {
    const series = new CandleSeries('1m');
    for (const p of ABSURD) expect(series.ingestTrade(60_000, p, 1, 1)).toBe(TradeOutcome.Rejected);
    expect(series.stats.rejected).toBe(ABSURD.length);
    expect(series.count).toBe(0);
  });
});

describe('exchange market facts (ccxt)', () => {
  it('a stated price precision that gives no tick is a non-retryable error naming the market', () => {
    for (const [price, mode] of [
      [0, modes.TICK_SIZE],
      [-0.01, modes.TICK_SIZE],
      [NaN, modes.TICK_SIZE],
      [Infinity, modes.TICK_SIZE],
      [1e-15, modes.TICK_SIZE],
      ['0.01', modes.TICK_SIZE],
      [2.5, modes.DECIMAL_PLACES],
      [20, modes.DECIMAL_PLACES],
      [-2, modes.DECIMAL_PLACES],
    ] as [unknown, number][]) {
      let error: unknown;
      try {
        marketFactsOf('binance', 'BTC/USDT', { precision: { price: price as number } }, mode, modes);
      } catch (e) {
        error = e;
      }
      expect(error, `${String(price)} in mode ${mode}`).toBeInstanceOf(FeedOpenError);
      expect((error as FeedOpenError).retryable).toBe(false);
      expect((error as FeedOpenError).message).toMatch(/^binance BTC\/USDT: unusable market facts: /);
    }
  });

  it('whatever a market object holds, the facts have a usable tick or the error says why', () => {
    const hostile = fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true });
    fc.assert(
      fc.property(
        fc.oneof(fc.double(), fc.integer({ min: -5, max: 30 }), hostile),
        fc.oneof(fc.double(), hostile),
        fc.constantFrom(modes.TICK_SIZE, modes.DECIMAL_PLACES, modes.SIGNIFICANT_DIGITS),
        (price, min, mode) => {
          const market = { precision: { price: price as number, amount: 0.001 }, limits: { price: { min: min as number } } };
          try {
            const facts = marketFactsOf('x', 'A/B', market, mode, modes);
            expect(tickSizeProblem(facts.tickSize)).toBeNull();
            expect(Number.isInteger(facts.pricePrecision)).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(FeedOpenError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('recordings: inferred facts', () => {
  it('prices with float noise are left out of the tick and reported; non-prices are left out', () => {
    const problems: string[] = [];
    const facts = inferMarketFacts('binance', 'BTC/USDT', [61837.63, 61837.630000000005, 0.1 + 0.2, 0, -5, NaN], [0.5], (p) => problems.push(p));
    expect(facts).toMatchObject({ tickSize: 0.01, pricePrecision: 2 });
    expect(problems).toEqual([expect.stringMatching(/^2 sample price\(s\) need more than 11 decimals/)]);
  });

  it('any samples give a tick on which every sample price is an exact integer below 2^53', () => {
    fc.assert(
      fc.property(fc.array(fc.double()), fc.array(fc.double()), (prices, sizes) => {
        const facts = inferMarketFacts('x', 'A/B', prices, sizes);
        expect(tickSizeProblem(facts.tickSize)).toBeNull();
        const scale = 10 ** facts.pricePrecision;
        for (const p of prices) if (p >= MIN_PRICE && p <= 1e15) expect(p * scale).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
      }),
      { numRuns: 1000 },
    );
  });

  it('a replay whose facts (an override) give no usable tick refuses to open, naming the file', async () => {
    const path = join(tempDir, 'cap.gz');
    writeFileSync(
      path,
      gzipSync(`1723160000000000000 {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255000,"s":"BTCUSDT","t":1,"p":"61837.63000000","q":"0.50000000","T":1723161255000,"m":true}}\n`),
    );
    for (const tickSize of [0, -1, NaN, 1e-20]) {
      const feed = new ReplayFeed(path, { facts: { tickSize } });
      await expect(feed.open({ exchange: '', symbol: 'BTC/USDT', timeframe: '1m', historyBars: 10 })).rejects.toThrow(ReplayOpenError);
      await expect(new ReplayFeed(path, { facts: { tickSize } }).open({ exchange: '', symbol: 'BTC/USDT', timeframe: '1m', historyBars: 10 })).rejects.toThrow(/cap\.gz: unusable market facts: tick size/);
    }
  });
});
