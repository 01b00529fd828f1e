import * as vscode from 'vscode';
import { parseChartTimeframe } from '../../engine/candles/timeframe';
import { asMarketId, marketKey, type MarketId } from '../../engine/marketId';
import type { SessionRegistry } from '../../feeds/sessionRegistry';
import { PANEL_INDICATORS, type OrderscopeSettings, type PanelIndicator } from '../settings/settingsModel';
import type { PriceAlert } from '../alerts/priceAlerts';
import { CHART_VIEW_TYPE, ChartPanel, type ChartView, type PanelSurroundings } from './chartPanel';

/**
 * The chart panels: one per market, reused when already open, restored after a window reload by
 * a WebviewPanelSerializer from the state the webview saved (market, timeframe, layers, ...).
 */
export class ChartPanelManager implements vscode.Disposable, vscode.WebviewPanelSerializer {
  /** The settings this part reads: the defaults of new panels and what open panels apply live. */
  static readonly SETTINGS = [
    'exchange',
    'symbol',
    'timeframe',
    'ticksPerRow',
    'indicators',
    ...ChartPanel.SETTINGS,
  ] as const satisfies readonly (keyof OrderscopeSettings)[];

  private readonly panels = new Map<string, ChartPanel>();
  private active: ChartPanel | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly registry: SessionRegistry,
    private settings: OrderscopeSettings,
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly surroundings: PanelSurroundings,
  ) {
    this.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(CHART_VIEW_TYPE, this),
      surroundings.alerts.onDidFire((alert) => this.chime(alert)),
    );
  }

  /**
   * A fired alert chimes once, in one visible chart: the alert's market's if it is visible, else
   * the last focused, else any (sound needs an open chart panel: the webview plays it).
   */
  private chime(alert: PriceAlert): void {
    const own = this.panels.get(marketKey({ exchange: alert.exchange, symbol: alert.symbol }));
    const order = [own, this.active, ...this.panels.values()];
    for (const panel of order) if (panel?.playAlertSound(alert.direction)) return;
  }

  /** The panel the user last focused, if any is open. */
  get activePanel(): ChartPanel | undefined {
    return this.active;
  }

  list(): ChartPanel[] {
    return [...this.panels.values()];
  }

  /** Opens (or reveals) the chart of a market. */
  open(target: MarketId, column = vscode.ViewColumn.Active): ChartPanel {
    const existing = this.panels.get(marketKey(target));
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(CHART_VIEW_TYPE, `${target.symbol} · ${target.exchange}`, column, {
      enableScripts: true,
      retainContextWhenHidden: false,
    });
    return this.adopt(panel, target, this.defaultView());
  }

  /** Moves the active panel (or a new one) to another market. */
  switchActive(target: MarketId): ChartPanel {
    const panel = this.active;
    if (!panel) return this.open(target);
    const other = this.panels.get(marketKey(target));
    if (other && other !== panel) {
      other.reveal();
      return other;
    }
    this.panels.delete(marketKey(panel.target));
    panel.switchMarket(target);
    this.panels.set(marketKey(target), panel);
    return panel;
  }

  /** New settings: remembered for new panels; open panels apply the keys they use. */
  applySettings(settings: OrderscopeSettings, keys: ReadonlySet<keyof OrderscopeSettings>): void {
    this.settings = settings;
    if (!ChartPanel.SETTINGS.some((key) => keys.has(key))) return;
    for (const panel of this.panels.values()) panel.applySettings(settings, keys);
  }

  /** WebviewPanelSerializer: a panel that was open before the reload. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const restored = restoreFromState(state, this.settings);
    this.log.info(`restoring chart ${restored.target.symbol} on ${restored.target.exchange} (${restored.view.timeframe})`);
    const existing = this.panels.get(marketKey(restored.target));
    if (existing) {
      panel.dispose();
      return;
    }
    this.adopt(panel, restored.target, restored.view);
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
    for (const s of this.subscriptions) s.dispose();
  }

  private defaultView(): ChartView {
    return {
      timeframe: this.settings.timeframe,
      layers: { volume: true, depth: true, ladder: true, tape: true },
      ticksPerRow: this.settings.ticksPerRow,
      indicators: [...this.settings.indicators],
      pinned: false,
    };
  }

  private adopt(webviewPanel: vscode.WebviewPanel, target: MarketId, view: ChartView): ChartPanel {
    const panel = new ChartPanel(webviewPanel, target, view, this.registry, this.settings, this.extensionUri, this.log, this.surroundings);
    this.panels.set(marketKey(target), panel);
    this.active = panel;
    webviewPanel.onDidChangeViewState((e) => {
      if (e.webviewPanel.active) this.active = panel;
    });
    panel.onDidDispose(() => {
      if (this.panels.get(marketKey(panel.target)) === panel) this.panels.delete(marketKey(panel.target));
      if (this.active === panel) this.active = undefined;
    });
    return panel;
  }
}


/**
 * The market and view from the webview's saved state: the webview saves the host's key for the
 * panel (`panel`, from every init) and the user's choices; its `rangeKey` is
 * `exchange:symbol:timeframe`. Anything missing or malformed takes the settings.
 */
export function restoreFromState(state: unknown, settings: OrderscopeSettings): { target: MarketId; view: ChartView } {
  const o = typeof state === 'object' && state !== null ? (state as Record<string, unknown>) : {};
  const target: MarketId = asMarketId(o.panel) ?? { exchange: settings.exchange, symbol: settings.symbol };
  let timeframe: string = settings.timeframe;
  if (typeof o.rangeKey === 'string') timeframe = o.rangeKey.slice(o.rangeKey.lastIndexOf(':') + 1);
  if (typeof o.timeframe === 'string') timeframe = o.timeframe;
  if (parseChartTimeframe(timeframe) !== timeframe) timeframe = settings.timeframe;
  const l = o.layers as Record<string, unknown> | undefined;
  const layers =
    l && typeof l === 'object' && ['volume', 'depth', 'ladder', 'tape'].every((k) => typeof l[k] === 'boolean')
      ? { volume: l.volume as boolean, depth: l.depth as boolean, ladder: l.ladder as boolean, tape: l.tape as boolean, heatmap: l.heatmap === true, footprint: l.footprint === true, profile: l.profile === true }
      : { volume: true, depth: true, ladder: true, tape: true };
  const ticksPerRow = Number.isInteger(o.ticksPerRow) && (o.ticksPerRow as number) >= 1 ? (o.ticksPerRow as number) : settings.ticksPerRow;
  const indicators = new Set<PanelIndicator>(settings.indicators);
  if (typeof o.indicators === 'object' && o.indicators !== null) {
    for (const [kind, on] of Object.entries(o.indicators)) {
      if (!(PANEL_INDICATORS as readonly string[]).includes(kind) || typeof on !== 'boolean') continue;
      if (on) indicators.add(kind as PanelIndicator);
      else indicators.delete(kind as PanelIndicator);
    }
  }
  const pinned = o.pinned === true;
  return { target, view: { timeframe, layers, ticksPerRow, indicators: [...indicators], pinned } };
}
