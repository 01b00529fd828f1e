import * as vscode from 'vscode';
import { EventKind, MarketEvent } from '../../engine/events';
import type { MarketSession } from '../../feeds/marketSession';
import type { Recorder } from '../../feeds/recorder/recorder';
import type { Orderscope } from '../orderscope';
import { COMMANDS } from '../commands/commandIds';

interface ActiveRecording {
  recorder: Recorder;
  tap: vscode.Disposable;
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
    if (this.active) throw new Error(`already recording to ${this.active.recorder.path}; stop it first`);
    const panel = app.panels.activePanel;
    if (!panel) throw new Error('open the chart of the market to record first');
    const session = app.registry.find(panel.target.exchange, panel.target.symbol);
    if (!session?.market) throw new Error(`${panel.target.symbol} is not streaming yet`);
    const safe = panel.target.symbol.replace(/[^A-Za-z0-9]+/g, '');
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
    const target = await vscode.window.showSaveDialog({
      title: `Record ${panel.target.symbol} on ${panel.target.exchange}`,
      defaultUri: vscode.Uri.file(`${safe}_${stamp}.db`),
      filters: { 'Order-flow database (SQLite)': ['db', 'sqlite'], 'Raw capture (gzip lines)': ['gz'] },
    });
    if (!target) return;
    const { openRecorder } = await import('../../feeds/recorder/openRecorder');
    const recorder = await openRecorder(target.fsPath, {
      symbol: panel.target.symbol,
      onProblem: (message: string) => this.log.warn(`recorder: ${message}`),
    });
    // The recorder starts from a full book: the engine's current one. A sequenced book goes in
    // as a snapshot carrying the engine's last update id, so the diffs that follow bridge it
    // (a mirrored book has no id, and the recorder would take the next diff for a gap).
    const market = session.market;
    if (market.bookIsShowable()) {
      const bids = bestFirstRows(market.book.bids);
      const asks = bestFirstRows(market.book.asks);
      if (market.sync.lastFinalId >= 0) recorder.event(bookSnapshot(bids, asks, market.sync.lastFinalId));
      else recorder.mirrorBook(bids, asks);
    }
    this.active = { recorder, session, tap: session.addTap(recorder) };
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
    active.tap.dispose();
    if (this.timer) clearInterval(this.timer);
    this.item.hide();
    const stats = await active.recorder.close();
    const message = `recorded ${stats.events} events to ${active.recorder.path}`;
    this.log.info(message);
    void vscode.window.showInformationMessage(`Orderscope: ${message}`);
  }

  dispose(): void {
    if (this.active) void this.stop();
    if (this.timer) clearInterval(this.timer);
    this.item.dispose();
  }

  private render(): void {
    const active = this.active;
    if (!active) return;
    this.item.text = `$(record) REC ${active.session.key.symbol} · ${active.recorder.stats.events} events`;
    this.item.tooltip = `Recording to ${active.recorder.path}\nClick to stop`;
    this.item.show();
  }
}

/** A snapshot event of `bids`/`asks` (best first) whose `lastUpdateId` is `finalId`. */
function bookSnapshot(bids: [number, number][], asks: [number, number][], finalId: number): MarketEvent {
  const snapshot = new MarketEvent();
  snapshot.reset(EventKind.DepthSnapshot);
  snapshot.time = NaN; // no exchange time: the recorder stamps it with its clock, as for a mirrored book
  snapshot.finalId = finalId;
  for (const [price, size] of bids) snapshot.bids.push(price, size);
  for (const [price, size] of asks) snapshot.asks.push(price, size);
  return snapshot;
}

/** A book side as ccxt-shaped rows, best first (the recorder's snapshot input). */
function bestFirstRows(side: { prices: Float64Array; sizes: Float64Array; count: number }): [number, number][] {
  const rows: [number, number][] = [];
  for (let i = side.count - 1; i >= 0; i--) rows.push([side.prices[i]!, side.sizes[i]!]);
  return rows;
}
