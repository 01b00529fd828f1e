/**
 * The footprint backfill's progress bar in a real panel (headless Chromium, the real capture
 * through the real FrameBuilder): while the host's status carries the backfill's progress and a
 * layer that reads footprints is on, a thin bar across the top of the chart is filled to that
 * share with "Footprint backfill 40%" beside it; a failed backfill says why; the bar is gone when
 * the backfill is done, and while neither the footprint nor the profile is shown.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binanceRule } from '../../src/engine/book/sequenceRule';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import type { StatusInfo } from '../../src/engine/protocol';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { CaptureFeed } from './support/captureFeed';
import { HarnessHost } from './support/harnessHost';
import { repoRoot } from './support/harnessServer';
import { PanelPage, hasChromium } from './support/panelPage';
import { DARK, LIGHT } from './support/vscodeThemes';
import { useChromiumHarness } from './support/chromiumHarness';

const SPOT = 'binance/spot/btcusdt_20240808.gz';
const FACTS = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };
const ROOT = repoRoot(__dirname);
const ARTIFACTS = join(ROOT, 'test-artifacts');

/** A live status as the ccxt feed words it, with the backfill's progress (or without it: done). */
function status(backfill?: StatusInfo['backfill']): StatusInfo {
  if (backfill === undefined) return { state: 'live', detail: 'live', value: 0 };
  const note = backfill.failure !== '' ? `footprint backfill failed: ${backfill.failure}` : `footprint backfill ${Math.round(backfill.done * 100)}%`;
  return { state: 'live', detail: `live; ${note}`, value: 0, backfill };
}

describe.skipIf(!hasSharedData(SPOT) || !hasChromium())('the footprint backfill progress bar', () => {
  const harness = useChromiumHarness();

  for (const [look, theme] of [['dark', DARK], ['light', LIGHT]] as const) {
    it(`(${look}) fills to the backfill's share with its words, says why it failed, and is gone when done or with no footprint layer on`, async () => {
      const market = new Market({ sequenceRule: binanceRule, timeframe: '1s', indicators: [] });
      const feed = new CaptureFeed(market, [sharedDataPath(SPOT)]);
      await feed.feed(20_000);
      const builder = new FrameBuilder(market, FACTS, { ticksPerRow: 100, initBars: 400 });
      const panel = await PanelPage.open(harness.browser, harness.server, { theme, width: 1200, height: 600 });
      const host = new HarnessHost(market, builder, panel, []);
      const bar = panel.page.locator('.chart .backfill-bar');
      /** The host's status changes; a frame (with some trades) carries it. */
      const statusChange = async (next: StatusInfo): Promise<void> => {
        host.status = next;
        await feed.feed(200);
        expect(await host.sendFrame()).not.toBeNull();
      };
      /** The bar's fill as a share of its width, and its words. */
      const shown = async (): Promise<{ share: number; text: string }> => {
        const track = (await bar.locator('.track').boundingBox())!;
        const fill = await bar.locator('.fill').boundingBox();
        return { share: (fill?.width ?? 0) / track.width, text: (await bar.locator('.text').textContent()) ?? '' };
      };
      try {
        await panel.load();
        await host.settled();
        // Running, but no footprint layer is on: nothing to say about it.
        await statusChange(status({ done: 0.4, failure: '' }));
        await panel.until((s) => s.badge.title.includes('footprint backfill 40%') || s.badge.text.includes('40%'));
        expect(await bar.isHidden()).toBe(true);

        // The footprint on: the bar, 40 % filled, across the top of the chart.
        await panel.page.locator('.toolbar button[data-layer="footprint"]').click();
        await bar.waitFor({ state: 'visible' });
        let s = await shown();
        expect(s.text).toBe('Footprint backfill 40%');
        expect(s.share).toBeCloseTo(0.4, 2);
        expect(await bar.getAttribute('aria-valuenow')).toBe('40');
        const chart = (await panel.page.locator('.chart').boundingBox())!;
        const track = (await bar.locator('.track').boundingBox())!;
        expect([track.x, track.y, track.width, track.height]).toEqual([chart.x, chart.y, chart.width, 3]);
        mkdirSync(ARTIFACTS, { recursive: true });
        await panel.page.screenshot({ path: join(ARTIFACTS, `backfill-bar-${look}.png`) });

        await statusChange(status({ done: 0.75, failure: '' }));
        await panel.page.waitForFunction(() => document.querySelector('.backfill-bar .text')?.textContent === 'Footprint backfill 75%');
        s = await shown();
        expect(s.share).toBeCloseTo(0.75, 2);

        // Failed: the reason, in place of the progress.
        await statusChange(status({ done: 0.75, failure: 'binance GET aggTrades 418' }));
        await panel.page.waitForFunction(() => document.querySelector('.backfill-bar')?.classList.contains('failed') === true);
        expect(await bar.locator('.text').textContent()).toBe('Footprint backfill failed: binance GET aggTrades 418');
        expect(await bar.isVisible()).toBe(true);
        await panel.page.screenshot({ path: join(ARTIFACTS, `backfill-bar-failed-${look}.png`) });

        // Running again (a new timeframe), then done: gone.
        await statusChange(status({ done: 0.1, failure: '' }));
        await panel.page.waitForFunction(() => document.querySelector('.backfill-bar .text')?.textContent === 'Footprint backfill 10%');
        expect(await bar.getAttribute('class')).toBe('backfill-bar');
        await statusChange(status());
        await bar.waitFor({ state: 'hidden' });

        // The profile reads footprints too: with only it on, the bar shows.
        await statusChange(status({ done: 0.5, failure: '' }));
        await panel.page.locator('.toolbar button[data-layer="footprint"]').click();
        await panel.page.locator('.toolbar button[data-layer="profile"]').click();
        await bar.waitFor({ state: 'visible' });
        expect((await shown()).text).toBe('Footprint backfill 50%');
        await panel.page.locator('.toolbar button[data-layer="profile"]').click();
        await bar.waitFor({ state: 'hidden' });
      } finally {
        feed.close();
        await panel.close();
      }
    }, 60_000);
  }
});
