/**
 * A recording of a live Binance chart replays as it was shown, in a real VS Code against the fake
 * exchange (real Binance captures): Start Recording on the live BTC/USDT chart, about 14 s of market,
 * the exchange paused so that the panel's last picture is fixed, Stop Recording; then Replay
 * Recording... of the file at 1× and at Maximum. Each replay must say it finished and end with the
 * book, the candles and the tape the live panel showed at the stop. Both formats the save dialog
 * offers: the order-flow database (`.db`, its default, the best 20 levels a side) and the raw
 * capture (`.gz`, the whole book).
 *
 * What "equal" is, given that a replay knows nothing from before its recording started:
 * - the book: the replay's rows (price, size, cumulative) and ladder text equal the live panel's
 *   best rows, all 40 a side for `.gz`, the 20 a `.db` row holds;
 * - the candles: the recording runs over a minute boundary, so the last 1m bar is recorded from
 *   its first trade and equals the live one field by field; the replay has one bar per minute
 *   the recording touched (the first one only partly recorded, so not compared);
 * - the tape: every row shown (time, price, amount, side), the recording holding more trades than
 *   the tape shows.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeExchange } from '../fakeExchange/FakeExchange';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { groupBook, rowsAsNumbers, rowsAsText } from './bookReference';
import { E2E_TIMEOUTS, startCodeServerSession, type CodeServerSession } from './codeServerSession';
import { answerFileDialog, fillFileDialog } from './fileDialog';
import { packagedExtension } from './packagedExtension';
import { editorTabs, panelSnapshot, waitForPanel, type PanelSnapshot } from './panelProbe';
import { openWorkbench, type Workbench } from './workbench';

const CAPTURES = ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'];
/** Capture time played silently before serving: a few bars of history for the live chart. */
const PREPLAY_MS = 4 * 60_000;
/** How long each recording runs, in exchange time. */
const RECORD_MS = 12_000;
/**
 * The recording starts in this part of an exchange minute (the save dialog, filled before, is
 * accepted then), so that it runs over the next minute's start with RECORD_MS and the last bar's
 * LAST_BAR_MIN_MS ending together: about 14 s recorded, each also replayed at 1×. The 8 s left
 * before the minute's end are for the REC item to show (startedAt must be before it).
 */
const START_WINDOW_MS: readonly [number, number] = [50_000, 52_000];
/** Exchange playback speed while waiting for that window (a shorter wait; the capture lasts ~7 minutes). */
const FAST_FORWARD = 8;
/** Exchange time recorded after the last minute boundary at least: the last bar has trades. */
const LAST_BAR_MIN_MS = 5_000;
/** Book rows per side the live panel receives (the default of orderscope.ladder.rows). */
const LADDER_ROWS = 40;
/** Levels per side an order-flow database row holds (the recorder's default bookDepth). */
const DB_BOOK_DEPTH = 20;
const MINUTE_MS = 60_000;
const FINISHED_BADGE = '■ replay finished';

const FORMATS = [
  { ext: '.db', bookRows: DB_BOOK_DEPTH },
  { ext: '.gz', bookRows: LADDER_ROWS },
] as const;

/** The live panel as it was when its recording stopped. */
interface LiveAtStop {
  path: string;
  snapshot: PanelSnapshot;
  /** Exchange times of the recording's start (the REC item shown) and of its stop (exchange paused). */
  startedAt: number;
  stoppedAt: number;
  events: number;
}

