import * as vscode from 'vscode';
import type { TickerSnapshot } from '../../feeds/feed';
import type { SessionLease } from '../../feeds/marketSession';
import type { SessionRegistry } from '../../feeds/sessionRegistry';
import type { SessionStatus } from '../../feeds/sessionStatus';
import type { OrderscopeSettings } from '../settings/settingsModel';
import { TickerFormatter, type TickerState } from './tickerText';
import { COMMANDS } from '../commands/commandIds';

/** One symbol in the status bar, holding a ticker-only lease on its session. */
class TickerItem implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private ticker: TickerSnapshot | undefined;
  private status: SessionStatus;
  private lastUpdate = NaN;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    readonly exchange: string,
    readonly symbol: string,
    private readonly lease: SessionLease,
    priority: number,
    private readonly render: (item: TickerItem) => void,
  ) {
    this.item = vscode.window.createStatusBarItem(`orderscope.ticker.${exchange}.${symbol}`, vscode.StatusBarAlignment.Right, priority);
    this.item.name = `Orderscope ${symbol}`;
    this.item.command = { title: 'Open Chart', command: COMMANDS.openChart, arguments: [{ exchange, symbol }] };
    const session = lease.session;
    this.ticker = session.latestTicker;
    this.status = session.latestStatus;
    this.subscriptions.push(
      session.onTicker((t) => {
        this.ticker = t;
        this.lastUpdate = Date.now();
        this.render(this);
      }),
      session.onStatus((s) => {
        this.status = s;
        this.render(this);
      }),
    );
    this.item.show();
  }

  snapshot(): { ticker: TickerSnapshot | undefined; status: SessionStatus; lastUpdate: number; precision: number } {
    return { ticker: this.ticker, status: this.status, lastUpdate: this.lastUpdate, precision: this.lease.session.facts?.pricePrecision ?? 2 };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
    this.lease.release();
  }
}

/**
 * The status-bar tickers: one item per configured symbol, sharing the market sessions (ticker
 * leases, batched ticker streams). A price is never silently stale: after `staleAfterSeconds`
 * without an update the item says so, and errors stay visible with their message.
 */
export class TickerBar implements vscode.Disposable {
  private items: TickerItem[] = [];
  private readonly formatter = new TickerFormatter();
  private timer: ReturnType<typeof setInterval> | undefined;
  private settings: OrderscopeSettings;

  constructor(
    private readonly registry: SessionRegistry,
    settings: OrderscopeSettings,
  ) {
    this.settings = settings;
    this.rebuild();
  }

  /** Settings changed: symbols, exchange, format and staleness apply live. */
  applySettings(settings: OrderscopeSettings): void {
    const before = this.key(this.settings);
    this.settings = settings;
    if (this.key(settings) !== before) this.rebuild();
    else for (const item of this.items) this.render(item);
  }

  /** Text of every item, for tests and the log. */
  texts(): string[] {
    return this.items.map((i) => i.item.text);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const item of this.items) item.dispose();
    this.items = [];
  }

  private key(s: OrderscopeSettings): string {
    return `${s.exchange}|${s.statusBarSymbols.join(',')}`;
  }

  private rebuild(): void {
    for (const item of this.items) item.dispose();
    const exchange = this.settings.exchange;
    this.items = this.settings.statusBarSymbols.map(
      (symbol, i) => new TickerItem(exchange, symbol, this.registry.acquire(exchange, symbol, 'ticker'), 1000 - i, (item) => this.render(item)),
    );
    for (const item of this.items) this.render(item);
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    // Ages and the stale marker move with time, not only with data.
    if (this.items.length > 0) this.timer = setInterval(() => this.items.forEach((i) => this.render(i)), 1000);
  }

  private render(item: TickerItem): void {
    const { ticker, status, lastUpdate, precision } = item.snapshot();
    const ageMs = Number.isNaN(lastUpdate) ? NaN : Date.now() - lastUpdate;
    let state: TickerState;
    if (status.state === 'error') state = 'error';
    else if (status.state === 'reconnecting') state = 'reconnecting';
    else if (!ticker) state = 'connecting';
    else if (status.state === 'stale' || ageMs > this.settings.staleAfterSeconds * 1000) state = 'stale';
    else state = 'live';
    const view = this.formatter.format(
      {
        exchange: item.exchange,
        symbol: item.symbol,
        last: ticker?.last ?? NaN,
        changePercent24h: ticker?.changePercent24h ?? NaN,
        high24h: ticker?.high24h ?? NaN,
        low24h: ticker?.low24h ?? NaN,
        volume24h: ticker?.volume24h ?? NaN,
        pricePrecision: precision,
        ageMs,
        state,
        detail: status.detail,
      },
      this.settings.statusBarFormat,
    );
    const i = item.item;
    i.text = view.text;
    i.tooltip = view.tooltip;
    i.color =
      state === 'live' && view.direction !== 'flat' ? new vscode.ThemeColor(view.direction === 'up' ? 'charts.green' : 'charts.red') : undefined;
    i.backgroundColor =
      state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : state === 'stale' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    i.accessibilityInformation = { label: `${item.symbol} ${view.text.replace(/\$\([^)]*\)\s*/g, '')}, ${state}` };
  }
}
