/**
 * A chart of 100-trade bars in headless Chromium on the real Binance capture: the toolbar offers
 * and shows `100t`, the bars are drawn at increasing times with a readable axis (seconds shown),
 * and at the oldest bar the panel says the bars start from the live trades; nothing older is
 * asked for. The liquidity heatmap draws behind such bars too, each column inside the bar that
 * was trading at its time. Screenshots to test-artifacts/activity-bars-100t*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binanceRule } from '../../src/engine/book/sequenceRule';
import { CandleField } from '../../src/engine/candles/candleSeries';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { CaptureFeed } from './support/captureFeed';
import { HarnessHost } from './support/harnessHost';
import { repoRoot } from './support/harnessServer';
import { PanelPage, hasChromium } from './support/panelPage';
import { useChromiumHarness } from './support/chromiumHarness';

const SPOT = 'binance/spot/btcusdt_20240808.gz';
const FACTS = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };
const ROOT = repoRoot(__dirname);
const ARTIFACTS = join(ROOT, 'test-artifacts');

describe.skipIf(!hasSharedData(SPOT) || !hasChromium())('a chart of 100-trade bars', () => {
  const harness = useChromiumHarness();

  it('draws the bars at increasing times, offers 100t, and says at the oldest bar that they start from the live trades', async () => {
    const market = new Market({ sequenceRule: binanceRule, timeframe: '100t', indicators: [{ kind: 'ema', period: 21 }] });
    const feed = new CaptureFeed(market, [sharedDataPath(SPOT)]);
    await feed.feed(60_000);
    const c = market.candles;
    expect(c.count).toBeGreaterThan(30);
    const builder = new FrameBuilder(market, FACTS, { ticksPerRow: 10, initBars: c.count, bookRows: 40, metrics: { imbalance: false, cvd: true } });
    const panel = await PanelPage.open(harness.browser, harness.server, { width: 1000, height: 600 });
    const host = new HarnessHost(market, builder, panel, []);
    try {
      await panel.load();
      await host.settled();
      let s = await panel.until((x) => x.generation >= 1 && x.candles.count > 0);
      expect(s.timeframe).toBe('100t');
      expect(s.candles.count).toBe(c.count);
      expect(s.candles.last!.time).toBe(c.value(c.lastSeq, CandleField.OpenTime));
      expect(s.legend).toContain('100t');
      expect(s.hasOlder).toBe(false);
      expect(s.renderErrors).toBe(0);
      expect(await panel.page.locator('select.timeframe').inputValue()).toBe('100t');
      const offered = await panel.page.locator('select.timeframe option').allTextContents();
      expect(offered).toEqual(expect.arrayContaining(['1m', '100t', '500t', '1000t', '1v', '10v', '100v']));
      // Zoom out until the oldest bar is in view: the note says why nothing is older.
      // Zoom out until the note shows: a loaded machine may apply several wheel steps as one, or
      // late, and the chart may settle a range just past the oldest bar back inside it.
      for (let k = 0; k < 60 && s.historyNote === null; k++) {
        const box = (await panel.page.locator('.chart').boundingBox())!;
        const from = s.visibleRange?.from;
        await panel.page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.4);
        await panel.page.mouse.wheel(0, 400);
        // The chart applies the wheel on its next frame (later on a loaded machine).
        s = await panel.until((x) => x.visibleRange?.from !== from || x.historyNote !== null, 2000).catch(() => panel.snapshot());
      }
      s = await panel.until((x) => x.historyNote !== null, 10_000);
      expect(s.visibleRange!.from, 'the oldest bar in view').toBeLessThanOrEqual(0);
      expect(s.historyNote).toBe('bars of 100 trades start from the live trades: exchanges keep no history of them');
      mkdirSync(ARTIFACTS, { recursive: true });
      await panel.page.screenshot({ path: join(ARTIFACTS, 'activity-bars-100t.png') });
      expect(panel.received.filter((m) => m.type === 'loadOlder')).toHaveLength(0);
      expect(panel.refused).toEqual([]);
    } finally {
      await panel.close();
    }
  });

  it('draws the liquidity heatmap behind 100-trade bars, each column inside the bar trading at its time', async () => {
    const market = new Market({ sequenceRule: binanceRule, timeframe: '100t' });
    const feed = new CaptureFeed(market, [sharedDataPath(SPOT)]);
    await feed.feed(60_000);
    const c = market.candles;
    const builder = new FrameBuilder(market, FACTS, {
      ticksPerRow: 100,
      initBars: c.count,
      bookRows: 40,
      metrics: { imbalance: false, cvd: false },
      heatmap: true,
      layers: { volume: true, depth: true, ladder: true, tape: true, heatmap: true },
    });
    const panel = await PanelPage.open(harness.browser, harness.server, { width: 1000, height: 600 });
    const host = new HarnessHost(market, builder, panel, []);
    type Heatmap = { held: number; first: number | null; end: number | null; drawn: boolean; sizedPixels: number; left: number; right: number };
    type Shown = { heatmap: Heatmap; footprint: { barSpacing: number }; visibleRange: { from: number; to: number } };
    try {
      await panel.load();
      await host.settled();
      await host.sendFrame(); // the heatmap's columns come in frames
      const s = (await panel.until((x) => {
        const h = (x as unknown as Shown).heatmap;
        return h.held > 0 && h.drawn && h.sizedPixels > 0;
      })) as unknown as Shown;
      const h = s.heatmap;
      // The columns held (the store's history, then its newest minute) span from the bar trading
      // at the first one's time to the end of the newest bar, which holds every column after its
      // open; drawn from the chart's left edge when that bar is out of view. In logical units a
      // bar i spans i − 0.5 to i + 0.5.
      const times: number[] = [];
      for (let seq = c.firstSeq; seq <= c.lastSeq; seq++) times.push(c.value(seq, CandleField.OpenTime));
      let j = times.length - 1;
      while (j > 0 && times[j]! > h.first!) j--;
      const newestEnd = h.end!;
      const share = (h.first! - times[j]!) / ((j + 1 < times.length ? times[j + 1]! : newestEnd) - times[j]!);
      const left = Math.max(j - 0.5 + share, s.visibleRange.from);
      const expectedBars = times.length - 0.5 - left;
      expect(times.length - 1 - Math.ceil(left)).toBeGreaterThan(3); // several bars in view
      expect((h.right - h.left) / s.footprint.barSpacing).toBeCloseTo(expectedBars, 0);
      expect(Math.abs(h.right - h.left - expectedBars * s.footprint.barSpacing)).toBeLessThan(3); // whole bitmap pixels at each edge
      mkdirSync(ARTIFACTS, { recursive: true });
      await panel.page.screenshot({ path: join(ARTIFACTS, 'activity-bars-100t-heatmap.png') });
      expect(panel.refused).toEqual([]);
    } finally {
      await panel.close();
    }
  });
});
