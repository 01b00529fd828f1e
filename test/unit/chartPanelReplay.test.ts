/**
 * A chart panel showing a replay of a real capture: its tab is titled with the file's name, it
 * tells the webview where the replay stands, and the webview's replay buttons reach the replay
 * through the replay commands (here routed to the real ReplayController as VS Code would): pause
 * pauses it, a speed changes it, a jump lands where asked. Malformed intents are dropped.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';


vi.mock('vscode', async () => (await import('../support/chartPanelHarness')).vscodeModule());

import * as vscode from 'vscode';
import { parseHostMessage, ProtocolError, type ReplayMessage } from '../../src/engine/protocol';
import { AlertController } from '../../src/extension/alerts/alertController';
import { COMMANDS } from '../../src/extension/commands/commandIds';
import { ChartPanel } from '../../src/extension/panel/chartPanel';
import { Pulse } from '../../src/extension/pulse';
import { ReplayController } from '../../src/extension/recording/replayController';
import { readSettings } from '../../src/extension/settings/settingsModel';
import type { WindowFocus } from '../../src/extension/windowFocus';
import type { Orderscope } from '../../src/extension/orderscope';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import { until } from '../support/replayRecording';
import { fakeWebviewPanel, mockCommands as commands, silentLog as log } from '../support/chartPanelHarness';
import { hasSharedData, sharedDataPath } from '../support/sharedData';

const SPOT = 'binance/spot/btcusdt_20240808.gz';

function replayPanel() {
  const webview = fakeWebviewPanel();
  return { ...webview, replays: () => webview.posted.filter((m): m is ReplayMessage => m.type === 'replay') };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  commands.calls.length = 0;
});

async function openReplayPanel() {
  const path = sharedDataPath(SPOT);
  const controller = new ReplayController(log);
  const registry = new SessionRegistry({ createFeed: (key) => controller.createFeed(key.symbol), session: { timeframe: '1m', historyBars: 0 } });
  controller.attach(registry);
  const app = { registry, panels: { activePanel: undefined, list: () => [] } } as unknown as Orderscope;
  // VS Code runs the registered commands: the replay ones are the controller's.
  commands.run = async (id, target, value) => {
    if (id === COMMANDS.replayTogglePause) return controller.togglePause(app, target, value);
    if (id === COMMANDS.replaySpeed) return controller.setSpeed(app, target, value);
    if (id === COMMANDS.replayJumpToTime) return controller.jumpToTime(app, target, value);
  };
  const pulse = new Pulse((error) => {
    throw error;
  });
  const focus = { focused: true, onDidChange: new vscode.EventEmitter<boolean>().event, dispose() {} } as unknown as WindowFocus;
  const webview = replayPanel();
  const view = { timeframe: '1m', layers: { volume: true, depth: true, ladder: true, tape: true }, ticksPerRow: 1, indicators: [], pinned: false };
  const alerts = new AlertController({ get: () => undefined, update: async () => undefined } as unknown as vscode.Memento, registry, log);
  const target = { exchange: 'replay', symbol: path };
  const chart = new ChartPanel(webview.panel, target, view, registry, readSettings(() => undefined).settings, {} as vscode.Uri, log, { pulse, focus, alerts });
  webview.send({ type: 'ready' });
  const session = registry.find('replay', path)!;
  cleanups.push(async () => {
    chart.dispose();
    pulse.dispose();
    await registry.dispose();
  });
  return { chart, webview, session, controller, target, feed: () => controller.playback.feedOf(session)! };
}

describe.skipIf(!hasSharedData(SPOT))('a chart panel showing a replay', () => {
  it("is titled with the file's name, not its path", async () => {
    const { webview } = await openReplayPanel();
    expect(webview.panel.title).toBe('btcusdt_20240808.gz · replay');
  });

  it('tells the webview where the replay stands, in messages the webview accepts', async () => {
    const { webview, feed } = await openReplayPanel();
    await until('a replay position with a time', () => webview.replays().some((m) => m.time !== null && m.start !== null), 10_000);
    const last = webview.replays().at(-1)!;
    expect(parseHostMessage(JSON.parse(JSON.stringify(last)))).not.toBeInstanceOf(ProtocolError);
    expect(last).toMatchObject({ speed: 1, paused: false, finished: false, start: feed().progress().startTime });
    expect(last.time).toBeGreaterThanOrEqual(last.start!);
  });

  it("the webview's pause, speed and jump reach the replay; the position follows", async () => {
    const { webview, feed, target } = await openReplayPanel();
    await until('the replay to start', () => feed()?.progress().startTime > 0, 10_000);
    webview.send({ type: 'replayControl', action: 'pause', value: 0 });
    expect(commands.calls.at(-1)).toEqual([COMMANDS.replayTogglePause, target, true]);
    await until('the feed to pause', () => feed().paused, 2_000);
    await until('a paused position', () => webview.replays().at(-1)?.paused === true, 2_000);

    webview.send({ type: 'replayControl', action: 'speed', value: 0 });
    expect(commands.calls.at(-1)).toEqual([COMMANDS.replaySpeed, target, Infinity]);
    await until('max speed', () => feed().speed === Infinity, 2_000);
    webview.send({ type: 'replayControl', action: 'speed', value: 5 });
    await until('5x', () => feed().speed === 5, 2_000);

    const to = feed().progress().startTime + 120_000;
    webview.send({ type: 'replayControl', action: 'seek', value: to });
    expect(commands.calls.at(-1)).toEqual([COMMANDS.replayJumpToTime, target, to]);
    await until('the jump to land', () => feed().progress().marketTime === to && !feed().progress().seeking, 20_000);
    await until('the position at the time jumped to', () => webview.replays().at(-1)?.time === to, 3_000);
    expect(webview.replays().at(-1)).toMatchObject({ paused: true, speed: 5, seeking: false });
  });

  it('drops malformed replay intents without running a command; a sound one runs', async () => {
    const { chart, webview, target } = await openReplayPanel();
    const dropped = chart.dropped;
    webview.send({ type: 'replayControl', action: 'rewind', value: 0 });
    webview.send({ type: 'replayControl', action: 'speed', value: -2 });
    webview.send({ type: 'replayControl', action: 'seek', value: 'soon' });
    webview.send({ type: 'replayControl', action: 'pause', value: 3 });
    webview.send({ type: 'replayControl', action: 'speed', value: 2 });
    expect(chart.dropped).toBe(dropped + 4);
    expect(commands.calls).toEqual([[COMMANDS.replaySpeed, target, 2]]);
  });
});
