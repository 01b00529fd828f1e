/**
 * A panel showing a replay (its market's exchange is `replay`) has the replay's controls in its
 * toolbar, in headless Chromium on the real capture: ❚❚ / ▶ post pause and resume, the speed
 * select posts the speed (0 for max), the position slider posts a jump, the position reads the
 * replay's time and end (≈ until known) and says finished at the end. A live market has none; a
 * malformed `replay` message is dropped. Screenshots of the toolbar (dark and light) go to
 * test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { binanceRule } from '../../src/engine/book/sequenceRule';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { PROTOCOL_VERSION, type ReplayMessage, type WebviewMessage } from '../../src/engine/protocol';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { CaptureFeed } from './support/captureFeed';
import { HarnessHost } from './support/harnessHost';
import { repoRoot, type HarnessServer } from './support/harnessServer';
import { PanelPage, hasChromium } from './support/panelPage';
import { LIGHT } from './support/vscodeThemes';
import { useChromiumHarness } from './support/chromiumHarness';

const SPOT = 'binance/spot/btcusdt_20240808.gz';
const REPLAY_FACTS = { exchange: 'replay', symbol: 'BTCUSDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };
const LIVE_FACTS = { ...REPLAY_FACTS, exchange: 'binance', symbol: 'BTC/USDT' };
const ROOT = repoRoot(__dirname);
const ARTIFACTS = join(ROOT, 'test-artifacts');

const START = Date.UTC(2024, 7, 8, 23, 54, 15);
const NOW = Date.UTC(2024, 7, 8, 23, 57, 30);
const END = Date.UTC(2024, 7, 9, 0, 5, 2);

function replay(fields: Partial<ReplayMessage> = {}): ReplayMessage {
  return { v: PROTOCOL_VERSION, type: 'replay', time: NOW, start: START, end: END, speed: 1, paused: false, seeking: false, finished: false, ...fields };
}

async function rig(browser: Browser, server: HarnessServer, facts: typeof REPLAY_FACTS, light = false): Promise<PanelPage> {
  const market = new Market({ sequenceRule: binanceRule, timeframe: '1s', indicators: [] });
  const feed = new CaptureFeed(market, [sharedDataPath(SPOT)]);
  await feed.feed(20_000);
  const builder = new FrameBuilder(market, facts, { ticksPerRow: 10, initBars: market.candles.count, bookRows: 40, metrics: { imbalance: false, cvd: false } });
  const panel = await PanelPage.open(browser, server, light ? { theme: LIGHT, width: 1100, height: 500 } : { width: 1100, height: 500 });
  const host = new HarnessHost(market, builder, panel, []);
  await panel.load();
  await host.settled();
  await panel.until((s) => s.generation >= 1);
  return panel;
}

const isControl = (action: string) => (m: WebviewMessage) => m.type === 'replayControl' && m.action === action;

describe.skipIf(!hasSharedData(SPOT) || !hasChromium())("a replay's controls in the toolbar", () => {
  const harness = useChromiumHarness();

  it('pause, resume, speed and a jump post their intents; the position reads time / end', async () => {
    const panel = await rig(harness.browser, harness.server, REPLAY_FACTS);
    const page = panel.page;
    try {
      const controls = page.locator('.toolbar .replay');
      expect(await controls.isVisible()).toBe(false); // nothing to show before the host says where the replay stands
      await panel.send(replay());
      await controls.waitFor({ state: 'visible' });
      expect(await page.locator('.replay-position').textContent()).toBe('23:57:30 / ≈00:05:02');
      const play = page.locator('.replay-play');
      expect(await play.textContent()).toBe('❚❚');

      expect(await panel.expectMessage(() => play.click(), isControl('pause'))).toMatchObject({ action: 'pause', value: 0 });
      await panel.send(replay({ paused: true }));
      await page.waitForFunction(() => document.querySelector('.replay-play')?.textContent === '▶');
      expect(await panel.expectMessage(() => play.click(), isControl('resume'))).toMatchObject({ action: 'resume', value: 0 });

      expect(await page.locator('.replay-speed option').allTextContents()).toEqual(['0.5×', '1×', '2×', '5×', '10×', '100×', '1000×', 'max']);
      expect(await panel.expectMessage(() => page.selectOption('.replay-speed', '10'), isControl('speed'))).toMatchObject({ value: 10 });
      expect(await panel.expectMessage(() => page.selectOption('.replay-speed', '0'), isControl('speed'))).toMatchObject({ value: 0 });

      // A click on the slider a quarter of its way along jumps about a quarter into the recording.
      const box = (await page.locator('.replay-seek').boundingBox())!;
      const jump = await panel.expectMessage(() => page.mouse.click(box.x + box.width / 4, box.y + box.height / 2), isControl('seek'));
      const fraction = ((jump.type === 'replayControl' ? jump.value : NaN) - START) / (END - START);
      expect(fraction).toBeGreaterThan(0.2);
      expect(fraction).toBeLessThan(0.3);
      expect(panel.refused).toEqual([]);
      mkdirSync(ARTIFACTS, { recursive: true });
      await panel.send(replay({ speed: 10, time: NOW + 60_000 }));
      await page.waitForFunction(() => document.querySelector('.replay-position')?.textContent === '23:58:30 / ≈00:05:02');
      expect(await page.locator('.replay-speed').inputValue()).toBe('10');
      await page.locator('.toolbar').screenshot({ path: join(ARTIFACTS, 'replay-controls-dark.png') });

      await panel.send(replay({ time: END, end: END, finished: true }));
      await page.waitForFunction(() => document.querySelector('.replay-position')?.textContent === '00:05:02 / 00:05:02 · finished');
      expect(await play.isDisabled()).toBe(true);
    } finally {
      await panel.close();
    }
  });

  it('light theme; a malformed replay message is dropped and changes nothing', async () => {
    const panel = await rig(harness.browser, harness.server, REPLAY_FACTS, true);
    try {
      await panel.send(replay({ paused: true, speed: 0.5 }));
      await panel.page.locator('.toolbar .replay').waitFor({ state: 'visible' });
      const dropped = (await panel.snapshot()).dropped;
      await panel.sendRaw({ ...replay({ time: NOW + 5000 }), paused: 'yes' });
      await panel.until((s) => s.dropped === dropped + 1);
      expect(await panel.page.locator('.replay-position').textContent()).toBe('23:57:30 / ≈00:05:02');
      expect(await panel.page.locator('.replay-play').textContent()).toBe('▶');
      mkdirSync(ARTIFACTS, { recursive: true });
      await panel.page.locator('.toolbar').screenshot({ path: join(ARTIFACTS, 'replay-controls-light.png') });
    } finally {
      await panel.close();
    }
  });

  it('a live market has no replay controls', async () => {
    const panel = await rig(harness.browser, harness.server, LIVE_FACTS);
    try {
      expect(await panel.page.locator('.toolbar .replay').isVisible()).toBe(false);
    } finally {
      await panel.close();
    }
  });
});
