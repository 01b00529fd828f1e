/**
 * HeatmapStore against a plain reference: an array with, per closed slice, a copy of the book's
 * levels (within the window) or null for a gap. Random level updates, gaps, long quiet stretches
 * (runs split at 255 slices), rings small enough to wrap and drop, and reads aggregated to random
 * columns and groupings, compared cell by cell.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OrderBook } from '../../src/engine/book/orderBook';
import { PriceGrid } from '../../src/engine/book/priceGrid';
import { ColumnCells, ColumnLevels } from '../../src/engine/heatmap/columnCells';
import { HeatmapStore } from '../../src/engine/heatmap/heatmapStore';

const TICK = 0.01;
const SLICE_MS = 1000;
const T0 = 1_723_161_240_000;
const BASE_TICK = 6_160_000; // 61,600.00

/** One closed slice in the reference: the levels held, by side and tick, or null (gap). */
type RefSlice = { bids: Map<number, number>; asks: Map<number, number> } | null;

type Op =
  | { kind: 'level'; isBid: boolean; tick: number; size: number }
  | { kind: 'advance'; slices: number }
  | { kind: 'showable'; on: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('level' as const),
      isBid: fc.boolean(),
      tick: fc.integer({ min: 0, max: 60 }),
      // Some sizes equal in float32 but not in float64: the store keeps float32 sizes.
      size: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50 }).map((n) => n / 8), fc.constant(0.1 + 1e-12)),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), slices: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.constant(270) }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('showable' as const), on: fc.boolean() }) },
);

/** Levels of the book within `percent` of the mid, as the store samples them; null when not showable. */
function referenceSlice(book: OrderBook, showable: boolean, percent: number): RefSlice {
  const mid = book.mid();
  if (!showable || !(mid === mid)) return null;
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  for (let i = 0; i < book.bids.count; i++) {
    const p = book.bids.prices[i]!;
    if (p >= mid * (1 - percent / 100)) bids.set(Math.round(p / TICK), Math.fround(book.bids.sizes[i]!));
  }
  for (let i = 0; i < book.asks.count; i++) {
    const p = book.asks.prices[i]!;
    if (p <= mid * (1 + percent / 100)) asks.set(Math.round(p / TICK), Math.fround(book.asks.sizes[i]!));
  }
  return { bids, asks };
}

/** The reference read: the same contract as HeatmapStore.read, from the slice copies. */
function referenceRead(ref: RefSlice[], refFirst: number, heldFrom: number, heldTo: number, from: number, to: number, columns: number, g: number, bucketFrom: number, rows: number): Float64Array {
  const span = to - from;
  const n = Math.min(columns, span);
  const sums = new Float64Array(n * rows);
  const counts = new Float64Array(n);
  for (let s = from; s < to; s++) {
    if (s < heldFrom || s >= heldTo) continue;
    const slice = ref[s - refFirst];
    if (slice === null || slice === undefined) continue;
    const c = Math.floor(((s - from) * n) / span);
    counts[c]!++;
    for (const [tick, size] of slice.bids) {
      const row = Math.floor(tick / g) - bucketFrom;
      if (row >= 0 && row < rows) sums[c * rows + row]! += size;
    }
    for (const [tick, size] of slice.asks) {
      const row = Math.ceil(tick / g) - bucketFrom;
      if (row >= 0 && row < rows) sums[c * rows + row]! += size;
    }
  }
  for (let c = 0; c < n; c++) for (let r = 0; r < rows; r++) sums[c * rows + r] = counts[c] === 0 ? NaN : sums[c * rows + r]! / counts[c]!;
  return sums;
}

