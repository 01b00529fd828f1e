/**
 * Settings that apply live to an open chart (a real session behind a recording stand-in for VS
 * Code's webview panel, time on vitest's fake clock): `depth.windowPercent` bounds the book
 * window the panel receives, `depth.overlayWidth` and `tape.largeTradeThreshold` reach the
 * webview in the init, `indicatorParameters.imbalanceDepth` sets the levels the imbalance
 * measures, and `history.bars` makes open charts reload that many bars (a replay and a
 * ticker-only session are left alone).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('vscode', async () => (await import('../support/chartPanelHarness')).vscodeModule());

import type * as vscode from 'vscode';
import { BOOK_STRIDE, parseHostMessage, ProtocolError } from '../../src/engine/protocol';
import { ChartPanel } from '../../src/extension/panel/chartPanel';
import { Pulse } from '../../src/extension/pulse';
import { readSettings } from '../../src/extension/settings/settingsModel';
import { AlertController } from '../../src/extension/alerts/alertController';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import { fakeFocus, fakeWebviewPanel, silentLog as log } from '../support/chartPanelHarness';
import { ScriptedFeed } from '../support/scriptedFeed';

const settings = (more: Record<string, unknown> = {}) => readSettings((key) => more[key]).settings;




const BIDS = [[100, 1], [99.5, 2], [99, 3], [95, 4], [80, 5]];
const ASKS = [[101, 1], [101.5, 1], [103, 1], [120, 1]];

describe('settings applied to an open chart', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function openPanel(more: Record<string, unknown>) {
    let feed: ScriptedFeed | undefined;
    const registry = new SessionRegistry({ createFeed: (key, demand) => (feed = new ScriptedFeed(key, demand)) });
    const pulse = new Pulse((error) => {
      throw error;
    });
    const webview = fakeWebviewPanel();
    const view = { timeframe: '1m', layers: { volume: true, depth: true, ladder: true, tape: true }, ticksPerRow: 1, indicators: [], pinned: false };
    const chart = new ChartPanel(webview.panel, { exchange: 'fake', symbol: 'BTC/USDT' }, view, registry, settings(more), {} as vscode.Uri, log, { pulse, focus: fakeFocus(), alerts: new AlertController({ get: () => undefined, update: async () => undefined } as unknown as vscode.Memento, registry, log) });
    for (let i = 0; i < 50 && feed?.sink === undefined; i++) await vi.advanceTimersByTimeAsync(1);
    const sink = feed!.sink!;
    sink.status({ state: 'live', detail: '', value: 0 });
    sink.mirrorBook(BIDS, ASKS);
    webview.send({ type: 'ready' });
    await vi.advanceTimersByTimeAsync(200);
    const lastInit = () => {
      const init = webview.posted.filter((m) => m.type === 'init').at(-1);
      if (init?.type !== 'init') throw new Error('no init posted');
      return init;
    };
    const close = async () => {
      chart.dispose();
      await registry.dispose();
    };
    return { chart, registry, sink, lastInit, close };
  }
  const prices = (packed: Float64Array): number[] => Array.from({ length: packed.length / BOOK_STRIDE }, (_, r) => packed[r * BOOK_STRIDE]!);

  it('depth.windowPercent bounds the book window sent, and a change re-sends it at once', async () => {
    const { chart, lastInit, close } = await openPanel({ 'depth.windowPercent': 1 });
    expect(prices(lastInit().book.bids)).toEqual([100, 99.5]);
    expect(prices(lastInit().book.asks)).toEqual([101, 101.5]);
    chart.applySettings(settings({ 'depth.windowPercent': 6 }), new Set(['depthWindowPercent']));
    await vi.advanceTimersByTimeAsync(200);
    expect(prices(lastInit().book.bids)).toEqual([100, 99.5, 99, 95]);
    expect(prices(lastInit().book.asks)).toEqual([101, 101.5, 103]);
    await close();
  });

  it("the init carries the display settings (overlay width, tape threshold, footprint display and imbalance ratio, value area: the webview's defaults), and a change re-sends them at once", async () => {
    const { chart, lastInit, close } = await openPanel({
      'depth.overlayWidth': 200,
      'tape.largeTradeThreshold': 2.5,
      'footprint.display': 'delta',
      'footprint.imbalanceRatio': 2.5,
      'profile.valueAreaPercent': 80,
    });
    expect(lastInit().display).toEqual({ depthOverlayWidth: 200, largeTradeThreshold: 2.5, footprintDisplay: 'delta', imbalanceRatio: 2.5, valueAreaPercent: 80 });
    expect(parseHostMessage(lastInit())).not.toBeInstanceOf(ProtocolError);
    chart.applySettings(settings({ 'depth.overlayWidth': 80, 'footprint.display': 'total' }), new Set(['depthOverlayWidth', 'largeTradeThreshold', 'footprintDisplay', 'imbalanceRatio', 'valueAreaPercent']));
    await vi.advanceTimersByTimeAsync(200);
    expect(lastInit().display).toEqual({ depthOverlayWidth: 80, largeTradeThreshold: 0, footprintDisplay: 'total', imbalanceRatio: 3, valueAreaPercent: 70 });
    // A change of one display setting alone re-sends them too.
    chart.applySettings(settings({ 'profile.valueAreaPercent': 60 }), new Set(['valueAreaPercent']));
    await vi.advanceTimersByTimeAsync(200);
    expect(lastInit().display.valueAreaPercent).toBe(60);
    // The webview refuses an init whose defaults it could not use.
    const good = lastInit().display;
    const bad = [
      undefined,
      { ...good, depthOverlayWidth: 0 },
      { ...good, depthOverlayWidth: 120.5 },
      { ...good, largeTradeThreshold: -1 },
      { ...good, footprintDisplay: 'ladder' },
      { ...good, imbalanceRatio: 1 },
      { ...good, valueAreaPercent: 0 },
      { depthOverlayWidth: 120, largeTradeThreshold: 0 },
    ];
    for (const display of bad) expect(parseHostMessage({ ...lastInit(), display }), JSON.stringify(display)).toBeInstanceOf(ProtocolError);
    await close();
  });

  it('indicatorParameters.imbalanceDepth sets the levels the open market measures', async () => {
    const { chart, registry, sink, close } = await openPanel({ indicatorParameters: { imbalanceDepth: 1 } });
    const market = registry.find('fake', 'BTC/USDT')!.market!;
    market.onTrade(Date.now(), 100.5, 1, 1); // opens a bar
    sink.mirrorBook(BIDS, [[101, 1], [101.5, 1], [103, 1], [120, 2]]);
    expect(market.imbalance.latest(3)).toBe(0); // best bid 1 against best ask 1
    chart.applySettings(settings({ indicatorParameters: { imbalanceDepth: 2 } }), new Set(['indicatorParameters']));
    sink.mirrorBook(BIDS, ASKS);
    expect(market.imbalance.latest(3)).toBeCloseTo((3 - 2) / 5, 12);
    await close();
  });
});

describe('history.bars on open sessions', () => {
  it('chart sessions re-open their feed for the new count; ticker-only and excluded sessions keep theirs', async () => {
    const feeds: ScriptedFeed[] = [];
    const registry = new SessionRegistry({
      createFeed: (key, demand) => {
        const feed = new ScriptedFeed(key, demand);
        feeds.push(feed);
        return feed;
      },
      session: { historyBars: 1000 },
    });
    const chart = registry.acquire('fake', 'BTC/USDT', 'market');
    const ticker = registry.acquire('fake', 'ETH/USDT', 'ticker');
    const replay = registry.acquire('replay', '/tmp/day.gz', 'market');
    await Promise.all([chart, ticker, replay].map((lease) => lease.session.whenReady()));
    expect(feeds.map((f) => f.target!.historyBars)).toEqual([1000, 1000, 1000]);

    expect(registry.setHistoryBars(300, (session) => session.key.exchange !== 'replay')).toBe(1);
    await chart.session.whenIdle();
    const reopened = feeds.slice(3);
    expect(reopened.map((f) => [f.key.symbol, f.target!.historyBars])).toEqual([['BTC/USDT', 300]]);
    expect(feeds[0]!.closed).toBe(true);
    expect(feeds[1]!.closed || feeds[2]!.closed).toBe(false);
    // A session opened later loads the new count too.
    const later = registry.acquire('fake', 'SOL/USDT', 'market');
    await later.session.whenReady();
    expect(feeds.at(-1)!.target!.historyBars).toBe(300);
    await registry.dispose();
  });
});
