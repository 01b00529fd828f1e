/**
 * A recording keeps the book's gaps: a session whose book is mirrored (as ccxt's is) and forced to
 * resync twice is recorded and replayed from that file; the replayed heatmap has the live one's
 * gap slices instead of the stale book drawn through the gaps. A capture replays every slice as
 * live; an order-flow database (top 20 levels, sampled) the same gap slices.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { binanceSpotRule } from '../../src/engine/book/sequenceRule';
import type { BookSide } from '../../src/engine/book/bookSide';
import { ColumnLevels } from '../../src/engine/heatmap/columnCells';
import type { HeatmapStore } from '../../src/engine/heatmap/heatmapStore';
import { EventKind } from '../../src/engine/events';
import { Market } from '../../src/engine/market';
import { readCapture } from '../../src/feeds/captureReader';
import type { FeedSink } from '../../src/feeds/feed';
import { CaptureRecorder } from '../../src/feeds/recorder/captureRecorder';
import { OrderFlowDbRecorder } from '../../src/feeds/recorder/orderFlowDbRecorder';
import type { Recorder } from '../../src/feeds/recorder/recorder';
import { ReplayFeed } from '../../src/feeds/replay/replayFeed';
import { hasSharedData, sharedDataPath } from '../support/sharedData';

const SPOT = ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'];
/** Forced resyncs: ms after the first event, and how long the book stays unmirrored. */
const RESYNCS = [
  { at: 120_000, forMs: 6_000 },
  { at: 300_000, forMs: 3_500 },
];
const tempDir = mkdtempSync(join(tmpdir(), 'orderscope-heatmap-gaps-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

/** Every held slice as text: 'gap', or its levels (tick, side, size) sorted. */
function columns(store: HeatmapStore): Map<number, string> {
  const out = new Map<number, string>();
  const levels = new ColumnLevels();
  for (let s = store.firstSlice; s < store.nextSlice; s++) {
    if (!store.columnLevels(s, levels)) {
      out.set(s, 'gap');
      continue;
    }
    const rows = Array.from({ length: levels.count }, (_, i) => `${levels.ticks[i]}${levels.isAsk[i] ? 'a' : 'b'}${levels.sizes[i]}`);
    out.set(s, rows.sort().join(' '));
  }
  return out;
}

/** A book side best-first as `[price, size]` rows (what ccxt hands the feed). */
function rows(side: BookSide): number[][] {
  const out: number[][] = [];
  for (let i = side.count - 1; i >= 0; i--) out.push([side.prices[i]!, side.sizes[i]!]);
  return out;
}

/**
 * Plays the capture into a market whose book only mirrors the exchange's (the whole book once a
 * second, as a ccxt session mirrors it on every update), forcing the resyncs, with `recorder`
 * tapping it as a session's recorder does. Returns the live market.
 */
async function mirroredSession(recorder: Recorder): Promise<Market> {
  // A recorder stamps a mirrored book with the last exchange time plus the local time since: the
  // capture plays far faster than it happened, so the local clock is held still (else a pause of
  // a few ms could stamp a mirror into the next slice, which the live market never did).
  const localClock = vi.spyOn(performance, 'now').mockReturnValue(0);
  // The exchange's book, rebuilt from the capture; the live market only mirrors it, as a ccxt session does.
  const exchange = new Market({ sequenceRule: binanceSpotRule });
  const live = new Market({ sequenceRule: binanceSpotRule });
  let start = NaN;
  let mirroredSecond = -1;
  let resync = 0;
  let pausedUntil = -Infinity;
  await readCapture(SPOT.map(sharedDataPath), (e) => {
    if (start !== start) start = e.time;
    if (e.kind === EventKind.Trade) {
      live.onEvent(e);
      recorder.event(e);
      return;
    }
    exchange.onEvent(e);
    // Mirrored after the exchange's diffs (book tickers and the snapshot carry no time).
    if (e.kind !== EventKind.DepthDiff) return;
    const next = RESYNCS[resync];
    if (next !== undefined && e.time - start >= next.at) {
      // What the session does on a feed's bookResync: the engine first, then its taps.
      live.requestResync('forced');
      recorder.bookResync('forced');
      pausedUntil = e.time + next.forMs;
      resync++;
    }
    const second = Math.floor(e.time / 1000);
    if (e.time < pausedUntil || second === mirroredSecond || !exchange.bookIsShowable()) return;
    mirroredSecond = second;
    const bids = rows(exchange.book.bids);
    const asks = rows(exchange.book.asks);
    live.mirrorBook(bids, asks);
    recorder.mirrorBook(bids, asks);
  });
  localClock.mockRestore();
  expect(resync).toBe(RESYNCS.length);
  return live;
}

/** Replays `path` at full speed into a market. */
async function replay(path: string): Promise<Market> {
  const feed = new ReplayFeed(path, { speed: Infinity });
  const facts = await feed.open({ exchange: '', symbol: 'BTC/USDT', timeframe: '1m', historyBars: 0 });
  const replayed = new Market({ sequenceRule: feed.sequenceRule, tickSize: facts.tickSize });
  const sink: FeedSink = {
    event: (e) => replayed.onEvent(e),
    mirrorBook: (bids, asks) => replayed.mirrorBook(bids, asks),
    bookResync: (reason) => replayed.requestResync(reason),
    history: () => {},
    ticker: () => {},
    status: () => {},
  };
  feed.start(sink);
  await feed.finished;
  return replayed;
}

describe.skipIf(!hasSharedData(...SPOT))('heatmap gaps from a recording', () => {
  it('a capture recording replays into the same heatmap, gap slices included', async () => {
    const path = join(tempDir, 'mirrored.gz');
    const recorder = await CaptureRecorder.open(path);
    const live = await mirroredSession(recorder);
    expect(await recorder.close()).toMatchObject({ failed: 0, rejected: 0 });
    const replayed = await replay(path);

    const want = columns(live.heatmap);
    const got = columns(replayed.heatmap);
    const gaps = [...want.entries()].filter(([, c]) => c === 'gap').map(([s]) => s);
    // The two forced gaps, several slices each.
    expect(gaps.length).toBeGreaterThanOrEqual(8);
    expect([...want.values()].filter((c) => c !== 'gap').length).toBeGreaterThan(600);
    expect(got.size).toBe(want.size);
    const differing = [...want.keys()].filter((s) => got.get(s) !== want.get(s));
    expect(differing).toEqual([]);
    expect(replayed.stats.byKind.bookResyncs).toBe(RESYNCS.length);
  }, 120_000);

  it('an order-flow database replays into a heatmap with the same gap slices', async () => {
    const path = join(tempDir, 'mirrored.db');
    const recorder = await OrderFlowDbRecorder.open(path, { symbol: 'BTC/USDT' });
    const live = await mirroredSession(recorder);
    expect(await recorder.close()).toMatchObject({ failed: 0, rejected: 0 });
    const replayed = await replay(path);

    const want = columns(live.heatmap);
    const got = columns(replayed.heatmap);
    // Slices both hold (the database's first book row is the first mirror's).
    const common = [...want.keys()].filter((s) => got.has(s));
    expect(common.length).toBeGreaterThan(600);
    const wantGaps = common.filter((s) => want.get(s) === 'gap');
    expect(wantGaps.length).toBeGreaterThanOrEqual(8);
    expect(common.filter((s) => got.get(s) === 'gap')).toEqual(wantGaps);
    expect(replayed.stats.byKind.bookResyncs).toBe(RESYNCS.length);
  }, 120_000);
});