/** Cells that differ (NaN only where NaN; else within float32 accumulation error), as text. */
function differentCells(actual: Float32Array, expected: Float64Array, exact: boolean): string[] {
  const bad: string[] = [];
  for (let i = 0; i < expected.length && bad.length < 5; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    const same = Number.isNaN(e) || Number.isNaN(a) ? Number.isNaN(a) && Number.isNaN(e) : exact ? a === Math.fround(e) : Math.abs(a - e) <= 1e-5 * Math.max(1, Math.abs(e));
    if (!same) bad.push(`cell ${i}: ${a} vs ${e}`);
  }
  return bad;
}

interface Scenario {
  ops: Op[];
  percent: number;
  maxSlices: number;
  maxRecords: number;
  /** Reads placed in what is held: `from` and `span` are fractions of the held slices. */
  reads: { from: number; span: number; columns: number; g: number; bucketShift: number; rows: number }[];
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  ops: fc.array(opArb, { minLength: 1, maxLength: 250, size: 'max' }),
  percent: fc.constantFrom(0.0003, 0.0005, 100),
  maxSlices: fc.oneof(fc.integer({ min: 2, max: 40 }), fc.constant(5_000)),
  maxRecords: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 7, max: 120 }), fc.constant(1_000_000)),
  reads: fc.array(
    fc.record({
      from: fc.double({ min: -0.05, max: 1.05, noNaN: true }),
      span: fc.double({ min: 0, max: 1.1, noNaN: true }),
      columns: fc.integer({ min: 1, max: 40 }),
      g: fc.constantFrom(1, 2, 5, 7),
      bucketShift: fc.integer({ min: -3, max: 3 }),
      rows: fc.integer({ min: 1, max: 70 }),
    }),
    { minLength: 1, maxLength: 6 },
  ),
});

/** Plays a scenario into a store and the reference; returns both. */
function play(sc: Scenario) {
  const grid = new PriceGrid(TICK);
  const book = new OrderBook(16);
  const store = new HeatmapStore(grid, { sliceMs: SLICE_MS, windowPercent: sc.percent, maxSlices: sc.maxSlices, maxRecords: sc.maxRecords });
  const ref: RefSlice[] = [];
  const refFirst = Math.floor(T0 / SLICE_MS);
  let time = T0;
  let showable = true;
  /** A jump past everything held restarts the store at the jump's end. */
  let restartedAt = refFirst;
  store.advance(time, book, showable);
  for (const op of sc.ops) {
    if (op.kind === 'level') {
      // Bids below the base, asks above it: the book never crosses.
      const tick = op.isBid ? BASE_TICK - op.tick : BASE_TICK + 1 + op.tick;
      book.applyLevel(op.isBid, tick / 100, op.size);
    } else if (op.kind === 'showable') {
      showable = op.on;
    } else {
      const slice = referenceSlice(book, showable, sc.percent);
      for (let k = 0; k < op.slices; k++) ref.push(slice);
      if (op.slices > sc.maxSlices) restartedAt = refFirst + ref.length;
      time += op.slices * SLICE_MS;
      // Somewhere inside the slice: the slice is what matters, not the ms.
      store.advance(time + (op.slices % 7) * 100, book, showable);
    }
  }
  return { store, ref, refFirst, restartedAt };
}

