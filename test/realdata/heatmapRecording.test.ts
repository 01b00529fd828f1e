/**
 * A recording keeps what the heatmap needs: the spot BTCUSDT capture's events, recorded by the
 * capture recorder and replayed from that file, rebuild the same heatmap as the events did live,
 * column for column (every level of every slice, gaps included).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { binanceSpotRule } from '../../src/engine/book/sequenceRule';
import { ColumnLevels } from '../../src/engine/heatmap/columnCells';
import type { HeatmapStore } from '../../src/engine/heatmap/heatmapStore';
import { Market } from '../../src/engine/market';
import { readCapture } from '../../src/feeds/captureReader';
import type { FeedSink } from '../../src/feeds/feed';
import { CaptureRecorder } from '../../src/feeds/recorder/captureRecorder';
import { ReplayFeed } from '../../src/feeds/replay/replayFeed';
import { hasSharedData, sharedDataPath } from '../support/sharedData';

const SPOT = ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'];
const tempDir = mkdtempSync(join(tmpdir(), 'orderscope-heatmap-recording-'));
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

describe.skipIf(!hasSharedData(...SPOT))('heatmap from a recording', () => {
  it('a capture recording replays into the same heatmap as the events live', async () => {
    const path = join(tempDir, 'spot.gz');
    const recorder = await CaptureRecorder.open(path);
    const live = new Market({ sequenceRule: binanceSpotRule });
    await readCapture(SPOT.map(sharedDataPath), (e) => {
      recorder.event(e);
      live.onEvent(e);
    });
    expect(await recorder.close()).toMatchObject({ failed: 0, rejected: 0 });

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

    const want = columns(live.heatmap);
    const got = columns(replayed.heatmap);
    expect(want.size).toBeGreaterThan(600);
    expect([...want.values()].filter((c) => c !== 'gap').length).toBeGreaterThan(600);
    expect(got.size).toBe(want.size);
    const differing = [...want.keys()].filter((s) => got.get(s) !== want.get(s));
    expect(differing).toEqual([]);
  });
});
