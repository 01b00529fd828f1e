/**
 * Price alerts on the chart, in Chromium, fed by the engine on the real capture: an `alerts`
 * message draws a dashed line at each price with its × and an "Alert …" tag on the price axis;
 * right-click → "Add alert at <price>" and the key A post addAlert at the pointer's price;
 * dragging a line posts moveAlert at the price it was dropped on; the × posts removeAlert; an
 * alert the host no longer sends (it fired) leaves the chart. Screenshots, dark and light.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binanceRule } from '../../src/engine/book/sequenceRule';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { PROTOCOL_VERSION, type ChartAlert, type WebviewMessage } from '../../src/engine/protocol';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { CaptureFeed } from './support/captureFeed';
import { HarnessHost } from './support/harnessHost';
import { repoRoot } from './support/harnessServer';
import { PanelPage, hasChromium, type PanelSnapshot } from './support/panelPage';
import { DARK, LIGHT, type HarnessTheme } from './support/vscodeThemes';
import { useChromiumHarness } from './support/chromiumHarness';

const SPOT = 'binance/spot/btcusdt_20240808.gz';
const FACTS = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };
const ROOT = repoRoot(__dirname);
const ARTIFACTS = join(ROOT, 'test-artifacts');

const rgb = (hex: string): number[] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const near = (pixel: number[], colour: number[], tolerance = 12): boolean => colour.every((c, i) => Math.abs(pixel[i]! - c) <= tolerance);

describe.skipIf(!hasSharedData(SPOT) || !hasChromium())('price alerts on the chart in Chromium', () => {
  const harness = useChromiumHarness();

  for (const [name, theme, foreground] of [
    ['dark', DARK, '#d4d4d4'],
    ['light', LIGHT, '#1f1f1f'],
  ] as [string, HarnessTheme, string][]) {
    it(`draws, adds, drags and removes alert lines (${name})`, async () => {
      const market = new Market({ sequenceRule: binanceRule, timeframe: '1s' });
      const feed = new CaptureFeed(market, [sharedDataPath(SPOT)]);
      await feed.feed(20_000);
      const builder = new FrameBuilder(market, FACTS, { initBars: 300, bookRows: 40, metrics: { imbalance: false, cvd: false } });
      const panel = await PanelPage.open(harness.browser, harness.server, { theme, width: 1100, height: 560 });
      try {
        const host = new HarnessHost(market, builder, panel, []);
        await panel.load();
        await host.settled();
        let s = await panel.until((x) => x.candles.count > 0 && x.depth.drawn);
        const box = (await panel.page.locator('.chart').boundingBox())!;
        const send = (alerts: ChartAlert[]) => panel.send({ v: PROTOCOL_VERSION, type: 'alerts', alerts });
        const posted = (test: (m: WebviewMessage) => boolean, action: () => Promise<unknown>) => panel.expectMessage(action, test);
        const lineAt = async (price: number): Promise<PanelSnapshot['alerts'][number]> => {
          const shown = await panel.until((x) => x.alerts.some((a) => a.price === price && a.y !== null));
          return shown.alerts.find((a) => a.price === price)!;
        };

        // A line at the alert's price, with its tag and ×.
        const close = s.candles.last!.close;
        const price = Math.round(close + 5);
        await send([{ id: 'a1', price, direction: 'above' }]);
        const line = await lineAt(price);
        expect(line.tag).toBe(`Alert ${price.toFixed(2)}`);
        expect(line.y!).toBeGreaterThan(0);
        const squareAt: [number, number] = [line.closeX - 4, Math.round(line.y!)];
        await expect.poll(async () => near((await panel.chartPixels([squareAt]))[0]!, rgb(foreground)), { timeout: 3000 }).toBe(true);

        // Right-click: a menu item adds an alert at the pointer's price.
        const menuY = line.y! + 60;
        await panel.page.mouse.click(box.x + 200, box.y + menuY, { button: 'right' });
        const item = panel.page.locator('.chart-menu button', { hasText: 'Add alert at' });
        const label = (await item.textContent())!;
        expect(label).toMatch(/^Add alert at \d+\.\d{2}$/);
        mkdirSync(ARTIFACTS, { recursive: true });
        await panel.page.screenshot({ path: join(ARTIFACTS, `chart-alerts-menu-${name}.png`) });
        const added = await posted((m) => m.type === 'addAlert', () => item.click());
        expect(added).toEqual({ v: PROTOCOL_VERSION, type: 'addAlert', price: Number(label.slice('Add alert at '.length)) });
        // The host's answer draws it where the pointer was (within a pixel and a tick).
        const menuPrice = (added as { price: number }).price;
        await send([{ id: 'a1', price, direction: 'above' }, { id: 'a2', price: menuPrice, direction: 'below' }]);
        expect(Math.abs((await lineAt(menuPrice)).y! - menuY)).toBeLessThanOrEqual(1.5);
        expect(await panel.page.locator('.chart-menu').isHidden()).toBe(true);

        // The key A at the pointer's price.
        const keyY = line.y! - 50;
        await panel.page.mouse.move(box.x + 300, box.y + keyY);
        const keyed = (await posted((m) => m.type === 'addAlert', () => panel.page.keyboard.press('a'))) as { price: number };
        await send([{ id: 'a1', price, direction: 'above' }, { id: 'a3', price: keyed.price, direction: 'above' }]);
        expect(Math.abs((await lineAt(keyed.price)).y! - keyY)).toBeLessThanOrEqual(1.5);

        // Drag a1 40 px down: moveAlert at the price there; the chart does not pan meanwhile.
        const range = (await panel.snapshot()).visibleRange;
        await panel.page.mouse.move(box.x + 150, box.y + line.y!);
        await panel.page.mouse.down();
        await panel.page.mouse.move(box.x + 120, box.y + line.y! + 20, { steps: 4 });
        await panel.page.mouse.move(box.x + 100, box.y + line.y! + 40, { steps: 4 });
        const moved = (await posted((m) => m.type === 'moveAlert', () => panel.page.mouse.up())) as { id: string; price: number };
        expect(moved.id).toBe('a1');
        expect(moved.price).toBeLessThan(price);
        expect((await panel.snapshot()).visibleRange).toEqual(range);
        await send([{ id: 'a1', price: moved.price, direction: 'below' }]);
        const dropped = await lineAt(moved.price);
        expect(Math.abs(dropped.y! - (line.y! + 40))).toBeLessThanOrEqual(1.5);
        await send([{ id: 'a1', price: moved.price, direction: 'below' }, { id: 'a3', price: keyed.price, direction: 'above' }]);
        await lineAt(keyed.price);
        await panel.page.mouse.move(box.x + 5, box.y + 5);
        await panel.page.screenshot({ path: join(ARTIFACTS, `chart-alerts-${name}.png`) });

        // The × removes it.
        const removed = await posted((m) => m.type === 'removeAlert', () => panel.page.mouse.click(box.x + dropped.closeX, box.y + dropped.y!));
        expect(removed).toEqual({ v: PROTOCOL_VERSION, type: 'removeAlert', id: 'a1' });

        // Fired (the host no longer sends it): the line leaves the chart.
        await send([]);
        s = await panel.until((x) => x.alerts.length === 0);
        const [after] = await panel.chartPixels([[dropped.closeX - 4, Math.round(dropped.y!)]]);
        expect(near(after!, rgb(foreground))).toBe(false);
        expect(panel.refused).toEqual([]);
      } finally {
        await panel.close();
      }
    }, 90_000);
  }
});
