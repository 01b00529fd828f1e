/**
 * Sound and big trades in the host (real sessions and panels behind recording stand-ins for VS
 * Code's webview panels, time on vitest's fake clock): a panel is sent the `orderscope.sound.*`
 * settings after every init and at once when one of them changes (nothing else re-sends them, and
 * they cost no init); a fired alert chimes once, in one visible chart (its market's first), only
 * with `sound.alerts` on; the panel's "CVD of trades ≥ size" intent re-sends the chart with the
 * CVD of big trades. The new messages are validated on both sides, the settings read with fallbacks.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('vscode', async () => {
  const harness = await import('../support/chartPanelHarness');
  const base = harness.vscodeModule();
  const panels: ReturnType<typeof harness.fakeWebviewPanel>[] = [];
  return {
    ...base,
    ViewColumn: { Active: -1 },
    window: {
      ...(base.window as object),
      registerWebviewPanelSerializer: () => ({ dispose() {} }),
      createWebviewPanel: () => {
        const webview = harness.fakeWebviewPanel();
        panels.push(webview);
        return webview.panel;
      },
    },
    /** The panels the manager created, in order (for the test). */
    createdPanels: panels,
  };
});

import * as vscode from 'vscode';
import { parseHostMessage, parseWebviewMessage, PROTOCOL_VERSION, ProtocolError, type HostMessage } from '../../src/engine/protocol';
import { AlertController } from '../../src/extension/alerts/alertController';
import { ChartPanelManager } from '../../src/extension/panel/chartPanelManager';
import { Pulse } from '../../src/extension/pulse';
import { readSettings } from '../../src/extension/settings/settingsModel';
import type { FeedSink } from '../../src/feeds/feed';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import { fakeFocus, silentLog as log, type fakeWebviewPanel } from '../support/chartPanelHarness';
import { ScriptedFeed } from '../support/scriptedFeed';

type RecordingPanel = ReturnType<typeof fakeWebviewPanel>;
const created = (vscode as unknown as { createdPanels: RecordingPanel[] }).createdPanels;
const settings = (more: Record<string, unknown> = {}) => readSettings((key) => more[key]).settings;
const memento = { get: () => undefined, update: async () => undefined } as unknown as vscode.Memento;

