/**
 * Grouping is for the ladder's rows only: with 100 ticks per row, a panel that applies `init`
 * and every frame (the webview's own BookModel) still has the book's best bid and ask, its
 * spread and the market impact of a quantity exactly as a plain computation over the mirrored
 * levels gives them (the levels within the window percent of the mid, at most `bookRows`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { parseHostMessage, ProtocolError, type StatusInfo } from '../../src/engine/protocol';
import { Impact, marketImpact } from '../../webview/ladder/marketImpact';
import { BookModel } from '../../webview/state/bookModel';
import { checkMessageNumbers } from '../../webview/state/messageNumbers';

const FACTS = { exchange: 'fake', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 3 };
const LIVE: StatusInfo = { state: 'live', detail: '', value: 0 };
const BOOK_ROWS = 12;
const WINDOW_PERCENT = 1;

type Level = [number, number];

/**
 * A book around 6000.00 on a 0.01 tick: bids below 6000, asks from 6000.01 up (never crossed),
 * the best within 0.50 of it (inside the window), the others up to 90.00 away.
 */
const side = (isBid: boolean): fc.Arbitrary<Level[]> =>
  fc
    .tuple(fc.integer({ min: 1, max: 50 }), fc.uniqueArray(fc.integer({ min: 51, max: 9000 }), { maxLength: 40 }))
    .map(([best, others]) => [best, ...others])
    .chain((offsets) =>
      fc.tuple(...offsets.map((o) => fc.integer({ min: 1, max: 5000 }).map((size): Level => [(600_000 + (isBid ? -o + 1 : o)) / 100, size / 1000]))),
    )
    .map((levels) => levels.sort((a, b) => (isBid ? b[0] - a[0] : a[0] - b[0])));
const books = fc.array(fc.tuple(side(true), side(false)), { minLength: 1, maxLength: 12 });

/** The plain reference: the levels a panel may know (within the window, at most BOOK_ROWS), best first. */
function windowLevels(levels: Level[], mid: number, isBid: boolean): Level[] {
  const limit = isBid ? mid * (1 - WINDOW_PERCENT / 100) : mid * (1 + WINDOW_PERCENT / 100);
  return levels.filter(([p]) => (isBid ? p >= limit : p <= limit)).slice(0, BOOK_ROWS);
}

/** Average fill of `quantity` walking `levels` (best first); how much they fill. */
function plainImpact(levels: Level[], quantity: number): { filled: number; average: number } {
  let remaining = quantity;
  let cost = 0;
  for (const [price, size] of levels) {
    const take = Math.min(remaining, size);
    cost += take * price;
    remaining -= take;
    if (remaining <= 0) break;
  }
  const filled = quantity - Math.max(0, remaining);
  return { filled, average: cost / filled };
}

function received(message: unknown): void {
  const parsed = parseHostMessage(message);
  if (parsed instanceof ProtocolError) throw new Error(parsed.reason);
  expect(checkMessageNumbers(parsed)).toBeNull();
}

describe('raw levels beside grouped rows', () => {
  it('at 100 ticks per row the panel has the raw best bid/ask, spread and impact of the book', () => {
    fc.assert(
      fc.property(books, fc.integer({ min: 1, max: 20_000 }), (script, milli) => {
        const quantity = milli / 1000;
        const market = new Market({ symbol: 'BTC/USDT', tickSize: 0.01 });
        const builder = new FrameBuilder(market, FACTS, { ticksPerRow: 100, bookRows: BOOK_ROWS, windowPercent: WINDOW_PERCENT });
        const panel = new BookModel();
        let frameId = 0;
        for (let k = 0; k < script.length; k++) {
          const [bids, asks] = script[k]!;
          market.mirrorBook(bids, asks);
          if (k === 0) {
            const init = builder.buildInit(LIVE);
            received(init);
            panel.reset(init.book);
          } else {
            const frame = builder.buildFrame(++frameId, LIVE, 0, () => 0);
            if (frame !== null) {
              received(frame);
              if (frame.book !== null) panel.apply(frame.book);
            }
          }
          const mid = (bids[0]![0] + asks[0]![0]) / 2;
          const rawBids = windowLevels(bids, mid, true);
          const rawAsks = windowLevels(asks, mid, false);
          expect(panel.bestBid()).toBe(bids[0]![0]);
          expect(panel.bestAsk()).toBe(asks[0]![0]);
          // The grouped rows' edges are not the book's prices (the ladder's rows stay grouped).
          expect(panel.bids.price(0)).toBe(Math.floor(bids[0]![0]));
          expect(panel.asks.price(0)).toBe(Math.ceil(asks[0]![0]));
          for (const [isBuy, levels] of [
            [true, rawAsks],
            [false, rawBids],
          ] as const) {
            const impact = marketImpact(panel.levels(!isBuy), isBuy, quantity, new Impact());
            const plain = plainImpact(levels, quantity);
            expect(impact.filled).toBeCloseTo(plain.filled, 9);
            expect(impact.averagePrice).toBeCloseTo(plain.average, 6);
            expect(impact.slippageBps).toBeCloseTo((Math.abs(plain.average - levels[0]![0]) / levels[0]![0]) * 1e4, 6);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('at one tick per row no raw levels travel (the rows are the levels)', () => {
    const market = new Market({ symbol: 'BTC/USDT', tickSize: 0.01 });
    market.mirrorBook([[5999.99, 1]], [[6000.01, 2]]);
    const builder = new FrameBuilder(market, FACTS, { bookRows: BOOK_ROWS });
    const init = builder.buildInit(LIVE);
    expect(init.book.raw).toBeNull();
    market.mirrorBook([[5999.98, 1]], [[6000.01, 2]]);
    expect(builder.buildFrame(1, LIVE, 0, () => 0)?.book?.raw).toBeNull();
  });
});
