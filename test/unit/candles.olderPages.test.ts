/**
 * Scrolling back: older pages of exchange history merged before the held bars give the same
 * series as merging every row at once, within the capacity (the memory bound), and the series
 * says why nothing older can come (`olderEnd`).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CandleBar, CandleChanges, CandleField, CandleSeries } from '../../src/engine/candles/candleSeries';
import { Market } from '../../src/engine/market';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';

const MINUTE = 60_000;
const T0 = 1_723_161_240_000; // 2024-08-08 23:54 UTC

type Row = [number, number, number, number, number, number, number, number, number];

/** Ascending rows at `minutes` (offsets from T0, deduplicated), prices from `seeds`. */
function rowsAt(minutes: number[], seeds: number[]): Row[] {
  const sorted = [...new Set(minutes)].sort((a, b) => a - b);
  return sorted.map((m, k) => {
    const s = seeds[k % seeds.length]!;
    const open = 100 + s;
    const close = 100 + ((s * 7) % 13);
    return [T0 + m * MINUTE, open, Math.max(open, close) + 1, Math.min(open, close) - 1, close, s / 10, s, s / 20, s % 9];
  });
}

function bars(series: CandleSeries): number[][] {
  const bar = new CandleBar();
  const out: number[][] = [];
  for (let seq = series.firstSeq; seq <= series.lastSeq; seq++) {
    series.readBar(seq, bar);
    out.push([bar.openTime, bar.open, bar.high, bar.low, bar.close, bar.volume, bar.quoteVolume, bar.takerBuyVolume, bar.tradeCount]);
  }
  return out;
}

/** Splits `rows` (oldest first) into the newest `newest` rows and older pages of the given sizes, newest page first. */
function pagesOf(rows: Row[], newest: number, sizes: number[]): { load: Row[]; older: Row[][] } {
  let end = rows.length - newest;
  const load = rows.slice(end);
  const older: Row[][] = [];
  for (let i = 0; end > 0; i++) {
    const size = sizes[i % sizes.length]!;
    older.push(rows.slice(Math.max(0, end - size), end));
    end -= size;
  }
  return { load, older };
}

const caseArb = fc.record({
  minutes: fc.array(fc.integer({ min: -400, max: 0 }), { minLength: 2, maxLength: 120 }),
  seeds: fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }),
  newest: fc.integer({ min: 1, max: 40 }),
  sizes: fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 5 }),
  capacity: fc.oneof(fc.constant(1000), fc.integer({ min: 1, max: 80 })),
  /** Trades on the live bar between pages (the market keeps moving while the user scrolls). */
  trades: fc.array(fc.integer({ min: 1, max: 59_000 }), { maxLength: 4 }),
});

