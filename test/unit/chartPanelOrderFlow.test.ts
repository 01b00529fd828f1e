/**
 * The heatmap, footprint and volume profile layers of an open chart (a real session behind a recording stand-in
 * for VS Code's webview panel, time on vitest's fake clock): off by default (frames carry
 * neither), the webview's `setLayer` turns each on (the init says so, the frames carry its
 * diffs) and off again, and the panel's view keeps the choice (what VS Code restores). The volume
 * profile sums footprint cells, so it too has the frames carry footprint diffs; they stop only
 * when neither the profile nor the footprint is on.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('vscode', async () => (await import('../support/chartPanelHarness')).vscodeModule());

import type * as vscode from 'vscode';
import { EventKind, MarketEvent, TakerSide } from '../../src/engine/events';
import type { FrameMessage } from '../../src/engine/protocol';
import { AlertController } from '../../src/extension/alerts/alertController';
import { ChartPanel } from '../../src/extension/panel/chartPanel';
import { restoreFromState } from '../../src/extension/panel/chartPanelManager';
import { readSettings } from '../../src/extension/settings/settingsModel';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import { Pulse } from '../../src/extension/pulse';
import { fakeFocus, fakeWebviewPanel, silentLog as log } from '../support/chartPanelHarness';
import { ScriptedFeed } from '../support/scriptedFeed';

const BIDS = [[100, 1], [99.5, 2], [99, 3]];
const ASKS = [[101, 1], [101.5, 1], [103, 1]];

/**
 * A chart open on a scripted live feed (book, then the webview ready), and `play(seconds)`: trades
 * and book changes four times a second of market time, returning the frames sent meanwhile.
 */
async function openLiveChart() {
  let feed: ScriptedFeed | undefined;
  const registry = new SessionRegistry({ createFeed: (key, demand) => (feed = new ScriptedFeed(key, demand)) });
  const pulse = new Pulse((error) => {
    throw error;
  });
  const webview = fakeWebviewPanel();
  const view = { timeframe: '1m', layers: { volume: true, depth: true, ladder: true, tape: true }, ticksPerRow: 1, indicators: [], pinned: false };
  const settings = readSettings(() => undefined).settings;
  const alerts = new AlertController({ get: () => undefined, update: async () => undefined } as unknown as vscode.Memento, registry, log);
  const chart = new ChartPanel(webview.panel, { exchange: 'fake', symbol: 'BTC/USDT' }, view, registry, settings, {} as vscode.Uri, log, { pulse, focus: fakeFocus(), alerts });
  for (let i = 0; i < 50 && feed?.sink === undefined; i++) await vi.advanceTimersByTimeAsync(1);
  const sink = feed!.sink!;
  sink.status({ state: 'live', detail: '', value: 0 });
  sink.mirrorBook(BIDS, ASKS);
  webview.send({ type: 'ready' });
  await vi.advanceTimersByTimeAsync(200);
  const trade = new MarketEvent();
  let clock = Date.now();
  /** Trades and book changes for `seconds` of market time, frames sent as they go. */
  const play = async (seconds: number): Promise<FrameMessage[]> => {
    const from = webview.posted.length;
    for (let k = 0; k < seconds * 4; k++) {
      clock += 250;
      trade.reset(EventKind.Trade);
      trade.time = clock;
      trade.price = 100 + (k % 3) * 0.5;
      trade.amount = 0.5;
      trade.takerSide = k % 2 === 0 ? TakerSide.Buy : TakerSide.Sell;
      sink.event(trade);
      sink.mirrorBook([[100, 1 + (k % 4)], ...BIDS.slice(1)], ASKS);
      await vi.advanceTimersByTimeAsync(250);
    }
    return webview.posted.slice(from).filter((m): m is FrameMessage => m.type === 'frame');
  };
  const lastInit = () => webview.posted.filter((m) => m.type === 'init').at(-1);
  return { chart, webview, registry, play, lastInit };
}

