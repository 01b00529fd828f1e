import * as vscode from 'vscode';
import { SessionRegistry } from '../feeds/sessionRegistry';
import { AlertController } from './alerts/alertController';
import { DisposableOwner } from './lifecycle';
import { ChartPanelManager } from './panel/chartPanelManager';
import { FeedRouter, NETWORK_SETTINGS, REPLAY_EXCHANGE, type ReplayFeedFactory } from './sessions/feedRouter';
import { statusBarMarkets } from './settings/settingsModel';
import { SettingsService } from './settings/settingsService';
import { Pulse } from './pulse';
import { TickerBar } from './statusBar/tickerBar';
import { WindowFocus } from './windowFocus';
import { WatchlistTree } from './watchlist/watchlistTree';

const RECENT_KEY = 'orderscope.recentSymbols';

/**
 * The extension's composition root: owns every long-lived part, each a Disposable, and wires
 * each settings change to the parts that use the changed keys (a network change re-dials the
 * affected sessions in place; nothing else touches a socket). Made once per activation and owned
 * by the context.
 */
export class Orderscope extends DisposableOwner {
  readonly log: vscode.LogOutputChannel;
  readonly settings: SettingsService;
  readonly router: FeedRouter;
  readonly registry: SessionRegistry;
  readonly tickerBar: TickerBar;
  readonly panels: ChartPanelManager;
  readonly alerts: AlertController;
  readonly watchlist: WatchlistTree;
  /** The one timer of the periodic work (panel frame checks, ticker flushes). */
  readonly pulse: Pulse;
  readonly focus: WindowFocus;
  /** Resolves when every session has closed its feed and the live source its sockets. */
  private closing: Promise<void> | undefined;

  constructor(
    readonly context: vscode.ExtensionContext,
    log: vscode.LogOutputChannel,
    replayFeed: ReplayFeedFactory | null,
  ) {
    super();
    // Registered in the order made: disposed last first (the log outlives everything).
    this.log = this.register(log);
    this.settings = this.register(new SettingsService(this.log));
    const s = this.settings.settings;
    this.router = new FeedRouter(s, replayFeed);
    this.pulse = this.register(new Pulse((error) => this.log.error(`a periodic update failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)));
    this.registry = new SessionRegistry({
      createFeed: this.router.createFeed,
      repeat: (periodMs, run) => this.pulse.every(periodMs, run),
      session: { timeframe: s.timeframe, historyBars: s.historyBars, staleAfterMs: s.staleAfterSeconds * 1000 },
    });
    this.register({ dispose: () => void this.closeSessions() });
    this.focus = this.register(new WindowFocus());
    this.tickerBar = this.register(new TickerBar(this.registry, s, this.pulse, this.focus));
    // Before the panels: each draws its market's alerts (and is disposed before them).
    this.alerts = this.register(new AlertController(context.globalState, this.registry, this.log));
    this.alerts.enabled = s.alertsEnabled;
    this.panels = this.register(new ChartPanelManager(this.registry, s, context.extensionUri, this.log, { pulse: this.pulse, focus: this.focus, alerts: this.alerts }));
    this.watchlist = this.register(new WatchlistTree(context.globalState, this.registry, statusBarMarkets(s), this.pulse));
    for (const subscription of [
      vscode.window.registerTreeDataProvider('orderscope.watchlist', this.watchlist),
      this.settings.onDidChange(({ keys }) => this.log.info(`settings changed: ${[...keys].join(', ')}`)),
      this.settings.onDidChangeKeys(NETWORK_SETTINGS, (next) => {
        const inUse = this.registry.sessions().map((session) => session.key.exchange);
        const exchanges = this.router.applyNetworkSettings(next, inUse);
        const count = this.registry.redial(exchanges, 'the network settings changed');
        this.log.info(`network settings applied: ${count} session(s) re-dial${exchanges.size > 0 ? ` on ${[...exchanges].join(', ')}` : ''}`);
      }),
      this.settings.onDidChangeKeys(['staleAfterSeconds'], (next) => this.registry.setStaleAfter(next.staleAfterSeconds * 1000)),
      this.settings.onDidChangeKeys(['historyBars'], (next) => {
        // A replay keeps playing: its history is the recording's, and re-opening would restart it.
        const count = this.registry.setHistoryBars(next.historyBars, (session) => session.key.exchange !== REPLAY_EXCHANGE);
        this.log.info(`history length ${next.historyBars} bars: ${count} chart(s) reload their history`);
      }),
      this.settings.onDidChangeKeys(TickerBar.SETTINGS, (next) => this.tickerBar.applySettings(next)),
      this.settings.onDidChangeKeys(ChartPanelManager.SETTINGS, (next, change) => this.panels.applySettings(next, change.keys)),
      this.settings.onDidChangeKeys(['alertsEnabled'], (next) => (this.alerts.enabled = next.alertsEnabled)),
    ])
      this.register(subscription);
  }

  /** Symbols opened recently, newest first. */
  recentSymbols(): string[] {
    const stored = this.context.globalState.get<unknown>(RECENT_KEY);
    return Array.isArray(stored) ? stored.filter((x): x is string => typeof x === 'string') : [];
  }

  rememberSymbol(symbol: string): void {
    const next = [symbol, ...this.recentSymbols().filter((s) => s !== symbol)].slice(0, 10);
    void this.context.globalState.update(RECENT_KEY, next);
  }

  /**
   * Closes every market session (their feeds, sockets and timers) and then the live source.
   * Idempotent; `deactivate` awaits it, so nothing is left running when VS Code unloads us.
   */
  closeSessions(): Promise<void> {
    this.closing ??= (async () => {
      await this.registry.dispose();
      await this.router.close();
    })().catch((error: unknown) => this.log.error(`closing the market sessions failed: ${error instanceof Error ? error.message : String(error)}`));
    return this.closing;
  }
}
