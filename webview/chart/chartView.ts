/**
 * The chart: candles (split into history + live series), volume in its own pane, indicator
 * overlays and panes, the depth overlay primitive and the legend. `draw()` runs once per
 * animation frame with what changed since the last one: one `update()` per live series (two
 * when a bar closed in between: the closing row and the new one), no call on an unchanged one.
 */
import {
  CandlestickSeries,
  ColorType,
  CrosshairMode,
  HistogramSeries,
  LineSeries,
  LineStyle,
  createChart,
  type CandlestickData,
  type HistogramData,
  type HistogramSeriesPartialOptions,
  type IChartApi,
  type ISeriesApi,
  type LineData,
  type LineSeriesPartialOptions,
  type LogicalRange,
  type PriceFormat,
  type Time,
  type WhitespaceData,
} from 'lightweight-charts';
import { activityRule, declarationOf, type IndicatorKind, type ValueFormat } from '../../src/engine/protocol';
import { compactNumber, priceFormatter, valueFormatter } from '../format/numberFormat';
import { chartTime, timeFormatters, timeframeMs } from '../format/localTime';
import { BarColumn, type PanelModel } from '../state/panelModel';
import { RowChanges, type SeriesColumns } from '../state/seriesColumns';
import type { SavedRange } from '../state/viewState';
import type { Theme } from '../theme/theme';
import { DepthPrimitive } from './depthPrimitive';
import type { DepthStyle } from './depthRenderer';
import { LightRepaint } from './lightRepaint';
import { Legend, type LegendLine } from './legend';
import { countedFromNote, isSizedCvd } from './countedFromNote';
import { PaneLabel } from './paneLabel';
import { SplitSeries, type ItemBuilder } from './splitSeries';

/** Start paging older bars in when fewer than this many bars are left of the view. */
const PAGE_MARGIN_BARS = 50;
/** Space right of the newest bar beyond the depth overlay, CSS px. */
const RIGHT_GAP_PX = 24;
const DEFAULT_BAR_SPACING = 6;
/** Whitespace bars the clock holds ahead of the newest bar, and the margin that triggers a refill. */
const CLOCK_BARS = 512;
const CLOCK_MARGIN_BARS = 256;
/** Frames over which a restored range is re-applied until the chart keeps it. */
const RESTORE_ATTEMPTS = 30;
const MAIN_PANE_STRETCH = 3;
/** The depth overlay never takes more than this share of the pane's width (the user's width is a maximum). */
export const DEPTH_MAX_SHARE = 0.25;
/** The legend keeps this far from the price axis, CSS px. */
const LEGEND_MARGIN_PX = 16;
const VOLUME_PANE_STRETCH = 0.8;

export interface ChartEvents {
  /** Older bars are wanted (the user scrolled near the oldest held bar). */
  loadOlder(before: number): void;
  /** The visible range changed (to persist it). */
  rangeChanged(): void;
}

export interface ChartSettings {
  /** Whether an indicator kind is shown. */
  indicatorShown(kind: IndicatorKind): boolean;
  depthWidth(): number;
  /** Power saving on: the depth overlay repaints the chart only when it would look different. */
  saving(): boolean;
}

/** One output of an indicator, drawn as a split line or histogram. */
interface OutputView {
  column: number;
  split: SplitSeries<'Line'> | SplitSeries<'Histogram'>;
}

interface IndicatorView {
  id: string;
  kind: IndicatorKind;
  pane: number;
  colour: string;
  outputs: OutputView[];
  /** Bars needed before every output is defined. */
  warmupBars: number;
  /** Title and "needs N bars" of an indicator in a pane of its own; null for an overlay. */
  label: PaneLabel | null;
}

