/**
 * Orderscope installed from its .vsix in a real VS Code, fed by the local fake exchange (real
 * Binance spot captures) through the custom-endpoint setting, driven as a user drives it: the
 * status-bar ticker, Open Chart from the palette, the ladder against the exchange's own book,
 * Switch Timeframe and Switch Symbol through their quick picks, a price alert, an exchange outage
 * and its recovery, and a window reload that restores the panel.
 *
 * The tests run in order on one window; each leaves the state the next one starts from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeExchange } from '../fakeExchange/FakeExchange';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { groupBook, rowsAsNumbers, rowsAsText } from './bookReference';
import { E2E_TIMEOUTS } from './codeServerSession';
import { useExtensionWindow } from './extensionWindow';
import { editorTabs, waitForPanel, type PanelSnapshot } from './panelProbe';
import { formatTickerPrice, shownTicker } from './statusBarTicker';
import { TickerPushes } from './tickerPushes';

const CAPTURES = ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'];
/** Capture time played silently before serving: about five 1m bars of history. */
const PREPLAY_MS = 4 * 60_000;
/** Ladder grouping set in the user settings: rows of 10 ticks (0.10 USDT). */
const TICKS_PER_ROW = 10;
/** Book rows per side the panel receives (the default of orderscope.ladder.rows). */
const LADDER_ROWS = 40;
/**
 * How long the fake exchange is unreachable in the outage test: several failed re-dials (the
 * backoff starts at 0.5 s) and ample time to show reconnecting (within about 0.4 s, seen), short
 * enough that the next re-dial, and so live again, comes soon after it.
 */
const OUTAGE_MS = 6_000;
const ALERT_PRICE = 100_000;

