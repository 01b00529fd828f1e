import * as vscode from 'vscode';
import { parseChartTimeframe, TimeframeError } from '../../engine/candles/timeframe';
import { CandleField } from '../../engine/candles/candleSeries';
import { FrameBuilder } from '../../engine/frame/frameBuilder';
import type { Market } from '../../engine/market';
import { MAX_CHART_ALERTS, MAX_OPEN_FAILURE, parseWebviewMessage, PROTOCOL_VERSION, ProtocolError, type DisplayDefaults, type OpenFailedMessage, type HostMessage, type Layers, type ReplayControlIntent, type ReplayMessage, type StatusInfo, type WebviewMessage } from '../../engine/protocol';
import type { MarketId } from '../../engine/marketId';
import type { SessionLease } from '../../feeds/marketSession';
import type { SessionRegistry } from '../../feeds/sessionRegistry';
import type { OrderscopeSettings, PanelIndicator } from '../settings/settingsModel';
import type { Beat, Pulse } from '../pulse';
import type { WindowFocus } from '../windowFocus';
import type { AlertController } from '../alerts/alertController';
import { FrameScheduler } from './frameScheduler';
import { panelPace, samePace, type PanelPace } from './panelPace';
import { indicatorSpecs } from './indicatorSpecs';
import { newNonce, panelHtml } from './panelHtml';
import { COMMANDS } from '../commands/commandIds';
import { ReplayFeed } from '../../feeds/replay/replayFeed';
import { REPLAY_EXCHANGE } from '../sessions/feedRouter';

/** How often a replay's position is sent while it plays (ms). */
const REPLAY_POSITION_MS = 500;

export const CHART_VIEW_TYPE = 'orderscope.chart';

/** What a panel shows beyond its market; restored after a reload. */
export interface ChartView {
  timeframe: string;
  layers: Layers;
  ticksPerRow: number;
  indicators: PanelIndicator[];
  /** Full frame rate even while not watched. */
  pinned: boolean;
}

/** What every panel shares: the one timer, the window's focus and the price alerts. */
export interface PanelSurroundings {
  pulse: Pulse;
  focus: WindowFocus;
  /** Each panel draws its market's alerts and edits them from the chart. */
  alerts: AlertController;
}

/**
 * One chart panel: a webview fed by the frame scheduler from a market session it leases.
 * Every message from the webview is validated; malformed ones are dropped and counted.
 */
/** The settings the panel's display defaults carry (a change re-sends them). */
const DISPLAY_SETTINGS = ['depthOverlayWidth', 'largeTradeThreshold', 'footprintDisplay', 'imbalanceRatio', 'valueAreaPercent'] as const satisfies readonly (keyof OrderscopeSettings)[];

