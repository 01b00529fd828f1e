/**
 * What every order-flow layer drawn on the candles' series shares (heatmap, footprint, volume
 * profile): the chart and series it is attached to, one pane view at a fixed z-order, and a
 * repaint request that goes through LightRepaint when the app gave one (a primitive's own
 * `requestUpdate` is a full update in lightweight-charts; see lightRepaint.ts).
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

  constructor(zOrder: PrimitivePaneViewZOrder) {
    this.views = [{ zOrder: () => zOrder, renderer: () => this.paneRenderer() }];
  }

  /** What draws the layer at each paint. */
  protected abstract paneRenderer(): IPrimitivePaneRenderer;

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