interface Kline {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

async function lastKline(ex: FakeExchange): Promise<Kline> {
  const response = await fetch(`${ex.httpUrl}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1`);
  const [[openTime, open, high, low, close]] = (await response.json()) as [number, string, string, string, string][];
  return { openTime, open: Number(open), high: Number(high), low: Number(low), close: Number(close) };
}

/** The exchange's newest trade, as `/api/v3/trades` gives it. */
interface RecentTrade {
  price: string;
  qty: string;
  isBuyerMaker: boolean;
}

async function newestTrade(ex: FakeExchange): Promise<RecentTrade> {
  const response = await fetch(`${ex.httpUrl}/api/v3/trades?symbol=BTCUSDT&limit=1`);
  const [trade] = (await response.json()) as RecentTrade[];
  return trade!;
}

/** A tape row ([time, price, size, side]) shows `trade` (the taker's side: a buyer maker is a sell). */
function isTapeRowOf(row: string[] | undefined, trade: RecentTrade): boolean {
  return row !== undefined && Number(row[1]) === Number(trade.price) && Number(row[2]) === Number(trade.qty) && row[3] === (trade.isBuyerMaker ? 'sell' : 'buy');
}

/** Numbers equal to 1e-9 relative (the panel sums float sizes; the reference is exact). */
function closeRows(shown: number[][], expected: number[][]): boolean {
  return shown.length === expected.length && shown.every((row, r) => row.every((x, c) => Math.abs(x - expected[r]![c]!) <= 1e-9 * Math.max(1, Math.abs(expected[r]![c]!))));
}

describe.skipIf(!hasSharedData(...CAPTURES))('a recording of a live binance chart replays as it was shown, in a real VS Code', () => {
  let ex: FakeExchange;
  let session: CodeServerSession;
  let workbench: Workbench;
  let recordingDir: string;
  const live = new Map<string, LiveAtStop>();

  /** Exchange time of the last event the fake exchange played. */
  const exchangeTime = (): number => ex.binance!.serverTime;

  beforeAll(async () => {
    recordingDir = mkdtempSync(join(tmpdir(), 'orderscope-e2e-record-live-'));
    ex = await FakeExchange.start({ okx: false, startPaused: true, binance: { captures: CAPTURES.map(sharedDataPath), preplayMs: PREPLAY_MS } });
    ex.resume();
    session = await startCodeServerSession({
      name: 'record-live',
      vsixPaths: [await packagedExtension()],
      userSettings: {
        'orderscope.exchange': 'binance',
        'orderscope.symbol': 'BTC/USDT',
        'orderscope.statusBar.symbols': [],
        'orderscope.network.endpoints': { binance: { ...ex.ccxtConfig('binance'), rateLimit: 10 } },
      },
    });
    workbench = await openWorkbench(session);
  }, E2E_TIMEOUTS.setupMs);

  afterAll(async () => {
    await workbench?.close();
    await session?.stop();
    await ex?.stop();
    if (recordingDir) rmSync(recordingDir, { recursive: true, force: true });
  }, E2E_TIMEOUTS.teardownMs);

  /** Waits (polling the exchange's clock) until `ready(exchange time)` holds. */
  async function untilExchangeTime(what: string, ready: (time: number) => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready(exchangeTime())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; exchange time ${new Date(exchangeTime()).toISOString()}`);
      await workbench.page.waitForTimeout(100);
    }
  }

  /**
   * With the exchange paused: waits until the panel shows exactly the exchange's state (its book's
   * best 40 levels a side in the model and the ladder, the last bar equal to its kline, its newest
   * trade on top of the tape) and returns that snapshot: what the user saw when the recording
   * stopped. (The last trades often print at the close: the bar can be final before the tape is.)
   */
  async function panelEqualToPausedExchange(): Promise<PanelSnapshot> {
    const reference = groupBook(ex.bookSnapshot('BTCUSDT'), '0.01', 1, LADDER_ROWS);
    const bidText = rowsAsText(reference.bids, 2, 5);
    const askText = rowsAsText(reference.asks, 2, 5);
    const kline = await lastKline(ex);
    const trade = await newestTrade(ex);
    const shown = await waitForPanel(
      workbench,
      'the live panel equal to the paused exchange',
      (s) =>
        closeRows(s.book.bids, rowsAsNumbers(reference.bids)) &&
        closeRows(s.book.asks, rowsAsNumbers(reference.asks)) &&
        s.ladder.bids.length > 0 &&
        JSON.stringify(s.ladder.bids) === JSON.stringify(bidText.slice(0, s.ladder.bids.length)) &&
        JSON.stringify(s.ladder.asks) === JSON.stringify(askText.slice(0, s.ladder.asks.length)) &&
        s.candles.last?.time === kline.openTime &&
        s.candles.last.close === kline.close &&
        isTapeRowOf(s.tape.rows[0], trade),
    );
    expect(shown.candles.last).toEqual({ time: kline.openTime, open: kline.open, high: kline.high, low: kline.low, close: kline.close });
    return shown;
  }

  /** Replays `recorded` at the speed labelled `speed` from the palette; returns the finished panel and the wall time it took. */
  async function replay(recorded: LiveAtStop, speed: '1×' | 'Maximum', finishWithinMs: number): Promise<{ shown: PanelSnapshot; wallMs: number }> {
    // Only the replay's panel open: the probe reads the one chart webview there is.
    await workbench.runCommand('View: Close All Editors');
    await expect.poll(() => editorTabs(workbench)).toEqual([]);
    await workbench.runCommand('Orderscope: Replay Recording...');
    await answerFileDialog(workbench, recorded.path, ['..', basename(recorded.path)]);
    await workbench.pickFromQuickPick(speed);
    const picked = Date.now();
    await expect.poll(() => editorTabs(workbench), { timeout: 30_000 }).toContain(`${basename(recorded.path)} · replay`);
    // Seen playing before it finishes (at 1×: the recording lasts tens of seconds).
    if (speed === '1×') {
      const playing = await waitForPanel(workbench, 'the replay playing', (s) => s.market?.exchange === 'replay' && s.candles.count > 0 && s.book.valid);
      expect(playing.badge.text).not.toBe(FINISHED_BADGE);
    }
    const shown = await waitForPanel(
      workbench,
      `the replay at ${speed} finished`,
      (s) => s.market?.exchange === 'replay' && s.badge.text === FINISHED_BADGE && s.badge.className.includes('state-finished'),
      finishWithinMs,
    );
    const wallMs = Date.now() - picked;
    // The panel is drawn from the last frame: read it once more after one more frame could land.
    await workbench.page.waitForTimeout(500);
    return { shown: (await panelSnapshot(workbench)) ?? shown, wallMs };
  }

  /** The replay's final panel against the live one at the stop (soft: one run names every difference). */
  function expectShownAsLive(shown: PanelSnapshot, recorded: LiveAtStop, bookRows: number, label: string): void {
    const was = recorded.snapshot;
    expect.soft(shown.market, 'the market and its precisions').toEqual({ ...was.market, exchange: 'replay' });
    expect.soft(shown.dropped, 'frames dropped').toBe(0);
    expect.soft(shown.renderErrors, 'render errors').toBe(0);
    // The book: the best rows the recording holds, in the model and as the ladder writes them.
    expect.soft(shown.book.valid, 'the book is valid').toBe(true);
    expect.soft(shown.book.bids, 'the book model\'s bids').toEqual(was.book.bids.slice(0, bookRows));
    expect.soft(shown.book.asks, 'the book model\'s asks').toEqual(was.book.asks.slice(0, bookRows));
    expect.soft(shown.ladder.bids, 'the ladder\'s bid rows').toEqual(was.ladder.bids.slice(0, Math.min(bookRows, shown.ladder.rowsPerSide)));
    expect.soft(shown.ladder.asks, 'the ladder\'s ask rows').toEqual(was.ladder.asks.slice(0, Math.min(bookRows, shown.ladder.rowsPerSide)));
    // The candles: the last bar (recorded from its open) field by field, one bar per minute recorded.
    const firstMinute = Math.floor(recorded.startedAt / MINUTE_MS) * MINUTE_MS;
    expect.soft(shown.candles.last, 'the last candle').toEqual(was.candles.last);
    expect.soft(shown.candles.count, 'one bar per minute recorded').toBe((was.candles.last!.time - firstMinute) / MINUTE_MS + 1);
    // The tape: every row shown.
    expect.soft(shown.tape.rows, 'the tape').toEqual(was.tape.rows);
    console.log(
      `[record-live] ${label}: book ${shown.book.bids.length}/${shown.book.asks.length} rows (ladder ${shown.ladder.bids.length}/${shown.ladder.asks.length}), ` +
        `${shown.candles.count} bars, last ${JSON.stringify(shown.candles.last)}, ${shown.tape.rows.length} tape rows, newest ${JSON.stringify(shown.tape.rows[0])}`,
    );
  }

  for (const format of FORMATS) {
    const path = (): string => join(recordingDir, format.ext.slice(1), `live${format.ext}`);

    it(`records the live BTC/USDT chart for ${RECORD_MS / 1000} s to ${format.ext} (Start Recording, the save dialog, Stop Recording)`, async () => {
      mkdirSync(dirname(path()), { recursive: true });
      ex.resume();
      // Only the live chart open (a replay panel left from the last format would be a second webview).
      await workbench.runCommand('View: Close All Editors');
      await expect.poll(() => editorTabs(workbench)).toEqual([]);
      await workbench.runCommand('Orderscope: Open Chart');
      await expect.poll(() => editorTabs(workbench), { timeout: 30_000 }).toEqual(['BTC/USDT · binance']);
      await waitForPanel(workbench, 'BTC/USDT live', (s) => s.market?.symbol === 'BTC/USDT' && s.candles.count > 0 && s.book.valid && s.badge.className.includes('state-live'), 60_000);

      // The save dialog is filled first (its UI takes seconds, more under load) and accepted in the
      // start window late in a minute, so that the recording runs over the next one's start.
      await workbench.runCommand('Orderscope: Start Recording');
      const dialogInput = await fillFileDialog(workbench, path(), ['..'], `save-dialog${format.ext.replace('.', '-')}`);
      ex.setSpeed(FAST_FORWARD);
      try {
        await untilExchangeTime('the start window', (t) => t % MINUTE_MS >= START_WINDOW_MS[0] && t % MINUTE_MS < START_WINDOW_MS[1], MINUTE_MS);
      } finally {
        ex.setSpeed(1);
      }
      await dialogInput.press('Enter');
      const rec = workbench.statusBarItem(/REC BTC\/USDT · \d+ events/);
      await rec.waitFor({ state: 'visible' });
      const startedAt = exchangeTime();
      const nextMinute = Math.floor(startedAt / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
      expect(nextMinute - startedAt, 'the REC item showed in the minute the dialog was accepted in').toBeLessThanOrEqual(MINUTE_MS - START_WINDOW_MS[0]);
      await untilExchangeTime('the end of the recording', (t) => t >= Math.max(startedAt + RECORD_MS, nextMinute + LAST_BAR_MIN_MS), RECORD_MS + MINUTE_MS);

      // Paused before stopping: what the panel shows now is the last thing recorded.
      ex.pause();
      const stoppedAt = exchangeTime();
      const snapshot = await panelEqualToPausedExchange();
      await workbench.screenshot(`live-at-stop${format.ext.replace('.', '-')}`);
      await workbench.runCommand('Orderscope: Stop Recording');
      const toast = workbench.page.locator('.notification-toast', { hasText: `to ${path()}` });
      await toast.waitFor({ state: 'visible' });
      const message = await toast.innerText();
      expect(message).toMatch(/recorded \d+ events to/);
      expect(message).not.toContain('could not be written');
      await expect.poll(() => workbench.statusBarItem(/REC BTC\/USDT/).count()).toBe(0);
      const events = Number(/recorded (\d+) events/.exec(message)![1]);
      expect(snapshot.tape.rows.length).toBeGreaterThan(5);
      expect(snapshot.candles.last!.time).toBe(nextMinute);
      live.set(format.ext, { path: path(), snapshot, startedAt, stoppedAt, events });
      console.log(
        `[record-live] ${format.ext}: recorded ${events} events over ${stoppedAt - startedAt} ms of exchange time ` +
          `(${new Date(startedAt).toISOString()} → ${new Date(stoppedAt).toISOString()}); live: ${snapshot.book.bids.length}/${snapshot.book.asks.length} book rows, ` +
          `ladder ${snapshot.ladder.rowsPerSide} rows a side, ${snapshot.candles.count} bars, last ${JSON.stringify(snapshot.candles.last)}, ${snapshot.tape.rows.length} tape rows`,
      );
    }, E2E_TIMEOUTS.testMs + 2 * MINUTE_MS);

    it(`the ${format.ext} recording replayed at 1× takes the recorded time, finishes and shows the live book, last candle and tape`, async () => {
      const recorded = live.get(format.ext);
      expect(recorded, 'the recording test ran').toBeDefined();
      const spanMs = recorded!.stoppedAt - recorded!.startedAt;
      const { shown, wallMs } = await replay(recorded!, '1×', 2 * spanMs + 30_000);
      expectShownAsLive(shown, recorded!, format.bookRows, `${format.ext} at 1× (${wallMs} ms for ${spanMs} ms recorded)`);
      // Timed on the exchange's clock: about the recorded span, neither instant nor stretched.
      expect(wallMs).toBeGreaterThan(spanMs * 0.8);
      expect(wallMs).toBeLessThan(spanMs * 1.5 + 10_000);
      await workbench.page.mouse.move(10, 450);
      await workbench.screenshot(`replay-1x${format.ext.replace('.', '-')}`);
    }, E2E_TIMEOUTS.testMs);

    it(`the ${format.ext} recording replayed at Maximum finishes and shows the live book, last candle and tape`, async () => {
      const recorded = live.get(format.ext);
      expect(recorded, 'the recording test ran').toBeDefined();
      const { shown, wallMs } = await replay(recorded!, 'Maximum', 30_000);
      expectShownAsLive(shown, recorded!, format.bookRows, `${format.ext} at Maximum (${wallMs} ms)`);
      await workbench.page.mouse.move(10, 450);
      await workbench.screenshot(`replay-max${format.ext.replace('.', '-')}`);
    }, E2E_TIMEOUTS.testMs);
  }
});
