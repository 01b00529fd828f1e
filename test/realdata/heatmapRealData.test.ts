/**
 * The liquidity heatmap on the real Binance spot BTCUSDT capture (read in place): every column
 * the market's heatmap holds equals the book the engine held when that slice closed, grouped as
 * the ladder groups it (at the tick and at 10 ticks), within the heatmap's window; slices after a
 * resync read back as gaps, never as the book held before.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LevelRows } from '../../src/engine/book/orderBook';
import { binanceSpotRule } from '../../src/engine/book/sequenceRule';
import { EventKind, MarketEvent } from '../../src/engine/events';
import { Market } from '../../src/engine/market';
import { BinanceDecoder, DecodeResult } from '../../src/feeds/exchanges/binance/binanceDecoder';
import { DecimalReader } from '../../src/feeds/wire/decimalReader';
import { hasSharedData, sharedDataPath } from '../support/sharedData';

const SPOT = ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'];
const GROUPINGS = [1, 10];

/** The book when a slice closed, grouped per grouping (bucket → size), or null when not showable. */
type Expected = Map<number, Map<number, number>> | null;

function groupedBook(market: Market, percent: number): Expected {
  if (!market.bookIsShowable() || !(market.book.mid() === market.book.mid())) return null;
  const book = market.book;
  const rows = new LevelRows(20_000);
  const byGrouping = new Map<number, Map<number, number>>();
  for (const g of GROUPINGS) {
    const buckets = new Map<number, number>();
    for (const isBid of [true, false]) {
      // What the ladder does: the levels within the window, grouped (bids down, asks up).
      const n = book.group(isBid, market.grid, g, rows, book.levelsWithinPercent(isBid, percent));
      for (let r = 0; r < n; r++) buckets.set(market.heatmap.tickOf(rows.prices[r]!) / g, rows.sizes[r]!);
    }
    byGrouping.set(g, buckets);
  }
  return byGrouping;
}

describe.skipIf(!hasSharedData(...SPOT))('heatmap on the real spot BTCUSDT capture', () => {
  it('holds, per slice, the book the engine held when the slice closed, grouped; gaps after a resync', () => {
    const market = new Market({ sequenceRule: binanceSpotRule, timeframe: '1m' });
    const heatmap = market.heatmap;
    const percent = heatmap.options.windowPercent;
    const decoder = new BinanceDecoder();
    const decimal = new DecimalReader();
    const event = new MarketEvent();
    const expected = new Map<number, Expected>();
    const lines = SPOT.flatMap((file) => gunzipSync(readFileSync(sharedDataPath(file))).toString('utf8').split('\n')).filter((l) => l.length > 0);
    const resyncAt = Math.floor(lines.length * 0.95);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const space = line.indexOf(' ');
      if (decoder.decodeRange(line, space + 1, line.length, decimal.parse(line, 0, space), event) !== DecodeResult.Event) continue;
      if (i === resyncAt) market.requestResync('a test resync near the end');
      // Slices this event closes: the book held now is their column (the market samples before applying).
      const next = heatmap.nextSlice;
      const clock = event.kind !== EventKind.Trade && event.time === event.time ? Math.max(market.time.clock, event.time) : market.time.clock;
      const closes = next === next ? heatmap.sliceOf(clock) - next : 0;
      if (closes > 0) {
        const book = groupedBook(market, percent);
        for (let s = next; s < next + closes; s++) expected.set(s, book);
      }
      market.onEvent(event);
      if (closes > 0) expect(heatmap.nextSlice).toBe(next + closes);
    }

    const held = heatmap.nextSlice - heatmap.firstSlice;
    expect(held).toBeGreaterThan(600); // about 11 minutes of 1 s slices
    let gaps = 0;
    let cells = 0;
    for (let s = heatmap.firstSlice; s < heatmap.nextSlice; s++) {
      const book = expected.get(s);
      expect(book, `slice ${s} was closed by an event`).not.toBeUndefined();
      expect(heatmap.isGap(s), `slice ${s}`).toBe(book === null);
      for (const g of GROUPINGS) {
        const buckets = book?.get(g);
        let lo = Infinity;
        let hi = -Infinity;
        for (const b of buckets?.keys() ?? []) {
          lo = Math.min(lo, b);
          hi = Math.max(hi, b);
        }
        if (buckets === undefined) (lo = 0), (hi = 0);
        // One bucket more each side: nothing outside the book's buckets.
        const from = lo - 1;
        const rows = hi - lo + 3;
        const out = new Float32Array(rows);
        expect(heatmap.read(s, s + 1, 1, g, from, rows, out)).toBe(1);
        if (buckets === undefined) {
          gaps++;
          expect(Number.isNaN(out[0]), `slice ${s} is a gap`).toBe(true);
          continue;
        }
        const wrong: string[] = [];
        for (let r = 0; r < rows; r++) {
          const want = buckets.get(from + r) ?? 0;
          const got = out[r]!;
          // Sizes are kept as float32: exact at the tick, float32 sums when grouped.
          const ok = g === 1 ? got === Math.fround(want) : Math.abs(got - want) <= 1e-6 * Math.max(1, want);
          if (!ok && wrong.length < 5) wrong.push(`bucket ${(from + r) * g}: ${got} vs ${want}`);
          cells++;
        }
        expect(wrong, `slice ${s}, ${g} ticks a row`).toEqual([]);
      }
    }
    // The resync leaves the last half-minute as gaps (no new snapshot comes).
    expect(heatmap.isGap(heatmap.nextSlice - 1)).toBe(true);
    expect(gaps).toBeGreaterThan(2 * 20);
    expect(cells).toBeGreaterThan(1_000_000);
  });
});