export class ChartView {
  readonly chart: IChartApi;
  readonly legend: Legend;
  readonly depth: DepthPrimitive;
  private readonly candles: SplitSeries<'Candlestick'>;
  /** Whitespace time points for the coming bars (see ensureClock). */
  private readonly clock: ISeriesApi<'Line'>;
  /** Open time (ms) of the last clock point, NaN when none. */
  private clockEnd = NaN;
  private barMs = NaN;
  private volume: SplitSeries<'Histogram'> | null = null;
  private indicatorViews: IndicatorView[] = [];
  private layoutKey = '';
  private layoutVersion = -1;
  /** The pointer moved to another bar: the legend shows its values at the next draw. */
  private legendStale = false;
  /** Draws that changed series data (each makes the chart repaint). */
  seriesRedraws = 0;
  private generation = -1;
  private historyPages = 0;
  private bookVersion = -1;
  private olderRequested = false;
  /** Said at the oldest bar: why nothing older shows, or that it is on its way. */
  private readonly historyNote: HTMLElement;
  private historyNoteText = '';
  /** A saved range waiting for the first bars of a new init. */
  private pendingRange: SavedRange | null = null;
  private restoreAttempts = 0;
  private readonly changes = new RowChanges();
  private readonly indicatorChanges = new RowChanges();
  private price: (x: number) => string = String;
  /** HH:MM:SS local, for the panes' notes. */
  private clockText: (ms: number) => string = String;
  private pricePrecision = 2;
  private tickSize = 0.01;
  private drawnKey = '';
  private layers = { volume: true, depth: true };
  /** Width of the chart's panes (without the price axis), CSS px; 0 before the chart knows it. */
  private paneWidth = 0;

  constructor(
    private readonly doc: Document,
    readonly container: HTMLElement,
    private readonly model: PanelModel,
    private theme: Theme,
    private readonly settings: ChartSettings,
    private readonly events: ChartEvents,
  ) {
    this.chart = createChart(container, {
      autoSize: true,
      layout: { attributionLogo: false, panes: { enableResize: true } },
      crosshair: { mode: CrosshairMode.Normal },
      timeScale: {
        timeVisible: true,
        secondsVisible: false,
        enableConflation: true,
        minBarSpacing: 0.05,
        shiftVisibleRangeOnNewBar: true,
        // New bars land on the clock's whitespace points (see ensureClock): still follow them.
        allowShiftVisibleRangeOnWhitespaceReplacement: true,
      },
    });
    this.clock = this.chart.addSeries(LineSeries, { visible: false, lastValueVisible: false, priceLineVisible: false, crosshairMarkerVisible: false }, 0);
    const candleOptions = { priceLineVisible: false, lastValueVisible: false };
    const history = this.chart.addSeries(CandlestickSeries, candleOptions, 0);
    // Its last-price tag is the depth primitive's, named "Last" beside the bid and ask tags.
    const live = this.chart.addSeries(CandlestickSeries, { ...candleOptions, priceLineVisible: true }, 0);
    this.candles = new SplitSeries(history, live, candleItem, 0);
    const bars = model.bars;
    const lastRow = (): number => bars.length - 1;
    this.depth = new DepthPrimitive(model.book, this.depthStyle(), this.price, () => this.tickSize * model.book.ticksPerRow, {
      price: () => (bars.length > 0 ? bars.value(lastRow(), BarColumn.Close) : NaN),
      rising: () => bars.length > 0 && bars.value(lastRow(), BarColumn.Close) >= bars.value(lastRow(), BarColumn.Open),
    });
    this.depth.repaint = this.repaint.request;
    live.attachPrimitive(this.depth);
    this.legend = new Legend(doc);
    container.append(this.legend.root);
    this.historyNote = doc.createElement('div');
    this.historyNote.className = 'history-note';
    this.historyNote.hidden = true;
    container.append(this.historyNote);
    this.chart.subscribeCrosshairMove((param) => {
      const hover = param.time === undefined ? NaN : (param.time as number) * 1000;
      // The legend changes only when the pointer reaches another bar (or leaves the bars).
      if (this.settings.saving() && (hover === this.legend.hoverTime || (hover !== hover && this.legend.hoverTime !== this.legend.hoverTime))) return;
      this.legend.hoverTime = hover;
      this.legendStale = true;
      this.requestDraw();
    });
    // A range waiting to be restored needs the chart's width (see continueRestore).
    this.chart.timeScale().subscribeSizeChange((width) => {
      this.paneSizeChanged(width);
      if (this.pendingRange !== null || !this.settings.saving()) this.requestDraw();
    });
    this.chart.timeScale().subscribeVisibleLogicalRangeChange((range) => {
      this.checkOlder(range);
      this.showHistoryNote(range);
      this.events.rangeChanged();
    });
    this.applyTheme(theme);
  }

