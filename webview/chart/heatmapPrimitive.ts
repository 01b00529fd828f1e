/**
 * The liquidity heatmap behind the candles: an `ISeriesPrimitive` on the candle series drawn at
 * zOrder 'bottom'. One column per time slice at its place on the time scale (a slice between two
 * bars is placed by its time within the bar; a reset's history columns span a bar each), rows at
 * the ladder's step, coloured by resting size
 * on a log scale between the smallest and largest size in view (the legend at the pane's
 * bottom-left says both). Gap columns (no book) are hatched grey, never coloured.
 *
 * The picture is built only for the visible range into an image one cell per bitmap pixel column
 * and one per row (rows merged, largest size kept, when there are more rows than pixels), and
 * rebuilt only when the columns, the visible range, the price scale, the size or the theme
 * changed; any other repaint draws the cached image with one `drawImage`. The app asks the chart
 * for a repaint only when the columns changed ({@link HeatmapPrimitive.sync}).
 */
import type { IChartApi, IPrimitivePaneRenderer, ISeriesApi, Logical, SeriesType } from 'lightweight-charts';
import { SeriesPanePrimitive } from './seriesPanePrimitive';
import type { HeatmapColumns } from '../state/heatmapColumns';
import type { SeriesColumns } from '../state/seriesColumns';

type RenderTarget = Parameters<IPrimitivePaneRenderer['draw']>[0];

/**
 * Colour stops of the size scale, smallest to largest: RGBA (alpha 0-1). Small sizes stay faint
 * so the candles over them read; the walls stand out.
 */
const STOPS: readonly (readonly [number, number, number, number])[] = [
  [30, 60, 150, 0.12],
  [0, 130, 210, 0.35],
  [0, 200, 190, 0.55],
  [250, 215, 40, 0.75],
  [255, 70, 30, 0.92],
];
/** The scale spans at most this ratio: smaller sizes (dust orders) take its lowest colour. */
const SCALE_RATIO = 1000;
/** Colours in the lookup table. */
const LEVELS = 64;
const LEGEND_WIDTH = 90;
const LEGEND_HEIGHT = 8;
const LEGEND_MARGIN = 8;

export interface HeatmapStyle {
  visible: boolean;
  /** Hatch colour of gap columns and the legend's text. */
  muted: string;
  /** Behind the legend (it sits over the columns). */
  background: string;
  fontFamily: string;
  fontSize: number;
  /** Formats a size for the legend. */
  size: (x: number) => string;
}

/** What the last draw showed, CSS px (read by the debug hook and tests). */
export class HeatmapGeometry {
  drawn = false;
  /** Pixel columns coloured by size, and hatched as gaps. */
  sizedPixels = 0;
  gapPixels = 0;
  /** The legend's ends: the largest size in view and the smallest it tells apart (at most SCALE_RATIO below). */
  min = NaN;
  max = NaN;
  /** Images built (each a full pass over the visible columns), and paints. */
  builds = 0;
  paints = 0;
  /** Where the columns in view start and end, CSS px. */
  left = NaN;
  right = NaN;
  /** The hatched gap runs, CSS px: [x0, x1) pairs. */
  gaps: number[] = [];
}

/** The colour table: LEVELS RGBA entries (0-255). */
function colourTable(): Uint8ClampedArray {
  const out = new Uint8ClampedArray(LEVELS * 4);
  for (let i = 0; i < LEVELS; i++) {
    const t = (i / (LEVELS - 1)) * (STOPS.length - 1);
    const k = Math.min(STOPS.length - 2, Math.floor(t));
    const f = t - k;
    const a = STOPS[k]!;
    const b = STOPS[k + 1]!;
    for (let c = 0; c < 4; c++) out[i * 4 + c] = (a[c]! + (b[c]! - a[c]!) * f) * (c === 3 ? 255 : 1);
  }
  return out;
}

