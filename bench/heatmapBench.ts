/**
 * Liquidity heatmap memory: two hours of 1 s slices on BTCUSDT. A real BTCUSDT capture (spot:
 * about 11 minutes; the USD-M perpetual: about 6, depth@0ms) is decoded and replayed through an
 * engine Market again and again, each loop shifted in time to follow the previous one (a fresh
 * Market per loop, as after a reconnect: a gap slice or so until its snapshot), and one
 * HeatmapStore with the market's default options samples that market's book, as Market does for
 * its own heatmap. Measured: the host memory the store keeps (heap and array buffers after a full
 * GC, with the store and after dropping it), the bytes of its typed arrays, and next to it the
 * peer: a naive heatmap that keeps the full window of the book (price and size, Float64) every
 * second, whose bytes are counted (not allocated) on the same slices. Also the time to sample a
 * slice, to read the two hours back as 1000 columns × 400 rows (a zoomed-out view), and the
 * garbage collections of the live path at the store's bounds.
 */
import { OrderBook } from '../src/engine/book/orderBook';
import { PriceGrid } from '../src/engine/book/priceGrid';
import { binanceRule, binanceSpotRule, type SequenceRule } from '../src/engine/book/sequenceRule';
import { EventKind, MarketEvent } from '../src/engine/events';
import { HeatmapStore } from '../src/engine/heatmap/heatmapStore';
import { Market } from '../src/engine/market';
import { BinanceDecoder, DecodeResult } from '../src/feeds/exchanges/binance/binanceDecoder';
import { DecimalReader } from '../src/feeds/wire/decimalReader';
import { PerformanceObserver } from 'node:perf_hooks';
import { loadCaptureLines, SPOT_CAPTURE_FILES } from './sharedCapture';

export interface HeatmapFigures {
  /** Host memory the store keeps after two hours (heap + array buffers, after GC), MB. */
  heatmapHostMB: number;
  /** Bytes of the store's typed arrays, MB. */
  heatmapStoreMB: number;
  /** The naive peer: the window's levels (price + size, Float64) stored every slice, MB. */
  naiveHeatmapMB: number;
  /** The same two hours from the USD-M BTCUSDT perpetual's capture (depth@0ms, 0.1 tick): host MB, naive MB, runs, slices held. */
  heatmapHostMBUsdm: number;
  naiveHeatmapMBUsdm: number;
  recordsUsdm: number;
  slicesUsdm: number;
  /** Slices closed and held, gap slices among them, runs held. */
  slices: number;
  gapSlices: number;
  records: number;
  loops: number;
  /** Time spent sampling, per slice closed (the book's window merged against the open runs), µs. */
  heatmapSampleUs: number;
  /** Garbage collections while 20,000 slices are sampled into a store already at its bounds (0: nothing allocated). */
  heatmapSampleGcs: number;
  /** Reading all held slices as 1000 columns × 400 rows of 10 ticks around the last mid, ms (median of 5). */
  heatmapRead2hMs: number;
}

const TWO_HOURS_MS = 2 * 3600_000;
const MB = 1024 * 1024;

declare const gc: () => void;

