/**
 * The engine side of two settings: `depth.windowPercent` bounds the book window a panel receives
 * (ladder rows and the depth overlay) to the levels within that percent of the mid, and
 * `indicatorParameters.imbalanceDepth` sets how many levels per side the order-book imbalance
 * measures, changed live on an open market.
 */
import { describe, expect, it } from 'vitest';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { BOOK_STRIDE, type StatusInfo } from '../../src/engine/protocol';

const FACTS = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.5, pricePrecision: 1, amountPrecision: 3 };
const LIVE: StatusInfo = { state: 'live', detail: '', value: 0 };
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

/** A market on a 0.5 tick whose book has a mid of 100.5. */
function marketWithBook(): Market {
  const market = new Market({ symbol: 'BTC/USDT', tickSize: 0.5 });
  market.mirrorBook(
    [
      [100, 1],
      [99.5, 2],
      [99, 3],
      [95, 4],
      [80, 5],
    ],
    [
      [101, 1],
      [101.5, 1],
      [103, 1],
      [120, 1],
    ],
  );
  return market;
}
const prices = (packed: Float64Array): number[] => Array.from({ length: packed.length / BOOK_STRIDE }, (_, r) => packed[r * BOOK_STRIDE]!);

describe('depth window percent', () => {
  it('the book window holds only the levels within the percent of the mid, and follows a change', () => {
    const builder = new FrameBuilder(marketWithBook(), FACTS, { bookRows: 40, windowPercent: 1 });
    // 1% of 100.5 reaches down to 99.495 and up to 101.505.
    let book = builder.buildInit(LIVE).book;
    expect(prices(book.bids)).toEqual([100, 99.5]);
    expect(prices(book.asks)).toEqual([101, 101.5]);
    builder.updateSettings({ windowPercent: 6 });
    book = builder.buildInit(LIVE).book;
    expect(prices(book.bids)).toEqual([100, 99.5, 99, 95]);
    expect(prices(book.asks)).toEqual([101, 101.5, 103]);
  });

  it('rows stay capped by bookRows, and grouping buckets only the levels inside the window', () => {
    const builder = new FrameBuilder(marketWithBook(), FACTS, { bookRows: 2, windowPercent: 50 });
    expect(prices(builder.buildInit(LIVE).book.bids)).toEqual([100, 99.5]);
    builder.updateSettings({ bookRows: 40, windowPercent: 1, ticksPerRow: 4 });
    const book = builder.buildInit(LIVE).book;
    // Buckets of 2.0: 100 and 99.5 fall into 98–100 and 100–102; 99 (outside 1%) adds nothing.
    expect(prices(book.bids)).toEqual([100, 98]);
    expect(Array.from(book.bids.filter((_, i) => i % BOOK_STRIDE === 1))).toEqual([1, 2]);
  });
});

describe('imbalance depth', () => {
  it('the imbalance measures the set number of levels, from the next book change on', () => {
    const market = marketWithBook();
    market.onTrade(T0, 100.5, 1, 1); // opens a bar: sampled over the default 20 levels
    // Bids 1+2+3+4+5 = 15, asks 4: (15 − 4) / 19.
    expect(market.imbalance.latest(3)).toBeCloseTo(11 / 19, 12);
    market.setImbalanceDepth(1);
    // A book change far from the top (80: 5 → 6) makes the market sample again.
    market.mirrorBook([[100, 1], [99.5, 2], [99, 3], [95, 4], [80, 6]], [[101, 1], [101.5, 1], [103, 1], [120, 1]]);
    expect(market.imbalance.latest(3)).toBe(0); // best bid 1 against best ask 1
    market.setImbalanceDepth(2);
    market.mirrorBook([[100, 1], [99.5, 2], [99, 3], [95, 4], [80, 5]], [[101, 1], [101.5, 1], [103, 1], [120, 1]]);
    expect(market.imbalance.latest(3)).toBeCloseTo(1 / 5, 12); // (3 − 2) / 5
  });

  it('refuses a depth that is not a whole number of levels ≥ 1 and keeps the one it had', () => {
    const market = marketWithBook();
    market.setImbalanceDepth(3);
    for (const bad of [0, 1.5, Number.NaN]) expect(() => market.setImbalanceDepth(bad)).toThrow(/imbalance depth must be a whole number/);
    market.onTrade(T0, 100.5, 1, 1);
    expect(market.imbalance.latest(3)).toBeCloseTo((6 - 3) / 9, 12);
  });
});