export class ChartPanel implements vscode.Disposable {
  /** The settings an open panel applies live. */
  static readonly SETTINGS = ['maxFps', 'backgroundFps', 'powerSaving', 'ladderRows', 'indicatorParameters', 'depthWindowPercent', ...DISPLAY_SETTINGS, 'soundBigTrades', 'soundAlerts', 'soundVolume'] as const satisfies readonly (keyof OrderscopeSettings)[];
  target: MarketId;
  view: ChartView;
  /** Messages from the webview dropped as malformed. */
  dropped = 0;
  private lease: SessionLease;
  private builder: FrameBuilder | undefined;
  private scheduler: FrameScheduler | undefined;
  /** Checks the market for a frame at the pace's rate, on the shared pulse (while visible). */
  private poll: Beat | undefined;
  /** The pace last sent to the webview (undefined: none since its last init). */
  private sentPace: PanelPace | undefined;
  /** Sends a replay's position while the panel is visible (replays only). */
  private replayBeat: Beat | undefined;
  /** The replay position last sent (compared as text: sent only when it changed). */
  private sentReplay = '';
  private sessionSubscriptions: vscode.Disposable[] = [];
  /** The CVD pane counts trades of at least this amount (the panel's threshold, sent by it); 0: every trade. */
  private cvdMinAmount = 0;
  /** Why this panel's market could not be opened (until it opens or the panel switches market). */
  private openFailure: OpenFailedMessage | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<ChartPanel>();
  readonly onDidDispose = this.disposed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    target: MarketId,
    view: ChartView,
    private readonly registry: SessionRegistry,
    private settings: OrderscopeSettings,
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly surroundings: PanelSurroundings,
  ) {
    this.target = target;
    this.view = view;
    const webviewRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    panel.webview.options = { enableScripts: true, localResourceRoots: [webviewRoot] };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    this.lease = this.attach();
    this.render();
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      panel.onDidChangeViewState(() => this.onVisibility()),
      surroundings.focus.onDidChange(() => this.applyPace()),
      surroundings.alerts.onDidChange(() => this.postAlerts()),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Shows another market in this panel. */
  switchMarket(target: MarketId): void {
    this.detach();
    this.target = target;
    this.lease = this.attach();
    this.panel.title = this.title();
  }

  /** Switches the timeframe (shared by every reader of the session). */
  setTimeframe(timeframe: string): string | undefined {
    const tf = parseChartTimeframe(timeframe);
    if (tf instanceof TimeframeError) return tf.message;
    this.view = { ...this.view, timeframe: tf };
    const problem = this.lease.session.setTimeframe(tf);
    this.scheduler?.resetView();
    return problem?.message;
  }

  setLayer(layer: keyof Layers, on: boolean): void {
    this.view = { ...this.view, layers: { ...this.view.layers, [layer]: on } };
    this.builder?.updateSettings(layerSettings(this.view.layers));
    this.scheduler?.resetView();
  }

  toggleIndicator(kind: PanelIndicator, on?: boolean): void {
    const has = this.view.indicators.includes(kind);
    const want = on ?? !has;
    if (want === has) return;
    this.view = { ...this.view, indicators: want ? [...this.view.indicators, kind] : this.view.indicators.filter((k) => k !== kind) };
    this.applyIndicators();
    this.builder?.updateSettings({ metrics: this.metrics() });
    this.scheduler?.resetView();
  }

  /** Applies the changed `keys` among those it uses; the others cost nothing. */
  applySettings(settings: OrderscopeSettings, keys: ReadonlySet<keyof OrderscopeSettings>): void {
    this.settings = settings;
    if (keys.has('maxFps') || keys.has('backgroundFps') || keys.has('powerSaving')) this.applyPace();
    if (keys.has('ladderRows')) this.builder?.updateSettings({ bookRows: settings.ladderRows });
    if (keys.has('indicatorParameters')) this.applyIndicators();
    if (keys.has('depthWindowPercent')) this.builder?.updateSettings({ windowPercent: settings.depthWindowPercent });
    const display = DISPLAY_SETTINGS.some((key) => keys.has(key));
    if (display) this.builder?.updateSettings({ display: this.display() });
    if (keys.has('soundBigTrades') || keys.has('soundAlerts') || keys.has('soundVolume')) this.postSound();
    if (keys.has('ladderRows') || keys.has('indicatorParameters') || keys.has('depthWindowPercent') || display) this.scheduler?.resetView();
  }

  /**
   * A price alert fired: the panel chimes if alert sounds are on (it plays only while visible).
   * Returns whether the chime was sent.
   */
  playAlertSound(direction: 'above' | 'below'): boolean {
    if (!this.settings.soundAlerts || !this.panel.visible || !this.builder) return false;
    void this.panel.webview.postMessage({ v: PROTOCOL_VERSION, type: 'alertSound', direction } satisfies HostMessage);
    return true;
  }

  /** Pins the panel to the full frame rate while not watched, or unpins it (`on` omitted: toggles). */
  setPinned(on?: boolean): boolean {
    const pinned = on ?? !this.view.pinned;
    if (pinned !== this.view.pinned) {
      this.view = { ...this.view, pinned };
      this.applyPace();
    }
    return pinned;
  }

  /** The pace in force: from the settings, where the user looks and the pin. */
  pace(): PanelPace {
    return panelPace({
      saving: this.settings.powerSaving,
      watched: this.panel.active && this.surroundings.focus.focused,
      pinned: this.view.pinned,
      maxFps: this.settings.maxFps,
      backgroundFps: this.settings.backgroundFps,
    });
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    this.detach();
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions.length = 0;
    this.disposed.fire(this);
    this.disposed.dispose();
  }

  private title(): string {
    return chartTitle(this.target);
  }

  private render(): void {
    const webview = this.panel.webview;
    const root = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    this.panel.title = this.title();
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: newNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.css')).toString(),
      title: this.title(),
    });
  }

  /**
   * Leases the target's session and binds its market if it has one already (another reader, a
   * status-bar ticker, kept it open): the lease is stored first, as binding reads it.
   */
  private attach(): SessionLease {
    const lease = this.registry.acquire(this.target.exchange, this.target.symbol, 'market');
    this.lease = lease;
    const session = lease.session;
    const tf = parseChartTimeframe(this.view.timeframe);
    if (!(tf instanceof TimeframeError) && session.timeframe !== tf) session.setTimeframe(tf);
    this.sessionSubscriptions = [
      session.onMarket((market) => this.bindMarket(market)),
      session.onStatus((status) => {
        this.scheduler?.marketChanged();
        this.postReplay();
        // Without a market the webview has nothing to draw its badge on: an error that ends the
        // session before any data must still reach the user, naming what is wrong.
        if (status.state === 'error' && !this.builder) this.reportOpenError(status.detail);
      }),
    ];
    if (session.latestStatus.state === 'error' && !session.market) this.reportOpenError(session.latestStatus.detail);
    // A ticker reader may keep the session running after the whole market was refused.
    else if (!session.market && session.marketRefusal !== undefined) this.reportOpenError(session.marketRefusal);
    if (session.market) this.bindMarket(session.market);
    this.sentReplay = '';
    if (this.target.exchange === REPLAY_EXCHANGE) this.replayBeat = this.surroundings.pulse.every(REPLAY_POSITION_MS, () => this.postReplay());
    return lease;
  }

  /** Tells the webview where its replay stands, when that changed (replays only). */
  private postReplay(): void {
    if (this.target.exchange !== REPLAY_EXCHANGE || !this.panel.visible) return;
    const feed = this.lease.session.currentFeed;
    if (!(feed instanceof ReplayFeed)) return;
    const p = feed.progress();
    const known = (ms: number): number | null => (Number.isFinite(ms) ? ms : null);
    const message: ReplayMessage = {
      v: PROTOCOL_VERSION,
      type: 'replay',
      time: known(p.marketTime),
      start: known(p.startTime),
      end: known(p.endTime),
      speed: p.speed === Infinity ? 0 : p.speed,
      paused: p.paused,
      seeking: p.seeking,
      finished: p.finished,
    };
    const text = JSON.stringify(message);
    if (text === this.sentReplay) return;
    this.sentReplay = text;
    void this.panel.webview.postMessage(message);
  }

  /** The panel's replay buttons run the replay commands on this panel's replay. */
  private controlReplay(intent: ReplayControlIntent): void {
    if (this.target.exchange !== REPLAY_EXCHANGE) return;
    switch (intent.action) {
      case 'pause':
      case 'resume':
        void vscode.commands.executeCommand(COMMANDS.replayTogglePause, this.target, intent.action === 'pause');
        break;
      case 'speed':
        void vscode.commands.executeCommand(COMMANDS.replaySpeed, this.target, intent.value === 0 ? Infinity : intent.value);
        break;
      case 'seek':
        void vscode.commands.executeCommand(COMMANDS.replayJumpToTime, this.target, intent.value);
        break;
    }
  }

  private reportOpenError(detail: string): void {
    const message = `${this.title()}: ${detail}`;
    this.log.error(`chart ${message}`);
    // The panel says so itself (a webview still loading gets it again with its `ready`).
    this.openFailure = { v: PROTOCOL_VERSION, type: 'openFailed', market: { ...this.target }, detail: detail.slice(0, MAX_OPEN_FAILURE) };
    this.post(this.openFailure);
    void vscode.window.showErrorMessage(`Orderscope: ${message}`, 'Switch Symbol...').then((choice) => {
      if (choice) void vscode.commands.executeCommand(COMMANDS.switchSymbol);
    });
  }

  private detach(): void {
    this.openFailure = undefined;
    this.replayBeat?.dispose();
    this.replayBeat = undefined;
    for (const s of this.sessionSubscriptions) s.dispose();
    this.sessionSubscriptions = [];
    this.unbindMarket();
    this.lease.release();
  }

  private bindMarket(market: Market): void {
    this.unbindMarket();
    this.openFailure = undefined;
    const facts = this.lease.session.facts ?? {
      exchange: this.target.exchange,
      symbol: this.target.symbol,
      tickSize: market.grid.tickSize,
      pricePrecision: market.grid.decimals,
      amountPrecision: 4,
    };
    this.builder = new FrameBuilder(market, facts, {
      panel: { ...this.target },
      ...layerSettings(this.view.layers),
      ticksPerRow: this.view.ticksPerRow,
      bookRows: this.settings.ladderRows,
      windowPercent: this.settings.depthWindowPercent,
      metrics: this.metrics(),
      display: this.display(),
      cvdMinAmount: this.cvdMinAmount,
    });
    this.applyIndicators();
    this.scheduler = new FrameScheduler(this.builder, (m) => this.post(m), () => this.status(), { maxFps: this.pace().fps });
    this.scheduler.setVisible(this.panel.visible);
    // The webview may already be up (a market switch, a session that reopened): start over.
    this.scheduler.onReady();
    this.restartPoll();
  }

  private unbindMarket(): void {
    this.poll?.dispose();
    this.poll = undefined;
    this.scheduler?.dispose();
    this.scheduler = undefined;
    this.builder?.dispose();
    this.builder = undefined;
  }

  /**
   * The market changes with every event; the scheduler is nudged at the pace's frame rate, not
   * per event, and not at all while the panel is hidden (the host builds no frame for it).
   */
  private restartPoll(): void {
    const period = Math.max(16, 1000 / this.pace().fps);
    if (!this.scheduler || !this.panel.visible) {
      this.poll?.dispose();
      this.poll = undefined;
      return;
    }
    if (this.poll) this.poll.setPeriod(period);
    else this.poll = this.surroundings.pulse.every(period, () => this.scheduler?.marketChanged());
  }

  /** Applies the pace (frame rate, poll period) and tells the webview when it changed. */
  private applyPace(): void {
    const pace = this.pace();
    this.scheduler?.setMaxFps(pace.fps);
    this.restartPoll();
    if (this.sentPace !== undefined && !samePace(this.sentPace, pace)) this.postPace(pace);
  }

  private postPace(pace: PanelPace): void {
    this.sentPace = pace;
    void this.panel.webview.postMessage({ v: PROTOCOL_VERSION, type: 'pace', ...pace } satisfies HostMessage);
  }

  /** The settings' defaults for the panel's own choices (its toolbar's and tape's win once made). */
  private display(): DisplayDefaults {
    const s = this.settings;
    return {
      depthOverlayWidth: s.depthOverlayWidth,
      largeTradeThreshold: s.largeTradeThreshold,
      footprintDisplay: s.footprintDisplay,
      imbalanceRatio: s.imbalanceRatio,
      valueAreaPercent: s.valueAreaPercent,
    };
  }

  private metrics(): { imbalance: boolean; cvd: boolean } {
    return { imbalance: this.view.indicators.includes('imbalance'), cvd: this.view.indicators.includes('cvd') };
  }

  private applyIndicators(): void {
    const market = this.lease.session.market;
    if (!market) return;
    try {
      market.setIndicators(indicatorSpecs(this.view.indicators, this.settings.indicatorParameters));
      market.setImbalanceDepth(this.settings.indicatorParameters.imbalanceDepth);
    } catch (error) {
      this.log.error(`indicator settings refused: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private status(): StatusInfo {
    const s = this.lease.session.latestStatus;
    return s.backfill === undefined ? { state: s.state, detail: s.detail, value: s.value } : { state: s.state, detail: s.detail, value: s.value, backfill: s.backfill };
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
    // A (re)loaded webview knows nothing of the pace, the alerts or the sound: they follow every init.
    if (message.type === 'init') {
      this.postPace(this.pace());
      this.postAlerts();
      this.postSound();
    }
  }

  /** The sound settings (`orderscope.sound.*`), which the webview applies to its sounds. */
  private postSound(): void {
    if (!this.builder) return;
    const s = this.settings;
    void this.panel.webview.postMessage({ v: PROTOCOL_VERSION, type: 'sound', bigTrades: s.soundBigTrades, alerts: s.soundAlerts, volume: s.soundVolume / 100 } satisfies HostMessage);
  }

  /** The alerts of this panel's market, once the webview has its market (an init) to draw them on. */
  private postAlerts(): void {
    if (!this.builder) return;
    const alerts = this.surroundings.alerts.alerts
      .forMarket(this.target.exchange, this.target.symbol)
      .slice(0, MAX_CHART_ALERTS)
      .map(({ id, price, direction }) => ({ id, price, direction }));
    void this.panel.webview.postMessage({ v: PROTOCOL_VERSION, type: 'alerts', alerts } satisfies HostMessage);
  }

  /** Whether `id` is an alert of this panel's market (a panel edits no other). */
  private ownsAlert(id: string): boolean {
    return this.surroundings.alerts.alerts.forMarket(this.target.exchange, this.target.symbol).some((a) => a.id === id);
  }

  /** The side of the market's last price an alert at `price` is on: it fires when the price comes to it. */
  private alertDirection(price: number): 'above' | 'below' | undefined {
    const candles = this.lease.session.market?.candles;
    if (!candles || candles.count === 0) return undefined;
    return price >= candles.value(candles.lastSeq, CandleField.Close) ? 'above' : 'below';
  }

  private async editAlert(edit: Promise<unknown>): Promise<void> {
    const result = await edit;
    if (typeof result === 'string') void vscode.window.showWarningMessage(`Orderscope: ${result}`);
  }

  private onVisibility(): void {
    this.scheduler?.setVisible(this.panel.visible);
    this.applyPace();
  }

  /**
   * A page of the bars held before `before`; when none is held, the session pages older ones in
   * from the feed first (one request at a time per session) and the page follows when it
   * answers. A failure reaches the panel (which says so; scrolling back again retries).
   */
  private async answerOlder(before: number): Promise<void> {
    const builder = this.builder;
    if (!builder) return;
    const held = builder.buildHistory(before);
    if (held.bars.length > 0 || !held.hasOlder) {
      this.post(held);
      return;
    }
    const outcome = await this.lease.session.loadOlder();
    // Another market meanwhile: its init says what is held.
    if (this.builder !== builder) return;
    if ('failed' in outcome) this.log.warn(`chart ${this.title()}: earlier history not loaded: ${outcome.failed}`);
    this.post(builder.buildHistory(before, 'failed' in outcome ? outcome.failed : null));
  }

  private onMessage(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (message instanceof ProtocolError) {
      this.dropped++;
      this.log.warn(`chart ${this.title()}: dropped a malformed message from the panel (${message.reason})`);
      return;
    }
    this.handle(message);
  }

  private handle(message: WebviewMessage): void {
    switch (message.type) {
      case 'ready':
        if (this.openFailure !== undefined) this.post(this.openFailure);
        this.sentReplay = '';
        this.postReplay();
        this.scheduler?.onReady();
        break;
      case 'ack':
        this.scheduler?.onAck(message.id, message.renderMs);
        break;
      case 'setTimeframe': {
        const problem = this.setTimeframe(message.timeframe);
        if (problem) void vscode.window.showWarningMessage(`Orderscope: ${problem}`);
        break;
      }
      case 'setLayer':
        this.setLayer(message.layer, message.on);
        break;
      case 'setGrouping':
        this.view = { ...this.view, ticksPerRow: message.ticksPerRow };
        this.builder?.updateSettings({ ticksPerRow: message.ticksPerRow });
        this.scheduler?.resetView();
        break;
      case 'setIndicator':
        this.toggleIndicator(message.kind, message.on);
        break;
      case 'loadOlder':
        void this.answerOlder(message.before);
        break;
      case 'openSymbolPicker':
        void vscode.commands.executeCommand(COMMANDS.switchSymbol);
        break;
      case 'setPinned':
        this.setPinned(message.pinned);
        break;
      case 'replayControl':
        this.controlReplay(message);
        break;
      case 'setCvdMinAmount':
        if (message.amount === this.cvdMinAmount) break;
        this.cvdMinAmount = message.amount;
        this.builder?.updateSettings({ cvdMinAmount: message.amount });
        this.scheduler?.resetView();
        break;
      case 'addAlert':
        void this.editAlert(this.surroundings.alerts.add(this.target.exchange, this.target.symbol, message.price, this.alertDirection(message.price)));
        break;
      case 'moveAlert':
        if (this.ownsAlert(message.id)) void this.editAlert(this.surroundings.alerts.move(message.id, message.price, this.alertDirection(message.price)));
        else this.log.warn(`chart ${this.title()}: the panel asked to move alert ${message.id}, not one of its market`);
        break;
      case 'removeAlert':
        if (this.ownsAlert(message.id)) void this.surroundings.alerts.remove(message.id);
        else this.log.warn(`chart ${this.title()}: the panel asked to remove alert ${message.id}, not one of its market`);
        break;
    }
  }
}

/** A panel's tab title: the market and exchange; a replay's file by its name, not its whole path. */
export function chartTitle(target: MarketId): string {
  if (target.exchange === REPLAY_EXCHANGE) return `${target.symbol.split(/[\\/]/).pop() || target.symbol} · replay`;
  return `${target.symbol} · ${target.exchange}`;
}

/** The builder's settings for the panel's layers: the heatmap and footprint layers are what it sends of them (the volume profile sums footprint cells, so it needs them too). */
function layerSettings(layers: Layers): { layers: Layers; heatmap: boolean; footprint: boolean } {
  return { layers, heatmap: layers.heatmap === true, footprint: layers.footprint === true || layers.profile === true };
}