  /** The series whose price scale places the candles (for primitives drawn at prices). */
  get priceSeries(): ISeriesApi<'Candlestick'> {
    return this.candles.live;
  }

  /** Set by the app: asks for a draw on the next animation frame (crosshair moved, resized). */
  requestDraw: () => void = () => {};
  /** The primitives' repaints, made light (see LightRepaint). */
  readonly repaint = new LightRepaint(() => this.requestDraw());
  /** Whether the draw under way changed a series (then the chart repaints its primitives anyway). */
  private seriesUpdated = false;

  /** Layers that change the chart (volume pane, depth overlay). */
  setLayers(volume: boolean, depth: boolean): void {
    if (volume === this.layers.volume && depth === this.layers.depth) return;
    if (volume !== this.layers.volume) this.layoutKey = '';
    this.layers = { volume, depth };
    this.depth.style = this.depthStyle();
    this.depth.invalidate();
    this.keepNewestBarClear();
  }

  /** A new depth width or indicator choice: re-layout and restyle at the next draw. */
  settingsChanged(): void {
    this.depth.style = this.depthStyle();
    this.depth.invalidate();
    this.keepNewestBarClear();
    this.layoutKey = '';
  }

  /** Restores `range` once the next init's bars are drawn. */
  restoreRangeAfterInit(range: SavedRange | null): void {
    this.pendingRange = range;
    this.restoreAttempts = 0;
  }

  applyTheme(theme: Theme): void {
    this.theme = theme;
    this.legend.applyTheme(theme);
    this.chart.applyOptions({
      layout: {
        background: { type: ColorType.Solid, color: theme.background },
        textColor: theme.muted,
        fontFamily: theme.fontFamily,
        fontSize: Math.max(10, Math.round(theme.fontSize * 0.92)),
        panes: { separatorColor: theme.border, separatorHoverColor: theme.grid },
      },
      grid: { vertLines: { color: theme.grid }, horzLines: { color: theme.grid } },
      rightPriceScale: { borderColor: theme.border },
      timeScale: { borderColor: theme.border },
      crosshair: {
        vertLine: { color: theme.muted, labelBackgroundColor: theme.border },
        horzLine: { color: theme.muted, labelBackgroundColor: theme.border },
      },
    });
    const candle = {
      upColor: theme.up,
      downColor: theme.down,
      borderUpColor: theme.up,
      borderDownColor: theme.down,
      wickUpColor: theme.up,
      wickDownColor: theme.down,
    };
    this.candles.history.applyOptions(candle);
    this.candles.live.applyOptions(candle);
    this.depth.style = this.depthStyle();
    this.depth.invalidate();
    // Volume and histogram colours are baked into their items, and line colours into options.
    this.layoutKey = '';
    this.model.bars.touchAll();
  }

  /**
   * Whether a draw would change anything: bars, indicators, layout, history, a range to restore.
   * A book change is handled here at once (the overlay asks the chart for a repaint only if it
   * would look different), so it never needs a draw of its own. O(indicator series).
   */
  needsDraw(): boolean {
    const model = this.model;
    this.takeBook();
    if (this.legendStale || model.generation !== this.generation || this.layoutKey === '' || model.indicators.layoutVersion !== this.layoutVersion) return true;
    return this.pendingRange !== null || model.historyPages !== this.historyPages || this.seriesChanged() || this.repaint.waiting;
  }

