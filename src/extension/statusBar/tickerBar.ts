import * as vscode from 'vscode';
import { marketKey, type MarketId } from '../../engine/marketId';
import type { TickerSnapshot } from '../../feeds/feed';
import type { SessionLease } from '../../feeds/marketSession';
import type { SessionRegistry } from '../../feeds/sessionRegistry';
import { statusBarMarkets, type OrderscopeSettings } from '../settings/settingsModel';
import { TickerFormatter } from './tickerText';
import { COMMANDS } from '../commands/commandIds';
import type { Beat, Pulse } from '../pulse';
import type { WindowFocus } from '../windowFocus';

/**
 * Periods of the flush: a price that changes faster than four times a second cannot be read, and
 * each change is a message to the window and a repaint of the status bar; while the window is not
 * focused, at most once a second.
 */
const FOCUSED_FLUSH_MS = 250;
const UNFOCUSED_FLUSH_MS = 1000;
/** Tooltip ages ("updated 3 s ago") move with time, not only with data. */
const AGE_MS = 1000;

/** What an item shows now, to write only what changed (each write is a message to the window). */
interface ShownItem {
  text: string;
  tooltip: string;
  color: string | undefined;
  background: string | undefined;
  label: string;
}

/** One market in the status bar, holding a ticker-only lease on its session. */
class TickerItem implements vscode.Disposable {
  item: vscode.StatusBarItem;
  /** Epoch ms of the last ticker (for the tooltip's age); NaN before the first. */
  lastUpdate = NaN;
  /** Something changed since the item was last drawn. */
  dirty = true;
  /** What the status-bar item was last given (undefined: nothing yet, or a new item). */
  shown: ShownItem | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    readonly market: MarketId,
    readonly lease: SessionLease,
    priority: number,
    private readonly changed: (item: TickerItem) => void,
  ) {
    this.item = this.createItem(priority);
    const session = lease.session;
    this.subscriptions.push(
      session.onTicker(() => {
        this.lastUpdate = Date.now();
        this.changed(this);
      }),
      session.onStatus(() => this.changed(this)),
    );
  }

  /** Moves the item to `priority` (fixed at creation in VS Code: a new item, the same lease). */
  place(priority: number): void {
    if (this.item.priority === priority) return;
    this.item.dispose();
    this.item = this.createItem(priority);
    this.shown = undefined;
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
  static readonly SETTINGS = ['exchange', 'statusBarSymbols', 'statusBarFormat', 'powerSaving'] as const satisfies readonly (keyof OrderscopeSettings)[];
  /** Writes to status-bar items so far (each is a message to the window), for tests. */
  writes = 0;
  private items: TickerItem[] = [];
  private readonly formatter = new TickerFormatter();
  /** Draws changed items (coalesced: many tickers between two beats make one write) and ages. */
  private beat: Beat | undefined;
  private lastAgesAt = 0;
  private settings: OrderscopeSettings;
  /** Exchanges among the items (the text names the exchange when there is more than one). */
  private exchanges = 0;
  private readonly focusSubscription: vscode.Disposable;

  constructor(
    private readonly registry: SessionRegistry,
    settings: OrderscopeSettings,
    private readonly pulse: Pulse,
    private readonly focus: WindowFocus,
  ) {
    this.settings = settings;
    this.focusSubscription = focus.onDidChange(() => this.restartBeat());
    this.sync();
  }

  /** Symbols, exchange, format and pacing apply live. */
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
    this.focusSubscription.dispose();
    this.beat?.dispose();
    this.beat = undefined;
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
      const placed = item ?? new TickerItem(market, this.registry.acquire(market.exchange, market.symbol, 'ticker'), priority, this.changed);
      placed.place(priority);
      next.push(placed);
    }
    for (const gone of kept.values()) gone.dispose();
    this.items = next;
    this.exchanges = new Set(next.map((i) => i.market.exchange)).size;
    for (const item of this.items) this.render(item);
    this.restartBeat();
  }

  /**
   * A ticker or status arrived. With power saving, the item is drawn on the next beat (four times
   * a second while the window is focused, once while not); without, at once.
   */
  private readonly changed = (item: TickerItem): void => {
    if (this.settings.powerSaving) item.dirty = true;
    else this.render(item);
  };

  /** The beat's period follows the window's focus; no beat without items. */
  private restartBeat(): void {
    if (this.items.length === 0) {
      this.beat?.dispose();
      this.beat = undefined;
      return;
    }
    const period = this.settings.powerSaving && this.focus.focused ? FOCUSED_FLUSH_MS : UNFOCUSED_FLUSH_MS;
    if (this.beat) this.beat.setPeriod(period);
    else this.beat = this.pulse.every(period, this.flush);
  }

  /** Draws the items that changed, and every item once a second (ages). O(items). */
  private readonly flush = (): void => {
    const now = Date.now();
    const ages = now - this.lastAgesAt >= AGE_MS - 5;
    if (ages) this.lastAgesAt = now;
    for (const item of this.items) if (item.dirty || ages) this.render(item);
  };

  private render(item: TickerItem): void {
    item.dirty = false;
    const session = item.lease.session;
    const ticker: TickerSnapshot | undefined = session.latestTicker;
    const status = session.latestStatus;
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
        showExchange: this.exchanges > 1 || item.market.exchange !== this.settings.exchange,
      },
      this.settings.statusBarFormat,
    );
    const state = view.state;
    const color = state === 'live' && view.direction !== 'flat' ? (view.direction === 'up' ? 'charts.green' : 'charts.red') : undefined;
    const background = state === 'error' ? 'statusBarItem.errorBackground' : state === 'stale' ? 'statusBarItem.warningBackground' : undefined;
    const label = `${item.market.symbol} on ${item.market.exchange} ${view.text.replace(/\$\([^)]*\)\s*/g, '')}, ${state}`;
    // Each property set is a message to the window and a repaint of the status bar: only changes.
    const i = item.item;
    const was = item.shown;
    if (was?.text !== view.text) i.text = view.text;
    if (was?.tooltip !== view.tooltip) i.tooltip = view.tooltip;
    if (was === undefined || was.color !== color) i.color = color === undefined ? undefined : new vscode.ThemeColor(color);
    if (was === undefined || was.background !== background) i.backgroundColor = background === undefined ? undefined : new vscode.ThemeColor(background);
    if (was?.label !== label) i.accessibilityInformation = { label };
    if (was === undefined || was.text !== view.text || was.tooltip !== view.tooltip || was.color !== color || was.background !== background || was.label !== label) this.writes++;
    item.shown = { text: view.text, tooltip: view.tooltip, color, background, label };
  }
}

/** A priority left of `after` and right of `before` (either may be missing). O(1). */
function priorityBetween(before: number | undefined, after: number | undefined): number {
  if (before !== undefined && after !== undefined) return (before + after) / 2;
  if (before !== undefined) return before - 1;
  if (after !== undefined) return after + 1;
  return 1000;
}
