/**
 * The heatmap's memory bound with its default options: a book where every level of the window
 * changes size every second (far busier than BTCUSDT, where about 145 of 2,500 do) fills the runs
 * to their maximum; the store then drops its oldest slices and stays under 32 MB, and the newest
 * slices still read back as the book was.
 */
import { describe, expect, it } from 'vitest';
import { OrderBook } from '../../src/engine/book/orderBook';
import { PriceGrid } from '../../src/engine/book/priceGrid';
import { DEFAULT_HEATMAP_OPTIONS, HeatmapStore } from '../../src/engine/heatmap/heatmapStore';

const MB = 1024 * 1024;
const T0 = 1_723_161_240_000;
const LEVELS = 3000; // per side, one a tick from the touch: all within 2% of 61,600
const SLICES = 650;

describe('heatmap memory bound', () => {
  it('stays under 32 MB with every level changing every slice, dropping the oldest slices, the newest intact', () => {
    const store = new HeatmapStore(new PriceGrid(0.01));
    const book = new OrderBook(8192);
    const sizeAt = (slice: number, i: number) => 1 + ((slice + i) % 97) / 8;
    for (let s = 0; s < SLICES; s++) {
      for (let i = 0; i < LEVELS; i++) {
        book.applyLevel(true, (6_160_000 - i) / 100, sizeAt(s, i));
        book.applyLevel(false, (6_160_001 + i) / 100, sizeAt(s, i));
      }
      // Slice s closes when the clock reaches the next one.
      store.advance(T0 + (s + 1) * 1000, book, true);
    }
    const held = store.nextSlice - store.firstSlice;
    expect(store.records).toBeLessThanOrEqual(DEFAULT_HEATMAP_OPTIONS.maxRecords);
    // The runs were full: old slices went, recent ones stayed.
    expect(store.records).toBeGreaterThan(DEFAULT_HEATMAP_OPTIONS.maxRecords - 2 * LEVELS);
    expect(held).toBeLessThan(SLICES);
    expect(held).toBeGreaterThan(500);
    expect(store.bytes / MB).toBeLessThanOrEqual(32);
    // The newest held slices read back at the tick as the book was then (sizes are float32).
    const out = new Float32Array(2 * LEVELS + 1);
    for (const s of [store.nextSlice - 1, store.nextSlice - 2, store.firstSlice]) {
      // The first advance only starts the clock: slice sliceOf(T0) + k closed with the sizes of step k.
      const k = s - store.sliceOf(T0);
      store.read(s, s + 1, 1, 1, 6_160_000 - LEVELS + 1, 2 * LEVELS, out);
      const wrong: string[] = [];
      for (let i = 0; i < LEVELS && wrong.length < 3; i++) {
        const bid = out[LEVELS - 1 - i]!;
        const ask = out[LEVELS + i]!;
        if (bid !== Math.fround(sizeAt(k, i)) || ask !== Math.fround(sizeAt(k, i))) wrong.push(`level ${i}: ${bid}, ${ask} vs ${sizeAt(k, i)}`);
      }
      expect(wrong, `slice ${s}`).toEqual([]);
    }
  });
});
