/**
 * Scrolling back to the oldest bar says why nothing older comes (issue 11), in headless Chromium
 * on the real capture: "no earlier history on binance" when the source has none, "history limit
 * reached" at the memory bound, "loading earlier history…" while a page is on its way, and a
 * failed page says so, is not asked again by itself, and is asked again when the user scrolls.
 * Screenshots go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { binanceRule } from '../../src/engine/book/sequenceRule';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { CaptureFeed } from './support/captureFeed';
import { HarnessHost } from './support/harnessHost';
import { repoRoot, type HarnessServer } from './support/harnessServer';
import { PanelPage, hasChromium, type PanelSnapshot } from './support/panelPage';
import { LIGHT } from './support/vscodeThemes';
import { useChromiumHarness } from './support/chromiumHarness';

const SPOT = 'binance/spot/btcusdt_20240808.gz';
const FACTS = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };
const ROOT = repoRoot(__dirname);
const ARTIFACTS = join(ROOT, 'test-artifacts');

interface Rig {
  market: Market;
  host: HarnessHost;
  panel: PanelPage;
}

/** A panel on ~300 one-second bars of the capture, every one of them in the init. */
async function rig(browser: Browser, server: HarnessServer, options: { capacity?: number; light?: boolean; sourceHasMore?: boolean } = {}): Promise<Rig> {
  const market = new Market({ sequenceRule: binanceRule, timeframe: '1s', indicators: [], candleCapacity: options.capacity ?? 20_000 });
  const feed = new CaptureFeed(market, [sharedDataPath(SPOT)]);
  await feed.feed(36_000);
  const builder = new FrameBuilder(market, FACTS, { ticksPerRow: 10, initBars: market.candles.count, bookRows: 40, metrics: { imbalance: false, cvd: false } });
  const panel = await PanelPage.open(browser, server, options.light ? { theme: LIGHT, width: 900, height: 560 } : { width: 900, height: 560 });
  const host = new HarnessHost(market, builder, panel, []);
  // A live exchange's source may have older bars than the capture.
  if (options.sourceHasMore === true) market.candles.sourceStartHeld = false;
  await panel.load();
  await host.settled();
  await panel.until((s) => s.generation >= 1 && s.candles.count > 0);
  return { market, host, panel };
}

function snapshot(panel: PanelPage): Promise<PanelSnapshot> {
  return panel.snapshot();
}

/** Drags the chart right (towards older bars) by most of its width. */
async function dragBack(panel: PanelPage): Promise<void> {
  const box = (await panel.page.locator('.chart').boundingBox())!;
  await panel.page.mouse.move(box.x + 20, box.y + box.height * 0.3);
  await panel.page.mouse.down();
  await panel.page.mouse.move(box.x + box.width - 120, box.y + box.height * 0.3, { steps: 6 });
  await panel.page.mouse.up();
}

/** Drags back until the oldest bar is in view (at most `drags` times). */
async function scrollToOldest(panel: PanelPage, drags = 8): Promise<PanelSnapshot> {
  for (let k = 0; k < drags; k++) {
    const s = await snapshot(panel);
    if (s.visibleRange !== null && s.visibleRange.from <= 0) return s;
    await dragBack(panel);
  }
  return snapshot(panel);
}

async function screenshot(panel: PanelPage, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await panel.page.screenshot({ path: join(ARTIFACTS, name) });
}

describe.skipIf(!hasSharedData(SPOT) || !hasChromium())('the oldest bar says why nothing older comes', () => {
  const harness = useChromiumHarness();

  it('the source has none: "no earlier history on binance" once the oldest bar is in view, not before', async () => {
    const { panel } = await rig(harness.browser, harness.server);
    try {
      const s0 = await snapshot(panel);
      expect(s0.hasOlder).toBe(false);
      expect(s0.historyNote).toBeNull(); // the view opens at the live edge
      const s1 = await scrollToOldest(panel);
      expect(s1.visibleRange!.from).toBeLessThanOrEqual(0);
      await panel.until((s) => s.historyNote !== null);
      expect((await snapshot(panel)).historyNote).toBe('no earlier history on binance');
      expect(await panel.page.locator('.history-note').isVisible()).toBe(true);
      await screenshot(panel, 'history-end-source.png');
      // Nothing was asked: the init said there is nothing older.
      expect(panel.received.filter((m) => m.type === 'loadOlder')).toHaveLength(0);
      expect(panel.refused).toEqual([]);
    } finally {
      await panel.close();
    }
  });

  it('the memory bound: "history limit reached" (light theme)', async () => {
    const { market, panel } = await rig(harness.browser, harness.server, { capacity: 200, light: true });
    try {
      expect(market.candles.count).toBe(200);
      await scrollToOldest(panel);
      const s = await panel.until((x) => x.historyNote !== null);
      expect(s.historyNote).toBe('history limit reached');
      await screenshot(panel, 'history-end-memory-light.png');
    } finally {
      await panel.close();
    }
  });

  it('a page on its way says loading; a failed one says why, is not asked again by itself, and scrolling retries', async () => {
    const { market, host, panel } = await rig(harness.browser, harness.server, { sourceHasMore: true });
    try {
      // Its next pages fail.
      const failure = 'binance GET /api/v3/klines 429 Too Many Requests (rate limited); 3 attempts';
      const builder = host.builder;
      builder.buildHistory = (before: number) => FrameBuilder.prototype.buildHistory.call(builder, before, failure);
      host.holdHistory = true;
      await panel.expectMessage(() => scrollToOldest(panel), (m) => m.type === 'loadOlder');
      await panel.until((s) => s.historyNote === 'loading earlier history…');
      await screenshot(panel, 'history-loading.png');
      host.releaseHistory();
      await host.settled();
      const failed = await panel.until((s) => s.historyNote?.startsWith("couldn't load") === true);
      expect(failed.historyNote).toBe(`couldn't load earlier history: ${failure} — scroll back to retry`);
      await screenshot(panel, 'history-failed.png');
      // Not asked again by itself while the user does nothing.
      const asked = panel.received.filter((m) => m.type === 'loadOlder').length;
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(panel.received.filter((m) => m.type === 'loadOlder')).toHaveLength(asked);
      // Scrolling again asks again; this time the source says it has none.
      builder.buildHistory = FrameBuilder.prototype.buildHistory.bind(builder);
      market.candles.sourceStartHeld = true;
      await panel.expectMessage(() => dragBack(panel), (m) => m.type === 'loadOlder');
      await host.settled();
      const end = await panel.until((s) => s.historyNote === 'no earlier history on binance');
      expect(end.hasOlder).toBe(false);
      expect(panel.refused).toEqual([]);
    } finally {
      await panel.close();
    }
  });
});