  /** The panel's draw starts (primitives' repaints asked for in it are settled at {@link endDraw}). */
  beginDraw(): void {
    this.repaint.beginDraw();
    this.seriesUpdated = false;
  }

  /** The panel's draw ends: one light repaint for the primitives that asked, unless a series changed. */
  endDraw(): void {
    this.repaint.endDraw(
      this.seriesUpdated,
      () => this.candles.touchNewest(this.model.bars),
      () => this.candles.live.applyOptions({}),
    );
  }

  private seriesChanged(): boolean {
    if (this.model.bars.hasChanges()) return true;
    for (const held of this.model.indicators.list) if (held.rows.hasChanges()) return true;
    return false;
  }

  /** Draws what changed in the model since the last call. */
  draw(): void {
    const model = this.model;
    const historyChanged = model.generation !== this.generation || model.historyPages !== this.historyPages;
    if (model.generation !== this.generation) this.startGeneration();
    this.ensureLayout();
    if (this.seriesChanged()) this.seriesRedraws++;
    const bars = model.bars.takeChanges(this.changes);
    let updated = this.candles.sync(model.bars, bars);
    if (this.volume?.sync(model.bars, bars)) updated = true;
    for (const held of model.indicators.list) {
      const changes = held.rows.takeChanges(this.indicatorChanges);
      const view = this.indicatorViews.find((v) => v.id === held.id);
      if (view !== undefined) for (const output of view.outputs) if (output.split.sync(held.rows, changes)) updated = true;
    }
    if (updated) this.seriesUpdated = true;
    // After the bars (the first placement of the view is on real bars), before the next frame's.
    this.ensureClock();
    this.takeBook();
    if (this.pendingRange !== null) this.continueRestore();
    if (model.historyPages !== this.historyPages) {
      this.historyPages = model.historyPages;
      this.olderRequested = false;
      // A failed page is asked again when the user scrolls, not at once: a failing exchange is not hammered.
      if (model.historyFailed === null) this.checkOlder(this.chart.timeScale().getVisibleLogicalRange());
    }
    if (historyChanged) this.showHistoryNote(this.chart.timeScale().getVisibleLogicalRange());
    this.showWarmupNotes();
    this.legend.draw(model, this.price, compactNumber);
    this.legendStale = false;
  }

  /**
   * A pane whose indicator has too few bars for a value says how many it needs; the CVD of big
   * trades says from when it counts. O(panes), plus the bars before that count.
   */
  private showWarmupNotes(): void {
    const held = this.model.bars.length;
    for (const view of this.indicatorViews) {
      const rows = isSizedCvd(view.id) ? this.model.indicators.get(view.id)?.rows : undefined;
      view.label?.setNote(held < view.warmupBars ? `needs ${view.warmupBars} bars` : rows ? countedFromNote(rows, view.outputs[0]?.column ?? 0, this.clockText) : '');
    }
  }

  private paneLabelStyle(title: string, colour: string): PaneLabel['style'] {
    const t = this.theme;
    return { title, titleColour: colour, noteColour: t.muted, fontFamily: t.fontFamily, fontSize: Math.max(10, Math.round(t.fontSize * 0.92)) };
  }

  private takeBook(): void {
    const version = this.model.book.version;
    if (version === this.bookVersion) return;
    this.bookVersion = version;
    if (this.settings.saving()) this.depth.bookChanged();
    else this.depth.invalidate();
  }

  /** Where the chart is looking, for the persisted state; null before any bar. */
  savedRange(): SavedRange | null {
    const range = this.chart.timeScale().getVisibleLogicalRange();
    const bars = this.model.bars;
    if (range === null || bars.length === 0) return null;
    const last = bars.length - 1;
    const from = Math.min(last, Math.max(0, Math.round(range.from)));
    return { following: range.to >= last - 0.5, bars: range.to - range.from, fromTime: bars.time(from), rightGap: range.to - last };
  }