describe('sound and big trades in the host', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });
    created.length = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function openCharts(symbols: string[], more: Record<string, unknown>) {
    const feeds = new Map<string, ScriptedFeed>();
    const registry = new SessionRegistry({ createFeed: (key, demand) => feeds.set(key.symbol, new ScriptedFeed(key, demand)).get(key.symbol)! });
    const sink = (symbol: string): FeedSink => feeds.get(symbol)!.sink!;
    const pulse = new Pulse((error) => {
      throw error;
    });
    const alerts = new AlertController(memento, registry, log);
    const manager = new ChartPanelManager(registry, settings({ indicators: ['cvd'], ...more }), {} as vscode.Uri, log, { pulse, focus: fakeFocus(), alerts });
    for (const symbol of symbols) manager.open({ exchange: 'fake', symbol });
    for (let i = 0; i < 50 && [...feeds.values()].filter((f) => f.sink !== undefined).length < symbols.length; i++) await vi.advanceTimersByTimeAsync(1);
    for (const symbol of symbols) {
      sink(symbol).status({ state: 'live', detail: '', value: 0 });
      sink(symbol).mirrorBook([[100, 1]], [[101, 1]]);
    }
    const panels = created.slice();
    for (const p of panels) p.send({ type: 'ready' });
    await vi.advanceTimersByTimeAsync(200);
    const close = async () => {
      manager.dispose();
      alerts.dispose();
      await registry.dispose();
    };
    return { manager, registry, sink, alerts, panels, close };
  }
  const ofType = <T extends HostMessage['type']>(panel: RecordingPanel, type: T) => panel.posted.filter((m): m is Extract<HostMessage, { type: T }> => m.type === type);

  it('sends the sound settings after each init and at once when one changes, without an init', async () => {
    const { manager, panels, close } = await openCharts(['BTC/USDT'], {});
    const [panel] = panels;
    // Off by default, half volume.
    expect(ofType(panel!, 'sound').at(-1)).toEqual({ v: PROTOCOL_VERSION, type: 'sound', bigTrades: false, alerts: false, volume: 0.5 });
    const inits = ofType(panel!, 'init').length;
    const sounds = ofType(panel!, 'sound').length;
    manager.applySettings(settings({ indicators: ['cvd'], 'sound.bigTrades': true, 'sound.volume': 20 }), new Set(['soundBigTrades', 'soundVolume']));
    await vi.advanceTimersByTimeAsync(200);
    expect(ofType(panel!, 'sound').at(-1)).toMatchObject({ bigTrades: true, alerts: false, volume: 0.2 });
    expect(ofType(panel!, 'init').length).toBe(inits);
    // Another part's setting does not re-send them.
    manager.applySettings(settings({ indicators: ['cvd'], 'sound.bigTrades': true, 'sound.volume': 20, 'chart.maxFps': 30 }), new Set(['maxFps']));
    await vi.advanceTimersByTimeAsync(200);
    expect(ofType(panel!, 'sound').length).toBe(sounds + 1);
    // A reloaded webview gets them again with its init.
    panel!.send({ type: 'ready' });
    await vi.advanceTimersByTimeAsync(200);
    expect(ofType(panel!, 'sound').at(-1)).toMatchObject({ bigTrades: true, volume: 0.2 });
    await close();
  });

  it('a fired alert chimes once, in the visible chart of its market first, only with sound.alerts on', async () => {
    const { manager, sink, alerts, panels, close } = await openCharts(['BTC/USDT', 'ETH/USDT'], { 'sound.alerts': true });
    const [btc, eth] = panels;
    const tick = (last: number) => sink('BTC/USDT').ticker({ symbol: 'BTC/USDT', last, open24h: 100, high24h: 103, low24h: 99, volume24h: 1, changePercent24h: 0, time: Date.now() });
    const fire = async (price: number) => {
      await alerts.add('fake', 'BTC/USDT', price, 'above');
      tick(price - 1);
      tick(price + 0.5);
      await vi.advanceTimersByTimeAsync(10);
    };
    await fire(102);
    expect(ofType(btc!, 'alertSound')).toEqual([{ v: PROTOCOL_VERSION, type: 'alertSound', direction: 'above' }]);
    expect(ofType(eth!, 'alertSound')).toEqual([]);
    // Its market's chart hidden: another visible chart chimes.
    btc!.show(false, false);
    await fire(104);
    expect(ofType(btc!, 'alertSound').length).toBe(1);
    expect(ofType(eth!, 'alertSound').length).toBe(1);
    // Off: an alert only notifies.
    manager.applySettings(settings({ indicators: ['cvd'], 'sound.alerts': false }), new Set(['soundAlerts']));
    btc!.show(true, true);
    await fire(106);
    expect(ofType(btc!, 'alertSound').length + ofType(eth!, 'alertSound').length).toBe(2);
    for (const m of [...btc!.posted, ...eth!.posted]) expect(parseHostMessage(m)).not.toBeInstanceOf(ProtocolError);
    await close();
  });

  it("the panel's 'CVD of trades ≥ size' re-sends the chart with the CVD of big trades; 0 goes back to every trade", async () => {
    const { registry, panels, close } = await openCharts(['BTC/USDT'], {});
    const [panel] = panels;
    const market = registry.find('fake', 'BTC/USDT')!.market!;
    const t = Date.now();
    market.onTrade(t, 100.5, 3, 1);
    market.onTrade(t + 1, 100.5, 1, -1);
    market.onTrade(t + 2, 100.5, 2.5, -1);
    const cvdOf = () => ofType(panel!, 'init').at(-1)!.indicators.find((s) => s.kind === 'cvd')!;
    panel!.send({ type: 'setCvdMinAmount', amount: 2.5 });
    await vi.advanceTimersByTimeAsync(200);
    let cvd = cvdOf();
    expect(cvd.id).toBe('CVD ≥ 2.5');
    // The close of the one bar: +3 − 2.5 (the 1 is below the size).
    expect(cvd.values[cvd.values.length - 1]).toBeCloseTo(0.5, 9);
    const inits = ofType(panel!, 'init').length;
    panel!.send({ type: 'setCvdMinAmount', amount: -1 });
    panel!.send({ type: 'setCvdMinAmount', amount: '3' });
    await vi.advanceTimersByTimeAsync(200);
    expect(ofType(panel!, 'init').length).toBe(inits);
    panel!.send({ type: 'setCvdMinAmount', amount: 0 });
    await vi.advanceTimersByTimeAsync(200);
    cvd = cvdOf();
    expect(cvd.id).toBe('CVD');
    expect(cvd.values[cvd.values.length - 1]).toBeCloseTo(-0.5, 9);
    await close();
  });

  it('validates the new messages and reads the sound settings with fallbacks', () => {
    const v = PROTOCOL_VERSION;
    expect(parseHostMessage({ v, type: 'sound', bigTrades: true, alerts: false, volume: 0.3 })).not.toBeInstanceOf(ProtocolError);
    expect(parseHostMessage({ v, type: 'alertSound', direction: 'below' })).not.toBeInstanceOf(ProtocolError);
    for (const bad of [
      { type: 'sound', bigTrades: 'yes', alerts: false, volume: 0.3 },
      { type: 'sound', bigTrades: true, alerts: false, volume: 1.5 },
      { type: 'sound', bigTrades: true, alerts: false, volume: Number.NaN },
      { type: 'sound', bigTrades: true, volume: 0.3 },
      { type: 'alertSound', direction: 'up' },
    ]) {
      expect(parseHostMessage({ v, ...bad }), JSON.stringify(bad)).toBeInstanceOf(ProtocolError);
    }
    expect(parseWebviewMessage({ v, type: 'setCvdMinAmount', amount: 2.5, extra: 1 })).toEqual({ v, type: 'setCvdMinAmount', amount: 2.5 });
    expect(parseWebviewMessage({ v, type: 'setCvdMinAmount', amount: 0 })).toEqual({ v, type: 'setCvdMinAmount', amount: 0 });
    for (const amount of [-1, Infinity, Number.NaN, '2', 2e12, null]) {
      expect(parseWebviewMessage({ v, type: 'setCvdMinAmount', amount })).toBeInstanceOf(ProtocolError);
    }
    const read = readSettings((key) => ({ 'sound.bigTrades': true, 'sound.alerts': 'loud', 'sound.volume': 150 })[key]);
    expect([read.settings.soundBigTrades, read.settings.soundAlerts, read.settings.soundVolume]).toEqual([true, false, 50]);
    expect(read.problems).toEqual([
      'orderscope.sound.alerts must be true or false; got "loud", using false',
      'orderscope.sound.volume must be a whole number from 0 to 100; got 150, using 50',
    ]);
    const defaults = readSettings(() => undefined).settings;
    expect([defaults.soundBigTrades, defaults.soundAlerts, defaults.soundVolume]).toEqual([false, false, 50]);
  });
});
