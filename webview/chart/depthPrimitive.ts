/**
 * The order-book depth overlay, an `ISeriesPrimitive` on the live candle series (the one series
 * that always has data, so its price scale can place prices): the step curves of
 * {@link DepthRenderer} plus the price-axis tags of the last price, the best bid and the best ask,
 * each naming itself ("Last …", "Bid …", "Ask …": equal prices must not read as duplicates; the
 * candle series' own last-price tag is off). The bid and ask are the book's own best prices, not a
 * grouped row's edge; they show with the overlay, the last price always. Modelled on the
 * lightweight-charts `volume-profile` plugin example; no `autoscaleInfo`, so the book never
 * changes the chart's price range.
 */
import type {
  IPrimitivePaneView,
  ISeriesApi,
  ISeriesPrimitive,
  ISeriesPrimitiveAxisView,
  PrimitivePaneViewZOrder,
  SeriesAttachedParameter,
  SeriesType,
  Time,
} from 'lightweight-charts';
import type { BookModel } from '../state/bookModel';
import { DepthRenderer, type DepthStyle } from './depthRenderer';
import { parseColour } from '../theme/theme';

/** A named price's tag on the price axis; its place is computed when the axis is painted. */
class PriceTag implements ISeriesPrimitiveAxisView {
  constructor(
    /** What the price is, shown before it: "Last", "Bid", "Ask". */
    readonly name: string,
    private readonly price: () => number,
    private readonly owner: DepthPrimitive,
    private readonly colour: () => string,
    /** Whether the tag shows at all (the bid and ask only with the overlay). */
    private readonly shown: () => boolean,
  ) {}
  coordinate(): number {
    return this.owner.priceToY(this.price()) ?? -100;
  }
  text(): string {
    return `${this.name} ${this.owner.format(this.price())}`;
  }
  textColor(): string {
    return readableOn(this.colour());
  }
  backColor(): string {
    return this.colour();
  }
  visible(): boolean {
    return this.shown() && Number.isFinite(this.price());
  }
  tickVisible(): boolean {
    return true;
  }
}

export class DepthPrimitive implements ISeriesPrimitive<Time> {
  style: DepthStyle;
  readonly renderer: DepthRenderer;
  /** Chart repaints this primitive asked for (each repaints every pane). */
  updateRequests = 0;
  private series: ISeriesApi<SeriesType> | null = null;
  private requestUpdate: (() => void) | null = null;
  /** Asks the chart for a light repaint (see LightRepaint); without one, the primitive's full update. */
  repaint: (() => void) | null = null;
  private readonly views: readonly IPrimitivePaneView[];
  private readonly labels: readonly PriceTag[];

  constructor(
    readonly book: BookModel,
    style: DepthStyle,
    /** Formats a price to the market's precision. */
    public format: (price: number) => string,
    rowStep: () => number,
    /** The last price, and whether its bar is rising (the tag takes the candle's colour). */
    last: { price: () => number; rising: () => boolean },
  ) {
    this.style = style;
    this.renderer = new DepthRenderer(book, () => this.style, (price) => this.priceToY(price), rowStep);
    const renderer = this.renderer;
    this.views = [{ zOrder: (): PrimitivePaneViewZOrder => 'normal', renderer: () => renderer }];
    this.labels = [
      new PriceTag('Last', last.price, this, () => (last.rising() ? this.style.up : this.style.down), () => true),
      new PriceTag('Bid', () => book.bestBid(), this, () => this.style.up, () => this.style.visible),
      new PriceTag('Ask', () => book.bestAsk(), this, () => this.style.down, () => this.style.visible),
    ];
  }

  attached(param: SeriesAttachedParameter<Time>): void {
    this.series = param.series;
    this.requestUpdate = param.requestUpdate;
  }

  detached(): void {
    this.series = null;
    this.requestUpdate = null;
  }

  /** The viewport changed: geometry is recomputed at the next draw (not here). */
  updateAllViews(): void {
    this.renderer.dirty = true;
  }

  paneViews(): readonly IPrimitivePaneView[] {
    return this.views;
  }

  priceAxisViews(): readonly ISeriesPrimitiveAxisView[] {
    return this.labels;
  }

  /** The price-axis tags as they would be painted now (for the debug hook). */
  tags(): { text: string; y: number; visible: boolean }[] {
    return this.labels.map((label) => ({ text: label.text(), y: label.coordinate(), visible: label.visible() }));
  }

  /** The style changed (or, without power saving, the book): redraw. */
  invalidate(): void {
    this.renderer.dirty = true;
    this.request();
  }

  /** The book changed: redraw only when the overlay or its axis labels would look different. */
  bookChanged(): void {
    if (this.renderer.rebuildForBook()) this.request();
  }

  private request(): void {
    if (this.requestUpdate === null) return;
    this.updateRequests++;
    (this.repaint ?? this.requestUpdate)();
  }

  priceToY(price: number): number | null {
    if (this.series === null || !Number.isFinite(price)) return null;
    return this.series.priceToCoordinate(price);
  }
}

/** Black or white, whichever reads better on `colour` (any form the theme parser reads). */
function readableOn(colour: string): string {
  const rgb = parseColour(colour) ?? [128, 128, 128, 1];
  const luminance = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  return luminance > 140 ? '#000000' : '#ffffff';
}
