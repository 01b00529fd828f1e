/**
 * What the panel shows when its market cannot be opened (the host's `openFailed`): a centred
 * message naming the market and the reason, and a button that opens the host's symbol picker.
 * It replaces the chart, ladder and tape until an `init` arrives.
 */
import type { MarketId } from '../../src/engine/protocol';

export class OpenFailureView {
  readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly detail: HTMLElement;

  constructor(doc: Document, switchSymbol: () => void) {
    this.root = doc.createElement('section');
    this.root.className = 'open-failure';
    this.root.setAttribute('role', 'alert');
    this.root.hidden = true;
    this.title = doc.createElement('h2');
    this.title.className = 'open-failure-title';
    this.detail = doc.createElement('p');
    this.detail.className = 'open-failure-detail';
    const button = doc.createElement('button');
    button.className = 'open-failure-switch';
    button.textContent = 'Switch Symbol…';
    button.addEventListener('click', () => switchSymbol());
    this.root.append(this.title, this.detail, button);
  }

  show(market: MarketId, detail: string): void {
    this.title.textContent = `${market.symbol} on ${market.exchange} could not be opened`;
    this.detail.textContent = detail;
    this.root.hidden = false;
  }

  hide(): void {
    this.root.hidden = true;
  }

  /** The message as shown (empty while hidden), for the debug hook. */
  text(): string {
    return this.root.hidden ? '' : `${this.title.textContent} — ${this.detail.textContent}`;
  }
}
