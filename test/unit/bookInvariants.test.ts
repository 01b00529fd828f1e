/**
 * The book is either the exchange's or visibly not: a diff or a mirror that leaves it crossed or
 * one-sided sends it to resync; a resync asked while a diff is applied stands; and the panel is
 * told the book is invalid whenever the engine stops showing it, even when no level changed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BookSync, SyncState, type BookSyncListener } from '../../src/engine/book/bookSync';
import { OrderBook } from '../../src/engine/book/orderBook';
import { binanceSpotRule } from '../../src/engine/book/sequenceRule';
import { MarketEvent } from '../../src/engine/events';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import type { StatusInfo } from '../../src/engine/protocol';
import { setBookTicker, setDiff, setSnapshot } from '../support/marketEvents';

type Level = [number, number];
const FACTS = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 1, pricePrecision: 0, amountPrecision: 2 };
const LIVE: StatusInfo = { state: 'live', detail: '', value: 0 };

function diff(firstId: number, finalId: number, bids: Level[], asks: Level[], out = new MarketEvent()): MarketEvent {
  return setDiff(out, { firstId, finalId, bids, asks });
}
function snapshot(finalId: number, bids: Level[], asks: Level[]): MarketEvent {
  return setSnapshot(new MarketEvent(), { finalId, bids, asks });
}
function bookTicker(finalId: number, bestBid: number, bestBidSize: number, bestAsk: number, bestAskSize: number): MarketEvent {
  return setBookTicker(new MarketEvent(), { finalId, bestBid, bestBidSize, bestAsk, bestAskSize });
}

/** What the panel believes after init and every frame: is the book valid. */
function panelView(market: Market): { valid: () => boolean; frame: () => void } {
  const builder = new FrameBuilder(market, FACTS, { ticksPerRow: 1, bookRows: 10 });
  let valid = builder.buildInit(LIVE).book.valid;
  let id = 1;
  return {
    valid: () => valid,
    frame: () => {
      const f = builder.buildFrame(id++, LIVE, 0, () => 0);
      if (f?.book) valid = f.book.valid;
    },
  };
}

function liveMarket(): Market {
  const market = new Market({ tickSize: 1 });
  market.onEvent(snapshot(10, [[100, 1], [99, 1]], [[101, 1], [102, 1]]));
  market.onEvent(diff(11, 11, [[98, 1]], []));
  expect(market.bookState()).toBe(SyncState.Live);
  return market;
}

describe('book invariants: crossed or one-sided books resync', () => {
  it('a chained diff that crosses the book sends it to resync, counted, with a reason', () => {
    const market = liveMarket();
    const panel = panelView(market);
    expect(panel.valid()).toBe(true);
    market.onEvent(diff(12, 12, [[101.5, 2]], [])); // bid above the best ask, ask 101 never removed
    expect(market.bookState()).toBe(SyncState.NeedsResync);
    expect(market.sync.stats.invalidBooks).toBe(1);
    expect(market.sync.resyncReason).toMatch(/crossed/);
    panel.frame();
    expect(panel.valid()).toBe(false);
  });

  it('a chained diff that empties a side sends the book to resync', () => {
    for (const [bids, asks] of [
      [[[100, 0], [99, 0], [98, 0]], []],
      [[], [[101, 0], [102, 0]]],
    ] as [Level[], Level[]][]) {
      const market = liveMarket();
      market.onEvent(diff(12, 12, bids, asks));
      expect(market.bookState()).toBe(SyncState.NeedsResync);
      expect(market.sync.resyncReason).toMatch(/emptied a side/);
    }
  });

  it('a held diff that crosses the book on replay after the snapshot resyncs too', () => {
    const sync = new BookSync(new OrderBook(), binanceSpotRule);
    sync.onDiff(diff(5, 12, [[200, 1]], []));
    sync.onSnapshot(snapshot(10, [[100, 1]], [[101, 1]]));
    expect(sync.state).toBe(SyncState.NeedsResync);
    expect(sync.stats.invalidBooks).toBe(1);
  });

  it('a mirror that is crossed or one-sided is not adopted; a sound mirror is', () => {
    const market = new Market({ tickSize: 1 });
    const panel = panelView(market);
    market.mirrorBook([[100, 1]], [[101, 1]]);
    panel.frame();
    expect(market.bookIsShowable()).toBe(true);
    expect(panel.valid()).toBe(true);
    for (const [bids, asks, reason] of [
      [[[102, 1]], [[101, 1]], /crossed/],
      [[[101, 1]], [[101, 1]], /crossed/],
      [[], [[101, 1]], /empty side/],
      [[[100, 1]], [], /empty side/],
      [[], [], /empty side/],
    ] as [Level[], Level[], RegExp][]) {
      market.mirrorBook([[100, 1]], [[101, 1]]);
      panel.frame();
      market.mirrorBook(bids, asks);
      expect(market.bookState()).toBe(SyncState.NeedsResync);
      expect(market.sync.resyncReason).toMatch(reason);
      panel.frame();
      expect(panel.valid()).toBe(false);
    }
    // The same (unchanged) bad mirror again changes nothing and stays invalid.
    market.mirrorBook([], []);
    panel.frame();
    expect(panel.valid()).toBe(false);
    market.mirrorBook([[100, 1]], [[101, 1]]);
    panel.frame();
    expect(panel.valid()).toBe(true);
  });
});

