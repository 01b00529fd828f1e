import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarketEvent } from '../../src/engine/events';
import { BookSync, DiffOutcome, SyncState } from '../../src/engine/book/bookSync';
import { OrderBook } from '../../src/engine/book/orderBook';
import { binanceFuturesRule, binanceSpotRule, type SequenceRule } from '../../src/engine/book/sequenceRule';
import { setDiff, setSnapshot } from '../support/marketEvents';

type Level = [number, number];
interface Diff {
  U: number;
  u: number;
  pu: number;
  bids: Level[];
  asks: Level[];
}

function diffEvent(d: Diff, out = new MarketEvent()): MarketEvent {
  return setDiff(out, { firstId: d.U, finalId: d.u, prevFinalId: d.pu, bids: d.bids, asks: d.asks });
}

function snapshotEvent(finalId: number, bids: Map<number, number>, asks: Map<number, number>): MarketEvent {
  return setSnapshot(new MarketEvent(), { finalId, bids: [...bids].sort((a, b) => b[0] - a[0]), asks: [...asks].sort((a, b) => a[0] - b[0]) });
}

function rows(book: OrderBook, isBid: boolean): Level[] {
  const side = book.side(isBid);
  const r: Level[] = [];
  for (let i = side.count - 1; i >= 0; i--) r.push([side.prices[i]!, side.sizes[i]!]);
  return r;
}
function sorted(m: Map<number, number>, isBid: boolean): Level[] {
  return [...m].sort((a, b) => (isBid ? b[0] - a[0] : a[0] - b[0]));
}

