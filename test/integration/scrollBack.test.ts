/**
 * Scrolling back on a live chart: a real chart panel (behind a recording stand-in for VS Code's
 * webview), a real session and the live ccxt feed against the fake Binance, which serves klines
 * built from a real capture. The "webview" asks `loadOlder` with its oldest bar as the user
 * scrolling to the left edge does, and keeps every bar it is sent.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';

vi.mock('vscode', async () => (await import('../support/chartPanelHarness')).vscodeModule());

import * as vscode from 'vscode';
import { FakeExchange } from '../fakeExchange/FakeExchange';
import { fakeFocus, fakeWebviewPanel } from '../support/chartPanelHarness';
import { fakeLiveOptions, waitFor } from '../support/fakeLiveFeed';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { BAR_STRIDE, type HistoryMessage } from '../../src/engine/protocol';
import { ChartPanel } from '../../src/extension/panel/chartPanel';
import { Pulse } from '../../src/extension/pulse';
import { readSettings } from '../../src/extension/settings/settingsModel';
import { CcxtLiveSource } from '../../src/feeds/ccxt/ccxtLiveSource';
import { AlertController } from '../../src/extension/alerts/alertController';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';

const CAPTURES = ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'];
const dataPresent = hasSharedData(...CAPTURES);
/** Bars per page the session asks its feed for (history.bars) and per fetchOHLCV request. */
const HISTORY_BARS = 25;
const PAGE_LIMIT = 8;

const warnings: string[] = [];
const log = { info() {}, warn: (m: string) => warnings.push(m), error() {} } as unknown as vscode.LogOutputChannel;

/** A webview stand-in: acks every frame and keeps the bars it is sent, by open time. */
function fakeWebview() {
  const bars = new Map<number, number[]>();
  const webview = fakeWebviewPanel((message) => {
    if (message.type === 'init') bars.clear();
    if (message.type !== 'init' && message.type !== 'frame' && message.type !== 'history') return;
    const packed = message.bars;
    for (let i = 0; i < packed.length; i += BAR_STRIDE) bars.set(packed[i]!, Array.from(packed.subarray(i, i + BAR_STRIDE)));
  });
  const histories = (): HistoryMessage[] => webview.posted.filter((m): m is HistoryMessage => m.type === 'history');
  return {
    ...webview,
    bars,
    histories,
    /** Asks for older bars before the oldest held (the user at the left edge); resolves with the answer. */
    async scrollBack(timeoutMs = 10_000): Promise<HistoryMessage> {
      const answered = histories().length;
      webview.send({ type: 'loadOlder', before: Math.min(...bars.keys()) });
      await waitFor('a history page', () => histories().length > answered, timeoutMs);
      return histories()[answered]!;
    },
  };
}

/** The server's 1s klines from `startTime` on: [openTime, o, h, l, c, volume]. */
async function serverKlines(ex: FakeExchange, startTime = 0): Promise<number[][]> {
  const response = await fetch(`${ex.httpUrl}/api/v3/klines?symbol=BTCUSDT&interval=1s&startTime=${startTime}&limit=1000`);
  return ((await response.json()) as (string | number)[][]).map((row) => row.slice(0, 6).map(Number));
}

const klineRequests = (ex: FakeExchange): number => ex.requestLog.filter((r) => r.path.includes('/klines')).length;

