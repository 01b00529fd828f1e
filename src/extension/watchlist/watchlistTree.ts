import * as vscode from 'vscode';
import type { SessionLease } from '../../feeds/marketSession';
import type { SessionRegistry } from '../../feeds/sessionRegistry';
import { formatPrice } from '../statusBar/tickerText';
import { COMMANDS } from '../commands/commandIds';

const STATE_KEY = 'orderscope.watchlist';

export interface WatchedMarket {
  exchange: string;
  symbol: string;
}

/** A watchlist row; `contextValue` drives the inline actions and context menu. */
class WatchItem extends vscode.TreeItem {
  constructor(readonly market: WatchedMarket, description: string, tooltip: string) {
    super(market.symbol, vscode.TreeItemCollapsibleState.None);
    this.id = `${market.exchange}:${market.symbol}`;
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
  private markets: WatchedMarket[];
  private readonly leases = new Map<string, { lease: SessionLease; subscription: vscode.Disposable }>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private refreshPending = false;

  constructor(
    private readonly state: vscode.Memento,
    private readonly registry: SessionRegistry,
    initial: WatchedMarket[],
  ) {
    const stored = state.get<unknown>(STATE_KEY);
    this.markets = Array.isArray(stored) ? stored.filter(isWatched) : initial;
    this.sync();
  }

  list(): readonly WatchedMarket[] {
    return this.markets;
  }

  async add(market: WatchedMarket): Promise<void> {
    if (this.markets.some((m) => m.exchange === market.exchange && m.symbol === market.symbol)) return;
    this.markets = [...this.markets, market];
    await this.state.update(STATE_KEY, this.markets);
    this.sync();
  }

  async remove(market: WatchedMarket): Promise<void> {
    this.markets = this.markets.filter((m) => !(m.exchange === market.exchange && m.symbol === market.symbol));
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
      let description = status?.state === 'error' ? `error: ${status.detail}` : 'connecting…';
      if (t && Number.isFinite(t.last)) {
        const change = Number.isFinite(t.changePercent24h) ? `  ${t.changePercent24h >= 0 ? '▲ +' : '▼ '}${t.changePercent24h.toFixed(2)}%` : '';
        description = `${formatPrice(t.last, precision)}${change}`;
        if (status && status.state !== 'live') description += `  (${status.state})`;
      }
      const tooltip = `${m.symbol} on ${m.exchange}\n${status ? `Connection: ${status.state}${status.detail ? ` — ${status.detail}` : ''}` : ''}`;
      return new WatchItem(m, description, tooltip);
    });
  }

  dispose(): void {
    for (const held of this.leases.values()) {
      held.subscription.dispose();
      held.lease.release();
    }
    this.leases.clear();
    this.changed.dispose();
  }

  private sync(): void {
    const wanted = new Map(this.markets.map((m) => [`${m.exchange}\u0000${m.symbol}`, m]));
    for (const [key, held] of this.leases) {
      if (wanted.has(key)) continue;
      held.subscription.dispose();
      held.lease.release();
      this.leases.delete(key);
    }
    for (const [key, m] of wanted) {
      if (this.leases.has(key)) continue;
      const lease = this.registry.acquire(m.exchange, m.symbol, 'ticker');
      const subscription = lease.session.onTicker(() => this.scheduleRefresh());
      this.leases.set(key, { lease, subscription });
    }
    this.changed.fire();
  }

  /** Tickers arrive often; the tree redraws at most once a second. */
  private scheduleRefresh(): void {
    if (this.refreshPending) return;
    this.refreshPending = true;
    setTimeout(() => {
      this.refreshPending = false;
      this.changed.fire();
    }, 1000);
  }
}

function isWatched(x: unknown): x is WatchedMarket {
  return typeof x === 'object' && x !== null && typeof (x as WatchedMarket).exchange === 'string' && typeof (x as WatchedMarket).symbol === 'string';
}