class HeatmapRenderer implements IPrimitivePaneRenderer {
  readonly geometry = new HeatmapGeometry();
  private readonly table = colourTable();
  private image: HTMLCanvasElement | null = null;
  private builtFor = '';
  /** Where the cached image goes (bitmap px) and the gap runs to hatch ([x0, x1) pairs). */
  private imageTop = 0;
  private imageBottom = 0;
  private gapRuns: number[] = [];
  /** Per bitmap column × image row: the largest size (reused between builds). */
  private grid = new Float32Array(0);
  private gapMask = new Uint8Array(0);
  private hatch: CanvasPattern | null = null;
  private hatchColour = '';

  constructor(
    private readonly owner: HeatmapPrimitive,
    private readonly columns: HeatmapColumns,
    private readonly bars: SeriesColumns,
  ) {}

  draw(target: RenderTarget): void {
    const g = this.geometry;
    const style = this.owner.style;
    const chart = this.owner.chart;
    const series = this.owner.series;
    g.drawn = false;
    if (!style.visible || chart === null || series === null || this.columns.count === 0 || this.bars.length === 0) return;
    target.useBitmapCoordinateSpace(({ context: ctx, bitmapSize, horizontalPixelRatio: hpr, verticalPixelRatio: vpr }) => {
      const range = chart.timeScale().getVisibleLogicalRange();
      const top = series.coordinateToPrice(0);
      const bottom = series.coordinateToPrice(bitmapSize.height / vpr);
      if (range === null || top === null || bottom === null) return;
      const key = `${this.columns.version}|${range.from}|${range.to}|${top}|${bottom}|${bitmapSize.width}x${bitmapSize.height}|${style.muted}`;
      if (key !== this.builtFor) {
        this.builtFor = key;
        this.build(chart, series, bitmapSize.width, bitmapSize.height, hpr, vpr, top as number, bottom as number);
      }
      g.paints++;
      if (this.image !== null && g.sizedPixels > 0) {
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(this.image, 0, this.imageTop, bitmapSize.width, this.imageBottom - this.imageTop);
      }
      if (this.gapRuns.length > 0) {
        ctx.fillStyle = this.hatchPattern(ctx, style.muted, hpr);
        for (let i = 0; i < this.gapRuns.length; i += 2) ctx.fillRect(this.gapRuns[i]!, 0, this.gapRuns[i + 1]! - this.gapRuns[i]!, bitmapSize.height);
      }
      if (g.sizedPixels > 0) this.drawLegend(ctx, bitmapSize.height, hpr, vpr);
      g.drawn = true;
    });
  }

  /**
   * x (bitmap px) of time `t`: its bar's slot on the time scale plus its share of the bar (the
   * chart places whole logical indexes only; a bar spans half a spacing either side of its centre).
   * A bar's time span is the timeframe's; bars of N trades or volume (`barMs` NaN) last until the
   * next bar opens, the newest until the newest column's end. O(log bars).
   */
  private x(chart: IChartApi, t: number, barMs: number, spacing: number, hpr: number): number {
    const bars = this.bars;
    const i = Math.max(0, bars.indexAtOrBefore(t));
    const centre = chart.timeScale().logicalToCoordinate(i as Logical) ?? NaN;
    const start = bars.time(i);
    const span = barMs > 0 ? barMs : (i + 1 < bars.length ? bars.time(i + 1) : this.columnsEnd()) - start;
    return (centre + ((t - start) / Math.max(1, span) - 0.5) * spacing) * hpr;
  }

  /** End of the newest column held, ms. O(1). */
  private columnsEnd(): number {
    const cols = this.columns;
    return cols.count > 0 ? cols.time(cols.count - 1) + cols.span(cols.count - 1) : NaN;
  }

