/**
 * The price ladder: asks above the spread row, bids below, each row price / size / cumulative
 * with a size bar, plus the market impact of a chosen quantity. Cell-diffed DOM: a fixed pool of
 * row elements (as many as fit), and per frame only the cells whose value changed are written;
 * a row whose size changed at the same price flashes. While the host's book resyncs the rows are
 * hidden behind a "resyncing" notice rather than showing a stale book.
 */
import type { BookModel, BookSideRows } from '../state/bookModel';
import { Impact, marketImpact } from './marketImpact';

export interface LadderFormat {
  price(x: number): string;
  amount(x: number): string;
  /** Base currency name for the impact line, e.g. BTC. */
  base: string;
}

/** One pool row and what it shows. */
interface RowCells {
  root: HTMLElement;
  bar: HTMLElement;
  price: HTMLElement;
  size: HTMLElement;
  total: HTMLElement;
  shownPrice: number;
  shownSize: number;
  shownTotal: number;
  shownBar: number;
  flip: boolean;
  /** The row carries the static "changed in the last update" tint. */
  marked: boolean;
}

export type LadderMarks = 'static' | 'animated' | 'off';

const ROW_HEIGHT = 18;

export class LadderView {
  readonly root: HTMLElement;
  private readonly body: HTMLElement;
  private readonly askBox: HTMLElement;
  private readonly bidBox: HTMLElement;
  private readonly spread: HTMLElement;
  private readonly stepLabel: HTMLElement;
  private readonly impactInput: HTMLInputElement;
  private readonly impactUnit: HTMLElement;
  private readonly impactBuy: HTMLElement;
  private readonly impactSell: HTMLElement;
  private readonly impactNote: HTMLElement;
  private readonly asks: RowCells[] = [];
  private readonly bids: RowCells[] = [];
  private readonly buy = new Impact();
  private readonly sell = new Impact();
  private rowsPerSide = 0;
  private drawnVersion = -1;
  private drawnQuantity = NaN;
  private wasValid = true;
  private format: LadderFormat = { price: String, amount: String, base: '' };
  /**
   * How a row whose size changed at the same price is marked: `static` tints it until the next
   * update (no animation: a fading flash is a 60 fps repaint of the row for half a second, most of
   * the panel's cost while watched); `animated` is the old fading flash (power saving off); `off`
   * while nobody watches.
   */
  marks: LadderMarks = 'static';
  /** Draws that wrote the rows (a changed book or quantity). */
  draws = 0;

  constructor(
    doc: Document,
    private readonly book: BookModel,
    private quantity: number,
    private readonly onQuantity: (quantity: number) => void,
  ) {
    this.root = el(doc, 'section', 'ladder');
    const head = el(doc, 'header', 'panel-head');
    head.append(text(doc, 'span', 'panel-title', 'Order book'));
    this.stepLabel = text(doc, 'span', 'ladder-step', '');
    head.append(this.stepLabel);
    const cols = el(doc, 'div', 'ladder-cols');
    cols.append(text(doc, 'span', '', 'Price'), text(doc, 'span', '', 'Size'), text(doc, 'span', '', 'Total'));
    this.body = el(doc, 'div', 'ladder-body');
    this.askBox = el(doc, 'div', 'ladder-side asks');
    this.spread = el(doc, 'div', 'ladder-spread');
    this.bidBox = el(doc, 'div', 'ladder-side bids');
    const resync = text(doc, 'div', 'ladder-resync', 'Resyncing the order book…');
    this.body.append(this.askBox, this.spread, this.bidBox, resync);
    const foot = el(doc, 'footer', 'ladder-impact');
    const label = el(doc, 'label', 'impact-qty');
    label.append(doc.createTextNode('Impact of '));
    this.impactInput = doc.createElement('input');
    this.impactInput.type = 'number';
    this.impactInput.min = '0';
    this.impactInput.step = 'any';
    this.impactInput.value = String(quantity);
    this.impactInput.setAttribute('aria-label', 'Quantity for market impact');
    this.impactUnit = text(doc, 'span', 'impact-unit', '');
    label.append(this.impactInput, this.impactUnit);
    this.impactBuy = text(doc, 'div', 'impact-buy', '');
    this.impactSell = text(doc, 'div', 'impact-sell', '');
    this.impactNote = text(doc, 'div', 'impact-note', '');
    foot.append(label, this.impactBuy, this.impactSell, this.impactNote);
    this.root.append(head, cols, this.body, foot);
    this.impactInput.addEventListener('change', () => {
      const q = Number(this.impactInput.value);
      if (Number.isFinite(q) && q > 0) {
        this.quantity = q;
        this.onQuantity(q);
      } else {
        this.impactInput.value = String(this.quantity);
      }
      this.drawnQuantity = NaN;
    });
    // The observer's own size, never a layout read in a draw path.
    new ResizeObserver((entries) => this.fit(doc, entries[0]!.contentRect.height)).observe(this.body);
  }

