/**
 * The settings' display defaults in a real panel (headless Chromium, the real capture through the
 * real FrameBuilder): the depth overlay's width follows `depth.overlayWidth` and the tape's
 * highlight threshold follows `tape.largeTradeThreshold`, each change (a new init) applied at
 * once, until the user makes the choice in the panel (the toolbar's width, the tape's box): from
 * then on that panel keeps the user's choice, across a reload too; clearing the tape's box
 * follows the setting again.
 */
import { describe, expect, it } from 'vitest';
import { binanceRule } from '../../src/engine/book/sequenceRule';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { DEFAULT_DISPLAY, type DisplayDefaults } from '../../src/engine/protocol';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { CaptureFeed } from './support/captureFeed';
import { HarnessHost } from './support/harnessHost';
import { PanelPage, hasChromium, type PanelSnapshot } from './support/panelPage';
import { useChromiumHarness } from './support/chromiumHarness';

const SPOT = 'binance/spot/btcusdt_20240808.gz';
const FACTS = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };

describe.skipIf(!hasSharedData(SPOT) || !hasChromium())('display defaults from the settings', () => {
  const harness = useChromiumHarness();

  it('the overlay width and tape threshold follow the settings until the user chooses in the panel', async () => {
    const market = new Market({ sequenceRule: binanceRule, timeframe: '1s', indicators: [] });
    const feed = new CaptureFeed(market, [sharedDataPath(SPOT)]);
    await feed.feed(20_000);
    const builder = new FrameBuilder(market, FACTS, { initBars: market.candles.count, display: { ...DEFAULT_DISPLAY, depthOverlayWidth: 200, largeTradeThreshold: 0.5 } });
    // Wide enough that the overlay's cap (a quarter of the chart pane) is above every width used.
    const panel = await PanelPage.open(harness.browser, harness.server, { width: 2000 });
    const host = new HarnessHost(market, builder, panel, []);
    await panel.load();
    await host.settled();
    /** The settings change: the host re-sends the init with the new defaults. */
    const settingsChange = async (display: DisplayDefaults) => {
      builder.updateSettings({ display });
      await host.send(builder.buildInit(host.status));
    };
    const shown = (s: PanelSnapshot) => ({ width: s.depth.style.width, threshold: s.tape.threshold });
    const widthSelect = panel.page.locator('select.depth-width');
    const thresholdBox = panel.page.locator('.tape-threshold input');

    let s = await panel.until((x) => x.generation >= 1 && x.depth.drawn && x.tape.rows.length > 0);
    expect(shown(s)).toEqual({ width: 200, threshold: 0.5 });
    expect(await widthSelect.inputValue()).toBe('200');

    // A width the toolbar does not list (the setting's default) is shown as it is.
    await settingsChange({ ...DEFAULT_DISPLAY, depthOverlayWidth: 120, largeTradeThreshold: 2 });
    // The tape takes a new threshold when it next draws, the overlay its width at once: wait for both.
    s = await panel.until((x) => x.depth.style.width === 120 && x.tape.threshold === 2);
    expect(shown(s)).toEqual({ width: 120, threshold: 2 });
    expect(await widthSelect.inputValue()).toBe('120');
    expect(s.viewState.depthWidth).toBeNull();

    // 0: the tape's automatic threshold (a multiple of the median trade).
    await settingsChange({ ...DEFAULT_DISPLAY, depthOverlayWidth: 120, largeTradeThreshold: 0 });
    s = await panel.until((x) => x.tape.threshold !== 2);
    expect(s.tape.threshold).toBeGreaterThan(0);
    expect(s.tape.threshold).toBeLessThan(Infinity);

    // The user's own choices win over later settings, also after a reload.
    await widthSelect.selectOption('280');
    await thresholdBox.fill('3');
    await thresholdBox.dispatchEvent('change');
    await settingsChange({ ...DEFAULT_DISPLAY, depthOverlayWidth: 80, largeTradeThreshold: 0.25 });
    s = await panel.until((x) => x.depth.style.width === 280 && x.tape.threshold === 3);
    await panel.reload();
    await host.settled();
    s = await panel.until((x) => x.generation >= 1 && x.depth.drawn && x.tape.rows.length > 0);
    expect(shown(s)).toEqual({ width: 280, threshold: 3 });
    expect(s.viewState.depthWidth).toBe(280);

    // An emptied box follows the setting again.
    await thresholdBox.fill('');
    await thresholdBox.dispatchEvent('change');
    s = await panel.until((x) => x.tape.threshold === 0.25);
    expect(await thresholdBox.getAttribute('placeholder')).toBe('0.25');
    await panel.close();
  });

  it('the tape\'s box shows the whole threshold, the setting\'s or a typed one, however many digits it has', async () => {
    const market = new Market({ sequenceRule: binanceRule, timeframe: '1s', indicators: [] });
    const feed = new CaptureFeed(market, [sharedDataPath(SPOT)]);
    await feed.feed(5_000);
    const builder = new FrameBuilder(market, FACTS, { initBars: market.candles.count, display: { ...DEFAULT_DISPLAY, depthOverlayWidth: 140, largeTradeThreshold: 0.000125 } });
    const panel = await PanelPage.open(harness.browser, harness.server, { width: 1400 });
    const host = new HarnessHost(market, builder, panel, []);
    await panel.load();
    await host.settled();
    await panel.until((x) => x.tape.threshold === 0.000125);
    const box = panel.page.locator('.tape-threshold input');
    /** The text the box shows (its value, else its placeholder), the width that text needs and the width it has, CSS px. */
    const room = () =>
      box.evaluate((input: HTMLInputElement) => {
        const style = getComputedStyle(input);
        const ctx = document.createElement('canvas').getContext('2d')!;
        ctx.font = `${style.fontSize} ${style.fontFamily}`;
        const text = input.value || input.placeholder;
        return { text, needs: ctx.measureText(text).width, has: input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) };
      });
    let shown = await room();
    expect(shown.text).toBe('0.000125');
    expect(shown.has).toBeGreaterThanOrEqual(shown.needs);
    await box.fill('12500000');
    shown = await room();
    expect(shown.text).toBe('12500000');
    expect(shown.has).toBeGreaterThanOrEqual(shown.needs);
    await panel.close();
  });
});
