import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LevelList } from '../../src/engine/events';
import { BookChanges, BookReject, ImpactResult, LevelRows, OrderBook } from '../../src/engine/book/orderBook';
import { PriceGrid } from '../../src/engine/book/priceGrid';

/** The plain reference: a Map per side, sorted on demand. */
class ReferenceBook {
  bids = new Map<number, number>();
  asks = new Map<number, number>();
  set(isBid: boolean, price: number, size: number): void {
    const side = isBid ? this.bids : this.asks;
    if (size === 0) side.delete(price);
    else side.set(price, size);
  }
  bestFirst(isBid: boolean): [number, number][] {
    const rows = [...(isBid ? this.bids : this.asks).entries()];
    return rows.sort((a, b) => (isBid ? b[0] - a[0] : a[0] - b[0]));
  }
}

function bookRows(book: OrderBook, isBid: boolean): [number, number][] {
  const side = book.side(isBid);
  const rows: [number, number][] = [];
  for (let i = side.count - 1; i >= 0; i--) rows.push([side.prices[i]!, side.sizes[i]!]);
  return rows;
}

function levelList(rows: [number, number][]): LevelList {
  const list = new LevelList(1);
  for (const [p, s] of rows) list.push(p, s);
  return list;
}

const goodPrice = fc.integer({ min: 1, max: 400 }).map((t) => t / 100);
const badNumber = fc.constantFrom(NaN, Infinity, -Infinity, -1, -0.5);
const size = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5000 }).map((u) => u / 1000));

const levelOp = fc.record({
  kind: fc.constant('level' as const),
  isBid: fc.boolean(),
  price: fc.oneof({ weight: 9, arbitrary: goodPrice }, { weight: 1, arbitrary: badNumber }),
  size: fc.oneof({ weight: 9, arbitrary: size }, { weight: 1, arbitrary: badNumber }),
});
const sideRows = fc.uniqueArray(fc.tuple(goodPrice, size), { selector: (r) => r[0], maxLength: 40 });
const snapshotOp = fc.record({ kind: fc.constant('snapshot' as const), bids: sideRows, asks: sideRows });
const syncOp = fc.record({ kind: fc.constant('sync' as const), bids: sideRows, asks: sideRows });
const ops = fc.array(fc.oneof({ weight: 20, arbitrary: levelOp }, { weight: 1, arbitrary: snapshotOp }, { weight: 2, arbitrary: syncOp }), {
  maxLength: 300,
});

