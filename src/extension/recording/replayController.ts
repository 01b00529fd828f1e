import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { MarketFacts } from '../../engine/protocol';
import type { FeedTarget } from '../../feeds/feed';
import type { SessionRegistry } from '../../feeds/sessionRegistry';
import { MarketRefusals } from '../../feeds/replay/engineRefusals';
import { ReplayFeed } from '../../feeds/replay/replayFeed';
import type { ReplayProblem } from '../../feeds/replay/replaySource';
import type { Orderscope } from '../orderscope';
import { REPLAY_EXCHANGE } from '../sessions/feedRouter';
import { recordingFolder } from './recordingFolder';

/**
 * A replay session is keyed by the file's path, so the session opens its feed with the path as
 * the symbol; the recording's own market (its first) is the one to play.
 */
class RecordingReplayFeed extends ReplayFeed {
  override open(target: FeedTarget): Promise<MarketFacts> {
    return super.open({ ...target, symbol: '' });
  }
}

const SPEEDS: readonly { label: string; speed: number }[] = [
  { label: '1×', speed: 1 },
  { label: '10×', speed: 10 },
  { label: '100×', speed: 100 },
  { label: '1000×', speed: 1000 },
  { label: 'Maximum', speed: Infinity },
];

/**
 * Replays of recordings (raw Binance captures, cryptofeed OKX captures, order-flow SQLite
 * databases): a file picker, a speed picker, a chart of the replay and a progress notification
 * whose cancel button ends it. Problems in the file go to the log with file and line.
 */
export class ReplayController {
  /** Speed chosen for each path, read when the session's feed is made. */
  private readonly speeds = new Map<string, number>();

  /** The sessions (the factory is made before them; `attach` gives them, right after). */
  private registry: SessionRegistry | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** The sessions whose replay feeds this controller makes: refusals are reported from then on, restored panels included. */
  attach(registry: SessionRegistry): void {
    this.registry = registry;
  }

  /** The feed router's factory for `replay` sessions. */
  readonly createFeed = (path: string): ReplayFeed =>
    new RecordingReplayFeed(path, {
      speed: this.speeds.get(path) ?? 1,
      onProblem: (problem: ReplayProblem) => this.log.warn(`replay: ${problem.message}`),
      onNotice: (message: string) => this.log.info(`replay: ${message}`),
      // Lines the engine refuses are reported at their file:line (or row id).
      refusals: new MarketRefusals(() => this.registry?.find(REPLAY_EXCHANGE, path)?.market),
    });

  async run(app: Orderscope): Promise<void> {
    const files = await vscode.window.showOpenDialog({
      title: 'Replay Recording',
      defaultUri: vscode.Uri.file(recordingFolder(app.settings.settings.recordingsFolder, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, homedir())),
      canSelectMany: false,
      openLabel: 'Replay',
      filters: { 'Recordings (captures, order-flow databases)': ['gz', 'db', 'sqlite', 'sqlite3', '0'], 'All files': ['*'] },
    });
    const file = files?.[0];
    if (!file) return;
    const speed = await vscode.window.showQuickPick(SPEEDS, { title: 'Replay speed', placeHolder: 'Timed on the exchange timestamps' });
    if (!speed) return;
    const path = file.fsPath;
    const name = file.path.split('/').pop() ?? path;
    this.speeds.set(path, speed.speed);
    const panel = app.panels.open({ exchange: REPLAY_EXCHANGE, symbol: path });
    const session = app.registry.find(REPLAY_EXCHANGE, path);
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Replaying ${name} at ${speed.label}`, cancellable: true },
      (progress, cancel) =>
        new Promise<void>((resolve) => {
          let reported = 0;
          const timer = setInterval(() => {
            const feed = session?.currentFeed;
            if (!(feed instanceof ReplayFeed)) return;
            const p = feed.progress();
            const percent = Math.floor(p.fraction * 100);
            const when = Number.isFinite(p.marketTime) ? new Date(p.marketTime).toISOString().replace('T', ' ').slice(0, 19) : '';
            const skipped = feed.stats.idleGapsSkipped > 0 ? ` · ${feed.stats.idleGapsSkipped} idle gaps skipped` : '';
            progress.report({ increment: percent - reported, message: `${percent}%${when ? ` · ${when} UTC` : ''}${skipped}` });
            reported = percent;
            if (p.finished) {
              // The notification closes now: say so where it was, and in one that stays.
              progress.report({ message: `finished · ${feed.stats.byKind.events} events` });
              void vscode.window.showInformationMessage(`Orderscope: the replay of ${name} finished (${feed.stats.byKind.events} events${skipped}).`);
              finish();
            }
          }, 500);
          const finish = (): void => {
            clearInterval(timer);
            closed.dispose();
            resolve();
          };
          const closed = panel.onDidDispose(finish);
          cancel.onCancellationRequested(() => {
            panel.panel.dispose();
            finish();
          });
        }),
    );
  }
}
