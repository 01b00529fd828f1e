/**
 * The panel's heatmap and footprint stores, fed diffs as the protocol shapes them: they hold what
 * the host sent (each column's cells, gaps as gaps; each bar's cells as totals, partial bars
 * marked), start over on a reset, and stay within their bounds (the oldest dropped first). The
 * real diffs of the real capture reach them in test/webview/orderFlowLayers.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { HeatmapDiff } from '../../src/engine/protocol';
import { CELL_CAPACITY, COLUMN_CAPACITY, HeatmapColumns } from '../../webview/state/heatmapColumns';
import { BAR_CAPACITY, FootprintCells } from '../../webview/state/footprintCells';

/** A diff of `count` columns from slice `from` (1 s), `cells` rows each at prices 100, 101, ...; `gaps` are slice numbers. */
function columns(from: number, count: number, cells: number, gaps: number[] = [], reset = false): HeatmapDiff {
  const times = Float64Array.from({ length: count }, (_, k) => (from + k) * 1000);
  const packed: number[] = [];
  for (const t of times) {
    if (gaps.includes(t / 1000)) continue;
    for (let r = 0; r < cells; r++) packed.push(t, 100 + r, t / 1000 + r);
  }
  return { reset, sliceMs: 1000, rowStep: 1, columns: times, gaps: Float64Array.from(gaps.map((g) => g * 1000)), cells: Float64Array.from(packed), history: 0, historySpanMs: 1000 };
}

describe('heatmap columns', () => {
  it('hold each column once with its cells, gaps as gaps, and start over on a reset', () => {
    const held = new HeatmapColumns();
    held.apply(columns(10, 5, 3, [12], true));
    held.apply(columns(14, 3, 2)); // 14 again: a closed column never changes, so it is kept as it was
    expect(held.count).toBe(7);
    expect(Array.from({ length: held.count }, (_, k) => held.time(k) / 1000)).toEqual([10, 11, 12, 13, 14, 15, 16]);
    expect(Array.from({ length: held.count }, (_, k) => held.isGap(k))).toEqual([false, false, true, false, false, false, false]);
    const cellsOf = (k: number) => Array.from({ length: held.cellCount(k) }, (_, c) => [held.prices[held.cellStart(k) + c], held.sizes[held.cellStart(k) + c]]);
    expect(cellsOf(4)).toEqual([[100, 14], [101, 15], [102, 16]]);
    expect(cellsOf(5)).toEqual([[100, 15], [101, 16]]);
    expect(held.firstAtOrAfter(12_500)).toBe(3);
    held.apply(columns(50, 2, 1, [], true));
    expect([held.count, held.time(0)]).toEqual([2, 50_000]);
  });

  it('keep at most their columns and cells, the newest intact', () => {
    const held = new HeatmapColumns();
    held.apply(columns(0, 3600, 1, [], true));
    held.apply(columns(3600, 3600, 1));
    held.apply(columns(7200, 10, 1));
    expect(held.count).toBe(COLUMN_CAPACITY);
    expect(held.time(held.count - 1)).toBe(7209_000);
    // Cells: columns of 1,000 cells fill the cell ring after CELL_CAPACITY / 1000 of them.
    const big = new HeatmapColumns();
    for (let s = 0; s < 2000; s += 100) big.apply(columns(s, 100, 1000, [], s === 0));
    expect(big.count).toBeLessThanOrEqual(Math.floor(CELL_CAPACITY / 1000));
    const last = big.count - 1;
    expect(big.time(last)).toBe(1999_000);
    expect([big.cellCount(last), big.prices[big.cellStart(last) + 999], big.sizes[big.cellStart(last) + 999]]).toEqual([1000, 1099, 1999 + 999]);
  });
});

describe('footprint cells', () => {
  it('replace a cell by its new totals, insert new prices in order, mark partial bars, start over on a reset', () => {
    const held = new FootprintCells();
    held.apply({ reset: true, cells: Float64Array.from([60_000, 101, 1, 0, 60_000, 103, 0, 2, 120_000, 100, 3, 3]), partialBars: Float64Array.from([60_000]) });
    held.apply({ reset: false, cells: Float64Array.from([60_000, 102, 5, 0, 60_000, 103, 1, 2]), partialBars: new Float64Array(0) });
    const bar = held.bar(60_000)!;
    expect(Array.from({ length: bar.count }, (_, c) => [bar.prices[c], bar.buys[c], bar.sells[c]])).toEqual([[101, 1, 0], [102, 5, 0], [103, 1, 2]]);
    // The second diff carried the bar again without naming it partial: it is whole now.
    expect(bar.partial).toBe(false);
    expect(held.bar(120_000)!.count).toBe(1);
    expect(held.bar(180_000)).toBeUndefined();
    held.apply({ reset: true, cells: Float64Array.from([180_000, 99, 1, 1]), partialBars: Float64Array.from([180_000]) });
    expect([held.size, held.bar(60_000), held.bar(180_000)!.partial]).toEqual([1, undefined, true]);
  });

  it('keep at most BAR_CAPACITY bars, the oldest dropped', () => {
    const held = new FootprintCells();
    const cells = Float64Array.from({ length: (BAR_CAPACITY + 5) * 4 }, (_, i) => [Math.floor(i / 4) * 60_000, 100, 1, 1][i % 4]!);
    held.apply({ reset: true, cells, partialBars: new Float64Array(0) });
    expect(held.size).toBe(BAR_CAPACITY);
    expect(held.bar(0)).toBeUndefined();
    expect(held.bar((BAR_CAPACITY + 4) * 60_000)).toBeDefined();
  });
});