  /** Read-only facts for the debug hook. */
  describe(): Record<string, unknown> {
    const last = this.candles.live.data().at(-1) as CandlestickData<Time> | undefined;
    const range = this.chart.timeScale().getVisibleLogicalRange();
    return {
      candles: {
        count: this.candles.drawnCount(),
        historyCount: this.candles.history.data().length,
        liveCount: this.candles.live.data().length,
        firstTime: ((this.candles.history.data()[0] ?? last)?.time as number | undefined) ?? null,
        last: last === undefined ? null : { time: (last.time as number) * 1000, open: last.open, high: last.high, low: last.low, close: last.close },
      },
      volume:
        this.volume === null
          ? null
          : { count: this.volume.drawnCount(), last: (this.volume.live.data().at(-1) as HistogramData<Time> | undefined)?.value ?? null },
      indicators: this.indicatorViews.map((v) => ({
        id: v.id,
        kind: v.kind,
        pane: v.pane,
        outputs: v.outputs.map((o) => {
          const item = o.split.live.data().at(-1) as LineData<Time> | WhitespaceData<Time> | undefined;
          return item !== undefined && 'value' in item ? item.value : null;
        }),
        count: v.outputs[0]?.split.drawnCount() ?? 0,
        /** What its pane says: its title and why it is blank ('' when it is not); null for an overlay. */
        paneLabel: v.label === null ? null : { title: v.label.style.title, note: v.label.note },
      })),
      panes: this.chart.panes().length,
      visibleRange: range === null ? null : { from: range.from, to: range.to },
      rangePending: this.pendingRange !== null,
      depth: { ...this.depth.renderer.geometry, style: this.depth.style, tags: this.depth.tags() },
      /** Width of the chart's panes without the price axis (the overlay scales with it). */
      paneWidth: this.paneWidth,
      /** Chart repaints asked for: by series data changes and by the depth overlay. */
      redraws: { series: this.seriesRedraws, depth: this.depth.updateRequests },
      /** Calls on the candle series pair. */
      sync: { ...this.candles.counts },
      theme: { background: this.theme.background, up: this.theme.up, down: this.theme.down, kind: this.theme.kind },
      legend: this.legend.text(),
      historyNote: this.historyNoteText === '' ? null : this.historyNoteText,
    };
  }

  private startGeneration(): void {
    const model = this.model;
    this.generation = model.generation;
    this.olderRequested = false;
    this.historyPages = model.historyPages;
    const market = model.market!;
    this.pricePrecision = market.pricePrecision;
    this.tickSize = market.tickSize;
    this.price = priceFormatter(market.pricePrecision);
    this.depth.format = this.price;
    const formatters = timeFormatters(model.timeframe);
    this.clockText = formatters.clock;
    this.barMs = timeframeMs(model.timeframe);
    this.clockEnd = NaN;
    this.chart.applyOptions({
      localization: { timeFormatter: formatters.crosshair },
      // Bars of N trades or volume come seconds apart or less: their times need the seconds.
      timeScale: { tickMarkFormatter: formatters.tickMark, secondsVisible: !(this.barMs >= 60e3) },
    });
    const format: PriceFormat = { type: 'price', precision: market.pricePrecision, minMove: 10 ** -market.pricePrecision };
    this.candles.history.applyOptions({ priceFormat: format });
    this.candles.live.applyOptions({ priceFormat: format });
    this.legend.setTitle(`${market.symbol} · ${model.timeframe} · ${market.exchange}`);
    const key = `${market.exchange}:${market.symbol}:${model.timeframe}`;
    if (key !== this.drawnKey && this.pendingRange === null) {
      // Another market or timeframe: start at the live edge rather than at an unrelated range.
      this.chart.timeScale().applyOptions({ barSpacing: DEFAULT_BAR_SPACING });
      this.keepNewestBarClear(true);
    }
    this.drawnKey = key;
    this.layoutKey = '';
  }

