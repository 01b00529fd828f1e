/**
 * A chart opened on a market whose session is already running (a status-bar ticker keeps it, or
 * another reader) binds that market at once and draws it: closing a chart and opening it again
 * while the ticker runs used to leave a blank panel (the new panel read its lease before storing
 * it). A real session (scripted feed, real engine and scheduler) behind a recording webview panel.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('vscode', async () => (await import('../support/chartPanelHarness')).vscodeModule());

import type * as vscode from 'vscode';
import { EventKind, MarketEvent, TakerSide } from '../../src/engine/events';
import { AlertController } from '../../src/extension/alerts/alertController';
import { ChartPanel } from '../../src/extension/panel/chartPanel';
import { Pulse } from '../../src/extension/pulse';
import { readSettings } from '../../src/extension/settings/settingsModel';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import { fakeFocus, fakeWebviewPanel, silentLog as log } from '../support/chartPanelHarness';
import { ScriptedFeed } from '../support/scriptedFeed';

describe('a chart opened on a running session', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('draws the market at once after the chart was closed and opened again while a ticker kept the session', async () => {
    let feed: ScriptedFeed | undefined;
    const registry = new SessionRegistry({ createFeed: (key, demand) => (feed = new ScriptedFeed(key, demand)) });
    const pulse = new Pulse((error) => {
      throw error;
    });
    const surroundings = { pulse, focus: fakeFocus(), alerts: new AlertController({ get: () => undefined, update: async () => undefined } as unknown as vscode.Memento, registry, log) };
    const settings = readSettings(() => undefined).settings;
    const view = { timeframe: '1m', layers: { volume: true, depth: true, ladder: true, tape: true }, ticksPerRow: 1, indicators: [], pinned: false };
    const target = { exchange: 'fake', symbol: 'BTC/USDT' };
    const ticker = registry.acquire(target.exchange, target.symbol, 'ticker');
    const open = () => {
      const webview = fakeWebviewPanel();
      const chart = new ChartPanel(webview.panel, target, view, registry, settings, {} as vscode.Uri, log, surroundings);
      return { webview, chart };
    };

    const first = open();
    for (let i = 0; i < 50 && feed?.sink === undefined; i++) await vi.advanceTimersByTimeAsync(1);
    const sink = feed!.sink!;
    sink.status({ state: 'live', detail: '', value: 0 });
    const event = new MarketEvent();
    event.reset(EventKind.Trade);
    event.time = 1_700_000_000_000;
    event.price = 101.5;
    event.amount = 2;
    event.takerSide = TakerSide.Buy;
    sink.event(event);
    first.webview.send({ type: 'ready' });
    await vi.advanceTimersByTimeAsync(200);
    expect(first.webview.posted.some((m) => m.type === 'init')).toBe(true);
    first.chart.dispose();
    expect(ticker.session.market).toBeDefined(); // the ticker keeps the session and its market

    const second = open();
    second.webview.send({ type: 'ready' });
    await vi.advanceTimersByTimeAsync(200);
    const init = second.webview.posted.find((m) => m.type === 'init') as { bars: Float64Array; market: { symbol: string } } | undefined;
    expect(init?.market.symbol).toBe('BTC/USDT');
    expect(init!.bars.length).toBeGreaterThan(0);

    second.chart.dispose();
    ticker.release();
    await registry.dispose();
  });
});