  /** Whether the book or the quantity changed since the last draw. */
  needsDraw(): boolean {
    return this.book.version !== this.drawnVersion || this.quantity !== this.drawnQuantity;
  }

  setFormat(format: LadderFormat, rowStep: number): void {
    this.format = format;
    this.stepLabel.textContent = Number.isFinite(rowStep) ? `step ${format.price(rowStep)}` : '';
    this.impactUnit.textContent = format.base;
    this.forget();
  }

  /** Redraws what changed since the last call. O(rows shown). */
  draw(): void {
    const book = this.book;
    if (!this.needsDraw()) return;
    this.draws++;
    this.drawnVersion = book.version;
    this.drawnQuantity = this.quantity;
    this.root.classList.toggle('resyncing', !book.valid);
    if (!book.valid) {
      // No figure from a book that is not the exchange's.
      this.impactBuy.textContent = 'Buy: —';
      this.impactSell.textContent = 'Sell: —';
      this.impactNote.textContent = 'the book is resyncing';
      this.wasValid = false;
      return;
    }
    if (!this.wasValid) {
      // Back from a resync: no row is "the same price" as before, so nothing flashes.
      this.forget();
      this.wasValid = true;
    }
    const n = this.rowsPerSide;
    let maxSize = 0;
    for (let r = 0; r < Math.min(n, book.bids.count); r++) maxSize = Math.max(maxSize, book.bids.size(r));
    for (let r = 0; r < Math.min(n, book.asks.count); r++) maxSize = Math.max(maxSize, book.asks.size(r));
    // Asks: the best at the bottom of its box, next to the spread.
    for (let j = 0; j < n; j++) this.drawRow(this.asks[j]!, book.asks, n - 1 - j, maxSize);
    for (let j = 0; j < n; j++) this.drawRow(this.bids[j]!, book.bids, j, maxSize);
    this.drawSpread();
    this.drawImpact();
  }

  /** What the ladder shows, as text (best first per side), for the debug hook. */
  shown(): { bids: string[][]; asks: string[][]; spread: string; resyncing: boolean; rowsPerSide: number; impact: string[]; step: string } {
    const read = (rows: RowCells[]): string[][] =>
      rows.filter((c) => c.price.textContent !== '').map((c) => [c.price.textContent ?? '', c.size.textContent ?? '', c.total.textContent ?? '']);
    return {
      bids: read(this.bids),
      asks: read(this.asks.slice().reverse()),
      spread: this.spread.textContent ?? '',
      resyncing: this.root.classList.contains('resyncing'),
      rowsPerSide: this.rowsPerSide,
      impact: [this.impactBuy.textContent ?? '', this.impactSell.textContent ?? '', this.impactNote.textContent ?? ''],
      step: this.stepLabel.textContent ?? '',
    };
  }

  private drawRow(cells: RowCells, side: BookSideRows, r: number, maxSize: number): void {
    if (r >= side.count) {
      // Checked on the text: after a new init the cache is unknown (NaN) but the row may still show a level.
      if (cells.price.textContent !== '') {
        cells.price.textContent = '';
        cells.size.textContent = '';
        cells.total.textContent = '';
        cells.bar.style.transform = 'scaleX(0)';
        cells.shownPrice = cells.shownSize = cells.shownTotal = cells.shownBar = NaN;
      }
      if (cells.marked) {
        cells.root.classList.remove('changed');
        cells.marked = false;
      }
      return;
    }
    const price = side.price(r);
    const size = side.size(r);
    const total = side.cumulative(r);
    const samePrice = price === cells.shownPrice;
    if (!samePrice) cells.price.textContent = this.format.price(price);
    const marked = samePrice && size !== cells.shownSize && this.marks === 'static';
    if (marked !== cells.marked) {
      cells.root.classList.toggle('changed', marked);
      cells.marked = marked;
    }
    if (size !== cells.shownSize) {
      cells.size.textContent = this.format.amount(size);
      if (samePrice && this.marks === 'animated') {
        // Alternating two identical animations restarts the flash without a forced reflow.
        cells.flip = !cells.flip;
        cells.root.classList.toggle('flash-a', cells.flip);
        cells.root.classList.toggle('flash-b', !cells.flip);
      }
    }
    if (total !== cells.shownTotal) cells.total.textContent = this.format.amount(total);
    const bar = maxSize > 0 ? Math.round((size / maxSize) * 1000) / 1000 : 0;
    if (bar !== cells.shownBar) cells.bar.style.transform = `scaleX(${bar})`;
    cells.shownPrice = price;
    cells.shownSize = size;
    cells.shownTotal = total;
    cells.shownBar = bar;
  }

