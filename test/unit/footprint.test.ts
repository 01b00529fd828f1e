/**
 * Footprint as a chart relies on it: fed by the market beside the candles (its sums are the
 * candle's volume and taker-buy volume), bars from history marked as having no footprint, the
 * memory budget held, the value area of known cases, bad trades counted.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { binanceRule } from '../../src/engine/book/sequenceRule';
import { CandleBar } from '../../src/engine/candles/candleSeries';
import { Market } from '../../src/engine/market';
import { BAR_META_BYTES, CHANGE_LOG_ENTRY_BYTES, DEFAULT_FOOTPRINT_OPTIONS, FootprintBars } from '../../src/engine/footprint/footprintBars';
import { CELL_BYTES } from '../../src/engine/footprint/cellLog';
import { findValueArea, ValueArea } from '../../webview/state/valueArea';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 7, 8, 23, 50);

describe('footprint in the market', () => {
  it("a bar's footprint sums equal its candle's volume and taker-buy volume (random trades, late ones included)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dt: fc.integer({ min: -90_000, max: 40_000 }),
            tick: fc.integer({ min: -40, max: 40 }),
            // Quarters: sums are exact in doubles whatever the order, so they must be equal.
            q: fc.integer({ min: 1, max: 40 }).map((x) => x / 4),
            buy: fc.boolean(),
          }),
          { minLength: 1, maxLength: 300, size: 'max' },
        ),
        (trades) => {
          const market = new Market({ tickSize: 0.5, sequenceRule: binanceRule, candleCapacity: 50 });
          let now = T0;
          let price = 1000;
          for (const t of trades) {
            now = Math.max(T0, now + t.dt);
            price = Math.max(1, price + t.tick * 0.5);
            market.onTrade(now, price, t.q, t.buy ? 1 : -1);
          }
          market.settle();
          const c = market.candles;
          const bar = new CandleBar();
          for (let seq = c.firstSeq; seq <= c.lastSeq; seq++) {
            c.readBar(seq, bar);
            const slot = market.footprint.find(bar.openTime);
            expect(slot).toBeGreaterThanOrEqual(0);
            const fp = market.footprint;
            expect(fp.buyVolumeAt(slot) + fp.sellVolumeAt(slot)).toBe(bar.volume);
            expect(fp.buyVolumeAt(slot)).toBe(bar.takerBuyVolume);
            expect([fp.priceOf(fp.lowTickAt(slot)), fp.priceOf(fp.highTickAt(slot))]).toEqual([bar.low, bar.high]);
            expect(fp.coverage(bar.openTime, bar.volume)).toBe('complete');
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('bars backfilled from klines have no footprint; a live bar merged from history is partial', () => {
    const market = new Market({ tickSize: 0.1, sequenceRule: binanceRule });
    // History: 23:50 .. 23:52, the last one still open when fetched.
    market.mergeHistoryRows([
      [T0, 100, 101, 99, 100.5, 10],
      [T0 + MINUTE, 100.5, 102, 100, 101, 12],
      [T0 + 2 * MINUTE, 101, 101.5, 100.5, 101.2, 3],
    ]);
    market.onTrade(T0 + 2 * MINUTE + 30_000, 101.3, 2, 1); // into the fetched live bar
    market.onTrade(T0 + 3 * MINUTE + 1_000, 101.4, 1, -1); // a new bar, from its first trade
    market.settle();
    const fp = market.footprint;
    expect(fp.coverage(T0, 10)).toBe('none');
    expect(fp.find(T0)).toBe(-1);
    expect(fp.coverage(T0 + MINUTE, 12)).toBe('none');
    const live = market.candles.value(market.candles.findSeq(T0 + 2 * MINUTE), 5);
    expect(live).toBe(5); // the exchange's 3 plus the trade's 2
    expect(fp.coverage(T0 + 2 * MINUTE, live)).toBe('partial');
    expect(fp.coverage(T0 + 3 * MINUTE, 1)).toBe('complete');
  });

  it('a new timeframe starts an empty footprint', () => {
    const market = new Market({ tickSize: 0.1, sequenceRule: binanceRule });
    market.onTrade(T0, 100, 1, 1);
    market.setTimeframe('5m');
    expect(market.footprint.count).toBe(0);
    market.onTrade(T0 + 1000, 100.1, 1, -1);
    expect(market.footprint.openTimeAt(market.footprint.slotAt(0))).toBe(T0);
  });
});

describe('FootprintBars memory and input', () => {
  it('stays within its budget however wide and many the bars, and stops allocating once the pool is full', () => {
    const budget = DEFAULT_FOOTPRINT_OPTIONS.bars * BAR_META_BYTES + DEFAULT_FOOTPRINT_OPTIONS.changeLog * CHANGE_LOG_ENTRY_BYTES + DEFAULT_FOOTPRINT_OPTIONS.maxCells * CELL_BYTES;
    expect(budget / 1e6).toBeLessThan(14.5);
    const fp = new FootprintBars(0.1);
    let price = 60_000;
    let buyArray: Float64Array | null = null;
    for (let bar = 0; bar < 3000; bar++) {
      // Each bar ranges over 1000 ticks: about 3 million cells of trades in all.
      for (let k = 0; k < 20; k++) {
        price = Number((price + (k % 2 === 0 ? 50 : -49.9)).toFixed(1));
        fp.addTrade(T0 + bar * MINUTE, price, 0.001, k % 3 === 0 ? 1 : -1);
      }
      if (fp.cells.size === DEFAULT_FOOTPRINT_OPTIONS.maxCells) buyArray ??= fp.cells.data;
    }
    expect(fp.byteLength).toBeLessThanOrEqual(budget);
    expect(fp.cells.size).toBe(DEFAULT_FOOTPRINT_OPTIONS.maxCells);
    expect(fp.cells.data).toBe(buyArray);
    expect(fp.stats.trades).toBe(60_000);
    // Older bars lost their cells (no footprint), the newest hundreds kept theirs.
    expect(fp.hasCells(fp.slotAt(0))).toBe(false);
    expect(fp.hasCells(fp.slotAt(fp.count - 1))).toBe(true);
    expect(fp.hasCells(fp.slotAt(fp.count - 200))).toBe(true);
  });

  it('counts bad trades, off-grid prices, bars it does not hold and bars too wide, and keeps the rest exact', () => {
    const fp = new FootprintBars(0.5, { maxBarCells: 100 });
    expect(fp.addTrade(T0, NaN, 1, 1)).toBe(false);
    expect(fp.addTrade(T0, 100, 0, 1)).toBe(false);
    expect(fp.addTrade(T0, 100, 1, 0)).toBe(false);
    expect(fp.stats.rejected).toBe(3);
    expect(fp.addTrade(T0 + MINUTE, 100, 1, 1)).toBe(true);
    expect(fp.addTrade(T0, 100, 1, 1)).toBe(false); // older than the newest, never opened
    expect(fp.stats.unheld).toBe(1);
    expect(fp.addTrade(T0 + MINUTE, 100 + 100 * 0.5, 1, 1)).toBe(false); // 101 ticks wide
    expect(fp.stats.tooWide).toBe(1);
    expect(fp.addTrade(T0 + MINUTE, 100.2, 2, -1)).toBe(true); // off the 0.5 grid: nearest tick
    expect(fp.stats.offGrid).toBe(1);
    const slot = fp.find(T0 + MINUTE);
    expect([fp.buyVolumeAt(slot), fp.sellVolumeAt(slot), fp.pocTickAt(slot)]).toEqual([1, 2, 200]);
  });

  it('prices come back as the exchange wrote them, whatever the tick', () => {
    for (const [tick, prices] of [
      [0.1, [61800.3, 0.3, 1234567.9]],
      [0.01, [0.07, 1.1, 61837.63]],
      [0.5, [100.5, 7]],
      [1e-8, [0.00001234, 0.1]],
    ] as const) {
      const fp = new FootprintBars(tick);
      for (const p of prices) expect(fp.priceOf(fp.tickOf(p))).toBe(p);
    }
  });
});

describe('value area', () => {
  it('grows from the POC towards the larger neighbour until it holds the share', () => {
    //                          rows: 0  1  2   3   4  5  6
    const buy = new Float64Array([1, 2, 5, 10, 4, 3, 1]);
    const sell = new Float64Array(7);
    const area = new ValueArea();
    // Total 26, 70 % = 18.2: POC row 3 (10), then 2 (5 > 4): 15, then 4 (4 > 2): 19.
    findValueArea(buy, sell, 7, 3, 0.7, area);
    expect([area.lowRow, area.highRow, area.volume]).toEqual([2, 4, 19]);
    findValueArea(buy, sell, 7, 3, 1, area);
    expect([area.lowRow, area.highRow, area.volume]).toEqual([0, 6, 26]);
    findValueArea(buy, sell, 7, 3, 0, area);
    expect([area.lowRow, area.highRow]).toEqual([3, 3]);
    // Equal neighbours: the upper one first.
    findValueArea(new Float64Array([3, 5, 3]), new Float64Array(3), 3, 1, 0.7, area);
    expect([area.lowRow, area.highRow, area.volume]).toEqual([1, 2, 8]);
  });
});
