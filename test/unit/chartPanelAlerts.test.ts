/**
 * Price alerts edited from a chart (real sessions behind recording stand-ins for VS Code's
 * webview panels, time on vitest's fake clock): a panel's addAlert, moveAlert and removeAlert
 * change the stored alerts (persisted in global state), every panel of that market is sent the
 * new list and a panel of another market is not changed; a panel cannot touch another market's
 * alert; an alert that fires leaves every chart of its market.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('vscode', async () => (await import('../support/chartPanelHarness')).vscodeModule());

import * as vscode from 'vscode';
import { MAX_ALERT_ID, MAX_CHART_ALERTS, parseHostMessage, parseWebviewMessage, PROTOCOL_VERSION, ProtocolError, type ChartAlert } from '../../src/engine/protocol';
import { AlertController } from '../../src/extension/alerts/alertController';
import { ChartPanel } from '../../src/extension/panel/chartPanel';
import { Pulse } from '../../src/extension/pulse';
import { readSettings } from '../../src/extension/settings/settingsModel';
import type { FeedSink } from '../../src/feeds/feed';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import { fakeFocus, fakeWebviewPanel } from '../support/chartPanelHarness';
import { ScriptedFeed } from '../support/scriptedFeed';

const log = { info() {}, warn() {}, error() {} } as unknown as vscode.LogOutputChannel;
const focus = fakeFocus();

/** Global state as VS Code keeps it: what was last stored under each key. */
function fakeMemento(): vscode.Memento & { stored: Map<string, unknown> } {
  const stored = new Map<string, unknown>();
  return { stored, get: (key: string) => stored.get(key), update: async (key: string, value: unknown) => void stored.set(key, value), keys: () => [...stored.keys()] } as never;
}

/** A recording webview panel whose messages must pass the webview's own validation. */
function alertsPanel() {
  const webview = fakeWebviewPanel((message) => {
    if (parseHostMessage(message) instanceof ProtocolError) throw new Error(`invalid ${message.type}`);
  });
  return {
    ...webview,
    /** The alerts the webview was last sent, undefined before any. */
    lastAlerts: (): ChartAlert[] | undefined => webview.posted.filter((m) => m.type === 'alerts').at(-1)?.alerts,
    alertMessages: () => webview.posted.filter((m) => m.type === 'alerts').length,
  };
}

