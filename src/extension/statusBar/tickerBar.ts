import * as vscode from 'vscode';
import { marketKey, type MarketId } from '../../engine/marketId';
import type { TickerSnapshot } from '../../feeds/feed';
import type { SessionLease } from '../../feeds/marketSession';
import type { SessionRegistry } from '../../feeds/sessionRegistry';
import { statusBarMarkets, type OrderscopeSettings } from '../settings/settingsModel';
import { TickerFormatter } from './tickerText';
import { COMMANDS } from '../commands/commandIds';

/** One market in the status bar, holding a ticker-only lease on its session. */
class TickerItem implements vscode.Disposable {
  item: vscode.StatusBarItem;
  /** Epoch ms of the last ticker (for the tooltip's age); NaN before the first. */
  lastUpdate = NaN;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    readonly market: MarketId,
    readonly lease: SessionLease,
    priority: number,
    private readonly render: (item: TickerItem) => void,
  ) {
    this.item = this.createItem(priority);
    const session = lease.session;
    this.subscriptions.push(
      session.onTicker(() => {
        this.lastUpdate = Date.now();
        this.render(this);
      }),
      session.onStatus(() => this.render(this)),
    );
  }

  /** Moves the item to `priority` (fixed at creation in VS Code: a new item, the same lease). */
  place(priority: number): void {
    if (this.item.priority === priority) return;
    this.item.dispose();
    this.item = this.createItem(priority);
  }

  private createItem(priority: number): vscode.StatusBarItem {
    const { exchange, symbol } = this.market;
    const item = vscode.window.createStatusBarItem(`orderscope.ticker.${exchange}.${symbol}`, vscode.StatusBarAlignment.Right, priority);
    item.name = `Orderscope ${symbol} (${exchange})`;
    item.command = { title: 'Open Chart', command: COMMANDS.openChart, arguments: [{ exchange, symbol }] };
    item.show();
    return item;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
    this.lease.release();
  }
}

/**
 * The status-bar tickers: one item per configured market (each with its own exchange), sharing
 * the market sessions (ticker leases, batched ticker streams). What an item says comes from its
 * session's one status (the same the watchlist, the chart badge and the ladder read): a stale,
 * resyncing or failed market says so. A settings change keeps the items (and sessions) of the
 * markets that stay; only added and removed markets open and close.
 */
export class TickerBar implements vscode.Disposable {
  /** The settings this part reads. */
  static readonly SETTINGS = ['exchange', 'statusBarSymbols', 'statusBarFormat'] as const satisfies readonly (keyof OrderscopeSettings)[];
  private items: TickerItem[] = [];
  private readonly formatter = new TickerFormatter();
  private timer: ReturnType<typeof setInterval> | undefined;
  private settings: OrderscopeSettings;

  constructor(
    private readonly registry: SessionRegistry,
    settings: OrderscopeSettings,
  ) {
    this.settings = settings;
    this.sync();
  }

  /** Symbols, exchange and format apply live. */
  applySettings(settings: OrderscopeSettings): void {
    this.settings = settings;
    this.sync();
  }

  /** The markets shown, in order. */
  markets(): MarketId[] {
    return this.items.map((i) => i.market);
  }

  /** Text of every item, for tests and the log. */
  texts(): string[] {
    return this.items.map((i) => i.item.text);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const item of this.items) item.dispose();
    this.items = [];
  }

  /**
   * Brings the items in line with the settings: keeps, adds, removes, reorders. A kept item keeps
   * its status-bar item when the order allows (VS Code fixes an item's place at creation): a new
   * market gets a priority between its neighbours'; only a reorder re-creates items. O(items).
   */
  private sync(): void {
    const wanted = statusBarMarkets(this.settings);
    const kept = new Map(this.items.map((item) => [marketKey(item.market), item]));
    const held = wanted.map((market) => kept.get(marketKey(market)));
    // Right-aligned: a higher priority stands further left. Kept items already in the wanted
    // order keep their place; a new one goes between its neighbours.
    const keptPriorities = held.flatMap((item) => (item === undefined ? [] : [item.item.priority!]));
    const inOrder = keptPriorities.every((p, i) => i === 0 || p < keptPriorities[i - 1]!);
    // The priority of the nearest kept item after each position (one pass from the end).
    const following = new Array<number | undefined>(wanted.length);
    for (let i = wanted.length - 1, after: number | undefined; i >= 0; i--) {
      following[i] = after;
      if (held[i] !== undefined) after = held[i]!.item.priority;
    }
    const next: TickerItem[] = [];
    for (let i = 0; i < wanted.length; i++) {
      const market = wanted[i]!;
      const item = held[i];
      kept.delete(marketKey(market));
      const priority = !inOrder ? 1000 - i : item !== undefined ? item.item.priority! : priorityBetween(next[i - 1]?.item.priority, following[i]);
      const placed = item ?? new TickerItem(market, this.registry.acquire(market.exchange, market.symbol, 'ticker'), priority, (t) => this.render(t));
      placed.place(priority);
      next.push(placed);
    }
    for (const gone of kept.values()) gone.dispose();
    this.items = next;
    for (const item of this.items) this.render(item);
    if (this.items.length === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    } else if (this.items.length > 0 && !this.timer) {
      // Ages in the tooltips move with time, not only with data.
      this.timer = setInterval(() => this.items.forEach((i) => this.render(i)), 1000);
    }
  }

  private render(item: TickerItem): void {
    const session = item.lease.session;
    const ticker: TickerSnapshot | undefined = session.latestTicker;
    const status = session.latestStatus;
    const exchanges = new Set(this.items.map((i) => i.market.exchange));
    const ageMs = Number.isNaN(item.lastUpdate) ? NaN : Date.now() - item.lastUpdate;
    const view = this.formatter.format(
      {
        exchange: item.market.exchange,
        symbol: item.market.symbol,
        last: ticker?.last ?? NaN,
        changePercent24h: ticker?.changePercent24h ?? NaN,
        high24h: ticker?.high24h ?? NaN,
        low24h: ticker?.low24h ?? NaN,
        volume24h: ticker?.volume24h ?? NaN,
        pricePrecision: session.facts?.pricePrecision ?? 2,
        ageMs,
        state: status.state,
        detail: status.detail,
        showExchange: exchanges.size > 1 || item.market.exchange !== this.settings.exchange,
      },
      this.settings.statusBarFormat,
    );
    const state = view.state;
    const i = item.item;
    i.text = view.text;
    i.tooltip = view.tooltip;
    i.color =
      state === 'live' && view.direction !== 'flat' ? new vscode.ThemeColor(view.direction === 'up' ? 'charts.green' : 'charts.red') : undefined;
    i.backgroundColor =
      state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : state === 'stale' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    i.accessibilityInformation = { label: `${item.market.symbol} on ${item.market.exchange} ${view.text.replace(/\$\([^)]*\)\s*/g, '')}, ${state}` };
  }
}

/** A priority left of `after` and right of `before` (either may be missing). O(1). */
function priorityBetween(before: number | undefined, after: number | undefined): number {
  if (before !== undefined && after !== undefined) return (before + after) / 2;
  if (before !== undefined) return before - 1;
  if (after !== undefined) return after + 1;
  return 1000;
}
