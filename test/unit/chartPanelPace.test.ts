/**
 * A chart panel's frame rate follows the user's attention: full rate while it is the active editor
 * of a focused window, the background rate while it is only visible (another editor active, the
 * window unfocused), full again at once when looked at, full when pinned, nothing while hidden,
 * and always full with power saving off. The webview is told the pace after every init and on
 * every change. A real session (scripted feed, real engine, frame builder and scheduler) behind a
 * recording stand-in for VS Code's webview panel; time is vitest's fake clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('vscode', async () => (await import('../support/chartPanelHarness')).vscodeModule());

import type * as vscode from 'vscode';
import { EventKind, MarketEvent, TakerSide } from '../../src/engine/events';
import { ChartPanel } from '../../src/extension/panel/chartPanel';
import { Pulse } from '../../src/extension/pulse';
import { readSettings } from '../../src/extension/settings/settingsModel';
import { AlertController } from '../../src/extension/alerts/alertController';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import { fakeFocus, fakeWebviewPanel, silentLog as log } from '../support/chartPanelHarness';
import { ScriptedFeed } from '../support/scriptedFeed';

// The rates the assertions name (the defaults are 10 and 2), so each state's rate is plain to see.
const settings = (more: Record<string, unknown> = {}) => readSettings((key) => ({ 'chart.maxFps': 20, 'chart.backgroundFps': 4, ...more })[key]).settings;



describe('a chart panel follows attention', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function openPanel(more: Record<string, unknown> = {}) {
    let feed: ScriptedFeed | undefined;
    const registry = new SessionRegistry({ createFeed: (key, demand) => (feed = new ScriptedFeed(key, demand)) });
    const focus = fakeFocus();
    const pulse = new Pulse((error) => {
      throw error;
    });
    const webview = fakeWebviewPanel();
    const view = { timeframe: '1m', layers: { volume: true, depth: true, ladder: true, tape: true }, ticksPerRow: 1, indicators: [], pinned: false };
    const chart = new ChartPanel(webview.panel, { exchange: 'fake', symbol: 'BTC/USDT' }, view, registry, settings(more), {} as vscode.Uri, log, { pulse, focus, alerts: new AlertController({ get: () => undefined, update: async () => undefined } as unknown as vscode.Memento, registry, log) });
    for (let i = 0; i < 50 && feed?.sink === undefined; i++) await vi.advanceTimersByTimeAsync(1);
    const sink = feed!.sink!;
    sink.status({ state: 'live', detail: '', value: 0 });
    webview.send({ type: 'ready' });
    const event = new MarketEvent();
    let time = 1_700_000_000_000;
    /** `ms` of market time with a trade every 10 ms; returns the frames posted meanwhile. */
    const run = async (ms: number): Promise<number> => {
      const before = webview.posted.filter((m) => m.type === 'frame').length;
      for (let t = 0; t < ms; t += 10) {
        event.reset(EventKind.Trade);
        event.time = time += 10;
        event.price = 100 + ((t / 10) % 7);
        event.amount = 1;
        event.takerSide = TakerSide.Buy;
        sink.event(event);
        await vi.advanceTimersByTimeAsync(10);
      }
      return webview.posted.filter((m) => m.type === 'frame').length - before;
    };
    const paces = () => webview.posted.filter((m) => m.type === 'pace');
    const close = async () => {
      chart.dispose();
      await registry.dispose();
    };
    return { chart, webview, focus, pulse, run, paces, close };
  }

  it('sends the full rate while watched and the background rate while only visible; full again at once when looked at', async () => {
    const { webview, run, paces, close } = await openPanel();
    await run(1000);
    const inits = webview.posted.flatMap((m, i) => (m.type === 'init' ? [i] : []));
    expect(inits.length).toBeGreaterThan(0);
    expect(webview.posted[inits.at(-1)! + 1]).toMatchObject({ type: 'pace', fps: 20, watched: true, pinned: false, saving: true });
    expect(await run(2000)).toBeGreaterThanOrEqual(36); // 20 frames/s

    webview.show(false); // another editor group is active: the panel is only in the corner of the eye
    expect(paces().at(-1)).toMatchObject({ fps: 4, watched: false });
    const background = await run(2000);
    expect(background).toBeGreaterThanOrEqual(6);
    expect(background).toBeLessThanOrEqual(9);

    webview.show(true);
    expect(paces().at(-1)).toMatchObject({ fps: 20, watched: true });
    expect(await run(60)).toBeGreaterThanOrEqual(1); // at once, not after the background interval
    await close();
  });

  it('slows down while the window is not focused, unless pinned', async () => {
    const { webview, focus, run, paces, close } = await openPanel();
    await run(500);
    focus.set(false);
    expect(paces().at(-1)).toMatchObject({ fps: 4, watched: false });
    expect(await run(2000)).toBeLessThanOrEqual(9);
    webview.send({ type: 'setPinned', pinned: true });
    expect(paces().at(-1)).toMatchObject({ fps: 20, watched: false, pinned: true });
    expect(await run(2000)).toBeGreaterThanOrEqual(36);
    await close();
  });

  it('builds no frame while hidden and leaves no timer of its own running', async () => {
    const { webview, pulse, run, close } = await openPanel();
    await run(500);
    expect(pulse.size).toBe(1);
    webview.show(false, false);
    expect(await run(2000)).toBe(0);
    expect(pulse.size).toBe(0);
    webview.show(true, true);
    expect(await run(100)).toBeGreaterThanOrEqual(1); // one catch-up frame on reveal
    await close();
  });

  it('keeps the full rate everywhere with power saving off', async () => {
    const { chart, webview, run, paces, close } = await openPanel({ 'chart.powerSaving': false });
    await run(500);
    webview.show(false);
    expect(paces().at(-1)).toMatchObject({ fps: 20, saving: false });
    expect(await run(2000)).toBeGreaterThanOrEqual(36);
    chart.applySettings(settings({ 'chart.powerSaving': true }), new Set(['powerSaving']));
    expect(paces().at(-1)).toMatchObject({ fps: 4, saving: true });
    await close();
  });
});