describe('alerts edited from a chart', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reach every panel of the market, are stored, stay within the market, and leave the charts when they fire', async () => {
    const feeds = new Map<string, ScriptedFeed>();
    const registry = new SessionRegistry({ createFeed: (key, demand) => feeds.set(key.symbol, new ScriptedFeed(key, demand)).get(key.symbol)! });
    const sink = (symbol: string): FeedSink => feeds.get(symbol)!.sink!;
    const pulse = new Pulse((error) => {
      throw error;
    });
    const memento = fakeMemento();
    const alerts = new AlertController(memento, registry, log);
    const settings = readSettings(() => undefined).settings;
    const view = { timeframe: '1m', layers: { volume: true, depth: true, ladder: true, tape: true }, ticksPerRow: 1, indicators: [], pinned: false };
    const open = (symbol: string) => {
      const webview = alertsPanel();
      const chart = new ChartPanel(webview.panel, { exchange: 'fake', symbol }, view, registry, settings, {} as vscode.Uri, log, { pulse, focus, alerts });
      return { webview, chart };
    };
    const a = open('BTC/USDT');
    const b = open('BTC/USDT');
    const other = open('ETH/USDT');
    for (let i = 0; i < 50 && (feeds.size < 2 || [...feeds.values()].some((f) => f.sink === undefined)); i++) await vi.advanceTimersByTimeAsync(1);
    for (const symbol of ['BTC/USDT', 'ETH/USDT']) {
      sink(symbol).status({ state: 'live', detail: '', value: 0 });
      sink(symbol).mirrorBook([[100, 1]], [[101, 1]]);
      registry.find('fake', symbol)!.market!.onTrade(Date.now(), 100.5, 1, 1);
    }
    for (const { webview } of [a, b, other]) webview.send({ type: 'ready' });
    await vi.advanceTimersByTimeAsync(200);
    // Every panel is sent its market's alerts with its init: none yet.
    expect([a, b, other].map(({ webview }) => webview.lastAlerts())).toEqual([[], [], []]);

    a.webview.send({ type: 'addAlert', price: 110 });
    await vi.advanceTimersByTimeAsync(10);
    const [added] = alerts.alerts.list();
    expect(added).toMatchObject({ exchange: 'fake', symbol: 'BTC/USDT', price: 110, direction: 'above' });
    expect(memento.stored.get('orderscope.alerts')).toEqual([added]);
    const drawn = [{ id: added!.id, price: 110, direction: 'above' }];
    expect(a.webview.lastAlerts()).toEqual(drawn);
    expect(b.webview.lastAlerts()).toEqual(drawn);
    expect(other.webview.lastAlerts()).toEqual([]);

    // Below the last price (100.5), dragged from the other panel of the market: it now waits for a fall.
    b.webview.send({ type: 'moveAlert', id: added!.id, price: 95 });
    await vi.advanceTimersByTimeAsync(10);
    expect(a.webview.lastAlerts()).toEqual([{ id: added!.id, price: 95, direction: 'below' }]);
    expect(memento.stored.get('orderscope.alerts')).toMatchObject([{ id: added!.id, price: 95, direction: 'below' }]);

    // Another market's panel cannot move or remove it.
    other.webview.send({ type: 'moveAlert', id: added!.id, price: 50 });
    other.webview.send({ type: 'removeAlert', id: added!.id });
    await vi.advanceTimersByTimeAsync(10);
    expect(alerts.alerts.list().map((x) => x.price)).toEqual([95]);

    a.webview.send({ type: 'removeAlert', id: added!.id });
    await vi.advanceTimersByTimeAsync(10);
    expect(alerts.alerts.list()).toEqual([]);
    expect(memento.stored.get('orderscope.alerts')).toEqual([]);
    expect(b.webview.lastAlerts()).toEqual([]);

    // An alert that fires leaves the charts of its market.
    a.webview.send({ type: 'addAlert', price: 102 });
    await vi.advanceTimersByTimeAsync(10);
    expect(b.webview.lastAlerts()?.map((x) => x.price)).toEqual([102]);
    const tick = (last: number) => sink('BTC/USDT').ticker({ symbol: 'BTC/USDT', last, open24h: 100, high24h: 103, low24h: 99, volume24h: 1, changePercent24h: 0, time: Date.now() });
    tick(101);
    tick(102.5);
    await vi.advanceTimersByTimeAsync(10);
    expect(alerts.alerts.list()).toEqual([]);
    expect(a.webview.lastAlerts()).toEqual([]);
    expect(b.webview.lastAlerts()).toEqual([]);

    for (const { chart } of [a, b, other]) chart.dispose();
    alerts.dispose();
    await registry.dispose();
  });

  it('the alert messages are validated and bounded on both sides', () => {
    const v = PROTOCOL_VERSION;
    const alert = { id: 'a1', price: 101.5, direction: 'above' };
    expect(parseHostMessage({ v, type: 'alerts', alerts: [alert] })).not.toBeInstanceOf(ProtocolError);
    for (const alerts of [
      Array.from({ length: MAX_CHART_ALERTS + 1 }, () => alert),
      [{ ...alert, price: 0 }],
      [{ ...alert, price: Number.NaN }],
      [{ ...alert, id: 'x'.repeat(MAX_ALERT_ID + 1) }],
      [{ ...alert, direction: 'sideways' }],
      null,
    ]) {
      expect(parseHostMessage({ v, type: 'alerts', alerts })).toBeInstanceOf(ProtocolError);
    }
    expect(parseWebviewMessage({ v, type: 'addAlert', price: 101.5, extra: 1 })).toEqual({ v, type: 'addAlert', price: 101.5 });
    expect(parseWebviewMessage({ v, type: 'moveAlert', id: 'a1', price: 99 })).toEqual({ v, type: 'moveAlert', id: 'a1', price: 99 });
    expect(parseWebviewMessage({ v, type: 'removeAlert', id: 'a1' })).toEqual({ v, type: 'removeAlert', id: 'a1' });
    for (const bad of [
      { type: 'addAlert', price: -1 },
      { type: 'addAlert', price: Infinity },
      { type: 'moveAlert', id: '', price: 99 },
      { type: 'moveAlert', id: 'a1', price: '99' },
      { type: 'removeAlert', id: 'x'.repeat(MAX_ALERT_ID + 1) },
      { type: 'removeAlert', id: 7 },
    ]) {
      expect(parseWebviewMessage({ v, ...bad }), JSON.stringify(bad)).toBeInstanceOf(ProtocolError);
    }
  });
});