describe('HeatmapStore against an array of book snapshots', () => {
  it('reads back every held slice, aggregated and grouped, as the reference; gaps as NaN; memory within its bounds', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const { store, ref, refFirst, restartedAt } = play(sc);
        const next = refFirst + ref.length;
        expect(store.nextSlice).toBe(next);
        // Retention: never more than maxSlices; nothing dropped while the runs have room.
        expect(store.nextSlice - store.firstSlice).toBeLessThanOrEqual(sc.maxSlices);
        if (sc.maxRecords === 1_000_000) expect(store.firstSlice).toBe(Math.max(restartedAt, next - sc.maxSlices));
        expect(store.records).toBeLessThanOrEqual(sc.maxRecords);
        for (const r of sc.reads) {
          const held = store.nextSlice - store.firstSlice;
          const from = store.firstSlice + Math.floor(r.from * held);
          const to = from + 1 + Math.floor(r.span * held);
          const bucketFrom = Math.floor(BASE_TICK / r.g) - Math.floor(r.rows / 2) + r.bucketShift;
          const out = new Float32Array(r.columns * r.rows).fill(-1);
          const written = store.read(from, to, r.columns, r.g, bucketFrom, r.rows, out);
          expect(written).toBe(Math.min(r.columns, to - from));
          const expected = referenceRead(ref, refFirst, store.firstSlice, store.nextSlice, from, to, r.columns, r.g, bucketFrom, r.rows);
          expect(differentCells(out.subarray(0, written * r.rows), expected, false), `read ${JSON.stringify(r)}`).toEqual([]);
        }
        // Every held slice, one column each, at the tick: the exact float32 sizes.
        const held = store.nextSlice - store.firstSlice;
        if (held > 0) {
          const rows = 130;
          const bucketFrom = BASE_TICK - 64;
          const out = new Float32Array(held * rows);
          store.read(store.firstSlice, store.nextSlice, held, 1, bucketFrom, rows, out);
          const expected = referenceRead(ref, refFirst, store.firstSlice, store.nextSlice, store.firstSlice, store.nextSlice, held, 1, bucketFrom, rows);
          expect(differentCells(out, expected, true)).toEqual([]);
          const gapsWrong = [];
          for (let s = store.firstSlice; s < store.nextSlice; s++) if (store.isGap(s) !== (ref[s - refFirst] === null)) gapsWrong.push(s);
          expect(gapsWrong).toEqual([]);
          // Each held slice as sparse cells (what a frame sends), grouped: the reference's non-empty rows, ascending.
          const levels = new ColumnLevels();
          const cells = new ColumnCells();
          const cellsWrong: string[] = [];
          for (let s = store.firstSlice; s < store.nextSlice && cellsWrong.length < 3; s++) {
            const g = sc.reads[0]!.g;
            const slice = ref[s - refFirst]!;
            expect(store.columnLevels(s, levels)).toBe(slice !== null);
            cells.group(levels, g);
            const want = new Map<number, number>();
            for (const [tick, size] of slice?.bids ?? []) want.set(Math.floor(tick / g), (want.get(Math.floor(tick / g)) ?? 0) + size);
            for (const [tick, size] of slice?.asks ?? []) want.set(Math.ceil(tick / g), (want.get(Math.ceil(tick / g)) ?? 0) + size);
            const wantRows = [...want.entries()].sort((a, b) => a[0] - b[0]);
            const got = Array.from({ length: cells.count }, (_, i) => [cells.buckets[i]!, cells.sizes[i]!]);
            // Sums of the same float32 sizes, maybe in another order.
            const same = got.length === wantRows.length && got.every(([b, v], i) => b === wantRows[i]![0] && Math.abs(v! - wantRows[i]![1]) <= 1e-12 * Math.max(1, v!));
            if (!same) cellsWrong.push(`slice ${s}: ${JSON.stringify(got)} vs ${JSON.stringify(wantRows)}`);
          }
          expect(cellsWrong).toEqual([]);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('keeps a quiet level as one run per 255 slices, not one per slice', () => {
    const grid = new PriceGrid(TICK);
    const book = new OrderBook(16);
    book.applyLevel(true, 61_600, 1);
    book.applyLevel(false, 61_600.01, 2);
    const store = new HeatmapStore(grid, { sliceMs: SLICE_MS });
    store.advance(T0, book, true);
    store.advance(T0 + 3600 * SLICE_MS, book, true);
    // 3600 slices: two levels, each split every 255 slices (14 closed runs each).
    expect(store.records).toBe(2 * Math.floor(3600 / 255));
    const out = new Float32Array(1);
    store.read(store.firstSlice, store.nextSlice, 1, 1, 6_160_000, 1, out);
    expect(out[0]).toBe(1);
  });
});