  private build(chart: IChartApi, series: ISeriesApi<SeriesType>, width: number, height: number, hpr: number, vpr: number, topPrice: number, bottomPrice: number): void {
    const g = this.geometry;
    const cols = this.columns;
    const bars = this.bars;
    const barMs = this.owner.barMs();
    g.builds++;
    g.sizedPixels = 0;
    g.gapPixels = 0;
    g.min = NaN;
    g.max = NaN;
    this.gapRuns = [];
    if (!(cols.rowStep > 0)) return;
    const step = cols.rowStep;
    // Rows in view (bucket index = price / step), merged so the image has at most one row per bitmap pixel.
    const rowLo = Math.floor(Math.min(topPrice, bottomPrice) / step + 1e-9);
    const rowHi = Math.floor(Math.max(topPrice, bottomPrice) / step + 1e-9);
    const rows = rowHi - rowLo + 1;
    const merge = Math.max(1, Math.ceil(rows / Math.max(1, height)));
    const imageRows = Math.ceil(rows / merge);
    if (this.grid.length < width * imageRows) this.grid = new Float32Array(width * imageRows);
    else this.grid.fill(0, 0, width * imageRows);
    if (this.gapMask.length < width) this.gapMask = new Uint8Array(width);
    else this.gapMask.fill(0, 0, width);
    const grid = this.grid;
    const range = chart.timeScale().getVisibleLogicalRange()!;
    const spacing = chart.timeScale().options().barSpacing;
    const firstBar = Math.max(0, Math.floor(range.from));
    const lastBar = Math.min(bars.length - 1, Math.ceil(range.to));
    const fromTime = firstBar <= lastBar ? bars.time(Math.min(firstBar, bars.length - 1)) : bars.lastTime();
    // The last bar's span and the clock's future beyond it (bars by activity: every column after the newest bar's open is in it).
    const toTime = barMs > 0 ? bars.time(bars.length - 1) + Math.max(1, range.to - (bars.length - 1) + 1) * barMs : Infinity;
    let min = Infinity;
    let max = 0;
    let left = Infinity;
    let right = -Infinity;
    for (let k = cols.firstAtOrAfter(fromTime - cols.maxSpanMs); k < cols.count; k++) {
      const t = cols.time(k);
      if (t >= toTime) break;
      const x0f = this.x(chart, t, barMs, spacing, hpr);
      const x1f = this.x(chart, t + cols.span(k), barMs, spacing, hpr);
      if (!(x1f > 0) || !(x0f < width)) continue;
      const x0 = Math.max(0, Math.round(x0f));
      const x1 = Math.min(width, Math.max(x0 + 1, Math.round(x1f)));
      left = Math.min(left, x0);
      right = Math.max(right, x1);
      if (cols.isGap(k)) {
        for (let x = x0; x < x1; x++) this.gapMask[x] = 1;
        continue;
      }
      const start = cols.cellStart(k);
      const n = cols.cellCount(k);
      for (let c = 0; c < n; c++) {
        const row = Math.round(cols.prices[start + c]! / step) - rowLo;
        if (row < 0 || row >= rows) continue;
        const size = cols.sizes[start + c]!;
        if (!(size > 0)) continue;
        const r = imageRows - 1 - Math.floor(row / merge);
        const base = r * width;
        for (let x = x0; x < x1; x++) if (size > grid[base + x]!) grid[base + x] = size;
        if (size < min) min = size;
        if (size > max) max = size;
      }
    }
    g.left = left / hpr;
    g.right = right / hpr;
    for (let x = 0; x < width; x++) {
      if (this.gapMask[x] !== 1) continue;
      g.gapPixels++;
      if (this.gapRuns.length > 0 && this.gapRuns[this.gapRuns.length - 1] === x) this.gapRuns[this.gapRuns.length - 1] = x + 1;
      else this.gapRuns.push(x, x + 1);
    }
    g.gaps = this.gapRuns.map((x) => x / hpr);
    if (!(max > 0)) return;
    min = Math.max(min, max / SCALE_RATIO);
    g.min = min;
    g.max = max;
    const logMin = Math.log(min);
    const span = Math.log(max) - logMin || 1;
    const doc = this.owner.doc;
    if (this.image === null) this.image = doc.createElement('canvas');
    const image = this.image;
    if (image.width !== width || image.height !== imageRows) {
      image.width = width;
      image.height = imageRows;
    }
    const ctx = image.getContext('2d')!;
    const data = ctx.createImageData(width, imageRows);
    const px = data.data;
    const table = this.table;
    const sized = new Uint8Array(width);
    for (let i = 0; i < width * imageRows; i++) {
      const size = grid[i]!;
      if (!(size > 0)) continue;
      sized[i % width] = 1;
      const level = Math.min(LEVELS - 1, Math.max(0, Math.round(((Math.log(size) - logMin) / span) * (LEVELS - 1))));
      px[i * 4] = table[level * 4]!;
      px[i * 4 + 1] = table[level * 4 + 1]!;
      px[i * 4 + 2] = table[level * 4 + 2]!;
      px[i * 4 + 3] = table[level * 4 + 3]!;
    }
    for (let x = 0; x < width; x++) g.sizedPixels += sized[x]!;
    ctx.putImageData(data, 0, 0);
    // The image's top is the top edge of its highest row; each image row is `merge` price rows.
    const topEdge = (rowLo + imageRows * merge) * step;
    const bottomEdge = rowLo * step;
    this.imageTop = (series.priceToCoordinate(topEdge) ?? 0) * vpr;
    this.imageBottom = (series.priceToCoordinate(bottomEdge) ?? height / vpr) * vpr;
  }

