/**
 * The panel's market impact (over the rows it holds) against a plain walk of the same levels,
 * and against the engine's own `OrderBook.impact` when the rows are the whole book.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImpactResult, OrderBook } from '../../src/engine/book/orderBook';
import { LevelList } from '../../src/engine/events';
import { BOOK_STRIDE } from '../../src/engine/protocol';
import { BookSideRows } from '../../webview/state/bookModel';
import { Impact, marketImpact } from '../../webview/ladder/marketImpact';

/** Distinct prices in cents and positive sizes. */
const levels = fc.uniqueArray(fc.record({ cents: fc.integer({ min: 1, max: 200_000 }), size: fc.integer({ min: 1, max: 5000 }).map((s) => s / 1000) }), {
  minLength: 1,
  maxLength: 40,
  selector: (l) => l.cents,
});

function rows(bestFirst: { price: number; size: number }[]): BookSideRows {
  const side = new BookSideRows();
  const packed = new Float64Array(bestFirst.length * BOOK_STRIDE);
  let cumulative = 0;
  bestFirst.forEach((l, r) => {
    cumulative += l.size;
    packed.set([l.price, l.size, cumulative], r * BOOK_STRIDE);
  });
  side.replace(packed);
  return side;
}

describe('marketImpact', () => {
  it('equals a plain walk of the levels: average fill, slippage from the best, what the window fills', () => {
    fc.assert(
      fc.property(levels, fc.boolean(), fc.double({ min: 0.001, max: 300, noNaN: true }), (ls, isBuy, quantity) => {
        const bestFirst = ls.map((l) => ({ price: l.cents / 100, size: l.size })).sort((a, b) => (isBuy ? a.price - b.price : b.price - a.price));
        let left = quantity;
        let cost = 0;
        for (const l of bestFirst) {
          const take = Math.min(left, l.size);
          cost += take * l.price;
          left -= take;
          if (left <= 0) break;
        }
        const filled = quantity - Math.max(0, left);
        const average = cost / filled;
        const best = bestFirst[0]!.price;
        const got = marketImpact(rows(bestFirst), isBuy, quantity, new Impact());
        expect(got.filled).toBeCloseTo(filled, 9);
        expect(got.averagePrice).toBeCloseTo(average, 6);
        expect(got.slippageBps).toBeCloseTo((Math.abs(average - best) / best) * 1e4, 4);
        expect(got.slippageBps).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('equals the engine book’s impact when the rows are the whole book', () => {
    fc.assert(
      fc.property(levels, levels, fc.double({ min: 0.001, max: 100, noNaN: true }), (a, b, quantity) => {
        // Bids below 1000.00, asks above: never crossed.
        const bids = a.map((l) => ({ price: Math.min(l.cents, 99_999) / 100, size: l.size })).sort((x, y) => y.price - x.price).filter((l, i, all) => i === 0 || l.price !== all[i - 1]!.price);
        const asks = b.map((l) => ({ price: (100_000 + l.cents) / 100, size: l.size })).sort((x, y) => x.price - y.price);
        const list = (side: typeof bids): LevelList => {
          const out = new LevelList(side.length);
          for (const l of side) out.push(l.price, l.size);
          return out;
        };
        const book = new OrderBook(64);
        expect(book.applySnapshot(list(bids), list(asks))).toBe(0);
        for (const isBuy of [true, false]) {
          const engine = book.impact(isBuy, quantity, new ImpactResult());
          const panel = marketImpact(rows(isBuy ? asks : bids), isBuy, quantity, new Impact());
          expect(panel.filled).toBeCloseTo(engine.filled, 9);
          expect(panel.averagePrice).toBeCloseTo(engine.averagePrice, 9);
          expect(panel.slippageBps).toBeCloseTo(engine.slippageBps, 9);
        }
      }),
    );
  });
});