describe.skipIf(!dataPresent)('scrolling back on a live chart (fake Binance, real capture)', () => {
  let ex: FakeExchange;
  let source: CcxtLiveSource;
  const pulse = new Pulse((error) => {
    throw error;
  });
  const focus = fakeFocus();

  beforeAll(async () => {
    // Two minutes of the capture played before the chart opens: about 120 one-second klines.
    ex = await FakeExchange.start({ speed: 10, startPaused: true, okx: false, binance: { captures: CAPTURES.map(sharedDataPath), preplayMs: 120_000 } });
    source = new CcxtLiveSource(fakeLiveOptions(ex, { historyPageLimit: PAGE_LIMIT }));
  });

  afterAll(async () => {
    pulse.dispose();
    await source?.close();
    await ex?.stop();
  });

  /** A chart of BTC/USDT 1s on its own registry (engine candle capacity `capacity`), its history loaded. */
  async function openChart(capacity = 20_000) {
    const registry = new SessionRegistry({ createFeed: source.createFeed, session: { timeframe: '1s', historyBars: HISTORY_BARS, market: { candleCapacity: capacity } } });
    const webview = fakeWebview();
    const view = { timeframe: '1s', layers: { volume: true, depth: true, ladder: true, tape: true }, ticksPerRow: 1, indicators: [], pinned: false };
    const chart = new ChartPanel(webview.panel, { exchange: 'binance', symbol: 'BTC/USDT' }, view, registry, readSettings(() => undefined).settings, {} as vscode.Uri, log, { pulse, focus, alerts: new AlertController({ get: () => undefined, update: async () => undefined } as unknown as vscode.Memento, registry, log) });
    webview.send({ type: 'ready' });
    await waitFor('the loaded history in the panel', () => webview.bars.size >= HISTORY_BARS, 10_000);
    const close = async () => {
      chart.dispose();
      await registry.dispose();
    };
    return { webview, close };
  }

  test('pages older bars in, each equal to the exchange\'s klines, until the start of its data, which the panel is told', async () => {
    const { webview, close } = await openChart();
    try {
      const pages: { bars: number; ms: number }[] = [];
      let last: HistoryMessage;
      for (;;) {
        const started = performance.now();
        last = await webview.scrollBack();
        pages.push({ bars: last.bars.length / BAR_STRIDE, ms: Math.round(performance.now() - started) });
        if (!last.hasOlder) break;
        expect(last.failed).toBeNull();
        expect(pages.length).toBeLessThan(20);
      }
      console.log('scroll-back pages (bars, ms)', JSON.stringify(pages));
      expect(last).toMatchObject({ hasOlder: false, historyEnd: 'source', failed: null });
      // Every page but the last (the source's end) carried a full page of bars.
      expect(pages.slice(0, -2).every((page) => page.bars === HISTORY_BARS)).toBe(true);
      expect(pages.length).toBeGreaterThanOrEqual(4);
      const server = await serverKlines(ex);
      const held = [...webview.bars.values()].sort((a, b) => a[0]! - b[0]!);
      // From the exchange's first bar on, the panel holds exactly the exchange's bars.
      expect(held[0]![0]).toBe(server[0]![0]);
      const newestClosed = held.at(-2)![0]!;
      expect(held.slice(0, -1)).toEqual(server.filter((row) => row[0]! <= newestClosed));
      // Scrolling again at the end asks the exchange nothing more.
      const requests = klineRequests(ex);
      expect(await webview.scrollBack()).toMatchObject({ hasOlder: false, historyEnd: 'source' });
      expect(klineRequests(ex)).toBe(requests);
    } finally {
      await close();
    }
  });

  test('stops at the memory bound (the engine\'s candle capacity) and says so', async () => {
    const capacity = 60;
    const { webview, close } = await openChart(capacity);
    try {
      const pages: number[] = [];
      let last: HistoryMessage;
      do {
        last = await webview.scrollBack();
        pages.push(last.bars.length / BAR_STRIDE);
        expect(pages.length).toBeLessThan(10);
      } while (last.hasOlder);
      // 25 loaded, then 25 and the 10 that fit, which fill the ring.
      expect(pages).toEqual([25, 10]);
      expect(last).toMatchObject({ hasOlder: false, historyEnd: 'memory', failed: null });
      const requests = klineRequests(ex);
      expect(await webview.scrollBack()).toMatchObject({ bars: new Float64Array(0), hasOlder: false, historyEnd: 'memory' });
      expect(klineRequests(ex)).toBe(requests);
      const server = await serverKlines(ex);
      const held = [...webview.bars.values()].sort((a, b) => a[0]! - b[0]!);
      expect(held).toHaveLength(capacity);
      expect(held.slice(0, -1)).toEqual(server.filter((row) => row[0]! >= held[0]![0]! && row[0]! < held.at(-1)![0]!));
    } finally {
      await close();
    }
  });

  test('a failing exchange is reported to the panel (not silent), one request at a time; scrolling again succeeds', async () => {
    const { webview, close } = await openChart();
    try {
      ex.throttle(1000);
      const started = performance.now();
      const failed = await webview.scrollBack();
      const failedMs = Math.round(performance.now() - started);
      expect(failed.bars).toHaveLength(0);
      expect(failed.hasOlder).toBe(true);
      expect(failed.historyEnd).toBeNull();
      expect(failed.failed).toMatch(/rate limited.*3 attempts/);
      expect(warnings.some((w) => w.includes('earlier history not loaded'))).toBe(true);
      ex.throttle(0);

      // Two asks while one page is in flight share its requests: 25 bars in requests of 8.
      const before = klineRequests(ex);
      const answered = webview.histories().length;
      const oldest = Math.min(...webview.bars.keys());
      webview.send({ type: 'loadOlder', before: oldest });
      webview.send({ type: 'loadOlder', before: oldest });
      await waitFor('both answered', () => webview.histories().length === answered + 2, 10_000);
      const [first, second] = webview.histories().slice(answered);
      expect(first!.bars.length / BAR_STRIDE).toBe(HISTORY_BARS);
      // The same page is not sent twice: the second answer is empty and says more may come.
      expect(second).toMatchObject({ bars: new Float64Array(0), hasOlder: true, historyEnd: null, failed: null });
      expect(klineRequests(ex) - before).toBe(Math.ceil(HISTORY_BARS / PAGE_LIMIT));
      console.log(`failed page reported after ${failedMs} ms (3 attempts, throttled backoff)`);
    } finally {
      ex.throttle(0);
      await close();
    }
  });
});
