import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { MarketSession } from '../../feeds/marketSession';
import type { SessionRecording } from '../../feeds/recorder/sessionRecording';
import type { Orderscope } from '../orderscope';
import { COMMANDS } from '../commands/commandIds';
import { recordingFolder } from './recordingFolder';

interface ActiveRecording {
  recording: SessionRecording;
  session: MarketSession;
}

/**
 * Start/Stop Recording: writes the active chart's market, as the engine sees it, to a raw
 * capture (`*.gz`) or an order-flow SQLite database (`*.db`). Writing is buffered off the event
 * path and committed at least every second; a status-bar item shows it is running.
 */
export class RecordingController implements vscode.Disposable {
  private active: ActiveRecording | undefined;
  private readonly item = vscode.window.createStatusBarItem('orderscope.recording', vscode.StatusBarAlignment.Left, 0);
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.item.command = COMMANDS.stopRecording;
    this.item.name = 'Orderscope recording';
  }

  async start(app: Orderscope): Promise<void> {
    if (this.active) throw new Error(`already recording to ${this.active.recording.recorder.path}; stop it first`);
    const panel = app.panels.activePanel;
    if (!panel) throw new Error('open the chart of the market to record first');
    const session = app.registry.find(panel.target.exchange, panel.target.symbol);
    if (!session?.market) throw new Error(`${panel.target.symbol} is not streaming yet`);
    const safe = panel.target.symbol.replace(/[^A-Za-z0-9]+/g, '');
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
    const target = await vscode.window.showSaveDialog({
      title: `Record ${panel.target.symbol} on ${panel.target.exchange}`,
      defaultUri: vscode.Uri.file(join(recordingFolder(app.settings.settings.recordingsFolder, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, homedir()), `${safe}_${stamp}.db`)),
      filters: { 'Order-flow database (SQLite)': ['db', 'sqlite'], 'Raw capture (gzip lines)': ['gz'] },
    });
    if (!target) return;
    const { recordSession } = await import('../../feeds/recorder/sessionRecording');
    const recording = await recordSession(session, target.fsPath, {
      onProblem: (message: string) => this.log.warn(`recorder: ${message}`),
    });
    this.active = { recording, session };
    this.log.info(`recording ${panel.target.symbol} on ${panel.target.exchange} to ${target.fsPath}`);
    this.timer = setInterval(() => this.render(), 1000);
    this.render();
  }

  async stop(): Promise<void> {
    const active = this.active;
    if (!active) {
      void vscode.window.showInformationMessage('Orderscope: nothing is being recorded.');
      return;
    }
    this.active = undefined;
    if (this.timer) clearInterval(this.timer);
    this.item.hide();
    const stats = await active.recording.stop();
    const path = active.recording.recorder.path;
    const message = `recorded ${stats.events} events to ${path}`;
    this.log.info(`${message} (${stats.written} written, ${stats.failed} failed)`);
    if (stats.failed > 0) {
      void vscode.window.showWarningMessage(`Orderscope: ${message}, but ${stats.failed} could not be written (${stats.lastError || 'see the log'})`);
    } else {
      void vscode.window.showInformationMessage(`Orderscope: ${message}`);
    }
  }

  dispose(): void {
    if (this.active) void this.stop();
    if (this.timer) clearInterval(this.timer);
    this.item.dispose();
  }

  private render(): void {
    const active = this.active;
    if (!active) return;
    const { stats, path } = active.recording.recorder;
    // A recording that cannot write (a full disk, a locked database) shows it, not just a count.
    const trouble = stats.diskFull ? ' · DISK FULL' : stats.lastError !== '' ? ' · cannot write' : '';
    this.item.text = `$(record) REC ${active.session.key.symbol} · ${stats.events} events${trouble}`;
    this.item.tooltip =
      `Recording to ${path}\n${stats.written} written, ${stats.pending} pending, ${stats.failed} failed` +
      `${stats.lastError !== '' ? `\n${stats.lastError}` : ''}\nClick to stop`;
    this.item.backgroundColor = trouble !== '' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }
}
