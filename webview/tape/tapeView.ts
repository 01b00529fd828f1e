/**
 * The trade tape: the newest trades first (local time, price, amount), buys and sells in their
 * colours, big trades (at or above the panel's trade-size threshold) highlighted. Its header holds
 * the threshold's box and the "CVD of these" switch. A fixed pool of row elements (as many as
 * fit); per frame only changed cells are written.
 */
import type { TradeRing } from '../state/tradeRing';
import type { TradeThreshold } from './tradeThreshold';

export interface TapeFormat {
  price(x: number): string;
  amount(x: number): string;
  clock(ms: number): string;
}

interface TapeCells {
  root: HTMLElement;
  time: HTMLElement;
  price: HTMLElement;
  amount: HTMLElement;
  shownTime: number;
  shownPrice: number;
  shownAmount: number;
  shownClass: string;
}

const ROW_HEIGHT = 17;

/** What the tape's header asks of the panel. */
export interface TapeChoices {
  /** A size typed in the box (0: automatic), or null when emptied (the setting's again). */
  threshold(amount: number | null): void;
  /** The CVD pane counts only big trades (or every trade again). */
  bigCvd(on: boolean): void;
}

export class TapeView {
  readonly root: HTMLElement;
  private readonly body: HTMLElement;
  private readonly thresholdInput: HTMLInputElement;
  /** "CVD of these": the CVD pane counts only the trades this box makes big. */
  readonly bigCvdBox: HTMLInputElement;
  private readonly rows: TapeCells[] = [];
  private drawnVersion = -1;
  /** The threshold's version at the last draw. */
  private drawnThreshold = -1;
  /** `trades.total` at the last draw (-1: none since the rows were made or the format changed). */
  private drawnTotal = -1;
  /** Move rows down for new trades instead of rewriting every row (off: the old path, power saving off). */
  moveRows = true;
  private format: TapeFormat = { price: String, amount: String, clock: String };
  /** Draws that wrote the rows (new trades). */
  draws = 0;

  constructor(
    doc: Document,
    private readonly trades: TradeRing,
    private readonly big: TradeThreshold,
    bigCvd: boolean,
    choices: TapeChoices,
  ) {
    this.root = doc.createElement('section');
    this.root.className = 'tape';
    const head = doc.createElement('header');
    head.className = 'panel-head';
    const title = doc.createElement('span');
    title.className = 'panel-title';
    title.textContent = 'Trades';
    const label = doc.createElement('label');
    label.className = 'tape-threshold';
    label.append(doc.createTextNode('big ≥ '));
    this.thresholdInput = doc.createElement('input');
    this.thresholdInput.type = 'number';
    this.thresholdInput.min = '0';
    this.thresholdInput.step = 'any';
    this.thresholdInput.placeholder = 'auto';
    this.thresholdInput.setAttribute('aria-label', 'Big trades: at least this amount, highlighted, marked on the chart and heard (0: automatic; empty: the setting)');
    if (big.chosen !== null) this.thresholdInput.value = String(big.chosen);
    label.append(this.thresholdInput);
    const cvdLabel = doc.createElement('label');
    cvdLabel.className = 'tape-big-cvd';
    cvdLabel.title = 'The CVD pane counts only big trades (from the oldest trade the host keeps)';
    this.bigCvdBox = doc.createElement('input');
    this.bigCvdBox.type = 'checkbox';
    this.bigCvdBox.checked = bigCvd;
    this.bigCvdBox.setAttribute('aria-label', 'CVD of big trades only');
    cvdLabel.append(this.bigCvdBox, doc.createTextNode(' CVD'));
    this.bigCvdBox.addEventListener('change', () => choices.bigCvd(this.bigCvdBox.checked));
    head.append(title, label, cvdLabel);
    const cols = doc.createElement('div');
    cols.className = 'tape-cols';
    for (const name of ['Time', 'Price', 'Size']) {
      const span = doc.createElement('span');
      span.textContent = name;
      cols.append(span);
    }
    this.body = doc.createElement('div');
    this.body.className = 'tape-body';
    this.root.append(head, cols, this.body);
    this.thresholdInput.addEventListener('change', () => {
      // Emptied (or not a size): the setting's again; a size (0: automatic) is this panel's own.
      const text = this.thresholdInput.value.trim();
      const value = Number(text);
      const chosen = text !== '' && Number.isFinite(value) && value >= 0 ? value : null;
      if (chosen === null) this.thresholdInput.value = '';
      choices.threshold(chosen);
    });
    // The observer's own size, never a layout read in a draw path.
    new ResizeObserver((entries) => this.fit(doc, entries[0]!.contentRect.height)).observe(this.body);
  }