describe('the heatmap, footprint and volume profile layers of an open chart', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('are off by default; setLayer turns each on (init and frames) and off, and the view keeps it', async () => {
    const { chart, webview, registry, play, lastInit } = await openLiveChart();

    let frames = await play(4);
    expect(frames.length).toBeGreaterThan(3);
    expect(frames.some((f) => 'heatmap' in f || 'footprint' in f)).toBe(false);

    webview.send({ type: 'setLayer', layer: 'heatmap', on: true });
    await vi.advanceTimersByTimeAsync(200);
    expect(chart.view.layers.heatmap).toBe(true);
    expect(lastInit()).toMatchObject({ layers: { heatmap: true } });
    frames = await play(4);
    expect(frames.some((f) => f.heatmap !== undefined && f.heatmap.columns.length > 0)).toBe(true);
    expect(frames.some((f) => 'footprint' in f)).toBe(false);

    webview.send({ type: 'setLayer', layer: 'footprint', on: true });
    await vi.advanceTimersByTimeAsync(200);
    expect(chart.view.layers).toMatchObject({ heatmap: true, footprint: true });
    frames = await play(4);
    expect(frames.some((f) => f.footprint !== undefined && f.footprint.cells.length > 0)).toBe(true);

    webview.send({ type: 'setLayer', layer: 'heatmap', on: false });
    webview.send({ type: 'setLayer', layer: 'footprint', on: false });
    await vi.advanceTimersByTimeAsync(200);
    frames = await play(4);
    expect(frames.length).toBeGreaterThan(3);
    expect(frames.some((f) => 'heatmap' in f || 'footprint' in f)).toBe(false);
    expect(chart.view.layers).toMatchObject({ heatmap: false, footprint: false });
    chart.dispose();
    await registry.dispose();
  });

  it('the volume profile sums footprint cells: frames carry them while it or the footprint is on, and the view keeps it', async () => {
    const { chart, webview, registry, play, lastInit } = await openLiveChart();

    let frames = await play(4);
    expect(frames.some((f) => 'footprint' in f)).toBe(false);

    webview.send({ type: 'setLayer', layer: 'profile', on: true });
    await vi.advanceTimersByTimeAsync(200);
    expect(chart.view.layers.profile).toBe(true);
    expect(lastInit()).toMatchObject({ layers: { profile: true } });
    frames = await play(4);
    expect(frames.some((f) => f.footprint !== undefined && f.footprint.cells.length > 0)).toBe(true);

    // The footprint on as well, then the profile off: the cells keep coming for the footprint.
    webview.send({ type: 'setLayer', layer: 'footprint', on: true });
    webview.send({ type: 'setLayer', layer: 'profile', on: false });
    await vi.advanceTimersByTimeAsync(200);
    frames = await play(4);
    expect(frames.some((f) => f.footprint !== undefined && f.footprint.cells.length > 0)).toBe(true);

    webview.send({ type: 'setLayer', layer: 'footprint', on: false });
    await vi.advanceTimersByTimeAsync(200);
    frames = await play(4);
    expect(frames.length).toBeGreaterThan(3);
    expect(frames.some((f) => 'footprint' in f)).toBe(false);
    expect(chart.view.layers).toMatchObject({ footprint: false, profile: false });
    chart.dispose();
    await registry.dispose();
  });

  it("come back from the webview's saved state after a restart (off when it has none of them)", () => {
    const settings = readSettings(() => undefined).settings;
    const saved = { layers: { volume: true, depth: false, ladder: true, tape: true, heatmap: true, footprint: false, profile: true } };
    expect(restoreFromState(saved, settings).view.layers).toEqual(saved.layers);
    const older = { layers: { volume: true, depth: true, ladder: true, tape: false } };
    expect(restoreFromState(older, settings).view.layers).toEqual({ ...older.layers, heatmap: false, footprint: false, profile: false });
  });
});
