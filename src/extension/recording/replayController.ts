import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { REPLAY_SPEEDS } from '../../engine/protocol';
import type { MarketId } from '../../engine/marketId';
import type { MarketSession } from '../../feeds/marketSession';
import type { SessionRegistry } from '../../feeds/sessionRegistry';
import { MarketRefusals } from '../../feeds/replay/engineRefusals';
import type { ReplayFeed } from '../../feeds/replay/replayFeed';
import { ReplayPlayback } from '../../feeds/replay/replayPlayback';
import type { ReplayProblem } from '../../feeds/replay/replaySource';
import type { Orderscope } from '../orderscope';
import { REPLAY_EXCHANGE } from '../sessions/feedRouter';
import { recordingFolder } from './recordingFolder';
import { parseReplayTime, utc } from './replayTimeInput';

/** `0.5×`, `10×`, `max speed` (Infinity). */
function speedLabel(speed: number): string {
  return speed === Infinity ? 'max speed' : `${speed}×`;
}

/** The offered speeds, market ms per wall ms (the protocol's 0 is Infinity here). */
const SPEEDS: readonly number[] = REPLAY_SPEEDS.map((s) => (s === 0 ? Infinity : s));

/** The file's name, not its whole path. */
function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/**
 * Replays of recordings (raw Binance captures, cryptofeed OKX captures, order-flow SQLite
 * databases): a file picker, a speed picker, a chart of the replay and a progress notification
 * (where it stands, paused, the speed; its cancel button ends it). While a replay runs, the
 * commands (and the panel's buttons, which run them) pause and resume it, change its speed and
 * jump to a time. Problems in the file go to the log with file and line.
 */
export class ReplayController {
  readonly playback: ReplayPlayback;

