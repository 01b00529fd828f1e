/**
 * The watchlist view, recording and replay, as a user sees them, on the built-in simulator (no
 * network): the Orderscope activity-bar view lists SIM/USDT with a live price, its inline actions
 * open the chart and remove the row; Start Recording writes the demo chart's market to an
 * order-flow SQLite database chosen in the save dialog (a "REC" status-bar item counts events);
 * Replay Recording... of that database draws a chart under a progress notification, in a tab named
 * after the file; the replay's commands and toolbar change its speed, jump back, pause and resume.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { answerFileDialog } from './fileDialog';
import { Database } from 'node-sqlite3-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TIMEOUTS } from './codeServerSession';
import { useExtensionWindow } from './extensionWindow';
import { editorTabs, waitForPanel } from './panelProbe';

/** "REC SIM/USDT · 123 events" (the codicon renders as an icon, not text). */
const REC_TEXT = /REC SIM\/USDT · (\d+) events/;

describe('watchlist, recording and replay on the simulator, in a real VS Code', () => {
  let recordingDir: string;
  let recordingPath: string;
  let recordedEvents = 0;

  beforeAll(() => {
    recordingDir = mkdtempSync(join(tmpdir(), 'orderscope-e2e-recording-'));
    recordingPath = join(recordingDir, 'sim-recording.db');
  });

  afterAll(() => {
    if (recordingDir) rmSync(recordingDir, { recursive: true, force: true });
  });

  const app = useExtensionWindow('record', () => ({
    'orderscope.exchange': 'simulator',
    'orderscope.symbol': 'SIM/USDT',
    'orderscope.statusBar.symbols': ['SIM/USDT'],
  }));

  it('the Orderscope view lists SIM/USDT with a live price; its inline actions open the chart and remove the row', async () => {
    await app.workbench.page.locator('.activitybar .action-item a[aria-label^="Orderscope"], .activitybar .action-item .action-label[aria-label^="Orderscope"]').first().click();
    const view = app.workbench.page.locator('.pane', { has: app.workbench.page.locator('.pane-header', { hasText: /watchlist/i }) });
    await view.waitFor({ state: 'visible' });
    const row = view.locator('.monaco-list-row', { has: app.workbench.page.locator('.label-name', { hasText: /^SIM\/USDT$/ }) });
    await row.waitFor({ state: 'visible' });
    const description = row.locator('.label-description');
    // A price, then the 24h change: "100.12  ▲ +0.34%".
    await expect.poll(() => description.innerText(), { timeout: 10_000, interval: 200 }).toMatch(/^\d[\d,]*(\.\d+)?\s+[▲▼] [+-]?\d+\.\d{2}%/);
    console.log(`[record] watchlist row: SIM/USDT "${await description.innerText()}"`);
    await app.workbench.screenshot('watchlist');

    await row.hover();
    await row.locator('.actions .action-label[aria-label="Open Chart"]').click();
    await expect.poll(() => editorTabs(app.workbench), { timeout: 30_000 }).toContain('SIM/USDT · simulator');
    const chart = await waitForPanel(app.workbench, 'SIM/USDT candles', (s) => s.market?.symbol === 'SIM/USDT' && s.candles.count > 0);
    expect(chart.market?.exchange).toBe('simulator');

    await row.hover();
    await row.locator('.actions .action-label[aria-label="Remove from Watchlist"]').click();
    await row.waitFor({ state: 'detached' });
    expect(await view.locator('.monaco-list-row .label-name').allInnerTexts()).not.toContain('SIM/USDT');
    await app.workbench.screenshot('watchlist-removed');
  }, E2E_TIMEOUTS.testMs);

  it('Start Recording writes the demo chart to the .db typed in the save dialog, counted in the status bar', async () => {
    await app.workbench.runCommand('Orderscope: Open Demo');
    await waitForPanel(app.workbench, 'SIM/USDT live', (s) => s.market?.symbol === 'SIM/USDT' && s.candles.count > 0 && s.book.valid);

    await app.workbench.runCommand('Orderscope: Start Recording');
    await answerFileDialog(app.workbench, recordingPath, ['..'], 'save-dialog');
    const rec = app.workbench.statusBarItem(REC_TEXT);
    await rec.waitFor({ state: 'visible' });
    const countShown = async (): Promise<number> => Number(REC_TEXT.exec(await rec.innerText())?.[1] ?? NaN);
    const first = await countShown();
    await expect.poll(countShown, { timeout: 15_000, interval: 250 }).toBeGreaterThan(first + 10);
    const later = await countShown();
    console.log(`[record] status bar: ${first} events, then ${later}`);
    await app.workbench.screenshot('recording');

    await app.workbench.runCommand('Orderscope: Stop Recording');
    const toast = app.workbench.page.locator('.notification-toast', { hasText: /recorded \d+ events to/ });
    await toast.waitFor({ state: 'visible' });
    const message = await toast.innerText();
    recordedEvents = Number(/recorded (\d+) events/.exec(message)?.[1]);
    expect(recordedEvents).toBeGreaterThanOrEqual(later);
    expect(message).toContain(recordingPath);
    await expect.poll(() => app.workbench.statusBarItem(REC_TEXT).count()).toBe(0);
    await app.workbench.screenshot('recorded');

    // The database, read as another tool would: trades and book snapshots with sane prices.
    expect(statSync(recordingPath).size).toBeGreaterThan(0);
    const db = new Database(recordingPath, { readOnly: true });
    try {
      const trades = db.all('SELECT instrument, price, size, side, timestamp FROM trades ORDER BY id');
      const books = db.all('SELECT instrument, bids, asks, timestamp FROM book ORDER BY id');
      expect(trades.length).toBeGreaterThan(0);
      expect(books.length).toBeGreaterThan(0);
      for (const book of books) {
        expect(book.instrument).toBe('SIM/USDT');
        expect(Date.parse(String(book.timestamp))).not.toBeNaN();
        const bids = JSON.parse(String(book.bids)) as number[][];
        const asks = JSON.parse(String(book.asks)) as number[][];
        expect(bids.length).toBeGreaterThan(0);
        expect(asks.length).toBeGreaterThan(0);
        // Best first: bids descend, asks ascend, and the book is not crossed.
        for (let i = 1; i < bids.length; i++) expect(bids[i]![0]!).toBeLessThan(bids[i - 1]![0]!);
        for (let i = 1; i < asks.length; i++) expect(asks[i]![0]!).toBeGreaterThan(asks[i - 1]![0]!);
        expect(bids[0]![0]!).toBeLessThan(asks[0]![0]!);
        for (const [price, size] of [...bids, ...asks]) {
          expect(price).toBeGreaterThan(0);
          expect(size).toBeGreaterThan(0);
        }
      }
      const mids = books.map((b) => ((JSON.parse(String(b.bids)) as number[][])[0]![0]! + (JSON.parse(String(b.asks)) as number[][])[0]![0]!) / 2);
      const low = Math.min(...mids);
      const high = Math.max(...mids);
      for (const trade of trades) {
        expect(trade.instrument).toBe('SIM/USDT');
        expect(['buy', 'sell']).toContain(trade.side);
        expect(Number(trade.size)).toBeGreaterThan(0);
        expect(Date.parse(String(trade.timestamp))).not.toBeNaN();
        // Trades print near the book recorded alongside them (the simulator moves ~0.1%/s at most).
        expect(Number(trade.price)).toBeGreaterThan(low * 0.95);
        expect(Number(trade.price)).toBeLessThan(high * 1.05);
      }
      console.log(`[record] ${recordingPath}: ${trades.length} trades, ${books.length} book rows, mid ${low}..${high}; ${recordedEvents} events`);
    } finally {
      db.close();
    }
  }, E2E_TIMEOUTS.testMs);

  it('Replay Recording... of that database at Maximum speed draws its chart under a progress notification', async () => {
    expect(recordedEvents).toBeGreaterThan(0);
    // Only the replay's panel open: the probe reads the one chart webview there is.
    await app.workbench.runCommand('View: Close All Editors');
    await expect.poll(() => editorTabs(app.workbench)).toEqual([]);
    await app.workbench.runCommand('Orderscope: Replay Recording...');
    await answerFileDialog(app.workbench, recordingPath, ['..', basename(recordingPath)], 'replay-dialog');
    // Watch for the progress notification before picking the speed: at Maximum it may be short.
    const progress = app.workbench.page
      .locator('.notification-toast', { hasText: 'Replaying sim-recording.db' })
      .waitFor({ state: 'visible', timeout: 30_000 })
      .then(() => true);
    await app.workbench.pickFromQuickPick('Maximum');
    expect(await progress).toBe(true);
    await app.workbench.screenshot('replay-progress');
    await expect.poll(() => editorTabs(app.workbench), { timeout: 30_000 }).toContain('sim-recording.db · replay');
    const replay = await waitForPanel(app.workbench, 'the replay with bars', (s) => s.market?.exchange === 'replay' && s.candles.count > 0);
    expect(replay.renderErrors).toBe(0);
    expect(replay.candles.last!.close).toBeGreaterThan(0);
    console.log(`[record] replay: ${replay.candles.count} bars, last close ${replay.candles.last?.close}, badge "${replay.badge.text}"`);
    await app.workbench.page.mouse.move(10, 450);
    await app.workbench.screenshot('replay');
  }, E2E_TIMEOUTS.testMs);

  it("the replay's commands and buttons: a slower speed, a refused jump, a jump back to the start, pause and resume, finished again", async () => {
    const frame = app.workbench.webviewFrame();
    const position = frame.locator('.replay-position');
    const play = frame.locator('.replay-play');
    await expect.poll(() => position.textContent(), { timeout: 30_000 }).toContain('finished');
    await app.workbench.runCommandAndPick('Orderscope: Replay Speed...', '0.5×');
    await app.workbench.fillCommandInput('Orderscope: Jump to Time in Replay...', 'Jump to Time in sim-recording.db', '-1h');
    await expect.poll(() => app.workbench.page.locator('.quick-input-widget .quick-input-message').innerText()).toContain('The recording starts at');
    await app.workbench.closeQuickInput();
    // The panel's slider: a click at its left end jumps back to the recording's first time.
    const slider = frame.locator('.replay-seek');
    const box = (await slider.boundingBox())!;
    await slider.click({ position: { x: 1, y: box.height / 2 } });
    await expect.poll(() => play.textContent(), { timeout: 20_000 }).toBe('❚❚');
    expect(await position.textContent()).not.toContain('finished');
    await play.click();
    const paused = await waitForPanel(app.workbench, 'the replay paused', (s) => s.badge.text === '❚❚ paused');
    expect(await play.textContent()).toBe('▶');
    expect(await frame.locator('.replay-speed').inputValue()).toBe('0.5');
    console.log(`[record] jumped back to the start, paused at "${await position.textContent()}", badge "${paused.badge.text}"`);
    await app.workbench.screenshot('replay-paused');
    await app.workbench.runCommand('Orderscope: Pause/Resume Replay');
    await expect.poll(() => position.textContent(), { timeout: 60_000 }).toContain('finished');
    await waitForPanel(app.workbench, 'the replay finished again', (s) => s.badge.text === '■ replay finished');
  }, E2E_TIMEOUTS.testMs);
});
