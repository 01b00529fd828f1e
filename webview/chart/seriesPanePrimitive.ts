/**
 * What every order-flow layer drawn on the candles' series shares (heatmap, footprint, volume
 * profile): the chart and series it is attached to, one pane view at a fixed z-order, a repaint
 * request that goes through LightRepaint when the app gave one (a primitive's own `requestUpdate`
 * is a full update in lightweight-charts; see lightRepaint.ts), and asking for one only when the
 * layer or what its picture depends on changed ({@link sync}).
 */
import type { IChartApi, IPrimitivePaneRenderer, IPrimitivePaneView, ISeriesApi, ISeriesPrimitive, PrimitivePaneViewZOrder, SeriesAttachedParameter, SeriesType, Time } from 'lightweight-charts';

export abstract class SeriesPanePrimitive implements ISeriesPrimitive<Time> {
  chart: IChartApi | null = null;
  series: ISeriesApi<SeriesType> | null = null;
  /** Chart repaints this primitive asked for. */
  updateRequests = 0;
  /** Asks the chart for a light repaint (see LightRepaint); without one, the primitive's full update. */
  repaint: (() => void) | null = null;
  private requestUpdate: (() => void) | null = null;
  private readonly views: readonly IPrimitivePaneView[];
  /** What the last sync saw: the layer shown, and its inputs (see drawInputs); reused arrays. */
  private drawnVisible = false;
  private drawn: unknown[] = [];
  private current: unknown[] = [];

  /** The layer's style: shown or not. */
  abstract style: { readonly visible: boolean };

  constructor(zOrder: PrimitivePaneViewZOrder) {
    this.views = [{ zOrder: () => zOrder, renderer: () => this.paneRenderer() }];
  }

  /** What draws the layer at each paint. */
  protected abstract paneRenderer(): IPrimitivePaneRenderer;

  /** Writes into `out` what the picture depends on besides scrolling (versions, settings), compared by identity (no NaN: it never equals itself). */
  protected abstract drawInputs(out: unknown[]): void;

  /** Whether the layer was shown or hidden, or (shown) an input changed, since the last {@link sync}. O(inputs). */
  needsSync(): boolean {
    if (this.style.visible !== this.drawnVisible) return true;
    if (!this.style.visible) return false;
    this.readInputs();
    const { current, drawn } = this;
    if (current.length !== drawn.length) return true;
    for (let i = 0; i < current.length; i++) if (current[i] !== drawn[i]) return true;
    return false;
  }

  /** Asks the chart for a repaint when {@link needsSync} (scrolling repaints by itself). O(inputs); allocates nothing. */
  sync(): void {
    if (!this.needsSync()) return;
    this.drawnVisible = this.style.visible;
    this.readInputs();
    // The inputs just read become the drawn ones; the old array takes the next read.
    const drawn = this.current;
    this.current = this.drawn;
    this.drawn = drawn;
    this.askRepaint();
  }

  private readInputs(): void {
    this.current.length = 0;
    this.drawInputs(this.current);
  }

  attached(param: SeriesAttachedParameter<Time>): void {
    this.chart = param.chart;
    this.series = param.series;
    this.requestUpdate = param.requestUpdate;
  }

  detached(): void {
    this.chart = null;
    this.series = null;
    this.requestUpdate = null;
  }

  paneViews(): readonly IPrimitivePaneView[] {
    return this.views;
  }

  /** Asks the chart for a repaint (nothing while detached). O(1). */
  protected askRepaint(): void {
    if (this.requestUpdate === null) return;
    this.updateRequests++;
    (this.repaint ?? this.requestUpdate)();
  }
}