  /** The sessions (the factory is made before them; `attach` gives them, right after). */
  private registry: SessionRegistry | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.playback = new ReplayPlayback((path) => ({
      onProblem: (problem: ReplayProblem) => this.log.warn(`replay: ${problem.message}`),
      onNotice: (message: string) => this.log.info(`replay: ${message}`),
      // Lines the engine refuses are reported at their file:line (or row id).
      refusals: new MarketRefusals(() => this.registry?.find(REPLAY_EXCHANGE, path)?.market),
    }));
  }

  /** The sessions whose replay feeds this controller makes: refusals are reported from then on, restored panels included. */
  attach(registry: SessionRegistry): void {
    this.registry = registry;
  }

  /** The feed router's factory for `replay` sessions. */
  readonly createFeed = (path: string): ReplayFeed => this.playback.createFeed(path);

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
    const speed = await this.pickSpeed('Replay speed', 1);
    if (speed === undefined) return;
    const path = file.fsPath;
    const name = fileName(path);
    this.playback.setStartSpeed(path, speed);
    const panel = app.panels.open({ exchange: REPLAY_EXCHANGE, symbol: path });
    const session = app.registry.find(REPLAY_EXCHANGE, path);
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Replaying ${name}`, cancellable: true },
      (progress, cancel) =>
        new Promise<void>((resolve) => {
          let reported = 0;
          const timer = setInterval(() => {
            // The session's current feed: a jump back replaces it.
            const feed = session === undefined ? undefined : this.playback.feedOf(session);
            if (feed === undefined) return;
            const p = feed.progress();
            const percent = Math.floor(p.fraction * 100);
            const when = Number.isFinite(p.marketTime) ? ` · ${utc(p.marketTime)}` : '';
            const state = p.seeking ? 'jumping' : p.paused ? `paused (${speedLabel(p.speed)})` : speedLabel(p.speed);
            const skipped = feed.stats.idleGapsSkipped > 0 ? ` · ${feed.stats.idleGapsSkipped} idle gaps skipped` : '';
            progress.report({ increment: percent - reported, message: `${state} · ${percent}%${when}${skipped}` });
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

  /** Pause/Resume Replay: `paused` sets it (the panel's buttons), else it toggles. */
  async togglePause(app: Orderscope, target?: unknown, paused?: unknown): Promise<void> {
    const session = await this.replaySession(app, target);
    if (session === undefined) return;
    if (typeof paused === 'boolean') this.playback.setPaused(session, paused);
    else this.playback.togglePause(session);
  }

  /** Replay Speed...: `speed` (market ms per wall ms, Infinity: max) from the panel, else a pick. */
  async setSpeed(app: Orderscope, target?: unknown, speed?: unknown): Promise<void> {
    const session = await this.replaySession(app, target);
    if (session === undefined) return;
    const feed = this.playback.feedOf(session);
    const chosen = typeof speed === 'number' ? speed : await this.pickSpeed(`Replay speed of ${fileName(session.key.symbol)}`, feed?.speed ?? 1);
    if (chosen === undefined) return;
    if (!this.playback.setSpeed(session, chosen)) void vscode.window.showWarningMessage(`Orderscope: ${chosen} is not a replay speed`);
  }

  /** Jump to Time in Replay...: `time` (exchange ms) from the panel, else typed (UTC or an offset). */
  async jumpToTime(app: Orderscope, target?: unknown, time?: unknown): Promise<void> {
    const session = await this.replaySession(app, target);
    const feed = session === undefined ? undefined : this.playback.feedOf(session);
    if (session === undefined || feed === undefined) return;
    const p = feed.progress();
    if (!Number.isFinite(p.startTime)) {
      void vscode.window.showInformationMessage('Orderscope: the replay has not started yet');
      return;
    }
    const span = { now: p.marketTime, start: p.startTime, end: p.endKnown ? p.endTime : NaN };
    let to: number;
    if (typeof time === 'number') {
      const checked = parseReplayTime(new Date(time).toISOString().slice(0, 23).replace('T', ' '), span);
      if (typeof checked === 'string') {
        void vscode.window.showWarningMessage(`Orderscope: ${checked}`);
        return;
      }
      to = checked;
    } else {
      const ends = p.endKnown ? `ends ${utc(p.endTime)}` : Number.isFinite(p.endTime) ? `ends about ${utc(p.endTime)}` : 'end not known yet';
      const typed = await vscode.window.showInputBox({
        title: `Jump to Time in ${fileName(session.key.symbol)}`,
        prompt: `UTC time (23:58:30, 2024-08-08 23:58:30) or offset (+10m, -30s). Now ${utc(p.marketTime)}; starts ${utc(p.startTime)}; ${ends}`,
        placeHolder: '+1m',
        validateInput: (text) => {
          const checked = parseReplayTime(text, span);
          return typeof checked === 'string' ? checked : null;
        },
      });
      if (typed === undefined) return;
      const checked = parseReplayTime(typed, span);
      if (typeof checked === 'string') return;
      to = checked;
    }
    const outcome = this.playback.seek(session, to);
    if (outcome === 'refused') void vscode.window.showWarningMessage(`Orderscope: the replay cannot jump to ${utc(to)} (it is over)`);
    else if (outcome === 'back') this.log.info(`replay: jumping back to ${utc(to)}: replaying ${fileName(session.key.symbol)} from its start`);
  }

  /**
   * The replay a command acts on: the one given (a panel's button), the active chart's, or the
   * only one running; with several and none active, the user picks. Says so when there is none.
   */
  private async replaySession(app: Orderscope, target: unknown): Promise<MarketSession | undefined> {
    const given = target as Partial<MarketId> | undefined;
    if (given?.exchange === REPLAY_EXCHANGE && typeof given.symbol === 'string') return app.registry.find(REPLAY_EXCHANGE, given.symbol);
    const active = app.panels.activePanel?.target;
    if (active?.exchange === REPLAY_EXCHANGE) return app.registry.find(REPLAY_EXCHANGE, active.symbol);
    const paths = [...new Set(app.panels.list().flatMap((p) => (p.target.exchange === REPLAY_EXCHANGE ? [p.target.symbol] : [])))];
    if (paths.length === 0) {
      void vscode.window.showInformationMessage('Orderscope: no replay is running (Replay Recording... starts one)');
      return undefined;
    }
    const path =
      paths.length === 1
        ? paths[0]
        : (await vscode.window.showQuickPick(
            paths.map((p) => ({ label: fileName(p), description: p, path: p })),
            { title: 'Which replay?' },
          ))?.path;
    return path === undefined ? undefined : app.registry.find(REPLAY_EXCHANGE, path);
  }

  private async pickSpeed(title: string, current: number): Promise<number | undefined> {
    const items = SPEEDS.map((speed) => ({ label: speed === Infinity ? 'Maximum' : `${speed}×`, description: speed === current ? 'current' : '', speed }));
    const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Timed on the exchange timestamps' });
    return picked?.speed;
  }
}