  private hatchPattern(ctx: CanvasRenderingContext2D, colour: string, hpr: number): CanvasPattern | string {
    if (this.hatch !== null && this.hatchColour === colour) return this.hatch;
    const size = Math.max(4, Math.round(6 * hpr));
    const tile = this.owner.doc.createElement('canvas');
    tile.width = size;
    tile.height = size;
    const t = tile.getContext('2d')!;
    t.globalAlpha = 0.18;
    t.fillStyle = colour;
    t.fillRect(0, 0, size, size);
    t.globalAlpha = 0.6;
    t.strokeStyle = colour;
    t.lineWidth = Math.max(1, hpr);
    t.beginPath();
    t.moveTo(0, size);
    t.lineTo(size, 0);
    t.stroke();
    this.hatch = ctx.createPattern(tile, 'repeat');
    this.hatchColour = colour;
    return this.hatch ?? colour;
  }

  private drawLegend(ctx: CanvasRenderingContext2D, height: number, hpr: number, vpr: number): void {
    const style = this.owner.style;
    const g = this.geometry;
    const font = Math.max(9, Math.round(style.fontSize * 0.85));
    const x = LEGEND_MARGIN * hpr;
    const y = height - (LEGEND_MARGIN + LEGEND_HEIGHT + font + 4) * vpr;
    const w = LEGEND_WIDTH * hpr;
    const pad = 4 * hpr;
    ctx.globalAlpha = 0.85;
    ctx.fillStyle = style.background;
    ctx.fillRect(x - pad, y - (font + 4) * vpr - pad, w + 2 * pad, (font + 4 + LEGEND_HEIGHT + 2 + font) * vpr + 2 * pad);
    ctx.globalAlpha = 1;
    for (let i = 0; i < LEVELS; i++) {
      const t = this.table;
      ctx.fillStyle = `rgba(${t[i * 4]},${t[i * 4 + 1]},${t[i * 4 + 2]},${t[i * 4 + 3]! / 255})`;
      ctx.fillRect(x + (w * i) / LEVELS, y, Math.ceil(w / LEVELS), LEGEND_HEIGHT * vpr);
    }
    ctx.fillStyle = style.muted;
    ctx.font = `${font * vpr}px ${style.fontFamily}`;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    ctx.fillText(`≤${style.size(g.min)}`, x, y + (LEGEND_HEIGHT + 2) * vpr);
    ctx.textAlign = 'right';
    ctx.fillText(style.size(g.max), x + w, y + (LEGEND_HEIGHT + 2) * vpr);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    ctx.fillText('resting size (log)', x, y - 2 * vpr);
  }
}

export class HeatmapPrimitive extends SeriesPanePrimitive {
  style: HeatmapStyle;
  readonly renderer: HeatmapRenderer;

  constructor(
    readonly doc: Document,
    private readonly columns: HeatmapColumns,
    bars: SeriesColumns,
    /** Duration of one bar, ms; NaN for bars of N trades or volume. */
    readonly barMs: () => number,
    style: HeatmapStyle,
  ) {
    super('bottom');
    this.style = style;
    this.renderer = new HeatmapRenderer(this, columns, bars);
  }

  protected paneRenderer(): IPrimitivePaneRenderer {
    return this.renderer;
  }

  /** The picture depends on the columns held. */
  protected drawInputs(out: unknown[]): void {
    out.push(this.columns.version);
  }
}