describe('book invariants: a resync asked during apply stands', () => {
  it('when the bridging diff is applied (listener asks for a resync)', () => {
    const sync = new BookSync(new OrderBook(), binanceSpotRule);
    const listener: BookSyncListener = { diffApplied: () => sync.requestResync('listener says no') };
    sync.onSnapshot(snapshot(10, [[100, 1]], [[101, 1]]));
    sync.listener = listener;
    sync.onDiff(diff(9, 12, [[99, 1]], []));
    expect(sync.state).toBe(SyncState.NeedsResync);
    expect(sync.resyncReason).toBe('listener says no');
  });

  it('when a held diff is replayed after the snapshot', () => {
    const sync = new BookSync(new OrderBook(), binanceSpotRule);
    sync.listener = { diffApplied: () => sync.requestResync('listener says no') };
    sync.onDiff(diff(9, 12, [[99, 1]], []));
    sync.onDiff(diff(13, 13, [[98, 1]], []));
    sync.onSnapshot(snapshot(10, [[100, 1]], [[101, 1]]));
    expect(sync.state).toBe(SyncState.NeedsResync);
    expect(sync.heldDiffs()).toBe(1); // the diff after the refused one waits for the next snapshot
  });

  it("in a Market: the exchange's best bid/ask disagrees with the bridging diff's book", () => {
    const market = new Market({ tickSize: 1 });
    market.onEvent(snapshot(10, [[100, 1]], [[101, 1]]));
    market.onEvent(bookTicker(12, 100, 5, 101, 1)); // waits for diff 12; says bid size 5
    market.onEvent(diff(9, 12, [[100, 2]], [])); // the book says 2
    expect(market.tickerCheck.whenApplied.mismatches).toBe(1);
    expect(market.bookState()).toBe(SyncState.NeedsResync);
  });
});

describe('book invariants: a book waiting for a snapshot is never shown as valid', () => {
  it('a sequence gap (no level changes) reaches the panel as invalid', () => {
    const market = liveMarket();
    const panel = panelView(market);
    market.onEvent(diff(20, 21, [[97, 1]], [])); // 12..19 missing
    expect(market.bookState()).toBe(SyncState.NeedsResync);
    panel.frame();
    expect(panel.valid()).toBe(false);
  });

  it('a ticker mismatch at arrival reaches the panel as invalid', () => {
    const market = liveMarket();
    const panel = panelView(market);
    market.onEvent(bookTicker(11, 100, 9, 101, 1));
    expect(market.bookState()).toBe(SyncState.NeedsResync);
    panel.frame();
    expect(panel.valid()).toBe(false);
  });

  it('a diff with bad numbers reaches the panel as invalid', () => {
    const market = liveMarket();
    const panel = panelView(market);
    market.onEvent(diff(12, 12, [[NaN, 1]], []));
    panel.frame();
    expect(panel.valid()).toBe(false);
  });

  /**
   * The class: whatever the stream does (gaps, crossing and emptying diffs, snapshots, tickers,
   * mirrors, resync requests), after each frame the panel's validity equals the engine's, and a
   * book the engine shows is never crossed and never one-sided after a change.
   */
  it('after any stream, the panel shows the book valid exactly when the engine does', () => {
    const price = fc.integer({ min: 90, max: 110 });
    const level = fc.tuple(price, fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 })));
    const step = fc.oneof(
      fc.record({ kind: fc.constant('diff' as const), skip: fc.constantFrom(0, 0, 0, 0, 1), bids: fc.array(level, { maxLength: 3 }), asks: fc.array(level, { maxLength: 3 }) }),
      fc.record({ kind: fc.constant('snapshot' as const), mid: fc.integer({ min: 95, max: 105 }) }),
      fc.record({ kind: fc.constant('ticker' as const), ahead: fc.integer({ min: 0, max: 2 }), bidSize: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('mirror' as const), bids: fc.array(level, { maxLength: 3 }), asks: fc.array(level, { maxLength: 3 }) }),
      fc.record({ kind: fc.constant('resync' as const) }),
      fc.record({ kind: fc.constant('frame' as const) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const market = new Market({ tickSize: 1 });
        const panel = panelView(market);
        let id = 100;
        const event = new MarketEvent();
        for (const s of steps) {
          switch (s.kind) {
            case 'diff':
              id += 1 + s.skip;
              market.onEvent(diff(id - s.skip, id, s.bids, s.asks, event));
              break;
            case 'snapshot':
              market.onEvent(snapshot(id, [[s.mid, 1], [s.mid - 1, 1]], [[s.mid + 1, 1], [s.mid + 2, 1]]));
              break;
            case 'ticker':
              market.onEvent(bookTicker(id + s.ahead, market.book.bestBid(), s.bidSize, market.book.bestAsk(), 1));
              break;
            case 'mirror': {
              const bids = [...new Map(s.bids.filter(([, z]) => z > 0))].sort((a, b) => b[0] - a[0]);
              const asks = [...new Map(s.asks.filter(([, z]) => z > 0))].sort((a, b) => a[0] - b[0]);
              market.mirrorBook(bids, asks);
              break;
            }
            case 'resync':
              market.requestResync('test');
              break;
            case 'frame':
              break;
          }
          panel.frame();
          expect(panel.valid()).toBe(market.bookIsShowable());
          if (market.bookIsShowable()) expect(market.book.isCrossed()).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