  private drawSpread(): void {
    const bid = this.book.bestBid();
    const ask = this.book.bestAsk();
    let text = '';
    if (Number.isFinite(bid) && Number.isFinite(ask)) {
      const spread = ask - bid;
      const mid = (ask + bid) / 2;
      text = `spread ${this.format.price(spread)} · ${((spread / mid) * 1e4).toFixed(2)} bps`;
    }
    if (this.spread.textContent !== text) this.spread.textContent = text;
  }

  private drawImpact(): void {
    const q = this.quantity;
    const base = this.format.base;
    // The book's own levels, not grouped rows: a grouped row's price is its bucket's edge.
    const asks = this.book.levels(false);
    const bids = this.book.levels(true);
    marketImpact(asks, true, q, this.buy);
    marketImpact(bids, false, q, this.sell);
    this.impactBuy.textContent = describe('Buy', this.buy, q, base, this.format);
    this.impactSell.textContent = describe('Sell', this.sell, q, base, this.format);
    const levels = Math.max(bids.count, asks.count);
    this.impactNote.textContent = `over the book window the panel holds (${levels} price levels/side)`;
  }

  /** Creates or drops pool rows to fill the body's height (on resize only). */
  private fit(doc: Document, height: number): void {
    const n = Math.max(1, Math.floor((height - ROW_HEIGHT) / 2 / ROW_HEIGHT));
    if (n === this.rowsPerSide) return;
    // asks[0] is the top row (the farthest ask), bids[0] the best bid.
    while (this.asks.length < n) this.asks.unshift(newRow(doc, this.askBox, true));
    while (this.bids.length < n) this.bids.push(newRow(doc, this.bidBox, false));
    while (this.asks.length > n) this.asks.shift()!.root.remove();
    while (this.bids.length > n) this.bids.pop()!.root.remove();
    this.rowsPerSide = n;
    this.forget();
    this.drawnVersion = -1;
    this.draw();
  }

  /** Forgets what the cells show, so the next draw writes every cell (without flashes). */
  private forget(): void {
    for (const c of [...this.asks, ...this.bids]) c.shownPrice = c.shownSize = c.shownTotal = c.shownBar = NaN;
    this.drawnVersion = -1;
  }
}

function describe(verb: string, impact: Impact, quantity: number, base: string, format: LadderFormat): string {
  if (!(impact.filled > 0)) return `${verb}: no liquidity in the window`;
  const partial = impact.filled < quantity ? ` (window fills only ${format.amount(impact.filled)} ${base})` : '';
  return `${verb} ≈ ${format.price(impact.averagePrice)} · ${impact.slippageBps.toFixed(2)} bps${partial}`;
}

function newRow(doc: Document, box: HTMLElement, atTop: boolean): RowCells {
  const root = el(doc, 'div', 'lrow');
  const bar = el(doc, 'div', 'lbar');
  const price = el(doc, 'span', 'lp');
  const size = el(doc, 'span', 'ls');
  const total = el(doc, 'span', 'lc');
  root.append(bar, price, size, total);
  if (atTop) box.prepend(root);
  else box.append(root);
  return { root, bar, price, size, total, shownPrice: NaN, shownSize: NaN, shownTotal: NaN, shownBar: NaN, flip: false, marked: false };
}

function el(doc: Document, tag: string, className: string): HTMLElement {
  const e = doc.createElement(tag);
  if (className !== '') e.className = className;
  return e;
}

function text(doc: Document, tag: string, className: string, content: string): HTMLElement {
  const e = el(doc, tag, className);
  e.textContent = content;
  return e;
}
