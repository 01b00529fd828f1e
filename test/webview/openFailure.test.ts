/**
 * A market the host cannot open (issue 11): the host's `openFailed` replaces the chart with a
 * centred message naming the market and the reason, and a "Switch Symbol…" button that asks the
 * host for its symbol picker; the toolbar shows no timeframe or step for a market that has none.
 * A malformed `openFailed` is dropped. Headless Chromium on the real panel bundle; screenshots
 * go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../src/engine/protocol';
import { repoRoot } from './support/harnessServer';
import { PanelPage, hasChromium } from './support/panelPage';
import { LIGHT } from './support/vscodeThemes';
import { useChromiumHarness } from './support/chromiumHarness';

const ROOT = repoRoot(__dirname);
const ARTIFACTS = join(ROOT, 'test-artifacts');
const DETAIL = 'binance does not list NOPE/USDT';

describe.skipIf(!hasChromium())('a market that cannot be opened says so in the panel', () => {
  const harness = useChromiumHarness();

  for (const [name, theme] of [['dark', undefined], ['light', LIGHT]] as const) {
    it(`names the market and the reason, and its button opens the symbol picker (${name})`, async () => {
      const panel = await PanelPage.open(harness.browser, harness.server, { width: 800, height: 500, ...(theme === undefined ? {} : { theme }) });
      try {
        await panel.load();
        // Waiting for the market: no timeframe or step to pick yet.
        expect(await panel.page.locator('select.timeframe').isVisible()).toBe(false);
        expect(await panel.page.locator('select.grouping').isVisible()).toBe(false);

        await panel.send({ v: PROTOCOL_VERSION, type: 'openFailed', market: { exchange: 'binance', symbol: 'NOPE/USDT' }, detail: DETAIL });
        const s = await panel.until((x) => x.openFailure !== '');
        expect(s.openFailure).toBe(`NOPE/USDT on binance could not be opened — ${DETAIL}`);
        const message = panel.page.locator('.open-failure');
        expect(await message.isVisible()).toBe(true);
        expect(await panel.page.locator('.open-failure-title').textContent()).toBe('NOPE/USDT on binance could not be opened');
        expect(await panel.page.locator('.open-failure-detail').textContent()).toBe(DETAIL);
        // Centred in the panel below the toolbar.
        const box = (await message.boundingBox())!;
        const title = (await panel.page.locator('.open-failure-title').boundingBox())!;
        expect(Math.abs(title.x + title.width / 2 - 400)).toBeLessThan(2);
        expect(title.y).toBeGreaterThan(box.y + box.height * 0.3);
        expect(title.y).toBeLessThan(box.y + box.height * 0.6);
        // The chart is gone; the toolbar names the market; the badge says error, not connecting.
        expect(await panel.page.locator('.panel').isVisible()).toBe(false);
        expect(await panel.page.locator('button.symbol').textContent()).toBe('NOPE/USDT · binance ▾');
        expect(s.badge.text).not.toMatch(/connecting/);
        expect(s.badge.className).toBe('badge state-error');
        expect(await panel.page.locator('select.timeframe').isVisible()).toBe(false);
        expect(await panel.page.locator('select.grouping').isVisible()).toBe(false);
        mkdirSync(ARTIFACTS, { recursive: true });
        await panel.page.screenshot({ path: join(ARTIFACTS, `open-failed-${name}.png`) });

        const intent = await panel.expectMessage(() => panel.page.getByRole('button', { name: 'Switch Symbol…' }).click(), (m) => m.type === 'openSymbolPicker');
        expect(intent).toEqual({ v: PROTOCOL_VERSION, type: 'openSymbolPicker' });
        expect(panel.refused).toEqual([]);
      } finally {
        await panel.close();
      }
    });
  }

  it('drops a malformed openFailed', async () => {
    const panel = await PanelPage.open(harness.browser, harness.server, { width: 800, height: 500 });
    try {
      await panel.load();
      await panel.sendRaw({ v: PROTOCOL_VERSION, type: 'openFailed', market: { exchange: 'binance' }, detail: DETAIL });
      await panel.sendRaw({ v: PROTOCOL_VERSION, type: 'openFailed', market: { exchange: 'binance', symbol: 'X/Y' }, detail: 'x'.repeat(501) });
      const s = await panel.until((x) => x.dropped === 2);
      expect(s.lastDropReason).toMatch(/^openFailed: detail/);
      expect(s.openFailure).toBe('');
      expect(await panel.page.locator('.open-failure').isVisible()).toBe(false);
    } finally {
      await panel.close();
    }
  });
});
