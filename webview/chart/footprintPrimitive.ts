/**
 * The footprint: when bars are wide enough to read (FOOTPRINT_MIN_SPACING CSS px), each bar in
 * view is drawn as its cells at the ladder's step, "sell × buy" (bid × ask: taker sells hit the
 * bid), over the candle (a thin body strip keeps its colour at the left). The bar's point of
 * control (the row with the most volume) is outlined; a diagonal imbalance (a row's buys at least
 * IMBALANCE_RATIO × the sells one row below, or its sells that × the buys one row above) is
 * highlighted in the taker's colour. A bar whose footprint lacks part of its volume is hatched and
 * says "partial"; a bar without one keeps its candle and says "no footprint". Narrower bars: plain
 * candles. Drawn at each paint (only bars in view; text only); the app asks for a repaint only
 * when the cells changed.
 */
import type { IChartApi, IPrimitivePaneRenderer, ISeriesApi, SeriesType } from 'lightweight-charts';
import { SeriesPanePrimitive } from './seriesPanePrimitive';
import type { FootprintCells } from '../state/footprintCells';
import { BarColumn } from '../state/panelModel';
import type { SeriesColumns } from '../state/seriesColumns';

type RenderTarget = Parameters<IPrimitivePaneRenderer['draw']>[0];

/** Bars narrower than this (CSS px) are drawn as candles. */
export const FOOTPRINT_MIN_SPACING = 60;
/** A diagonal imbalance: one side at least this many times the other. */
export const IMBALANCE_RATIO = 3;
/** Rows lower than this (CSS px) show their cells' colours without numbers. */
const MIN_TEXT_ROW_PX = 9;

/**
 * An amount as a cell prints it, in at most 5 characters so "sell × buy" fits a readable bar:
 * 3 significant digits, no leading zero below 1 (".042"), "<.001" for less.
 */
export function footprintAmount(x: number): string {
  if (x === 0) return '0';
  if (x >= 1e6) return `${(x / 1e6).toPrecision(3)}M`;
  if (x >= 1e3) return `${(x / 1e3).toPrecision(3)}K`;
  if (x >= 1) return x.toPrecision(3);
  if (x < 0.0005) return '<.001';
  return x.toFixed(3).slice(1);
}

export interface FootprintStyle {
  visible: boolean;
  background: string;
  foreground: string;
  muted: string;
  /** Rising and falling candles (the body strip). */
  up: string;
  down: string;
  /** Imbalance highlights. */
  upFill: string;
  downFill: string;
  fontFamily: string;
}

/** What the last paint showed (read by the debug hook and tests). */
export class FootprintGeometry {
  drawn = false;
  /** Bars drawn as cells, and those said to be partial or without a footprint. */
  bars = 0;
  partialBars = 0;
  noFootprintBars = 0;
  /** Cells with numbers, and imbalances highlighted. */
  textCells = 0;
  imbalances = 0;
  paints = 0;
  /** The bars drawn as cells, oldest first: open time, rows top (highest price) first as [row price, sell text, buy text], the POC's row price. */
  shown: { time: number; rows: [number, string, string][]; poc: number }[] = [];
}

class FootprintRenderer implements IPrimitivePaneRenderer {
  readonly geometry = new FootprintGeometry();
  /** One bar's rows after grouping (reused). */
  private rowPrice: Float64Array = new Float64Array(256);
  private rowBuy: Float64Array = new Float64Array(256);
  private rowSell: Float64Array = new Float64Array(256);

  constructor(
    private readonly owner: FootprintPrimitive,
    private readonly cells: FootprintCells,
    private readonly bars: SeriesColumns,
  ) {}

