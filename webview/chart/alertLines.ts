/**
 * The market's price alerts on the chart: each a dashed line across the candle pane with a ×
 * at its right end and its price tagged on the axis ("Alert …"), drawn by a series primitive on
 * the live candle series (so the chart's scale places it on every repaint, no layout read).
 * A person edits them on the chart: right-click gives "Add alert at <price>", the key A adds one
 * at the pointer's price, dragging a line moves it, the × removes it. The host owns the alerts:
 * each edit is an intent, and the lines show what the host sends back. The same right-click menu
 * takes other entries about the bar under the pointer (see addBarMenuItem).
 */
import type {
  IChartApi,
  IPrimitivePaneRenderer,
  IPrimitivePaneView,
  ISeriesApi,
  ISeriesPrimitive,
  ISeriesPrimitiveAxisView,
  SeriesAttachedParameter,
  SeriesType,
  Time,
} from 'lightweight-charts';
import type { ChartAlert } from '../../src/engine/protocol';

/** What the chart's alert gestures ask of the host. */
export interface AlertIntents {
  add(price: number): void;
  move(id: string, price: number): void;
  remove(id: string): void;
}

/** How near a line (CSS px) the pointer grabs it. */
const GRAB_PX = 5;
/** The ×: its centre's distance from the pane's right edge and its half size, CSS px. */
const CLOSE_INSET_PX = 12;
const CLOSE_HALF_PX = 6;

/** One alert as drawn; `price` follows a drag until the host answers. */
interface DrawnAlert {
  id: string;
  price: number;
}

type RenderTarget = Parameters<IPrimitivePaneRenderer['draw']>[0];

interface Style {
  line: string;
  text: string;
}

class AlertAxisTag implements ISeriesPrimitiveAxisView {
  constructor(
    private readonly lines: AlertLines,
    private readonly index: number,
  ) {}
  private alert(): DrawnAlert | undefined {
    return this.lines.drawn[this.index];
  }
  coordinate(): number {
    const alert = this.alert();
    return alert === undefined ? -100 : (this.lines.priceToY(alert.price) ?? -100);
  }
  text(): string {
    const alert = this.alert();
    return alert === undefined ? '' : `Alert ${this.lines.format(alert.price)}`;
  }
  textColor(): string {
    return this.lines.style.text;
  }
  backColor(): string {
    return this.lines.style.line;
  }
  visible(): boolean {
    return this.alert() !== undefined && this.coordinate() >= 0;
  }
  tickVisible(): boolean {
    return true;
  }
}

class AlertPaneRenderer implements IPrimitivePaneRenderer {
  constructor(private readonly lines: AlertLines) {}

  draw(target: RenderTarget): void {
    const lines = this.lines;
    target.useMediaCoordinateSpace(({ context: ctx, mediaSize }) => {
      ctx.save();
      ctx.strokeStyle = lines.style.line;
      ctx.lineWidth = 1;
      for (const alert of lines.drawn) {
        const y = lines.priceToY(alert.price);
        if (y === null || y < 0 || y > mediaSize.height) continue;
        const row = Math.round(y) + 0.5;
        const cx = mediaSize.width - CLOSE_INSET_PX;
        ctx.setLineDash([6, 4]);
        ctx.beginPath();
        ctx.moveTo(0, row);
        ctx.lineTo(cx - CLOSE_HALF_PX - 3, row);
        ctx.stroke();
        // The ×, on a filled square so it reads over candles.
        ctx.setLineDash([]);
        ctx.fillStyle = lines.style.line;
        ctx.fillRect(cx - CLOSE_HALF_PX, row - CLOSE_HALF_PX, CLOSE_HALF_PX * 2, CLOSE_HALF_PX * 2);
        ctx.strokeStyle = lines.style.text;
        ctx.beginPath();
        ctx.moveTo(cx - 3, row - 3);
        ctx.lineTo(cx + 3, row + 3);
        ctx.moveTo(cx + 3, row - 3);
        ctx.lineTo(cx - 3, row + 3);
        ctx.stroke();
        ctx.strokeStyle = lines.style.line;
      }
      ctx.restore();
    });
  }
}