  /**
   * Keeps whitespace time points for the next bars ahead of the newest one. A bar at a time the
   * chart does not have yet makes lightweight-charts re-send every series' whole data (seconds
   * at 100k bars); on an existing point the update stays incremental. Extending the clock is one
   * `setData()` every CLOCK_BARS / 2 bars.
   */
  private ensureClock(): void {
    const last = this.model.bars.lastTime();
    if (!(this.barMs > 0) || !(last === last)) return;
    if (this.clockEnd === this.clockEnd && last + CLOCK_MARGIN_BARS * this.barMs <= this.clockEnd) return;
    const points = new Array<WhitespaceData<Time>>(CLOCK_BARS);
    for (let k = 0; k < CLOCK_BARS; k++) points[k] = { time: chartTime(last + (k + 1) * this.barMs) };
    this.clock.setData(points);
    this.clockEnd = last + CLOCK_BARS * this.barMs;
  }

  /** Creates the volume and indicator series when the set of shown series changed. */
  private ensureLayout(): void {
    const model = this.model;
    const shown = model.indicators.list.filter((s) => this.settings.indicatorShown(s.kind));
    const key = `${this.layers.volume}|${model.indicators.layoutVersion}|${shown.map((s) => s.id).join(',')}`;
    this.layoutVersion = model.indicators.layoutVersion;
    if (key === this.layoutKey) return;
    this.layoutKey = key;
    this.volume?.remove(this.chart);
    this.volume = null;
    for (const view of this.indicatorViews) {
      if (view.label !== null) this.chart.panes()[view.pane]?.detachPrimitive(view.label);
      for (const o of view.outputs) o.split.remove(this.chart);
    }
    this.indicatorViews = [];
    let pane = 1;
    if (this.layers.volume) this.volume = this.histogramSplit({ priceFormat: { type: 'volume' }, color: this.theme.upVolume }, pane++, (rows, i) => volumeItem(rows, i, this.theme));
    let colour = 0;
    const legend: LegendLine[] = [];
    for (const s of shown) {
      const draw = declarationOf(s.kind).draw;
      const onPane = draw.placement === 'pane';
      const p = onPane ? pane++ : 0;
      const c = this.theme.palette[colour++ % this.theme.palette.length]!;
      const accent = this.theme.palette[(colour + 2) % this.theme.palette.length]!;
      const view: IndicatorView = { id: s.id, kind: s.kind, pane: p, colour: c, outputs: [], warmupBars: s.warmupBars, label: onPane ? new PaneLabel(this.paneLabelStyle(s.id, c)) : null };
      if (view.label !== null) view.label.repaint = this.repaint.request;
      const format = this.valueFormat(draw.values);
      const priceFormat = this.priceFormatOf(draw.values);
      // The outputs the catalog draws, found by name among those the engine sent.
      const columns: number[] = [];
      for (const [name, style] of Object.entries(draw.outputs)) {
        const column = s.outputs.indexOf(name);
        if (column < 0) continue;
        columns.push(column);
        if (style === 'histogram') {
          view.outputs.push({ column, split: this.histogramSplit({ priceFormat, lastValueVisible: false }, p, (rows, i) => histogramItem(rows, i, column, this.theme)) });
        } else {
          view.outputs.push({
            column,
            split: this.lineSplit(
              {
                color: style === 'accentLine' ? accent : c,
                lineWidth: 1,
                lineStyle: style === 'dashedLine' ? LineStyle.Dashed : LineStyle.Solid,
                priceFormat,
                crosshairMarkerVisible: false,
                // Overlays would crowd the price axis next to the touch labels; the legend shows them.
                lastValueVisible: onPane,
              },
              p,
              (rows, i) => lineItem(rows, i, column),
            ),
          });
        }
      }
      const first = view.outputs[0];
      for (const level of draw.levels ?? []) first?.split.history.createPriceLine({ price: level, color: this.theme.grid, lineStyle: LineStyle.Dotted, lineWidth: 1, axisLabelVisible: false, title: '' });
      this.indicatorViews.push(view);
      legend.push({ id: s.id, label: s.id, colour: c, columns, format });
    }
    const panes = this.chart.panes();
    for (const view of this.indicatorViews) if (view.label !== null) panes[view.pane]?.attachPrimitive(view.label);
    panes[0]?.setStretchFactor(MAIN_PANE_STRETCH);
    for (let k = 1; k < panes.length; k++) panes[k]!.setStretchFactor(this.layers.volume && k === 1 ? VOLUME_PANE_STRETCH : 1);
    this.legend.setLines(this.doc, legend);
  }

