import * as vscode from 'vscode';
import type { SessionRegistry } from '../../feeds/sessionRegistry';
import { TickerLeases } from '../sessions/tickerLeases';
import { PriceAlerts, type AlertDirection, type PriceAlert } from './priceAlerts';
import { COMMANDS } from '../commands/commandIds';

const STATE_KEY = 'orderscope.alerts';

/**
 * Price alerts in VS Code: persisted in global state, watched through ticker leases on the
 * market sessions, each firing once with a notification that offers "Open Chart".
 */
export class AlertController implements vscode.Disposable {
  readonly alerts = new PriceAlerts();
  private readonly leases: TickerLeases;
  private readonly changed = new vscode.EventEmitter<void>();
  /** The alerts changed: one added, moved, removed or fired (charts redraw their lines). */
  readonly onDidChange = this.changed.event;
  private readonly fired = new vscode.EventEmitter<PriceAlert>();
  /** An alert fired (a chart chimes, when alert sounds are on). */
  readonly onDidFire = this.fired.event;
  enabled = true;

  constructor(
    private readonly state: vscode.Memento,
    registry: SessionRegistry,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.leases = new TickerLeases(registry, (session, market) => [session.onTicker((t) => this.onPrice(market.exchange, market.symbol, t.last))]);
    const skipped = this.alerts.load(state.get(STATE_KEY));
    if (skipped > 0) log.warn(`${skipped} stored price alert(s) were malformed and dropped`);
    this.watch();
  }

  /** Adds an alert; `direction` when the caller knows the side of the price (a chart does). */
  async add(exchange: string, symbol: string, price: number, direction?: AlertDirection): Promise<PriceAlert | string> {
    const result = this.alerts.add(exchange, symbol, price, Date.now(), direction);
    if (typeof result !== 'string') await this.changedAlerts();
    return result;
  }

  /** Moves an alert to `price` (its direction as in {@link add}). */
  async move(id: string, price: number, direction?: AlertDirection): Promise<PriceAlert | string> {
    const result = this.alerts.move(id, price, direction);
    if (typeof result !== 'string') await this.changedAlerts();
    return result;
  }

  async remove(id: string): Promise<void> {
    if (this.alerts.remove(id)) await this.changedAlerts();
    else this.watch();
  }

  dispose(): void {
    this.leases.dispose();
    this.changed.dispose();
    this.fired.dispose();
  }

  /** Tells the charts at once (before persisting: a slow write must not delay a drawn line). */
  private async changedAlerts(): Promise<void> {
    this.changed.fire();
    this.watch();
    await this.persist();
  }

  private persist(): Thenable<void> {
    return this.state.update(STATE_KEY, this.alerts.toJSON());
  }

  /** Holds a ticker lease exactly on the markets that have alerts. */
  private watch(): void {
    this.leases.hold(this.alerts.watchedMarkets());
  }

  private onPrice(exchange: string, symbol: string, price: number): void {
    const fired = this.alerts.onPrice(exchange, symbol, price);
    if (fired.length === 0) return;
    void this.changedAlerts();
    for (const alert of fired) {
      this.log.info(`alert: ${symbol} on ${exchange} crossed ${alert.direction} ${alert.price} (last ${price})`);
      this.fired.fire(alert);
      if (!this.enabled) continue;
      void vscode.window
        .showInformationMessage(`Orderscope: ${symbol} crossed ${alert.direction} ${alert.price} (last ${price}) on ${exchange}`, 'Open Chart')
        .then((choice) => {
          if (choice === 'Open Chart') void vscode.commands.executeCommand(COMMANDS.openChart, { exchange, symbol });
        });
    }
  }
}