  /** The threshold in force (Infinity: automatic, no trade yet). */
  get threshold(): number {
    return this.big.value;
  }

  /** Shows the setting's threshold (0: automatic) in the empty box. */
  showSetting(amount: number): void {
    this.thresholdInput.placeholder = amount > 0 ? String(amount) : 'auto';
  }

  /** Whether trades arrived or the threshold changed since the last draw. */
  needsDraw(): boolean {
    return this.trades.version !== this.drawnVersion || this.big.version !== this.drawnThreshold;
  }

  setFormat(format: TapeFormat): void {
    this.format = format;
    for (const c of this.rows) c.shownTime = c.shownPrice = c.shownAmount = NaN;
    this.drawnVersion = -1;
  }

  /** Redraws what changed since the last call. O(rows shown). */
  draw(): void {
    const trades = this.trades;
    if (!this.needsDraw()) return;
    this.draws++;
    this.drawnVersion = trades.version;
    this.drawnThreshold = this.big.version;
    const threshold = this.big.value;
    this.moveRowsDown(trades.total - this.drawnTotal);
    this.drawnTotal = trades.total;
    for (let j = 0; j < this.rows.length; j++) {
      const c = this.rows[j]!;
      if (j >= trades.count) {
        // Checked on the text, not the cache: after a new init the cache is unknown (NaN) while
        // the row may still show the previous market's trade.
        if (c.time.textContent !== '') {
          c.time.textContent = c.price.textContent = c.amount.textContent = '';
          c.root.className = 'trow';
          c.shownTime = c.shownPrice = c.shownAmount = NaN;
          c.shownClass = 'trow';
        }
        continue;
      }
      const time = trades.field(j, 0);
      const price = trades.field(j, 1);
      const amount = trades.field(j, 2);
      const side = trades.field(j, 3);
      if (time !== c.shownTime) c.time.textContent = this.format.clock(time);
      if (price !== c.shownPrice) c.price.textContent = this.format.price(price);
      if (amount !== c.shownAmount) c.amount.textContent = this.format.amount(amount);
      const cls = `trow ${side > 0 ? 'buy' : 'sell'}${amount >= threshold ? ' big' : ''}`;
      if (cls !== c.shownClass) c.root.className = cls;
      c.shownTime = time;
      c.shownPrice = price;
      c.shownAmount = amount;
      c.shownClass = cls;
    }
  }

  /** What the tape shows (newest first), for the debug hook. */
  shown(): { rows: string[][]; big: number; threshold: number } {
    const rows = this.rows.filter((c) => c.time.textContent !== '');
    return {
      rows: rows.map((c) => [c.time.textContent ?? '', c.price.textContent ?? '', c.amount.textContent ?? '', c.root.classList.contains('buy') ? 'buy' : 'sell']),
      big: rows.filter((c) => c.root.classList.contains('big')).length,
      threshold: this.threshold,
    };
  }

  /**
   * `added` new trades push every shown trade `added` rows down: the bottom rows' elements move to
   * the top (one DOM move) and take the new trades, so the rows that stay keep their text and only
   * the moved ones are written (rewriting every row's three cells re-shaped all the tape's text on
   * every frame). O(added).
   */
  private moveRowsDown(added: number): void {
    const rows = this.rows;
    if (!this.moveRows || this.drawnTotal < 0 || !(added > 0) || added >= rows.length) return;
    const moved = rows.splice(rows.length - added, added);
    for (const c of moved) c.shownTime = c.shownPrice = c.shownAmount = NaN;
    rows.unshift(...moved);
    this.body.prepend(...moved.map((c) => c.root));
  }

  private fit(doc: Document, height: number): void {
    const n = Math.max(1, Math.floor(height / ROW_HEIGHT));
    while (this.rows.length < n) {
      const root = doc.createElement('div');
      root.className = 'trow';
      const time = doc.createElement('span');
      const price = doc.createElement('span');
      const amount = doc.createElement('span');
      root.append(time, price, amount);
      this.body.append(root);
      this.rows.push({ root, time, price, amount, shownTime: NaN, shownPrice: NaN, shownAmount: NaN, shownClass: 'trow' });
    }
    while (this.rows.length > n) this.rows.pop()!.root.remove();
    this.drawnVersion = -1;
    this.drawnTotal = -1;
    this.draw();
  }
}
