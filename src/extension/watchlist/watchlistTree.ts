import * as vscode from 'vscode';
import type { Beat, Pulse } from '../pulse';
import { asMarketId, marketKey, sameMarket, type MarketId } from '../../engine/marketId';
import type { SessionRegistry } from '../../feeds/sessionRegistry';
import { TickerLeases } from '../sessions/tickerLeases';
import { formatPrice } from '../statusBar/tickerText';
import { COMMANDS } from '../commands/commandIds';

const STATE_KEY = 'orderscope.watchlist';

/** A watchlist row; `contextValue` drives the inline actions and context menu. */
class WatchItem extends vscode.TreeItem {
  constructor(readonly market: MarketId, description: string, tooltip: string) {
    super(market.symbol, vscode.TreeItemCollapsibleState.None);
    this.id = marketKey(market);
    this.description = description;
    this.tooltip = tooltip;
    this.contextValue = 'orderscope.watched';
    this.iconPath = new vscode.ThemeIcon('graph-line');
    this.command = { title: 'Open Chart', command: COMMANDS.openChart, arguments: [market] };
  }
}

/**
 * The watchlist view: symbols with price and 24h change, kept in global state. Each row holds a
 * ticker lease on its session, so the prices are live and shared with the status bar.
 */
export class WatchlistTree implements vscode.TreeDataProvider<WatchItem>, vscode.Disposable {
  private markets: MarketId[];
  private readonly leases: TickerLeases;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The redraw waiting for the next whole second on the shared timer, if any. */
  private refresh: Beat | undefined;

  constructor(
    private readonly state: vscode.Memento,
    private readonly registry: SessionRegistry,
    initial: MarketId[],
    private readonly pulse: Pulse,
  ) {
    // Rows show the session's price and its one status: redraw on either.
    this.leases = new TickerLeases(registry, (session) => [session.onTicker(() => this.scheduleRefresh()), session.onStatus(() => this.scheduleRefresh())]);
    const stored = state.get<unknown>(STATE_KEY);
    this.markets = Array.isArray(stored) ? stored.flatMap((x) => asMarketId(x) ?? []) : initial;
    this.sync();
  }

  list(): readonly MarketId[] {
    return this.markets;
  }

  async add(market: MarketId): Promise<void> {
    if (this.markets.some((m) => sameMarket(m, market))) return;
    this.markets = [...this.markets, market];
    await this.state.update(STATE_KEY, this.markets);
    this.sync();
  }

  async remove(market: MarketId): Promise<void> {
    this.markets = this.markets.filter((m) => !sameMarket(m, market));
    await this.state.update(STATE_KEY, this.markets);
    this.sync();
  }

  getTreeItem(item: WatchItem): vscode.TreeItem {
    return item;
  }

  getChildren(): WatchItem[] {
    return this.markets.map((m) => {
      const session = this.registry.find(m.exchange, m.symbol);
      const t = session?.latestTicker;
      const precision = session?.facts?.pricePrecision ?? 2;
      const status = session?.latestStatus;
      const state = status?.state ?? 'connecting';
      let description: string;
      if (state === 'error' || state === 'closed') description = `${state}: ${status?.detail ?? ''}`;
      else if (t && Number.isFinite(t.last)) {
        const change = Number.isFinite(t.changePercent24h) ? `  ${t.changePercent24h >= 0 ? '▲ +' : '▼ '}${t.changePercent24h.toFixed(2)}%` : '';
        description = `${formatPrice(t.last, precision)}${change}`;
        // The session's one status, as the status bar and the chart badge show it.
        if (state !== 'live') description += `  (${state})`;
      } else description = `${state}…`;
      // Every row names its exchange: two rows of one symbol on two exchanges never look alike.
      description = `${description}  · ${m.exchange}`;
      const tooltip = `${m.symbol} on ${m.exchange}\n${status ? `Connection: ${status.state}${status.detail ? ` — ${status.detail}` : ''}` : ''}`;
      return new WatchItem(m, description, tooltip);
    });
  }

  dispose(): void {
    this.refresh?.dispose();
    this.leases.dispose();
    this.changed.dispose();
  }

  private sync(): void {
    this.leases.hold(this.markets);
    this.changed.fire();
  }

  /** Tickers arrive often; the tree redraws at most once a second (on the shared timer's second). */
  private scheduleRefresh(): void {
    if (this.refresh !== undefined) return;
    this.refresh = this.pulse.every(1000, () => {
      this.refresh?.dispose();
      this.refresh = undefined;
      this.changed.fire();
    });
  }
}
