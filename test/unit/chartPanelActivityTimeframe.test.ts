/**
 * A chart switched to bars of 100 trades from its toolbar (a real session behind a recording
 * stand-in for VS Code's webview panel): the panel gets a new init of `100t` whose history ends
 * at the source, the feed is asked for no klines, and a bad id from the webview (`-5v`) is refused
 * with a warning that names it, leaving the chart as it was.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('vscode', async () => (await import('../support/chartPanelHarness')).vscodeModule());

import * as vscode from 'vscode';
import { ChartPanel } from '../../src/extension/panel/chartPanel';
import { Pulse } from '../../src/extension/pulse';
import { readSettings } from '../../src/extension/settings/settingsModel';
import { AlertController } from '../../src/extension/alerts/alertController';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import { fakeFocus, fakeWebviewPanel, silentLog as log } from '../support/chartPanelHarness';
import { ScriptedFeed } from '../support/scriptedFeed';

describe('a chart switched to an activity timeframe', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a 100t init that ends at the source, asks no klines, and refuses -5v with a warning naming it', async () => {
    let feed: ScriptedFeed | undefined;
    const registry = new SessionRegistry({ createFeed: (key, demand) => (feed = new ScriptedFeed(key, demand)) });
    const pulse = new Pulse((error) => {
      throw error;
    });
    const warnings: string[] = [];
    vi.spyOn(vscode.window, 'showWarningMessage').mockImplementation(async (message: string) => {
      warnings.push(message);
      return undefined;
    });
    const webview = fakeWebviewPanel();
    const view = { timeframe: '1m', layers: { volume: true, depth: true, ladder: true, tape: true }, ticksPerRow: 1, indicators: [], pinned: false };
    const settings = readSettings(() => undefined).settings;
    const chart = new ChartPanel(webview.panel, { exchange: 'fake', symbol: 'BTC/USDT' }, view, registry, settings, {} as vscode.Uri, log, { pulse, focus: fakeFocus(), alerts: new AlertController({ get: () => undefined, update: async () => undefined } as unknown as vscode.Memento, registry, log) });
    for (let i = 0; i < 50 && feed?.sink === undefined; i++) await vi.advanceTimersByTimeAsync(1);
    feed!.sink!.status({ state: 'live', detail: '', value: 0 });
    webview.send({ type: 'ready' });
    await vi.advanceTimersByTimeAsync(200);
    const inits = () => webview.posted.filter((m) => m.type === 'init');
    expect(inits().at(-1)).toMatchObject({ timeframe: '1m' });

    webview.send({ type: 'setTimeframe', timeframe: '100t' });
    await vi.advanceTimersByTimeAsync(200);
    expect(inits().at(-1)).toMatchObject({ timeframe: '100t', historyEnd: 'source', hasOlder: false });
    expect(feed!.timeframes).toEqual([]);
    expect(warnings).toEqual([]);

    const before = inits().length;
    webview.send({ type: 'setTimeframe', timeframe: '-5v' });
    await vi.advanceTimersByTimeAsync(200);
    expect(warnings).toEqual([expect.stringMatching(/^Orderscope: Unsupported timeframe "-5v": use one of 1s, /)]);
    expect(inits().length).toBe(before);
    expect(registry.acquire('fake', 'BTC/USDT').session.timeframe).toBe('100t');
    chart.dispose();
    await registry.dispose();
  });
});