  private lineSplit(options: LineSeriesPartialOptions, pane: number, build: ItemBuilder<'Line'>): SplitSeries<'Line'> {
    const history = this.chart.addSeries(LineSeries, { ...options, lastValueVisible: false, priceLineVisible: false }, pane);
    const live = this.chart.addSeries(LineSeries, { ...options, priceLineVisible: false }, pane);
    return new SplitSeries(history, live, build, 1);
  }

  private histogramSplit(options: HistogramSeriesPartialOptions, pane: number, build: ItemBuilder<'Histogram'>): SplitSeries<'Histogram'> {
    const history = this.chart.addSeries(HistogramSeries, { ...options, lastValueVisible: false, priceLineVisible: false }, pane);
    const live = this.chart.addSeries(HistogramSeries, { ...options, priceLineVisible: false }, pane);
    return new SplitSeries(history, live, build, 0);
  }

  private valueFormat(values: ValueFormat): (x: number) => string {
    if (values === 'volume') return compactNumber;
    if (typeof values === 'object') return (x) => (Number.isFinite(x) ? x.toFixed(values.decimals) : '—');
    return valueFormatter(this.pricePrecision, values === 'price');
  }

  private priceFormatOf(values: ValueFormat): PriceFormat {
    if (values === 'volume') return { type: 'volume', precision: 2, minMove: 0.01 };
    if (typeof values === 'object') return { type: 'price', precision: values.decimals, minMove: 10 ** -values.decimals };
    return { type: 'price', precision: this.pricePrecision, minMove: 10 ** -this.pricePrecision };
  }

  /**
   * The pane (the chart without its price axis) has a new width: the depth overlay scales with it
   * and the legend stays clear of the axis. Told by the chart, not read from the DOM.
   */
  private paneSizeChanged(width: number): void {
    this.paneWidth = width;
    this.legend.root.style.maxWidth = `${Math.max(0, width - LEGEND_MARGIN_PX)}px`;
    if (this.depth.style.width === this.depthWidth()) return;
    this.depth.style = this.depthStyle();
    this.depth.invalidate();
    this.keepNewestBarClear();
  }

  /** The overlay's width: the user's choice, at most DEPTH_MAX_SHARE of the pane. */
  private depthWidth(): number {
    const chosen = this.settings.depthWidth();
    return this.paneWidth > 0 ? Math.min(chosen, Math.floor(this.paneWidth * DEPTH_MAX_SHARE)) : chosen;
  }

  private depthStyle(): DepthStyle {
    const t = this.theme;
    return { visible: this.layers.depth, width: this.depthWidth(), up: t.up, down: t.down, upFill: t.upFill, downFill: t.downFill };
  }

  /**
   * Leaves room right of the newest bar for the depth overlay, as a right offset in bars at the
   * current spacing. Only while the view follows the live edge (or `force`, for a fresh view):
   * setting the offset scrolls to the live edge, which must not yank a user looking at history.
   * (`rightOffsetPixels` would be simpler, but the chart re-applies it on every resize, which
   * scrolls a view in history back to the live edge.)
   */
  private keepNewestBarClear(force = false): void {
    const ts = this.chart.timeScale();
    const range = ts.getVisibleLogicalRange();
    const following = range === null || range.to >= this.model.bars.length - 1.5;
    if (!following && !force) return;
    const px = (this.layers.depth ? this.depthWidth() : 0) + RIGHT_GAP_PX;
    ts.applyOptions({ rightOffset: Math.ceil(px / ts.options().barSpacing) });
  }

