/**
 * The chart panel as a trader uses it (issue 11), in a real VS Code fed by the local fake
 * exchange: a chart that cannot open (an unknown symbol) and its way out; the price-axis tags
 * named and taken from the raw book while the ladder groups rows; big trades and their sound
 * following settings changed while running; price alerts made, moved and removed on the chart;
 * the layout at 500, 800 and 1400 px in the dark and light themes; the status-bar pickers and
 * Switch Exchange with a chart focused. Then the order-flow layers (issue 12) turned on from the
 * command palette on the live chart, with footprint.display and profile.valueAreaPercent changed
 * while it runs.
 *
 * The tests run in order on one window; each leaves the state the next one starts from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeExchange } from '../fakeExchange/FakeExchange';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { formatUnits, groupBook, rowsAsText, toUnits } from './bookReference';
import { E2E_TIMEOUTS } from './codeServerSession';
import { useExtensionWindow } from './extensionWindow';
import { editorTabs, waitForPanel, type PanelSnapshot } from './panelProbe';
import { shownTicker } from './statusBarTicker';

const CAPTURES = ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'];
/** Capture time played silently before serving: a few 1m bars of history. */
const PREPLAY_MS = 4 * 60_000;
/** The symbol set in the user settings: the fake exchange lists only BTC/USDT and ETH/USDT. */
const UNKNOWN_SYMBOL = 'NOPE/USDT';
/** The ladder's Step chosen in the toolbar: 100 ticks of 0.01, rows of 1.00. */
const BIG_STEP = 100;
const LADDER_ROWS = 40;
/** The Step of the footprint's rows in the order-flow test: 1000 ticks, rows of 10.00. */
const FOOTPRINT_STEP = 1000;
const DARK = 'Default Dark Modern';
/** The light theme as the Color Theme picker names it. */
const LIGHT = 'Light Modern';

/** What this file reads of the debug hook's snapshot beyond {@link PanelSnapshot}. */
interface TraderSnapshot extends PanelSnapshot {
  openFailure: string;
  ladder: PanelSnapshot['ladder'] & { spread: string; step: string };
  tape: { rows: string[][]; big: number; threshold: number };
  depth: { style: { width: number; visible: boolean }; tags: { text: string; y: number; visible: boolean }[] };
  paneWidth: number;
  theme: { kind: string; background: string };
  layout: { mode: 'wide' | 'compact' | 'stacked'; tab: string; overflow: string[] };
  alerts: { id: string; price: number; y: number | null; tag: string; closeX: number }[];
  tradeMarks: { threshold: number; held: number; visible: number; marks: { amount: number; x: number | null; y: number | null }[] };
  sound: { settings: { bigTrades: boolean; alerts: boolean; volume: number }; ticks: number; skipped: number };
  heatmap: { held: number; drawn: boolean; sizedPixels: number };
  footprint: { held: number; display: string; bars: number; textCells: number; barSpacing: number; nakedPocsFound: number; shown: { time: number; rows: [number, ...string[]][]; poc: number }[] };
  profile: { drawn: boolean; bars: number; valueAreaShare: number; rows: [number, number, number][]; valueAreaLow: number; valueAreaHigh: number; label: string };
}