describe('older history pages', () => {
  it('prepending pages one by one equals merging every row at once (capacity-bounded, changes reported)', () => {
    fc.assert(
      fc.property(caseArb, ({ minutes, seeds, newest, sizes, capacity, trades }) => {
        const rows = rowsAt(minutes, seeds);
        const { load, older } = pagesOf(rows, Math.min(newest, rows.length), sizes);
        const paged = new CandleSeries('1m', { capacity });
        const atOnce = new CandleSeries('1m', { capacity });
        const liveBar = rows[rows.length - 1]![0];
        paged.mergeHistoryRows(load);
        const changes = new CandleChanges();
        const mirror = new Map<number, number[]>();
        const drain = (): void => {
          paged.drainChanges(changes);
          for (const seq of [...mirror.keys()]) if (seq < changes.firstSeq) mirror.delete(seq);
          const all = bars(paged);
          if (changes.fromSeq >= 0) for (let seq = changes.fromSeq; seq <= changes.lastSeq; seq++) mirror.set(seq, all[seq - paged.firstSeq]!);
        };
        drain();
        for (const page of older) {
          // A page the ring has no room for leaves the series as it is, and says so.
          const full = paged.count >= capacity;
          expect(paged.olderEnd).toBe(full ? 'memory' : null);
          paged.mergeHistoryRows(page);
          for (const offset of trades) paged.ingestTrade(liveBar + offset, 101, 0.5, 1);
          drain();
          // A consumer re-reading the reported range mirrors the series exactly.
          expect([...mirror.entries()].sort((a, b) => a[0] - b[0]).map(([, bar]) => bar)).toEqual(bars(paged));
        }
        atOnce.mergeHistoryRows(rows);
        for (const _page of older) for (const offset of trades) atOnce.ingestTrade(liveBar + offset, 101, 0.5, 1);
        expect(bars(paged)).toEqual(bars(atOnce));
        expect(paged.count).toBe(Math.min(capacity, rows.length));
        expect(paged.olderEnd).toBe(rows.length >= capacity ? 'memory' : null);
      }),
      { numRuns: 300 },
    );
  });

  it('the source start is the series\' own: the reason reads source until the ring is full, then memory', () => {
    const series = new CandleSeries('1m', { capacity: 3 });
    series.mergeHistoryRows(rowsAt([-1, 0], [5]));
    expect(series.olderEnd).toBeNull();
    series.sourceStartHeld = true;
    expect(series.olderEnd).toBe('source');
    series.ingestTrade(T0 + MINUTE + 5, 100, 1, 1);
    expect(series.olderEnd).toBe('memory');
    expect(new CandleSeries('1m', { capacity: 3 }).olderEnd).toBeNull();
  });

  it('the order-book imbalance (sampled live) stays with its bar when an older page renumbers the bars', () => {
    const market = new Market({ symbol: 'BTC/USDT', tickSize: 0.01, timeframe: '1m' });
    market.mergeHistoryRows(rowsAt([-2, -1, 0], [5]));
    market.mirrorBook([[100, 3]], [[101, 1]]);
    market.settle();
    const c = market.candles;
    const live = c.value(c.lastSeq, CandleField.OpenTime);
    const close = market.imbalance.valueAt(c.lastSeq, 3);
    expect(close).toBeCloseTo(0.5, 9); // (3 - 1) / (3 + 1)
    market.mergeHistoryRows(rowsAt([-9, -8, -7, -6, -5, -4, -3], [7]));
    market.settle();
    expect(c.count).toBe(10);
    expect(market.imbalance.valueAt(c.findSeq(live), 3)).toBe(close);
    // The bars before it were never sampled.
    expect(market.imbalance.valueAt(c.findSeq(live) - 1, 3)).toBeNaN();
    // The next sample goes to the same live bar.
    market.mirrorBook([[100, 1]], [[101, 1]]);
    expect(market.imbalance.valueAt(c.findSeq(live), 3)).toBe(0);
    expect(market.imbalance.valueAt(c.findSeq(live), 0)).toBeCloseTo(0.5, 9);
  });

  it('the panel is told why nothing older comes: in the init and in a page, held bars first, then the series\' end', () => {
    const facts = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };
    const status = { state: 'live' as const, detail: '', value: 0 };
    const market = new Market({ symbol: 'BTC/USDT', tickSize: 0.01, timeframe: '1m', candleCapacity: 10 });
    market.mergeHistoryRows(rowsAt([-5, -4, -3, -2, -1, 0], [3]));
    const partial = new FrameBuilder(market, facts, { initBars: 4 }).buildInit(status);
    expect(partial).toMatchObject({ hasOlder: true, historyEnd: null });
    const builder = new FrameBuilder(market, facts, { initBars: 100 });
    // Every held bar sent; the source may have more.
    expect(builder.buildInit(status)).toMatchObject({ hasOlder: true, historyEnd: null });
    const oldest = market.candles.value(market.candles.firstSeq, CandleField.OpenTime);
    expect(builder.buildHistory(oldest)).toMatchObject({ bars: new Float64Array(0), hasOlder: true, historyEnd: null, failed: null });
    expect(builder.buildHistory(oldest, 'HTTP 500; 3 attempts')).toMatchObject({ hasOlder: true, historyEnd: null, failed: 'HTTP 500; 3 attempts' });
    market.candles.sourceStartHeld = true;
    expect(builder.buildInit(status)).toMatchObject({ hasOlder: false, historyEnd: 'source' });
    expect(builder.buildHistory(oldest)).toMatchObject({ hasOlder: false, historyEnd: 'source', failed: null });
    market.mergeHistoryRows(rowsAt([-9, -8, -7, -6], [4]));
    expect(builder.buildInit(status)).toMatchObject({ hasOlder: false, historyEnd: 'memory' });
  });

  it('a page paged in carries its bars\' indicator values (computed over the prepended bars, not the old numbering)', () => {
    const facts = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };
    const status = { state: 'live' as const, detail: '', value: 0 };
    const all = rowsAt(Array.from({ length: 40 }, (_, k) => k - 39), [3, 9, 1, 14, 6, 11, 2]);
    const paged = new Market({ symbol: 'BTC/USDT', tickSize: 0.01, timeframe: '1m', indicators: [{ kind: 'sma', period: 3 }] });
    paged.mergeHistoryRows(all.slice(20));
    const builder = new FrameBuilder(paged, facts, { metrics: { imbalance: false, cvd: false } });
    const init = builder.buildInit(status);
    paged.mergeHistoryRows(all.slice(0, 20));
    const page = builder.buildHistory(init.bars[0]!);
    const atOnce = new Market({ symbol: 'BTC/USDT', tickSize: 0.01, timeframe: '1m', indicators: [{ kind: 'sma', period: 3 }] });
    atOnce.mergeHistoryRows(all);
    const whole = new FrameBuilder(atOnce, facts, { metrics: { imbalance: false, cvd: false } }).buildInit(status);
    expect(page.bars).toEqual(whole.bars.subarray(0, 20 * 6));
    const sma = (values: Float64Array) => Array.from(values);
    expect(sma(page.indicators[0]!.values)).toEqual(sma(whole.indicators[0]!.values.subarray(0, 20)));
  });
});
