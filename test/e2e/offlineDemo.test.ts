/**
 * Orderscope with no exchange at all: Binance's endpoints point at a closed port on 127.0.0.1.
 * "Orderscope: Open Demo" still draws a chart (the built-in simulated market) with a full
 * ladder, and the status-bar ticker of the unreachable exchange says so instead of showing a
 * price. The dark theme also shows the panel follows VS Code's colours.
 */
import { copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/e2e/codeServer.mjs';
import { E2E_TIMEOUTS } from './codeServerSession';
import { useExtensionWindow } from './extensionWindow';
import { REPO_ROOT } from './packagedExtension';
import { editorTabs, waitForPanel } from './panelProbe';
import { shownTicker, tickerTooltip } from './statusBarTicker';

/** The README's picture of the panel (kept small: the .vsix ships the README's media). */
const README_SCREENSHOT = join(REPO_ROOT, 'media', 'screenshot.png');
const README_SCREENSHOT_MAX_BYTES = 300 * 1024;

describe('the demo with no exchange reachable, in a real VS Code', () => {
  const app = useExtensionWindow('demo', async () => {
    // A port nothing listens on: every request to "binance" is refused.
    const closedPort = await freePort();
    return {
      'workbench.colorTheme': 'Default Dark Modern',
      'orderscope.exchange': 'binance',
      'orderscope.statusBar.symbols': ['BTC/USDT'],
      'orderscope.network.endpoints': {
        binance: {
          urls: { api: { public: `http://127.0.0.1:${closedPort}/api/v3`, ws: { spot: `ws://127.0.0.1:${closedPort}/ws` } } },
          options: { fetchMarkets: { types: ['spot'] } },
        },
      },
    };
  });

  it('the unreachable exchange\'s ticker shows its error or reconnecting state, never a price', async () => {
    await expect
      .poll(async () => (await shownTicker(app.workbench, 'binance', 'BTC/USDT'))?.state, { timeout: 60_000, interval: 200 })
      .toMatch(/^(reconnecting|error)$/);
    const ticker = await shownTicker(app.workbench, 'binance', 'BTC/USDT');
    expect(ticker?.priceText).toBeNull();
    const tooltip = await tickerTooltip(app.workbench, 'binance', 'BTC/USDT');
    expect(tooltip).toMatch(/Connection: (reconnecting|error) — .+/);
    expect(tooltip).toContain('Last: —');
    console.log(`[demo] ticker "${ticker?.text}" (${ticker?.state}); tooltip: ${tooltip.split('\n').find((line) => line.startsWith('Connection'))}`);
  }, E2E_TIMEOUTS.testMs);

  it('Open Demo draws candles and a full ladder from the simulated market, live', async () => {
    await app.workbench.runCommand('Orderscope: Open Demo');
    await expect.poll(() => editorTabs(app.workbench), { timeout: 30_000 }).toContain('SIM/USDT · simulator');
    const first = await waitForPanel(
      app.workbench,
      'SIM/USDT candles, both ladder sides full, live',
      (s) =>
        s.market?.symbol === 'SIM/USDT' &&
        s.candles.count > 0 &&
        s.book.valid &&
        s.ladder.rowsPerSide > 0 &&
        s.ladder.bids.length === s.ladder.rowsPerSide &&
        s.ladder.asks.length === s.ladder.rowsPerSide &&
        s.badge.className.includes('state-live'),
    );
    // The best bid is below the best ask, and frames keep coming.
    expect(Number(first.ladder.bids[0]![0])).toBeLessThan(Number(first.ladder.asks[0]![0]));
    const later = await waitForPanel(app.workbench, 'more frames', (s) => s.framesApplied > first.framesApplied + 5);
    expect(later.dropped).toBe(0);
    expect(later.renderErrors).toBe(0);
    console.log(`[demo] ${later.candles.count} bars (last close ${later.candles.last?.close}), ${later.ladder.rowsPerSide} ladder rows a side shown, ${later.book.bids.length} held; ${later.framesApplied} frames`);

    await app.workbench.page.mouse.move(10, 450); // no hover, no crosshair in the picture
    const picture = await app.workbench.screenshot('demo-chart');
    expect(statSync(picture).size).toBeLessThan(README_SCREENSHOT_MAX_BYTES);
    if (process.env.ORDERSCOPE_UPDATE_SCREENSHOT === '1') copyFileSync(picture, README_SCREENSHOT);
  }, E2E_TIMEOUTS.testMs);
});