describe('BookSync state machine', () => {
  it('buffers until the snapshot, drops stale diffs, bridges, then chains (spot rule)', () => {
    const sync = new BookSync(new OrderBook(), binanceSpotRule);
    expect(sync.state).toBe(SyncState.AwaitingSnapshot);
    expect(sync.onDiff(diffEvent({ U: 1, u: 5, pu: -1, bids: [[10, 1]], asks: [] }))).toBe(DiffOutcome.Buffered);
    expect(sync.onDiff(diffEvent({ U: 6, u: 9, pu: 5, bids: [[10, 2]], asks: [] }))).toBe(DiffOutcome.Buffered);
    expect(sync.onDiff(diffEvent({ U: 10, u: 12, pu: 9, bids: [], asks: [[11, 3]] }))).toBe(DiffOutcome.Buffered);
    // Snapshot at 7: diff 1..5 is stale, 6..9 straddles 8, 10..12 follows.
    sync.onSnapshot(snapshotEvent(7, new Map([[10, 1.5]]), new Map([[11, 1]])));
    expect(sync.state).toBe(SyncState.Live);
    expect(sync.stats.stale).toBe(1);
    expect(sync.stats.applied).toBe(2);
    expect(rows(sync.book, true)).toEqual([[10, 2]]);
    expect(rows(sync.book, false)).toEqual([[11, 3]]);
    expect(sync.onDiff(diffEvent({ U: 13, u: 13, pu: 12, bids: [[9, 1]], asks: [] }))).toBe(DiffOutcome.Applied);
    expect(sync.onDiff(diffEvent({ U: 15, u: 16, pu: 13, bids: [[8, 1]], asks: [] }))).toBe(DiffOutcome.Gap);
    expect(sync.state).toBe(SyncState.NeedsResync);
    expect(sync.isShowable()).toBe(false);
    expect(sync.resyncReason).toMatch(/gap/);
  });

  it('uses pu for futures continuity', () => {
    const sync = new BookSync(new OrderBook(), binanceFuturesRule);
    sync.onSnapshot(snapshotEvent(100, new Map([[10, 1]]), new Map([[11, 1]])));
    expect(sync.state).toBe(SyncState.Bridging);
    expect(sync.onDiff(diffEvent({ U: 90, u: 105, pu: 89, bids: [[10, 2]], asks: [] }))).toBe(DiffOutcome.Applied);
    // Futures ids are not contiguous: U may jump as long as pu chains.
    expect(sync.onDiff(diffEvent({ U: 130, u: 140, pu: 105, bids: [[10, 3]], asks: [] }))).toBe(DiffOutcome.Applied);
    expect(sync.onDiff(diffEvent({ U: 141, u: 150, pu: 139, bids: [[10, 4]], asks: [] }))).toBe(DiffOutcome.Gap);
    expect(rows(sync.book, true)).toEqual([[10, 3]]);
  });

  it('futures: a diff ending exactly at the snapshot id is contained in it; the next chains by pu', () => {
    const sync = new BookSync(new OrderBook(), binanceFuturesRule);
    // As in the real ETHUSDT capture: snapshot id == a buffered diff's u.
    sync.onDiff(diffEvent({ U: 90, u: 100, pu: 89, bids: [[10, 2]], asks: [] }));
    sync.onDiff(diffEvent({ U: 101, u: 110, pu: 100, bids: [[10, 3]], asks: [] }));
    sync.onSnapshot(snapshotEvent(100, new Map([[10, 2]]), new Map([[11, 1]])));
    expect(sync.state).toBe(SyncState.Live);
    expect(sync.stats.stale).toBe(1);
    expect(rows(sync.book, true)).toEqual([[10, 3]]);
  });

  it('a snapshot older than the buffered diffs stays in needsResync until a newer one', () => {
    const sync = new BookSync(new OrderBook(), binanceSpotRule);
    sync.onDiff(diffEvent({ U: 20, u: 25, pu: -1, bids: [[10, 1]], asks: [] }));
    sync.onSnapshot(snapshotEvent(10, new Map([[10, 5]]), new Map([[11, 1]])));
    expect(sync.state).toBe(SyncState.NeedsResync);
    sync.onSnapshot(snapshotEvent(22, new Map([[10, 5]]), new Map([[11, 1]])));
    expect(sync.state).toBe(SyncState.Live);
    expect(rows(sync.book, true)).toEqual([[10, 1]]);
  });

  it('refuses diffs with bad numbers and resyncs instead of drawing a wrong book', () => {
    const sync = new BookSync(new OrderBook(), binanceSpotRule);
    sync.onSnapshot(snapshotEvent(1, new Map([[10, 1]]), new Map([[11, 1]])));
    expect(sync.onDiff(diffEvent({ U: 2, u: 2, pu: 1, bids: [[NaN, 1]], asks: [] }))).toBe(DiffOutcome.Rejected);
    expect(sync.state).toBe(SyncState.NeedsResync);
    expect(sync.stats.rejected).toBe(1);
    expect(rows(sync.book, true)).toEqual([[10, 1]]);
  });

  it('keeps at most maxHeldDiffs, dropping the oldest', () => {
    const sync = new BookSync(new OrderBook(), binanceSpotRule, 4);
    for (let i = 1; i <= 10; i++) sync.onDiff(diffEvent({ U: i, u: i, pu: i - 1, bids: [[10, i]], asks: [] }));
    expect(sync.heldDiffs()).toBe(4);
    expect(sync.stats.overflowed).toBe(6);
    sync.onSnapshot(snapshotEvent(6, new Map([[10, 6]]), new Map([[11, 1]])));
    expect(sync.state).toBe(SyncState.Live);
    expect(rows(sync.book, true)).toEqual([[10, 10]]);
  });

  /**
   * The invariant a user relies on: whenever the book says it is showable, it equals the
   * exchange's book at the last applied id. Random streams with dropped diffs (gaps),
   * duplicated/reordered deliveries, and snapshots taken at random moments.
   */
  for (const rule of [binanceSpotRule, binanceFuturesRule] as SequenceRule[]) {
    it(`showable book always equals the exchange's book (${rule.name})`, () => {
      const levelArb = fc.tuple(fc.integer({ min: 1, max: 30 }), fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 9 })));
      const stepArb = fc.record({
        bids: fc.array(levelArb, { maxLength: 4 }),
        asks: fc.array(levelArb, { maxLength: 4 }),
        idsUsed: fc.integer({ min: 1, max: 3 }),
        delivery: fc.constantFrom('deliver', 'deliver', 'deliver', 'deliver', 'drop', 'duplicate'),
        snapshotAfter: fc.boolean(),
      });
      fc.assert(
        fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => {
          // Permanent far levels keep every snapshot non-empty (an empty snapshot is refused).
          const exchange = { bids: new Map<number, number>([[0.5, 1]]), asks: new Map<number, number>([[1000, 1]]) };
          const history = new Map<number, { bids: Level[]; asks: Level[] }>();
          const sync = new BookSync(new OrderBook(2), rule, 8);
          const event = new MarketEvent();
          let id = 100;
          let lastDelivered: Diff | undefined;
          for (const step of steps) {
            const d: Diff = { U: id + 1, u: id + step.idsUsed, pu: id, bids: [], asks: [] };
            for (const [t, s] of step.bids) {
              d.bids.push([t, s]);
              if (s === 0) exchange.bids.delete(t);
              else exchange.bids.set(t, s);
            }
            for (const [t, s] of step.asks) {
              d.asks.push([t + 100, s]);
              if (s === 0) exchange.asks.delete(t + 100);
              else exchange.asks.set(t + 100, s);
            }
            id = d.u;
            history.set(id, { bids: sorted(exchange.bids, true), asks: sorted(exchange.asks, false) });
            if (step.delivery !== 'drop') sync.onDiff(diffEvent(d, event));
            if (step.delivery === 'duplicate' && lastDelivered) sync.onDiff(diffEvent(lastDelivered, event));
            if (step.delivery !== 'drop') lastDelivered = d;
            if (step.snapshotAfter && sync.state !== SyncState.Live) {
              sync.onSnapshot(snapshotEvent(id, exchange.bids, exchange.asks));
            }
            if (sync.isShowable()) {
              const truth = history.get(sync.lastFinalId)!;
              expect(rows(sync.book, true)).toEqual(truth.bids);
              expect(rows(sync.book, false)).toEqual(truth.asks);
            }
          }
        }),
        { numRuns: 400 },
      );
    });
  }
});