interface Kline {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

async function serverKlines(ex: FakeExchange, interval: string): Promise<Kline[]> {
  const response = await fetch(`${ex.httpUrl}/api/v3/klines?symbol=BTCUSDT&interval=${interval}&limit=1000`);
  const rows = (await response.json()) as [number, string, string, string, string][];
  return rows.map(([openTime, open, high, low, close]) => ({ openTime, open: Number(open), high: Number(high), low: Number(low), close: Number(close) }));
}

/** Numbers equal to 1e-9 relative (the panel sums float sizes; the reference is exact). */
function closeRows(shown: number[][], expected: number[][]): boolean {
  return shown.length === expected.length && shown.every((row, r) => row.every((x, c) => Math.abs(x - expected[r]![c]!) <= 1e-9 * Math.max(1, Math.abs(expected[r]![c]!))));
}

describe.skipIf(!hasSharedData(...CAPTURES))('live market from the fake exchange in a real VS Code', () => {
  let ex: FakeExchange;
  let pushes: TickerPushes;
  beforeAll(async () => {
    ex = await FakeExchange.start({ okx: false, startPaused: true, binance: { captures: CAPTURES.map(sharedDataPath), preplayMs: PREPLAY_MS } });
    pushes = new TickerPushes(ex, 'BTCUSDT');
    ex.resume();
  }, E2E_TIMEOUTS.setupMs);

  afterAll(async () => {
    pushes?.dispose();
    await ex?.stop();
  }, E2E_TIMEOUTS.teardownMs);

  const app = useExtensionWindow('live', () => ({
    'orderscope.exchange': 'binance',
    'orderscope.symbol': 'BTC/USDT',
    'orderscope.statusBar.symbols': ['BTC/USDT'],
    'orderscope.ladder.ticksPerRow': TICKS_PER_ROW,
    // Exactly what a test's own ccxt client would get, plus a short throttle for quick tests.
    'orderscope.network.endpoints': { binance: { ...ex.ccxtConfig('binance'), rateLimit: 10 } },
  }));

  /**
   * Pauses the exchange and waits until the panel shows exactly its state: the model's 40 rows a
   * side and the ladder's text rows equal to the exchange's book grouped by 10 ticks, every bar
   * the exchange has, the last equal to its kline. Resumes playback after.
   */
  async function expectPanelEqualsPausedExchange(when: string, screenshot: string): Promise<void> {
    ex.pause();
    try {
      const book = ex.bookSnapshot('BTCUSDT');
      const reference = groupBook(book, '0.01', TICKS_PER_ROW, LADDER_ROWS);
      const bidText = rowsAsText(reference.bids, 2, 5);
      const askText = rowsAsText(reference.asks, 2, 5);
      const klines = await serverKlines(ex, '1m');
      const last = klines.at(-1)!;
      const settled = await waitForPanel(
        app.workbench,
        `book, ladder and last candle equal to the paused exchange (${when})`,
        (s) =>
          s.book.ticksPerRow === TICKS_PER_ROW &&
          closeRows(s.book.bids, rowsAsNumbers(reference.bids)) &&
          closeRows(s.book.asks, rowsAsNumbers(reference.asks)) &&
          s.ladder.bids.length > 0 &&
          JSON.stringify(s.ladder.bids) === JSON.stringify(bidText.slice(0, s.ladder.bids.length)) &&
          JSON.stringify(s.ladder.asks) === JSON.stringify(askText.slice(0, s.ladder.asks.length)) &&
          s.candles.last?.time === last.openTime &&
          s.candles.last.close === last.close,
      );
      expect(settled.market).toEqual({ exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 });
      // The model holds the whole window; the ladder shows its best rows as text.
      expect(settled.book.bids).toHaveLength(LADDER_ROWS);
      expect(settled.book.asks).toHaveLength(LADDER_ROWS);
      const shownRows = settled.ladder.rowsPerSide;
      expect(settled.ladder.bids).toEqual(bidText.slice(0, shownRows));
      expect(settled.ladder.asks).toEqual(askText.slice(0, shownRows));
      // Every bar the exchange has, the last one equal to its kline field by field.
      expect(settled.candles.count).toBe(klines.length);
      expect(settled.candles.last).toEqual({ time: last.openTime, open: last.open, high: last.high, low: last.low, close: last.close });
      expect(settled.dropped).toBe(0);
      expect(settled.renderErrors).toBe(0);
      console.log(
        `[live] ${when}: paused at book update ${book.updateId}, ${book.bids.length}/${book.asks.length} levels → ${LADDER_ROWS} rows a side equal (ladder shows ${shownRows}); ` +
          `${klines.length} bars, last ${new Date(last.openTime).toISOString()} O ${last.open} H ${last.high} L ${last.low} C ${last.close}`,
      );
      await app.workbench.screenshot(screenshot);
    } finally {
      ex.resume();
    }
  }

  it('the status bar shows the fake exchange\'s BTC/USDT price within 10 s of the extension showing its ticker', async () => {
    // The item appears when the extension activates (onStartupFinished, a few seconds after the
    // workbench is up); from then on the price is the extension's own latency.
    await expect.poll(() => shownTicker(app.workbench, 'binance', 'BTC/USDT'), { timeout: 60_000, interval: 100 }).not.toBeNull();
    const itemAt = Date.now();
    let shown = '';
    await expect
      .poll(
        async () => {
          const ticker = await shownTicker(app.workbench, 'binance', 'BTC/USDT');
          shown = ticker?.text ?? '(no item)';
          if (ticker?.state !== 'live' || ticker.priceText === null) return false;
          // A price the exchange pushed in the last few seconds, written the status bar's way.
          return pushes.since(5_000).some((price) => formatTickerPrice(price, 2) === ticker.priceText);
        },
        { timeout: 10_000, interval: 100 },
      )
      .toBe(true);
    console.log(`[live] status bar "${shown}": ${Date.now() - itemAt} ms after the ticker item appeared, ${Date.now() - app.readyAt} ms after the workbench was ready`);
    await app.workbench.screenshot('status-bar-price');
  }, E2E_TIMEOUTS.testMs);

  it('Open Chart draws the exchange\'s candles, and its ladder equals the exchange\'s book grouped by 10 ticks', async () => {
    await app.workbench.runCommand('Orderscope: Open Chart');
    await expect.poll(() => editorTabs(app.workbench), { timeout: 30_000 }).toContain('BTC/USDT · binance');
    await waitForPanel(app.workbench, 'BTC/USDT drawn with a valid book', (s) => s.market?.symbol === 'BTC/USDT' && s.candles.count > 0 && s.book.valid && s.badge.className.includes('state-live'));

    await expectPanelEqualsPausedExchange('after opening', 'chart-settled');
    // The few bars the exchange has all fit, the first in view: the chart asked for older ones
    // (fetchOHLCV before the first bar), the exchange had none, and the chart says so there.
    const end = await waitForPanel(app.workbench, 'the note at the oldest bar', (s) => s.historyNote === 'no earlier history on binance');
    expect(end.hasOlder).toBe(false);
    await app.workbench.screenshot('chart-oldest-bar');
  }, E2E_TIMEOUTS.testMs);

  it('Add Price Alert... stores an alert for the panel\'s market', async () => {
    const input = await app.workbench.fillCommandInput('Orderscope: Add Price Alert...', 'Add Price Alert: BTC/USDT on binance', String(ALERT_PRICE));
    await input.press('Enter');
    const toast = app.workbench.page.locator('.notification-toast', { hasText: `alert set: BTC/USDT crosses above ${ALERT_PRICE}` });
    await toast.waitFor({ state: 'visible', timeout: 30_000 });
  }, E2E_TIMEOUTS.testMs);

  it('an exchange outage shows reconnecting in the status bar and the panel badge; after the restart both are live and the panel equals the exchange again', async () => {
    const started = Date.now();
    const outage = ex.restart(OUTAGE_MS);
    try {
      let seen: { ticker: string; badge: string } = { ticker: '', badge: '' };
      await expect
        .poll(
          async () => {
            const ticker = await shownTicker(app.workbench, 'binance', 'BTC/USDT');
            const panel = await waitForPanel(app.workbench, 'a snapshot', () => true, 5_000);
            seen = { ticker: ticker?.state ?? '', badge: panel.badge.className };
            return ticker?.state === 'reconnecting' && panel.badge.className.includes('state-reconnecting');
          },
          { timeout: OUTAGE_MS - 1_000, interval: 200 },
        )
        .toBe(true);
      console.log(`[live] both reconnecting ${Date.now() - started} ms into the outage (${JSON.stringify(seen)})`);
      await app.workbench.screenshot('outage-reconnecting');
    } finally {
      await outage;
    }
    const restarted = Date.now();
    const live = async (): Promise<boolean> => {
      const ticker = await shownTicker(app.workbench, 'binance', 'BTC/USDT');
      const panel: PanelSnapshot = await waitForPanel(app.workbench, 'a snapshot', () => true, 5_000);
      return ticker?.state === 'live' && ticker.priceText !== null && panel.badge.className.includes('state-live') && panel.book.valid;
    };
    await expect.poll(live, { timeout: 60_000, interval: 200 }).toBe(true);
    console.log(`[live] live again ${Date.now() - restarted} ms after the exchange came back`);
    // Not just the badge: the book was rebuilt and the bars missed during the outage refilled.
    await expectPanelEqualsPausedExchange('after the outage', 'outage-recovered');
  }, E2E_TIMEOUTS.testMs);

  it('a chart beside the editor you type in updates at the background rate and says so; pinned, or looked at, it is at full rate again', async () => {
    const wb = app.workbench;
    /** Host frames the panel applied per second over `ms` (the exchange changes the market more often than 20 times a second). */
    const frameRate = async (ms: number): Promise<number> => {
      const before = await waitForPanel(wb, 'a snapshot', () => true, 5_000);
      const started = Date.now();
      await wb.page.waitForTimeout(ms);
      const after = await waitForPanel(wb, 'a snapshot', () => true, 5_000);
      return (after.framesApplied - before.framesApplied) / ((Date.now() - started) / 1000);
    };
    await waitForPanel(wb, 'full rate while the chart is the active editor', (s) => s.pace.watched && s.pace.fps === 10 && !s.pace.pinned);
    const watchedRate = await frameRate(3_000);
    expect(await wb.webviewFrame().locator('button.pace').isVisible()).toBe(false);

    // A text editor in a second group, typed into: the chart stays in view, in the corner of the eye.
    await wb.runCommand('File: New Untitled Text File');
    await wb.runCommand('View: Move Editor into Right Group');
    await wb.page.keyboard.type('const watching = "the market";\n');
    const slowed = await waitForPanel(wb, 'the background rate while another editor is active', (s) => !s.pace.watched && s.pace.fps === 2);
    expect(slowed.pace.pinned).toBe(false);
    const paceLabel = wb.webviewFrame().locator('button.pace');
    await expect.poll(() => paceLabel.innerText(), { timeout: 10_000 }).toBe('2 fps');
    // Measured while the user types there.
    const [backgroundRate] = await Promise.all([frameRate(4_000), wb.page.keyboard.type('// typing while the chart updates slowly\n', { delay: 40 })]);
    await wb.screenshot('chart-in-the-corner-of-the-eye');

    // The label pins the chart to full rate; it stays there while the user types in the other editor.
    await paceLabel.click();
    await waitForPanel(wb, 'pinned', (s) => s.pace.pinned && s.pace.fps === 10);
    await wb.page.locator('.monaco-editor .view-lines').last().click();
    await wb.page.keyboard.type('// pinned\n');
    const pinned = await waitForPanel(wb, 'pinned and not watched', (s) => s.pace.pinned && !s.pace.watched && s.pace.fps === 10);
    expect(pinned.viewState).toMatchObject({ pinned: true });
    await expect.poll(() => paceLabel.innerText(), { timeout: 10_000 }).toBe('pinned');
    const pinnedRate = await frameRate(3_000);
    await wb.screenshot('chart-pinned-while-typing');
    console.log(`[live] frames/s applied: watched ${watchedRate.toFixed(1)}, beside the typed editor ${backgroundRate.toFixed(1)}, pinned ${pinnedRate.toFixed(1)}`);
    expect(backgroundRate).toBeGreaterThan(0.5);
    expect(backgroundRate).toBeLessThanOrEqual(2.5);
    expect(watchedRate).toBeGreaterThan(backgroundRate * 2);
    expect(pinnedRate).toBeGreaterThan(backgroundRate * 2);
  }, E2E_TIMEOUTS.testMs);

  it('Switch Timeframe... and Switch Symbol... (typing ETH/USDT) change the panel', async () => {
    await app.workbench.runCommandAndPick('Orderscope: Switch Timeframe...', '5m');
    await waitForPanel(app.workbench, 'timeframe 5m', (s) => s.timeframe === '5m' && s.market?.symbol === 'BTC/USDT');

    await app.workbench.runCommandAndPick('Orderscope: Switch Symbol...', 'ETH/USDT', 'ETH/USDT');
    await expect.poll(() => editorTabs(app.workbench), { timeout: 30_000 }).toContain('ETH/USDT · binance');
    await waitForPanel(app.workbench, 'ETH/USDT in the webview', (s) => s.market?.symbol === 'ETH/USDT');
    await app.workbench.screenshot('switched-eth');
    // Nothing of BTC/USDT stays on screen: the fake exchange has no ETH/USDT trade or bar.
    const switched = await waitForPanel(app.workbench, 'ETH/USDT with no BTC/USDT bar or trade left', (s) => s.market?.symbol === 'ETH/USDT' && s.candles.count === 0 && s.tape.rows.length === 0, 10_000);
    expect(switched.market).toMatchObject({ exchange: 'binance', symbol: 'ETH/USDT' });
    expect(switched.timeframe).toBe('5m');
    expect(await editorTabs(app.workbench)).not.toContain('BTC/USDT · binance');
  }, E2E_TIMEOUTS.testMs);

  it('a window reload restores the panel with its symbol and timeframe, and the alert is still set', async () => {
    await app.workbench.reload();
    await expect.poll(() => editorTabs(app.workbench), { timeout: 30_000 }).toContain('ETH/USDT · binance');
    const restored = await waitForPanel(app.workbench, 'ETH/USDT 5m restored', (s) => s.market?.symbol === 'ETH/USDT' && s.timeframe === '5m');
    expect(restored.market).toMatchObject({ exchange: 'binance', symbol: 'ETH/USDT' });
    // The pin set before the reload holds after it.
    await waitForPanel(app.workbench, 'the pin restored', (s) => s.pace.pinned);
    await app.workbench.screenshot('restored-after-reload');

    await app.workbench.runCommand('Orderscope: Remove Price Alert...');
    await app.workbench.quickInput.waitFor({ state: 'visible' });
    const label = `BTC/USDT crosses above ${ALERT_PRICE}`;
    await expect
      .poll(() => app.workbench.quickInputRows.evaluateAll((rows) => rows.map((row) => row.querySelector('.label-name')?.textContent ?? '')), { timeout: 30_000 })
      .toContain(label);
    await app.workbench.closeQuickInput();
  }, E2E_TIMEOUTS.testMs);
});