  draw(target: RenderTarget): void {
    const g = this.geometry;
    const { chart, series, style } = this.owner;
    g.drawn = false;
    g.bars = g.partialBars = g.noFootprintBars = g.textCells = g.imbalances = 0;
    g.shown = [];
    if (!style.visible || chart === null || series === null || this.bars.length === 0) return;
    const ts = chart.timeScale();
    const spacing = ts.options().barSpacing;
    const step = this.owner.rowStep();
    if (spacing < FOOTPRINT_MIN_SPACING || !(step > 0)) return;
    const range = ts.getVisibleLogicalRange();
    if (range === null) return;
    g.paints++;
    target.useMediaCoordinateSpace(({ context: ctx }) => {
      const first = Math.max(0, Math.floor(range.from));
      const last = Math.min(this.bars.length - 1, Math.ceil(range.to));
      for (let i = first; i <= last; i++) this.drawBar(ctx, chart, series, i, spacing, step);
      g.drawn = true;
    });
  }

  private drawBar(ctx: CanvasRenderingContext2D, chart: IChartApi, series: ISeriesApi<SeriesType>, i: number, spacing: number, step: number): void {
    const g = this.geometry;
    const style = this.owner.style;
    const bars = this.bars;
    const time = bars.time(i);
    const centre = chart.timeScale().logicalToCoordinate(i as never);
    if (centre === null) return;
    const half = spacing * 0.45;
    const x0 = centre - half;
    const bar = this.cells.bar(time);
    if (bar === undefined || bar.count === 0) {
      g.noFootprintBars++;
      const y = series.priceToCoordinate(bars.value(i, BarColumn.High));
      if (y === null) return;
      ctx.font = `10px ${style.fontFamily}`;
      ctx.fillStyle = style.muted;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      ctx.fillText('no footprint', centre, y - 3);
      return;
    }
    // Group the bar's ticks into rows at the step (cells ascending by price, so rows are too).
    let n = 0;
    for (let c = 0; c < bar.count; c++) {
      const price = Math.floor(bar.prices[c]! / step + 1e-9) * step;
      if (n === 0 || this.rowPrice[n - 1] !== price) {
        if (n === this.rowPrice.length) this.growRows();
        this.rowPrice[n] = price;
        this.rowBuy[n] = 0;
        this.rowSell[n] = 0;
        n++;
      }
      this.rowBuy[n - 1]! += bar.buys[c]!;
      this.rowSell[n - 1]! += bar.sells[c]!;
    }
    g.bars++;
    let poc = 0;
    for (let r = 1; r < n; r++) if (this.rowBuy[r]! + this.rowSell[r]! > this.rowBuy[poc]! + this.rowSell[poc]!) poc = r;
    const yTop = series.priceToCoordinate(this.rowPrice[n - 1]! + step);
    const yBottom = series.priceToCoordinate(this.rowPrice[0]!);
    if (yTop === null || yBottom === null) return;
    const rowPx = (yBottom - yTop) / n;
    const width = half * 2;
    // The candle under the cells: hidden, but for a strip of its body's colour at the left.
    const rising = bars.value(i, BarColumn.Close) >= bars.value(i, BarColumn.Open);
    // Nothing of a bar spills onto its neighbours.
    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, yTop - 1, half * 2, yBottom - yTop + 2);
    ctx.clip();
    ctx.fillStyle = style.background;
    ctx.fillRect(x0, yTop, width, yBottom - yTop);
    ctx.fillStyle = rising ? style.up : style.down;
    ctx.fillRect(x0, yTop, 3, yBottom - yTop);
    const text = rowPx >= MIN_TEXT_ROW_PX;
    const font = Math.min(11, Math.floor(rowPx - 2));
    if (text) ctx.font = `${font}px ${style.fontFamily}`;
    ctx.textBaseline = 'middle';
    const mid = x0 + 3 + (width - 3) / 2;
    const rows: [number, string, string][] = [];
    for (let r = n - 1; r >= 0; r--) {
      const buy = this.rowBuy[r]!;
      const sell = this.rowSell[r]!;
      const y = yTop + (n - 1 - r) * rowPx;
      const below = r > 0 ? this.rowSell[r - 1]! : 0;
      const above = r < n - 1 ? this.rowBuy[r + 1]! : 0;
      const buyImbalance = below > 0 && buy >= IMBALANCE_RATIO * below;
      const sellImbalance = above > 0 && sell >= IMBALANCE_RATIO * above;
      if (buyImbalance) {
        g.imbalances++;
        ctx.fillStyle = style.upFill;
        ctx.fillRect(mid, y, x0 + width - mid, rowPx);
      }
      if (sellImbalance) {
        g.imbalances++;
        ctx.fillStyle = style.downFill;
        ctx.fillRect(x0 + 3, y, mid - x0 - 3, rowPx);
      }
      if (!text) {
        // Too low for numbers: the row's delta as a faint bar in the winning side's colour.
        ctx.fillStyle = buy >= sell ? style.upFill : style.downFill;
        ctx.fillRect(x0 + 3, y, width - 3, Math.max(1, rowPx - 1));
        continue;
      }
      const sellText = footprintAmount(sell);
      const buyText = footprintAmount(buy);
      rows.push([this.rowPrice[r]!, sellText, buyText]);
      // An imbalance's fill marks it; its number stays in the text colour (readable on the fill).
      ctx.fillStyle = style.foreground;
      ctx.textAlign = 'right';
      ctx.fillText(sellText, mid - 4, y + rowPx / 2);
      ctx.fillStyle = style.muted;
      ctx.textAlign = 'center';
      ctx.fillText('×', mid, y + rowPx / 2);
      ctx.fillStyle = style.foreground;
      ctx.textAlign = 'left';
      ctx.fillText(buyText, mid + 4, y + rowPx / 2);
      g.textCells++;
    }
    ctx.strokeStyle = style.foreground;
    ctx.lineWidth = 1;
    ctx.strokeRect(Math.round(x0 + 3) + 0.5, Math.round(yTop + (n - 1 - poc) * rowPx) + 0.5, Math.round(width - 4), Math.max(1, Math.round(rowPx) - 1));
    if (bar.partial) {
      ctx.fillStyle = style.muted;
      ctx.globalAlpha = 0.25;
      ctx.fillRect(x0, yTop, width, yBottom - yTop);
      ctx.globalAlpha = 1;
    }
    ctx.restore();
    if (bar.partial) {
      g.partialBars++;
      ctx.fillStyle = style.muted;
      ctx.font = `10px ${style.fontFamily}`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      ctx.fillText('partial', centre, yTop - 3);
    }
    g.shown.push({ time, rows, poc: this.rowPrice[poc]! });
  }

  private growRows(): void {
    const n = this.rowPrice.length * 2;
    const grow = (a: Float64Array): Float64Array => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.rowPrice = grow(this.rowPrice);
    this.rowBuy = grow(this.rowBuy);
    this.rowSell = grow(this.rowSell);
  }
}

export class FootprintPrimitive extends SeriesPanePrimitive {
  style: FootprintStyle;
  readonly renderer: FootprintRenderer;
  private drawnVersion = -1;
  private drawnVisible = false;

  constructor(
    private readonly cells: FootprintCells,
    bars: SeriesColumns,
    /** Price height of one row: the tick × the ladder's ticks per row. */
    readonly rowStep: () => number,
    style: FootprintStyle,
  ) {
    super('top');
    this.style = style;
    this.renderer = new FootprintRenderer(this, cells, bars);
  }

  protected paneRenderer(): IPrimitivePaneRenderer {
    return this.renderer;
  }

  /** Whether the cells or the layer changed since the last {@link sync}. O(1). */
  needsSync(): boolean {
    return this.style.visible !== this.drawnVisible || (this.style.visible && this.cells.version !== this.drawnVersion);
  }

  /** Asks the chart for a repaint when the cells or the layer changed. O(1). */
  sync(): void {
    if (!this.needsSync()) return;
    this.drawnVisible = this.style.visible;
    this.drawnVersion = this.cells.version;
    this.askRepaint();
  }
}