export class AlertLines implements ISeriesPrimitive<Time> {
  /** The alerts drawn, in the host's order. */
  drawn: DrawnAlert[] = [];
  style: Style = { line: '#cccccc', text: '#1f1f1f' };
  format: (price: number) => string = String;
  /** Rounds a pointer's price to the market's tick. */
  private snap: (price: number) => number = (price) => price;
  private series: ISeriesApi<SeriesType> | null = null;
  private requestUpdate: (() => void) | null = null;
  private readonly views: readonly IPrimitivePaneView[];
  private tags: AlertAxisTag[] = [];
  /** The line being dragged, and where it was taken from. */
  private dragging: { alert: DrawnAlert; from: number; pointer: number } | null = null;
  /** The pointer over the candle pane (CSS px from the chart's top-left), null when elsewhere. */
  private pointer: { x: number; y: number } | null = null;
  private readonly menu: HTMLElement;
  private readonly menuItem: HTMLButtonElement;
  private menuPrice = NaN;
  /** Entries about the bar under the pointer, each offered while its `shown()`. */
  private readonly barItems: { button: HTMLButtonElement; shown: () => boolean }[] = [];
  /** Open time (ms, as the chart places it) under the pointer when the menu opened; NaN when none. */
  private menuTime = NaN;

  constructor(
    doc: Document,
    private readonly chart: IChartApi,
    private readonly box: HTMLElement,
    private readonly intents: AlertIntents,
  ) {
    const renderer = new AlertPaneRenderer(this);
    // With the series (not the top layer): over the candles and the depth overlay, and in the chart's screenshots.
    this.views = [{ zOrder: () => 'normal', renderer: () => renderer }];
    this.menu = doc.createElement('div');
    this.menu.className = 'chart-menu';
    this.menu.setAttribute('role', 'menu');
    this.menu.hidden = true;
    this.menuItem = doc.createElement('button');
    this.menuItem.type = 'button';
    this.menuItem.setAttribute('role', 'menuitem');
    this.menu.append(this.menuItem);
    box.append(this.menu);
    this.menuItem.addEventListener('click', () => {
      this.hideMenu();
      if (this.menuPrice > 0) this.intents.add(this.menuPrice);
    });
    // Capture phase: a grab of a line or its × must not also pan the chart.
    box.addEventListener('pointerdown', (e) => this.pointerDown(e), true);
    box.addEventListener('mousedown', (e) => this.dragging !== null && e.stopPropagation(), true);
    box.addEventListener('pointermove', (e) => this.pointerMove(e), true);
    box.addEventListener('pointerup', (e) => this.pointerUp(e), true);
    box.addEventListener('pointercancel', () => this.cancelDrag(), true);
    box.addEventListener('pointerleave', () => (this.pointer = null));
    box.addEventListener('contextmenu', (e) => this.contextMenu(e));
    doc.addEventListener('keydown', (e) => this.key(e));
    doc.addEventListener('pointerdown', (e) => {
      if (!this.menu.contains(e.target as Node)) this.hideMenu();
    });
  }

  attached(param: SeriesAttachedParameter<Time>): void {
    this.series = param.series;
    this.requestUpdate = param.requestUpdate;
  }

  detached(): void {
    this.series = null;
    this.requestUpdate = null;
  }

  paneViews(): readonly IPrimitivePaneView[] {
    return this.views;
  }

  priceAxisViews(): readonly ISeriesPrimitiveAxisView[] {
    return this.tags;
  }

  /** The host's alerts for this market (replacing those drawn; a drag in progress ends). */
  show(alerts: readonly ChartAlert[]): void {
    this.dragging = null;
    this.drawn = alerts.map((a) => ({ id: a.id, price: a.price }));
    // A new array: the chart re-reads a primitive's axis views only when it gets another one.
    this.tags = this.drawn.map((_, i) => new AlertAxisTag(this, i));
    this.request();
  }

  applyStyle(style: Style): void {
    this.style = style;
    this.request();
  }

  /** The market's price format and tick (a new init). */
  setMarket(format: (price: number) => string, snap: (price: number) => number): void {
    this.format = format;
    this.snap = snap;
    this.request();
  }

  priceToY(price: number): number | null {
    return this.series === null ? null : this.series.priceToCoordinate(price);
  }

  /** What the chart shows of the alerts (for the debug hook): each line's price, place, tag and ×. */
  describe(): { id: string; price: number; y: number | null; tag: string; closeX: number }[] {
    const closeX = this.chart.paneSize(0).width - CLOSE_INSET_PX;
    return this.drawn.map((a, i) => ({ id: a.id, price: a.price, y: this.priceToY(a.price), tag: this.tags[i]!.text(), closeX }));
  }

  /** The pointer's place over the candle pane, CSS px, or null outside it. */
  private panePoint(e: MouseEvent): { x: number; y: number } | null {
    const rect = this.box.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    const pane = this.chart.paneSize(0);
    return x >= 0 && y >= 0 && x < pane.width && y < pane.height ? { x, y } : null;
  }