describe('OrderBook against a Map reference', () => {
  it('equals the reference after every step (growth, absent deletes, crossing, repeats, bad input)', () => {
    fc.assert(
      fc.property(ops, (sequence) => {
        const book = new OrderBook(2); // tiny capacity: growth is exercised
        const ref = new ReferenceBook();
        const changes = new BookChanges();
        let rejected = 0;
        for (const op of sequence) {
          if (op.kind === 'level') {
            const result = book.applyLevel(op.isBid, op.price, op.size);
            const valid = op.price > 0 && Number.isFinite(op.price) && op.size >= 0 && Number.isFinite(op.size);
            expect(result === BookReject.Ok).toBe(valid);
            if (valid) ref.set(op.isBid, op.price, op.size);
            else rejected++;
          } else if (op.kind === 'snapshot') {
            const bids = [...op.bids].sort((a, b) => b[0] - a[0]);
            const asks = [...op.asks].sort((a, b) => a[0] - b[0]);
            const result = book.applySnapshot(levelList(bids), levelList(asks));
            const crossed = bids.length > 0 && asks.length > 0 && bids[0]![0] >= asks[0]![0];
            const empty = bids.length + asks.length === 0;
            expect(result).toBe(empty ? BookReject.EmptySnapshot : crossed ? BookReject.CrossedSnapshot : BookReject.Ok);
            if (result === BookReject.Ok) {
              ref.bids = new Map(bids.filter((r) => r[1] > 0));
              ref.asks = new Map(asks.filter((r) => r[1] > 0));
            } else rejected++;
          } else {
            const before = { bids: new Map(ref.bids), asks: new Map(ref.asks) };
            const bids = [...op.bids].sort((a, b) => b[0] - a[0]);
            const asks = [...op.asks].sort((a, b) => a[0] - b[0]);
            book.syncFrom(bids, asks, changes);
            ref.bids = new Map(bids.filter((r) => r[1] > 0));
            ref.asks = new Map(asks.filter((r) => r[1] > 0));
            // Exactly the levels that changed, each once, with the new size (0 = removed).
            for (const [isBid, list] of [[true, changes.bids], [false, changes.asks]] as const) {
              const expected = new Map<number, number>();
              const old = isBid ? before.bids : before.asks;
              const now = isBid ? ref.bids : ref.asks;
              for (const [p, s] of now) if (old.get(p) !== s) expected.set(p, s);
              for (const p of old.keys()) if (!now.has(p)) expected.set(p, 0);
              const recorded = new Map<number, number>();
              for (let i = 0; i < list.count; i++) {
                expect(recorded.has(list.prices[i]!)).toBe(false);
                recorded.set(list.prices[i]!, list.sizes[i]!);
              }
              expect(recorded).toEqual(expected);
            }
          }
          expect(bookRows(book, true)).toEqual(ref.bestFirst(true));
          expect(bookRows(book, false)).toEqual(ref.bestFirst(false));
          expect(book.rejected).toBe(rejected);
          const bb = ref.bestFirst(true)[0]?.[0] ?? NaN;
          const ba = ref.bestFirst(false)[0]?.[0] ?? NaN;
          expect(book.bestBid()).toBe(bb);
          expect(book.bestAsk()).toBe(ba);
          expect(book.isCrossed()).toBe(bb >= ba);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses unsorted, crossed, empty and non-numeric snapshots and keeps the previous book', () => {
    const book = new OrderBook();
    expect(book.applySnapshot(levelList([[10, 1], [9, 2]]), levelList([[11, 1], [12, 3]]))).toBe(BookReject.Ok);
    const cases: [LevelList, LevelList, BookReject][] = [
      [levelList([[9, 1], [10, 2]]), levelList([[11, 1]]), BookReject.UnsortedSnapshot],
      [levelList([[10, 1], [10, 2]]), levelList([[11, 1]]), BookReject.UnsortedSnapshot],
      [levelList([[12, 1]]), levelList([[11, 1]]), BookReject.CrossedSnapshot],
      [levelList([]), levelList([]), BookReject.EmptySnapshot],
      [levelList([[NaN, 1]]), levelList([[11, 1]]), BookReject.BadNumber],
      [levelList([[10, -1]]), levelList([[11, 1]]), BookReject.BadNumber],
    ];
    for (const [bids, asks, reason] of cases) {
      expect(book.applySnapshot(bids, asks)).toBe(reason);
      expect(bookRows(book, true)).toEqual([[10, 1], [9, 2]]);
      expect(bookRows(book, false)).toEqual([[11, 1], [12, 3]]);
    }
    expect(book.rejected).toBe(cases.length);
  });
});

describe('OrderBook queries against plain computations', () => {
  const bookArb = fc.record({ bids: sideRows, asks: sideRows }).map(({ bids, asks }) => {
    // Make a valid uncrossed book: bids below 2.00, asks above.
    const b = bids.map(([p, s]) => [p / 2, s] as [number, number]).filter((r) => r[1] > 0);
    const a = asks.map(([p, s]) => [Math.round((2 + p / 2) * 100) / 100 + 0.01, s] as [number, number]).filter((r) => r[1] > 0);
    return { bids: b, asks: a };
  });

  function build(rows: { bids: [number, number][]; asks: [number, number][] }): { book: OrderBook; ref: ReferenceBook } {
    const book = new OrderBook(4);
    const ref = new ReferenceBook();
    for (const [p, s] of rows.bids) {
      book.applyLevel(true, p, s);
      ref.set(true, p, s);
    }
    for (const [p, s] of rows.asks) {
      book.applyLevel(false, p, s);
      ref.set(false, p, s);
    }
    return { book, ref };
  }

  it('top N, grouping, window, depth and impact equal plain computations', () => {
    fc.assert(
      fc.property(bookArb, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 25 }), fc.double({ min: 0.001, max: 60, noNaN: true }), fc.double({ min: 0.0001, max: 30, noNaN: true }), (rows, n, ticks, pct, qty) => {
        const { book, ref } = build(rows);
        const out = new LevelRows(16);
        const grid = new PriceGrid(0.01);
        for (const isBid of [true, false]) {
          const sorted = ref.bestFirst(isBid);
          // top N
          book.top(isBid, n, out);
          const top = sorted.slice(0, Math.min(n, 16));
          expect(Array.from(out.prices.subarray(0, out.count))).toEqual(top.map((r) => r[0]));
          expect(Array.from(out.sizes.subarray(0, out.count))).toEqual(top.map((r) => r[1]));
          // grouping into buckets of `ticks` ticks, in integer cents
          const buckets = new Map<number, number>();
          for (const [p, s] of sorted) {
            const cents = Math.round(p * 100);
            const edge = isBid ? Math.floor(cents / ticks) * ticks : Math.ceil(cents / ticks) * ticks;
            buckets.set(edge, (buckets.get(edge) ?? 0) + s);
          }
          const grouped = [...buckets.entries()].sort((a, b) => (isBid ? b[0] - a[0] : a[0] - b[0])).slice(0, 16);
          book.group(isBid, grid, ticks, out);
          expect(out.count).toBe(grouped.length);
          let cumulative = 0;
          grouped.forEach(([edge, s], r) => {
            cumulative += s;
            expect(out.prices[r]).toBe(edge / 100);
            expect(out.sizes[r]).toBeCloseTo(s, 9);
            expect(out.cumulative[r]).toBeCloseTo(cumulative, 9);
          });
          // window within ±pct of mid
          const mid = book.mid();
          const inWindow = Number.isNaN(mid) ? 0 : sorted.filter(([p]) => (isBid ? p >= mid * (1 - pct / 100) : p <= mid * (1 + pct / 100))).length;
          expect(book.levelsWithinPercent(isBid, pct)).toBe(inWindow);
          // depth
          const depth = sorted.slice(0, n).reduce((a, r) => a + r[1], 0);
          expect(book.depth(isBid, n)).toBeCloseTo(depth, 9);
          // market impact: a buy walks the asks, a sell the bids
          const impact = book.impact(!isBid, qty, new ImpactResult());
          let remaining = qty;
          let cost = 0;
          let levels = 0;
          for (const [p, s] of sorted) {
            if (remaining <= 0) break;
            const take = Math.min(s, remaining);
            cost += take * p;
            remaining -= take;
            levels++;
          }
          const filled = qty - Math.max(0, remaining);
          if (sorted.length === 0) {
            expect(impact.filled).toBe(0);
            expect(impact.averagePrice).toBeNaN();
          } else {
            expect(impact.filled).toBeCloseTo(filled, 9);
            expect(impact.levels).toBe(levels);
            const avg = cost / filled;
            expect(impact.averagePrice).toBeCloseTo(avg, 9);
            const best = sorted[0]![0];
            expect(impact.slippageBps).toBeCloseTo(((isBid ? best - avg : avg - best) / best) * 1e4, 6);
            expect(impact.slippageBps).toBeGreaterThanOrEqual(-1e-9);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('grid buckets are the exact decimal prices for common ticks', () => {
    expect(new PriceGrid(0.01).floorToBucket(61837.63, 10)).toBe(61837.6);
    expect(new PriceGrid(0.01).ceilToBucket(61837.63, 10)).toBe(61837.7);
    expect(new PriceGrid(0.1).floorToBucket(61800.2, 5)).toBe(61800);
    expect(new PriceGrid(0.5).ceilToBucket(100.25, 1)).toBe(100.5);
    expect(new PriceGrid(1e-8).floorToBucket(0.00012345, 100)).toBe(0.000123);
    expect(() => new PriceGrid(0)).toThrow(/tick size/);
  });
});