  private checkOlder(range: LogicalRange | null): void {
    const model = this.model;
    if (range === null || this.olderRequested || !model.hasOlder || model.bars.length === 0) return;
    if (range.from > PAGE_MARGIN_BARS) return;
    this.olderRequested = true;
    this.events.loadOlder(model.bars.firstTime());
  }

  /**
   * With the oldest bar in view, says why nothing older shows: a page on its way, a failed one
   * (why; scrolling back retries), or the end (the source has none, or the memory bound). Hidden
   * elsewhere. Writes the DOM only when the text changes.
   */
  private showHistoryNote(range: LogicalRange | null): void {
    const model = this.model;
    const activity = activityRule(model.timeframe);
    let text = '';
    if (range !== null && model.bars.length > 0 && range.from <= 0) {
      if (this.olderRequested) text = 'loading earlier history…';
      else if (model.historyFailed !== null) text = `couldn't load earlier history: ${model.historyFailed} — scroll back to retry`;
      else if (model.historyEnd === 'memory') text = 'history limit reached';
      else if (model.historyEnd === 'source' && activity !== null) text = `bars of ${activity.size} ${activity.unit} start from the live trades: exchanges keep no history of them`;
      else if (model.historyEnd === 'source') text = model.panel?.exchange === 'replay' ? 'start of the recording' : `no earlier history on ${model.market?.exchange ?? 'this source'}`;
    }
    if (text === this.historyNoteText) return;
    this.historyNoteText = text;
    this.historyNote.textContent = text;
    this.historyNote.hidden = text === '';
  }

  /**
   * Applies the remembered range, and checks on the following frames that it held: the chart
   * applies a range asynchronously, and its first layout (the price axis finding its width)
   * can move it again. Until the chart knows its width a range cannot be placed at all
   * (autoSize reports the size asynchronously; the size subscription asks for another draw).
   */
  private continueRestore(): void {
    const saved = this.pendingRange!;
    const bars = this.model.bars;
    const ts = this.chart.timeScale();
    if (bars.length === 0 || ts.width() === 0) return;
    const last = bars.length - 1;
    let from = last + saved.rightGap - saved.bars;
    if (!saved.following) from = Math.max(0, bars.indexAtOrBefore(saved.fromTime));
    const target = { from, to: from + saved.bars };
    const now = ts.getVisibleLogicalRange();
    if (now !== null && Math.abs(now.from - target.from) < 0.5 && Math.abs(now.to - target.to) < 0.5) {
      this.pendingRange = null;
      return;
    }
    if (++this.restoreAttempts > RESTORE_ATTEMPTS) {
      this.pendingRange = null;
      return;
    }
    ts.setVisibleLogicalRange(target);
    this.requestDraw();
  }
}

function candleItem(rows: SeriesColumns, i: number): CandlestickData<Time> {
  return {
    time: chartTime(rows.time(i)),
    open: rows.value(i, BarColumn.Open),
    high: rows.value(i, BarColumn.High),
    low: rows.value(i, BarColumn.Low),
    close: rows.value(i, BarColumn.Close),
  };
}

function volumeItem(rows: SeriesColumns, i: number, theme: Theme): HistogramData<Time> {
  const up = rows.value(i, BarColumn.Close) >= rows.value(i, BarColumn.Open);
  return { time: chartTime(rows.time(i)), value: rows.value(i, BarColumn.Volume), color: up ? theme.upVolume : theme.downVolume };
}

function lineItem(rows: SeriesColumns, i: number, column: number): LineData<Time> | WhitespaceData<Time> {
  const value = rows.value(i, column);
  return value === value ? { time: chartTime(rows.time(i)), value } : { time: chartTime(rows.time(i)) };
}

function histogramItem(rows: SeriesColumns, i: number, column: number, theme: Theme): HistogramData<Time> | WhitespaceData<Time> {
  const value = rows.value(i, column);
  return value === value ? { time: chartTime(rows.time(i)), value, color: value >= 0 ? theme.upVolume : theme.downVolume } : { time: chartTime(rows.time(i)) };
}
