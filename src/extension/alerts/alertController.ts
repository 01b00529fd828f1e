import * as vscode from 'vscode';
import type { SessionRegistry } from '../../feeds/sessionRegistry';
import { TickerLeases } from '../sessions/tickerLeases';
import { PriceAlerts, type PriceAlert } from './priceAlerts';
import { COMMANDS } from '../commands/commandIds';

const STATE_KEY = 'orderscope.alerts';

/**
 * Price alerts in VS Code: persisted in global state, watched through ticker leases on the
 * market sessions, each firing once with a notification that offers "Open Chart".
 */
export class AlertController implements vscode.Disposable {
  readonly alerts = new PriceAlerts();
  private readonly leases: TickerLeases;
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

  async add(exchange: string, symbol: string, price: number): Promise<PriceAlert | string> {
    const result = this.alerts.add(exchange, symbol, price, Date.now());
    if (typeof result !== 'string') {
      await this.persist();
      this.watch();
    }
    return result;
  }

  async remove(id: string): Promise<void> {
    if (this.alerts.remove(id)) await this.persist();
    this.watch();
  }

  dispose(): void {
    this.leases.dispose();
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
    void this.persist();
    this.watch();
    for (const alert of fired) {
      this.log.info(`alert: ${symbol} on ${exchange} crossed ${alert.direction} ${alert.price} (last ${price})`);
      if (!this.enabled) continue;
      void vscode.window
        .showInformationMessage(`Orderscope: ${symbol} crossed ${alert.direction} ${alert.price} (last ${price}) on ${exchange}`, 'Open Chart')
        .then((choice) => {
          if (choice === 'Open Chart') void vscode.commands.executeCommand(COMMANDS.openChart, { exchange, symbol });
        });
    }
  }
}