function hostBytes(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/**
 * The live path allocates nothing once grown: a store at its bounds (slices and runs both
 * wrapping) samples 4,000-level books of which about 300 levels change from one slice to the
 * next, and the garbage collections during 20,000 slices are counted (any allocation per slice,
 * even a few bytes, would fill the young generation and show as collections; heapUsed before and
 * after is no measure here: it moves by a constant few MB of compiled code whatever the slice
 * count). The books are built beforehand (13 of them, taken in turn), so that only the store runs
 * in the loop.
 */
async function sampleGcs(): Promise<number> {
  const levels = 2000;
  const books = Array.from({ length: 13 }, (_, k) => {
    const book = new OrderBook(8192);
    for (let i = 0; i < levels; i++) {
      // Every 13th level differs from the previous book's (about 300 a slice over both sides).
      const size = (i + k) % 13 === 0 ? 2 + (k % 7) : 1;
      book.applyLevel(true, (6_160_000 - i) / 100, size);
      book.applyLevel(false, (6_160_001 + i) / 100, size);
    }
    return book;
  });
  const store = new HeatmapStore(new PriceGrid(0.01), { maxSlices: 600, maxRecords: 200_000 });
  const time0 = Date.UTC(2024, 7, 9);
  const slice = (s: number): void => store.advance(time0 + s * 1000, books[s % books.length]!, true);
  for (let s = 0; s < 2000; s++) slice(s);
  gc();
  let collections = 0;
  const observer = new PerformanceObserver((list) => {
    collections += list.getEntries().length;
  });
  observer.observe({ entryTypes: ['gc'] });
  for (let s = 2000; s < 22_000; s++) slice(s);
  // Entries are delivered asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return collections;
}

/** Two hours of one capture looped: what one market's heatmap keeps, the naive peer, sampling and read times. */
interface TwoHours {
  hostMB: number;
  storeMB: number;
  naiveMB: number;
  slices: number;
  gapSlices: number;
  records: number;
  loops: number;
  readMs: number;
  sampleUs: number;
}

async function twoHoursOf(files: readonly string[], sequenceRule: SequenceRule, tickSize: number): Promise<TwoHours> {
  const { lines } = loadCaptureLines(files);
  const decoder = new BinanceDecoder();
  const decimal = new DecimalReader();
  const event = new MarketEvent();
  // The capture's exchange-time span: each loop starts one second after the previous one ends.
  let first = NaN;
  let last = NaN;
  let midSum = 0;
  let midCount = 0;
  for (const line of lines) {
    const space = line.indexOf(' ');
    if (decoder.decodeRange(line, space + 1, line.length, decimal.parse(line, 0, space), event) !== DecodeResult.Event || !(event.time === event.time)) continue;
    if (first !== first) first = event.time;
    last = event.time;
    if (event.kind === EventKind.Trade) (midSum += event.price), midCount++;
  }
  const loopMs = last - first + 1000;
  const loops = Math.ceil(TWO_HOURS_MS / loopMs);

  // The market's own heatmap options (the defaults): what one BTCUSDT chart keeps.
  let store: HeatmapStore | null = new HeatmapStore(new PriceGrid(tickSize));
  let naiveBytes = 0;
  let sampleMs = 0;
  let closedSlices = 0;
  const end = first + TWO_HOURS_MS;
  for (let loop = 0; loop < loops; loop++) {
    const shift = loop * loopMs;
    // The loop's own market keeps almost no heatmap of its own (the store above is measured).
    const market = new Market({ sequenceRule, tickSize, timeframe: '1m', heatmap: { maxSlices: 2, maxRecords: 1 } });
    const percent = store.options.windowPercent;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const space = line.indexOf(' ');
      if (decoder.decodeRange(line, space + 1, line.length, decimal.parse(line, 0, space), event) !== DecodeResult.Event) continue;
      if (event.time === event.time && event.kind !== EventKind.Trade) {
        const time = event.time + shift;
        if (time >= end) break;
        const next = store.nextSlice;
        const t0 = performance.now();
        store.advance(time, market.book, market.bookIsShowable());
        sampleMs += performance.now() - t0;
        // The peer stores the same window every closed slice the book is showable.
        const closed = store.nextSlice - (next === next ? next : store.nextSlice);
        closedSlices += closed;
        if (closed > 0 && market.bookIsShowable()) {
          const levels = market.book.levelsWithinPercent(true, percent) + market.book.levelsWithinPercent(false, percent);
          naiveBytes += closed * levels * 16;
        }
      }
      market.onEvent(event);
    }
  }
  let gapSlices = 0;
  for (let s = store.firstSlice; s < store.nextSlice; s++) if (store.isGap(s)) gapSlices++;

  const columns = 1000;
  const rows = 400;
  const out = new Float32Array(columns * rows);
  const bucketFrom = Math.floor(store.tickOf(midSum / midCount) / 10) - rows / 2;
  const times: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    store.read(store.firstSlice, store.nextSlice, columns, 10, bucketFrom, rows, out);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const figures = {
    storeMB: store.bytes / MB,
    naiveMB: naiveBytes / MB,
    slices: store.nextSlice - store.firstSlice,
    gapSlices,
    records: store.records,
    loops,
    readMs: times[2]!,
    sampleUs: (1000 * sampleMs) / closedSlices,
  };
  // What the store keeps: the host's memory with it, then without it (everything else equal).
  const withStore = hostBytes();
  store = null;
  const withoutStore = hostBytes();
  return { hostMB: (withStore - withoutStore) / MB, ...figures };
}

export async function runHeatmapBench(): Promise<HeatmapFigures> {
  const spot = await twoHoursOf(SPOT_CAPTURE_FILES, binanceSpotRule, 0.01);
  const usdm = await twoHoursOf(['binance/usdm/btcusdt_20240808.gz'], binanceRule, 0.1);
  const heatmapSampleGcs = await sampleGcs();
  return {
    heatmapHostMB: spot.hostMB,
    heatmapStoreMB: spot.storeMB,
    naiveHeatmapMB: spot.naiveMB,
    slices: spot.slices,
    gapSlices: spot.gapSlices,
    records: spot.records,
    loops: spot.loops,
    heatmapRead2hMs: spot.readMs,
    heatmapSampleUs: spot.sampleUs,
    heatmapHostMBUsdm: usdm.hostMB,
    naiveHeatmapMBUsdm: usdm.naiveMB,
    recordsUsdm: usdm.records,
    slicesUsdm: usdm.slices,
    heatmapSampleGcs,
  };
}
