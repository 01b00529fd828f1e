/**
 * The panel at the widths a trader gives it (issue 11), in headless Chromium on the real capture:
 * at 500, 800 and 1400 px, light and dark. The chart keeps most of the width (the ladder and the
 * tape share a tabbed column beside it, or below it when narrowest); the toolbar stays one row,
 * what does not fit in its "⋯" menu (and still works from there); the depth overlay is at most a
 * share of the chart's width (the chosen width is a maximum); the legend stays clear of the price
 * axis. Screenshots go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binanceRule } from '../../src/engine/book/sequenceRule';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { CaptureFeed } from './support/captureFeed';
import { HarnessHost } from './support/harnessHost';
import { repoRoot } from './support/harnessServer';
import { PanelPage, hasChromium, type PanelSnapshot } from './support/panelPage';
import { DARK, LIGHT } from './support/vscodeThemes';
import { useChromiumHarness } from './support/chromiumHarness';

const SPOT = 'binance/spot/btcusdt_20240808.gz';
const FACTS = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };
const ROOT = repoRoot(__dirname);
const ARTIFACTS = join(ROOT, 'test-artifacts');
/** The overlay's largest share of the chart pane's width (chartView.ts DEPTH_MAX_SHARE). */
const DEPTH_MAX_SHARE = 0.25;
/** The overlay width a new panel starts with (viewState.ts). */
const DEFAULT_DEPTH_WIDTH = 140;

interface LayoutSnapshot extends PanelSnapshot {
  layout: { mode: 'wide' | 'compact' | 'stacked'; tab: 'ladder' | 'tape'; overflow: string[] };
  /** Width of the chart's panes without the price axis. */
  paneWidth: number;
}

describe.skipIf(!hasSharedData(SPOT) || !hasChromium())('the panel at 500, 800 and 1400 px', () => {
  const harness = useChromiumHarness();

  for (const [themeName, theme] of [['dark', DARK], ['light', LIGHT]] as const) {
    for (const width of [500, 800, 1400]) {
      it(`${width} px, ${themeName}`, async () => {
        const market = new Market({ sequenceRule: binanceRule, timeframe: '1s', indicators: [{ kind: 'ema', period: 9 }, { kind: 'rsi' }] });
        const feed = new CaptureFeed(market, [sharedDataPath(SPOT)]);
        await feed.feed(20_000);
        const builder = new FrameBuilder(market, FACTS, { ticksPerRow: 10, initBars: market.candles.count, bookRows: 40, metrics: { imbalance: false, cvd: false } });
        const panel = await PanelPage.open(harness.browser, harness.server, { theme, width, height: 640 });
        const host = new HarnessHost(market, builder, panel, ['ema', 'rsi']);
        const page = panel.page;
        try {
          await panel.load();
          await host.settled();
          await panel.until((s) => s.generation >= 1 && s.candles.count > 0 && s.depth.drawn);
          for (let k = 0; k < 5; k++) {
            await feed.feed(150);
            await host.sendFrame();
          }
          const s = (await panel.until((x) => x.acks >= 5)) as LayoutSnapshot;
          const chart = (await page.locator('.chart').boundingBox())!;
          const side = (await page.locator('.side').boundingBox())!;
          const toolbar = (await page.locator('.toolbar').boundingBox())!;
          const symbol = (await page.locator('button.symbol').boundingBox())!;
          mkdirSync(ARTIFACTS, { recursive: true });
          await page.screenshot({ path: join(ARTIFACTS, `panel-${width}-${themeName}.png`) });

          // The chart keeps most of the width.
          expect(chart.width / width, `chart ${chart.width} of ${width} px`).toBeGreaterThanOrEqual(0.6);
          // The toolbar is one row: as tall as its controls plus its padding and border.
          expect(toolbar.height, `toolbar ${toolbar.height} px, a control ${symbol.height} px`).toBeLessThanOrEqual(symbol.height + 10);
          // The overlay is at most a share of the chart pane, and the chosen width when there is room.
          const d = s.depth;
          expect(s.paneWidth).toBeGreaterThan(0);
          expect(d.style.width).toBeLessThanOrEqual(Math.floor(s.paneWidth * DEPTH_MAX_SHARE));
          expect(d.style.width).toBe(Math.min(DEFAULT_DEPTH_WIDTH, Math.floor(s.paneWidth * DEPTH_MAX_SHARE)));
          // The legend stays left of the price axis.
          const legend = (await page.locator('.legend').boundingBox())!;
          expect(legend.x + legend.width).toBeLessThanOrEqual(chart.x + s.paneWidth);
          const ladderShown = await page.locator('.ladder').isVisible();
          const tapeShown = await page.locator('.tape').isVisible();

          if (width === 1400) {
            expect(s.layout.mode).toBe('wide');
            expect(s.layout.overflow).toEqual([]);
            expect(await page.locator('.toolbar .more').isVisible()).toBe(false);
            expect([ladderShown, tapeShown]).toEqual([true, true]);
            expect(await page.locator('.side-tabs').isVisible()).toBe(false);
            expect(d.style.width).toBe(DEFAULT_DEPTH_WIDTH);
            return;
          }
          // Narrower: the ladder and the tape share a tabbed column.
          expect(s.layout.mode).toBe(width === 500 ? 'stacked' : 'compact');
          expect(await page.locator('.side-tabs').isVisible()).toBe(true);
          expect([ladderShown, tapeShown]).toEqual([true, false]);
          await page.getByRole('tab', { name: 'Trades' }).click();
          await page.locator('.tape').waitFor({ state: 'visible' });
          expect(await page.locator('.ladder').isVisible()).toBe(false);
          const trades = (await panel.until((x) => x.tape.rows.length > 3)).tape.rows;
          expect(await page.locator('.trow').first().isVisible()).toBe(true);
          expect(trades.length).toBeGreaterThan(3);
          await page.screenshot({ path: join(ARTIFACTS, `panel-${width}-${themeName}-trades.png`) });
          await page.getByRole('tab', { name: 'Order book' }).click();
          await page.locator('.ladder').waitFor({ state: 'visible' });
          if (width === 500) {
            // Below the chart, which has the whole width.
            expect(side.y).toBeGreaterThanOrEqual(chart.y + chart.height - 1);
            expect(chart.width).toBe(width);
            // What does not fit is in the "⋯" menu, and works from there.
            expect(s.layout.overflow.length).toBeGreaterThan(0);
            expect(s.layout.overflow[0]).toMatch(/grouping/);
            await page.locator('.toolbar .more summary').click();
            await page.screenshot({ path: join(ARTIFACTS, `panel-${width}-${themeName}-more.png`) });
            expect(await page.locator('.toolbar .more select.grouping').isVisible()).toBe(true);
            const intent = await panel.expectMessage(() => page.selectOption('.toolbar .more select.grouping', '1'), (m) => m.type === 'setGrouping');
            expect(intent).toMatchObject({ ticksPerRow: 1 });
            await host.settled();
            await panel.until((x) => x.book.ticksPerRow === 1);
          } else {
            expect(side.x).toBeGreaterThanOrEqual(chart.x + chart.width - 1);
          }
          expect(panel.refused).toEqual([]);
        } finally {
          feed.close();
          await panel.close();
        }
      });
    }
  }
});