  /** The price at a height of the candle pane, on the market's tick; NaN off the scale. */
  private priceAt(y: number): number {
    const price = this.series?.coordinateToPrice(y) ?? null;
    return price === null ? NaN : this.snap(price);
  }

  /** The alert whose line (or ×, when `onClose`) is under the point. */
  private hit(point: { x: number; y: number }): { alert: DrawnAlert; onClose: boolean } | null {
    const paneWidth = this.chart.paneSize(0).width;
    for (const alert of this.drawn) {
      const y = this.priceToY(alert.price);
      if (y === null || Math.abs(point.y - y) > Math.max(GRAB_PX, CLOSE_HALF_PX)) continue;
      const onClose = Math.abs(point.x - (paneWidth - CLOSE_INSET_PX)) <= CLOSE_HALF_PX + 1;
      if (onClose || Math.abs(point.y - y) <= GRAB_PX) return { alert, onClose };
    }
    return null;
  }

  private pointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    const point = this.panePoint(e);
    const hit = point === null ? null : this.hit(point);
    if (hit === null || point === null) return;
    e.preventDefault();
    e.stopPropagation();
    if (hit.onClose) {
      this.intents.remove(hit.alert.id);
      return;
    }
    this.dragging = { alert: hit.alert, from: hit.alert.price, pointer: e.pointerId };
    this.box.setPointerCapture?.(e.pointerId);
  }

  private pointerMove(e: PointerEvent): void {
    const point = this.panePoint(e);
    this.pointer = point;
    const drag = this.dragging;
    if (drag !== null && e.pointerId === drag.pointer) {
      e.stopPropagation();
      const price = this.priceAt(e.clientY - this.box.getBoundingClientRect().top);
      if (price > 0) {
        drag.alert.price = price;
        this.request();
      }
      return;
    }
    const hit = point === null ? null : this.hit(point);
    this.box.style.cursor = hit === null ? '' : hit.onClose ? 'pointer' : 'ns-resize';
  }

  private pointerUp(e: PointerEvent): void {
    const drag = this.dragging;
    if (drag === null || e.pointerId !== drag.pointer) return;
    e.stopPropagation();
    this.dragging = null;
    if (drag.alert.price !== drag.from) this.intents.move(drag.alert.id, drag.alert.price);
  }

  private cancelDrag(): void {
    const drag = this.dragging;
    if (drag === null) return;
    this.dragging = null;
    drag.alert.price = drag.from;
    this.request();
  }

  private contextMenu(e: MouseEvent): void {
    const point = this.panePoint(e);
    if (point === null) return;
    const price = this.priceAt(point.y);
    if (!(price > 0)) return;
    e.preventDefault();
    this.menuPrice = price;
    this.menuItem.textContent = `Add alert at ${this.format(price)}`;
    this.menu.style.left = `${point.x}px`;
    this.menu.style.top = `${point.y}px`;
    const time = this.chart.timeScale().coordinateToTime(point.x);
    this.menuTime = typeof time === 'number' ? time * 1000 : NaN;
    for (const item of this.barItems) item.button.hidden = !(this.menuTime === this.menuTime && item.shown());
    this.menu.hidden = false;
    this.menuItem.focus();
  }

  /**
   * Another entry of the right-click menu, offered while `shown()` and the pointer is over the
   * time scale; `act` gets the open time (ms) of the bar or clock point under the pointer.
   */
  addBarMenuItem(label: string, shown: () => boolean, act: (time: number) => void): void {
    const button = this.menu.ownerDocument.createElement('button');
    button.type = 'button';
    button.setAttribute('role', 'menuitem');
    button.textContent = label;
    button.hidden = true;
    button.addEventListener('click', () => {
      this.hideMenu();
      if (this.menuTime === this.menuTime) act(this.menuTime);
    });
    this.menu.append(button);
    this.barItems.push({ button, shown });
  }

  private hideMenu(): void {
    this.menu.hidden = true;
  }

  private key(e: KeyboardEvent): void {
    if (e.key === 'Escape') return this.hideMenu();
    if ((e.key !== 'a' && e.key !== 'A') || e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as HTMLElement | null;
    if (target !== null && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName))) return;
    if (this.pointer === null) return;
    const price = this.priceAt(this.pointer.y);
    if (!(price > 0)) return;
    e.preventDefault();
    this.intents.add(price);
  }

  private request(): void {
    this.requestUpdate?.();
  }
}