describe.skipIf(!hasSharedData(...CAPTURES))('the chart panel as a trader uses it, in a real VS Code', () => {
  let ex: FakeExchange;
  beforeAll(async () => {
    ex = await FakeExchange.start({ okx: false, binance: { captures: CAPTURES.map(sharedDataPath), preplayMs: PREPLAY_MS } });
  }, E2E_TIMEOUTS.setupMs);

  afterAll(async () => {
    await ex?.stop();
  }, E2E_TIMEOUTS.teardownMs);

  const app = useExtensionWindow('trader', () => ({
    'workbench.colorTheme': DARK,
    'orderscope.exchange': 'binance',
    'orderscope.symbol': UNKNOWN_SYMBOL,
    'orderscope.statusBar.symbols': [],
    'orderscope.network.endpoints': { binance: { ...ex.ccxtConfig('binance'), rateLimit: 10 } },
  }));

  const panel = (what: string, ready: (s: TraderSnapshot) => boolean, timeoutMs?: number): Promise<TraderSnapshot> =>
    waitForPanel(app.workbench, what, (s) => ready(s as TraderSnapshot), timeoutMs) as Promise<TraderSnapshot>;

  /**
   * Changes user settings while the window runs, as a user does: "Preferences: Open User Settings
   * (JSON)" (a modal editor over the chart), the whole text replaced, saved, closed. (code-server
   * does not notice the file written behind its back.)
   */
  async function changeUserSettings(patch: Record<string, unknown>): Promise<void> {
    const wb = app.workbench;
    const file = join(app.session.profile.userDataDir, 'User', 'settings.json');
    const next = { ...(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>), ...patch };
    const editor = wb.page.locator('.modal-editor-part .monaco-editor .view-lines');
    await wb.runCommand('Preferences: Open User Settings (JSON)');
    await editor.click();
    const keyboard = wb.page.keyboard;
    await keyboard.press('Control+A');
    await keyboard.press('Delete');
    await keyboard.insertText(JSON.stringify(next));
    // Brackets and quotes the editor closed by itself while the text went in land after the cursor.
    await keyboard.press('Shift+Control+End');
    await keyboard.press('Delete');
    await keyboard.press('Control+S');
    await expect.poll(() => JSON.parse(readFileSync(file, 'utf8')), { timeout: 10_000 }).toEqual(next);
    // Escape closes the modal editor (a first one may only close a suggestion the typing opened).
    await expect
      .poll(
        async () => {
          if ((await editor.count()) > 0) await keyboard.press('Escape');
          return editor.count();
        },
        { timeout: 10_000, interval: 250 },
      )
      .toBe(0);
  }

  /** The labels and descriptions of the open quick pick's rows, top to bottom. */
  async function quickPickRows(): Promise<{ label: string; description: string }[]> {
    return app.workbench.quickInputRows.evaluateAll((rows) =>
      rows
        .filter((row) => !row.classList.contains('quick-input-list-separator-as-item'))
        .map((row) => ({ label: row.querySelector('.label-name')?.textContent ?? '', description: row.querySelector('.label-description')?.textContent ?? '' })),
    );
  }

  /** Waits until the element's animations (a quick pick fading in) have finished, for a picture of it. */
  async function settled(element: Locator): Promise<void> {
    await element.evaluate((e) => Promise.all(e.getAnimations({ subtree: true }).map((a) => a.finished)));
  }

  /** Waits for a notification toast whose text contains `text`. */
  async function toast(text: string): Promise<void> {
    await app.workbench.page.locator('.notification-toast', { hasText: text }).first().waitFor({ state: 'visible', timeout: 15_000 });
  }

  it('a chart of a symbol the exchange does not list says so in the panel, and its Switch Symbol button opens a working chart', async () => {
    const wb = app.workbench;
    await wb.runCommand('Orderscope: Open Chart');
    const failed = await panel('the open failure shown in the panel', (s) => s.openFailure !== '');
    expect(failed.openFailure).toMatch(new RegExp(`^${UNKNOWN_SYMBOL.replace('/', '\\/')} on binance could not be opened — `));
    const frame = wb.webviewFrame();
    expect(await frame.locator('.open-failure-title').textContent()).toBe(`${UNKNOWN_SYMBOL} on binance could not be opened`);
    expect(await frame.locator('.open-failure-detail').textContent()).toBe(`binance does not list symbol ${UNKNOWN_SYMBOL}`);
    expect(await frame.locator('.panel').isVisible()).toBe(false);
    expect(await frame.locator('.badge').textContent()).toBe('error');
    await wb.screenshot('1-unknown-symbol');

    await frame.getByRole('button', { name: 'Switch Symbol…' }).click();
    await wb.pickFromQuickPick('BTC/USDT', 'BTC/USDT');
    await expect.poll(() => editorTabs(wb), { timeout: 30_000 }).toContain('BTC/USDT · binance');
    const live = await panel('BTC/USDT live in the same panel', (s) => s.market?.symbol === 'BTC/USDT' && s.candles.count > 0 && s.book.valid && s.badge.className.includes('state-live'));
    expect(live.openFailure).toBe('');
    expect(await frame.locator('.panel').isVisible()).toBe(true);
    expect(await frame.locator('.open-failure').isVisible()).toBe(false);
    expect(await editorTabs(wb)).not.toContain(`${UNKNOWN_SYMBOL} · binance`);
  }, E2E_TIMEOUTS.testMs);

  it('the price axis names its tags Last, Bid and Ask; with the ladder at a 100-tick Step, the spread and the Bid and Ask tags are the raw book\'s', async () => {
    const wb = app.workbench;
    await wb.webviewFrame().locator('select.grouping').selectOption(String(BIG_STEP));
    await panel(`ladder rows of ${BIG_STEP} ticks`, (s) => s.book.ticksPerRow === BIG_STEP);
    ex.pause();
    try {
      const book = ex.bookSnapshot('BTCUSDT');
      const [bidText] = book.bids[0]!;
      const [askText] = book.asks[0]!;
      const bid = toUnits(bidText);
      const ask = toUnits(askText);
      const spread = formatUnits(ask - bid, 2);
      const bps = ((Number(formatUnits(ask - bid, 8)) / ((Number(formatUnits(bid, 8)) + Number(formatUnits(ask, 8))) / 2)) * 1e4).toFixed(2);
      const grouped = groupBook(book, '0.01', BIG_STEP, LADDER_ROWS);
      const groupedBids = rowsAsText(grouped.bids, 2, 5);
      const groupedAsks = rowsAsText(grouped.asks, 2, 5);
      const shown = await panel('the paused exchange\'s book, grouped by 100 ticks in the ladder', (s) => {
        const tags = s.depth.tags.map((t) => t.text);
        return (
          tags.includes(`Bid ${formatUnits(bid, 2)}`) &&
          tags.includes(`Ask ${formatUnits(ask, 2)}`) &&
          JSON.stringify([s.ladder.bids[0], s.ladder.asks[0]]) === JSON.stringify([groupedBids[0], groupedAsks[0]])
        );
      });
      // Tags named, the touch's raw prices (not the grouped rows' edges), each on its own height.
      const tags = shown.depth.tags;
      expect(tags.map((t) => t.text.split(' ')[0])).toEqual(['Last', 'Bid', 'Ask']);
      expect(tags.every((t) => t.visible)).toBe(true);
      expect(tags[1]!.text).toBe(`Bid ${formatUnits(bid, 2)}`);
      expect(tags[2]!.text).toBe(`Ask ${formatUnits(ask, 2)}`);
      expect(tags[1]!.y).toBeGreaterThanOrEqual(tags[2]!.y);
      // The ladder's rows are grouped; the spread line is the raw book's.
      expect(shown.ladder.bids[0]).toEqual(groupedBids[0]);
      expect(shown.ladder.asks[0]).toEqual(groupedAsks[0]);
      // The test means something only when the grouped rows' spread is not the raw one.
      expect(toUnits(groupedAsks[0]![0]) - toUnits(groupedBids[0]![0])).not.toBe(ask - bid);
      expect(shown.ladder.spread).toBe(`spread ${spread} · ${bps} bps`);
      console.log(`[trader] raw touch ${bidText} / ${askText}, ladder rows ${groupedBids[0]![0]} / ${groupedAsks[0]![0]}; tags ${tags.map((t) => t.text).join(', ')}; "${shown.ladder.spread}"`);
      await wb.screenshot('2-axis-tags-step-100');
    } finally {
      ex.resume();
    }
  }, E2E_TIMEOUTS.testMs);

  it('tape.largeTradeThreshold changed while running: the tape highlights and the chart marks the trades at or above it; sound.bigTrades turned on reaches the panel, which ticks for big trades', async () => {
    const wb = app.workbench;
    // The ladder's layer off: the tape takes the whole column, and shows more trades.
    const ladderToggle = wb.webviewFrame().locator('button.toggle[data-layer="ladder"]');
    await ladderToggle.click();
    await expect.poll(() => ladderToggle.getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('false');
    try {
      const waitedFrom = Date.now();
      const withTrades = await panel('trades of five sizes in the tape', (s) => new Set(s.tape.rows.map((row) => row[2])).size >= 5);
      console.log(`[trader] ${withTrades.tape.rows.length} trades in the tape after ${Date.now() - waitedFrom} ms`);
      expect(withTrades.sound.settings.bigTrades).toBe(false);
      const sizes = [...new Set(withTrades.tape.rows.map((row) => Number(row[2])))].sort((a, b) => a - b);
      /** Big trades as the tape shows them: the rows at or above `threshold`, and the marks on the candles. */
      const expectFollows = async (threshold: number, patch: Record<string, unknown> = {}): Promise<TraderSnapshot> => {
        const editedAt = Date.now();
        await changeUserSettings({ 'orderscope.tape.largeTradeThreshold': threshold, ...patch });
        const s = await panel(`threshold ${threshold} in the tape and the marks`, (s) => s.tape.threshold === threshold && s.tradeMarks.threshold === threshold);
        const bigRows = s.tape.rows.filter((row) => Number(row[2]) >= threshold).length;
        expect(s.tape.big).toBe(bigRows);
        expect(s.tradeMarks.marks.every((m) => m.amount >= threshold)).toBe(true);
        expect(s.tradeMarks.held).toBeGreaterThanOrEqual(bigRows);
        console.log(`[trader] threshold ${threshold}${Object.keys(patch).length > 0 ? ` with ${JSON.stringify(patch)}` : ''} followed ${Date.now() - editedAt} ms after the edit began`);
        return s;
      };
      // Thresholds from the sizes shown: a high one few trades reach, then a low one most reach,
      // with the big trades' sound turned on in the same edit.
      const high = sizes.at(-2)!;
      const low = sizes[1]!;
      const few = await expectFollows(high);
      expect(few.sound.ticks).toBe(0); // the sound is off by default
      const many = await expectFollows(low, { 'orderscope.sound.bigTrades': true });
      expect(many.tradeMarks.held).toBeGreaterThan(few.tradeMarks.held);
      const heard = await panel('big trades drawn on the candles, the sound settings received, big trades ticking', (s) => s.tradeMarks.visible > 0 && s.sound.settings.bigTrades && s.sound.ticks > 0);
      expect(heard.tape.big).toBeGreaterThan(0);
      // The tape's empty box shows the setting's threshold, whole.
      expect(await wb.webviewFrame().locator('.tape-threshold input').getAttribute('placeholder')).toBe(String(low));
      expect(heard.sound.settings).toEqual({ bigTrades: true, alerts: false, volume: 0.5 });
      await wb.screenshot('3-big-trades');
      console.log(
        `[trader] thresholds ${high} (${few.tradeMarks.held} marks, ${few.tape.big} big rows) and ${low} (${many.tradeMarks.held} marks, ${many.tape.big} big rows); ` +
          `ticks ${heard.sound.ticks}, skipped by the rate limit ${heard.sound.skipped}`,
      );
    } finally {
      await ladderToggle.click();
      await expect.poll(() => ladderToggle.getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('true');
    }
  }, E2E_TIMEOUTS.testMs);

  it('an alert made from the chart\'s context menu is drawn as a line, dragged to another price, and removed with its ×', async () => {
    const wb = app.workbench;
    const chart = wb.webviewFrame().locator('.chart');
    ex.pause(); // no trade crosses the alert while it is edited
    try {
      const box = (await chart.boundingBox())!;
      const x = box.x + box.width * 0.35;
      const y = box.y + box.height * 0.25;
      await wb.page.mouse.click(x, y, { button: 'right' });
      const item = wb.webviewFrame().locator('.chart-menu [role="menuitem"]', { hasText: 'Add alert at' });
      await item.waitFor({ state: 'visible', timeout: 10_000 });
      const menuText = (await item.textContent()) ?? '';
      expect(menuText).toMatch(/^Add alert at \d+\.\d{2}$/);
      const price = Number(menuText.replace('Add alert at ', ''));
      await item.click();
      const added = await panel('the alert drawn', (s) => s.alerts.length === 1);
      const line = added.alerts[0]!;
      expect(line.price).toBe(price);
      expect(line.tag).toBe(`Alert ${menuText.replace('Add alert at ', '')}`);
      expect(Math.abs(box.y + line.y! - y)).toBeLessThanOrEqual(1);
      await wb.page.mouse.move(5, box.y + box.height / 2); // off the chart: no crosshair label over the alert's tag
      await wb.screenshot('4-alert-line');

      // Dragged 60 px down: the host stores the new price and the line is drawn there.
      await wb.page.mouse.move(x, box.y + line.y!);
      await wb.page.mouse.down();
      await wb.page.mouse.move(x, box.y + line.y! + 30, { steps: 5 });
      await wb.page.mouse.move(x, box.y + line.y! + 60, { steps: 5 });
      await wb.page.mouse.up();
      const moved = await panel('the alert moved', (s) => s.alerts.length === 1 && s.alerts[0]!.price < price);
      const movedLine = moved.alerts[0]!;
      expect(movedLine.id).toBe(line.id);
      expect(Math.abs(movedLine.y! - (line.y! + 60))).toBeLessThanOrEqual(2);
      await wb.page.mouse.move(5, box.y + box.height / 2);
      await wb.screenshot('4-alert-moved');
      // The stored alert is at the new price (the palette's list of alerts reads the store).
      await wb.runCommand('Orderscope: Remove Price Alert...');
      await wb.quickInput.waitFor({ state: 'visible' });
      await expect.poll(async () => (await quickPickRows()).map((r) => r.label.replace(/ (above|below) /, ' ')), { timeout: 10_000 }).toEqual([`BTC/USDT crosses ${movedLine.price}`]);
      await wb.closeQuickInput();

      await wb.page.mouse.click(box.x + movedLine.closeX, box.y + movedLine.y!);
      await panel('the alert removed', (s) => s.alerts.length === 0);
      console.log(`[trader] alert at ${price} (y ${line.y}) moved to ${movedLine.price} (y ${movedLine.y}), removed with its ×`);
    } finally {
      ex.resume();
    }
  }, E2E_TIMEOUTS.testMs);

  it('at 500, 800 and 1400 px, dark and light: the ladder and tape go into tabs and below, the toolbar stays one row, the chart stays wider than the overlay', async () => {
    const wb = app.workbench;
    const page = wb.page;
    const viewport = page.viewportSize()!;
    const webview = page.locator('iframe.webview.ready');
    const frame = wb.webviewFrame();
    await page.mouse.move(1, 1); // no crosshair in the pictures
    /** Whether the toolbar's visible items share one row (each overlaps every other vertically), and whether it overflows. */
    const toolbarRows = () =>
      frame.locator('header.toolbar').evaluate((bar) => {
        const shown = [...bar.children].filter((c) => c.getBoundingClientRect().width > 0 && c.getBoundingClientRect().height > 0);
        const boxes = shown.map((c) => c.getBoundingClientRect());
        return {
          oneRow: Math.max(...boxes.map((b) => b.top)) < Math.min(...boxes.map((b) => b.bottom)),
          items: shown.map((c, i) => `${c.className}@${Math.round(boxes[i]!.top)}-${Math.round(boxes[i]!.bottom)}`),
          overflows: bar.scrollWidth > bar.clientWidth,
        };
      });
    const resize = async (panelWidth: number): Promise<void> => {
      const shown = (await webview.boundingBox())!.width;
      await page.setViewportSize({ width: Math.round(page.viewportSize()!.width + panelWidth - shown), height: viewport.height });
      await expect.poll(async () => Math.abs((await webview.boundingBox())!.width - panelWidth), { timeout: 10_000 }).toBeLessThanOrEqual(2);
    };
    const expectLayout = async (panelWidth: number, theme: 'dark' | 'light'): Promise<void> => {
      await resize(panelWidth);
      const mode = panelWidth < 640 ? 'stacked' : panelWidth < 1000 ? 'compact' : 'wide';
      const s = await panel(`${mode} at ${panelWidth} px, ${theme}`, (s) => s.layout.mode === mode && s.theme.kind === theme && s.paneWidth > 0 && s.depth.style.width <= s.paneWidth * 0.25);
      const rows = await toolbarRows();
      expect(rows.oneRow, `the toolbar items on one row: ${rows.items.join(', ')}`).toBe(true);
      expect(rows.overflows).toBe(false);
      expect(await frame.locator('.side-tabs').isVisible()).toBe(mode !== 'wide');
      expect(await frame.locator('.toolbar .more').isVisible()).toBe(s.layout.overflow.length > 0);
      const chartBox = (await frame.locator('.chart').boundingBox())!;
      const sideBox = (await frame.locator('.side').boundingBox())!;
      if (mode === 'stacked') {
        expect(s.layout.overflow.length).toBeGreaterThan(0);
        expect(sideBox.y).toBeGreaterThanOrEqual(chartBox.y + chartBox.height - 1);
        expect(chartBox.width).toBeGreaterThan(panelWidth * 0.95);
      } else {
        expect(sideBox.x).toBeGreaterThanOrEqual(chartBox.x + chartBox.width - 1);
      }
      if (mode !== 'wide') {
        // The tabs show one of the two: the ladder now, the tape after a click.
        expect(await frame.locator('.ladder').isVisible()).toBe(s.layout.tab === 'ladder');
      } else {
        expect(await frame.locator('.ladder').isVisible()).toBe(true);
        expect(await frame.locator('.tape').isVisible()).toBe(true);
      }
      expect(s.paneWidth).toBeGreaterThan(3 * s.depth.style.width);
      // The legend ends before the price axis.
      const legend = (await frame.locator('.legend').boundingBox())!;
      expect(legend.x + legend.width).toBeLessThanOrEqual(chartBox.x + s.paneWidth);
      console.log(`[trader] ${panelWidth} px ${theme}: ${mode}, chart ${Math.round(chartBox.width)} px (pane ${s.paneWidth}, overlay ${s.depth.style.width}), toolbar menu ${JSON.stringify(s.layout.overflow)}`);
      await wb.screenshot(`5-${theme}-${panelWidth}`);
    };
    try {
      for (const width of [1400, 800, 500]) await expectLayout(width, 'dark');
      // At 500 px the tabs switch to the tape.
      await frame.locator('.side-tabs [data-tab="tape"]').click();
      const tape = await panel('the tape tab', (s) => s.layout.tab === 'tape');
      expect(await frame.locator('.tape').isVisible()).toBe(true);
      expect(await frame.locator('.ladder').isVisible()).toBe(false);
      expect(tape.tape.rows.length).toBeGreaterThan(0);
      await frame.locator('.side-tabs [data-tab="ladder"]').click();
      await wb.runCommandAndPick('Preferences: Color Theme', LIGHT, LIGHT);
      for (const width of [500, 800, 1400]) await expectLayout(width, 'light');
    } finally {
      await page.setViewportSize(viewport);
    }
  }, E2E_TIMEOUTS.testMs);

  it('with a chart focused, Add to and Remove from Status Bar offer its market first and say what they did; Switch Exchange marks the current exchange', async () => {
    const wb = app.workbench;
    // A second chart, of ETH/USDT, focused; BTC/USDT's opened first.
    await wb.runCommand('Orderscope: Open Chart');
    await panel('the unknown symbol again', (s) => s.openFailure !== '');
    await wb.webviewFrame().getByRole('button', { name: 'Switch Symbol…' }).click();
    await wb.pickFromQuickPick('ETH/USDT', 'ETH/USDT');
    await panel('ETH/USDT in the focused panel', (s) => s.market?.symbol === 'ETH/USDT');

    // Each picker shows the markets in this order (the first is the focused chart's); picks one.
    const pickAfter = async (command: string, title: string, shown: string[], pick: string, picture?: string): Promise<{ label: string; description: string }[]> => {
      for (let attempt = 1; ; attempt++) {
        await wb.runCommand(command);
        const picker = wb.quickInput.filter({ hasText: title });
        await picker.waitFor({ state: 'visible' });
        await expect.poll(async () => (await quickPickRows()).map((row) => row.label), { timeout: 10_000 }).toEqual(shown);
        const rows = await quickPickRows();
        if (picture !== undefined) {
          await settled(wb.quickInput);
          await wb.screenshot(picture);
        }
        try {
          await wb.pickQuickInputRow(pick, 5_000);
          return rows;
        } catch (error) {
          // The chart's webview can take the focus back as it loads, closing the picker: run it again.
          if (attempt >= 3 || (await picker.isVisible())) throw error;
        }
      }
    };

    // BTC/USDT's chart opened first; the focused ETH/USDT's is offered first.
    const offered = await pickAfter('Orderscope: Add to Status Bar', 'Add to Status Bar', ['ETH/USDT', 'BTC/USDT'], 'BTC/USDT', '6-add-to-status-bar');
    expect(offered.map((row) => /^binance\b/.test(row.description))).toEqual([true, true]);
    await toast('added BTC/USDT on binance to the status bar');
    await expect.poll(() => shownTicker(wb, 'binance', 'BTC/USDT'), { timeout: 15_000 }).not.toBeNull();

    await pickAfter('Orderscope: Add to Status Bar', 'Add to Status Bar', ['ETH/USDT'], 'ETH/USDT');
    await toast('added ETH/USDT on binance to the status bar');
    await expect.poll(() => shownTicker(wb, 'binance', 'ETH/USDT'), { timeout: 15_000 }).not.toBeNull();

    // The status bar lists BTC/USDT first; the picker offers the focused chart's ETH/USDT first.
    await pickAfter('Orderscope: Remove from Status Bar', 'Remove from Status Bar', ['ETH/USDT', 'BTC/USDT'], 'ETH/USDT', '6-remove-from-status-bar');
    await toast('removed ETH/USDT on binance from the status bar');
    await expect.poll(() => shownTicker(wb, 'binance', 'ETH/USDT'), { timeout: 15_000 }).toBeNull();
    expect(await shownTicker(wb, 'binance', 'BTC/USDT')).not.toBeNull();

    await wb.runCommand('Orderscope: Switch Exchange...');
    await wb.quickInput.filter({ hasText: 'Switch Exchange' }).waitFor({ state: 'visible' });
    await wb.quickInput.locator('input').fill('binance');
    // binance and its siblings (binanceus, binanceusdm, ...): only the chart's own is marked.
    await expect.poll(async () => (await quickPickRows()).length, { timeout: 15_000 }).toBeGreaterThan(2);
    const exchanges = await quickPickRows();
    expect(exchanges.filter((r) => r.description.startsWith('current')).map((r) => r.label)).toEqual(['binance']);
    await settled(wb.quickInput);
    await wb.screenshot('6-switch-exchange');
    await wb.closeQuickInput();
  }, E2E_TIMEOUTS.testMs);

  it('the heatmap, footprint and volume profile turned on from the command palette draw on the live chart; footprint.display and profile.valueAreaPercent changed while it runs apply at once', async () => {
    const wb = app.workbench;
    const page = wb.page;
    // Back to the BTC/USDT chart (the fake exchange streams only BTC/USDT).
    await page.locator('.tabs-container .tab', { hasText: 'BTC/USDT' }).click();
    await panel('the BTC/USDT chart, live', (x) => x.market?.symbol === 'BTC/USDT' && x.candles.count > 0);
    for (const layer of ['Toggle Liquidity Heatmap', 'Toggle Footprint', 'Toggle Volume Profile']) await wb.runCommand(`Orderscope: ${layer}`);
    let s = await panel(
      'heatmap columns coloured, footprint cells held, the profile in view drawn',
      (x) => x.heatmap.held > 0 && x.heatmap.drawn && x.heatmap.sizedPixels > 0 && x.footprint.held > 0 && x.profile.drawn && x.profile.rows.length > 0,
      30_000,
    );
    expect(s.profile.label).toMatch(/^Profile: in view/);
    expect(s.profile.valueAreaShare).toBeCloseTo(0.7, 9);
    // Zoomed in at the newest bar until bars are wide enough for the footprint's numbers.
    const chart = (await wb.webviewFrame().locator('.chart').boundingBox())!;
    await page.mouse.move(chart.x + s.paneWidth - s.depth.style.width - 40, chart.y + chart.height * 0.4);
    for (let k = 0; k < 40 && s.footprint.barSpacing < 70; k++) {
      await page.mouse.wheel(0, -300);
      s = await panel('the zoom applied', () => true);
    }
    await page.mouse.move(1, 1); // no crosshair in the pictures
    // Rows of 10.00: tall enough for their numbers on these minutes (they trade over 100 to 250).
    await wb.webviewFrame().locator('select.grouping').selectOption(String(FOOTPRINT_STEP));
    s = await panel('footprint cells with numbers, sell × buy', (x) => x.footprint.display === 'bidAsk' && x.footprint.bars > 0 && x.footprint.textCells > 0);
    const bidAsk = s.footprint.shown.at(-1)!;
    expect(bidAsk.rows.every((row) => row.length === 3)).toBe(true);
    await wb.screenshot('7-order-flow-light');

    await changeUserSettings({ 'orderscope.footprint.display': 'delta', 'orderscope.profile.valueAreaPercent': 90 });
    s = await panel('the footprint in delta, the value area at 90 %', (x) => x.footprint.display === 'delta' && x.footprint.textCells > 0 && Math.abs(x.profile.valueAreaShare - 0.9) < 1e-9);
    const delta = s.footprint.shown.at(-1)!;
    // One signed number per row: buy − sell.
    expect(delta.rows.every((row) => row.length === 2 && /^([+−]|0$)/.test(row[1]!))).toBe(true);
    // The value area holds at least 90 % of the profile's volume.
    const volume = (rows: [number, number, number][], low = -Infinity, high = Infinity): number => rows.filter(([price]) => price >= low && price <= high).reduce((sum, [, buy, sell]) => sum + buy + sell, 0);
    expect(volume(s.profile.rows, s.profile.valueAreaLow, s.profile.valueAreaHigh)).toBeGreaterThanOrEqual(0.9 * volume(s.profile.rows) - 1e-9);
    await wb.runCommandAndPick('Preferences: Color Theme', 'Dark Modern', 'Dark Modern');
    await panel('dark', (x) => x.theme.kind === 'dark');
    await wb.screenshot('7-order-flow-delta-dark');
    console.log(
      `[trader] order flow: heatmap ${s.heatmap.held} columns, footprint ${s.footprint.held} bars (${s.footprint.bars} drawn at ${s.footprint.barSpacing.toFixed(0)} px, ${s.footprint.nakedPocsFound} naked POCs), ` +
        `profile of ${s.profile.bars} bars, value area ${s.profile.valueAreaLow}..${s.profile.valueAreaHigh}; newest bar in delta: ${JSON.stringify(delta.rows.slice(0, 4))}`,
    );
  }, E2E_TIMEOUTS.testMs);
});
