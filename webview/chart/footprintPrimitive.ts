/**
 * The footprint: when bars are wide enough to read (FOOTPRINT_MIN_SPACING CSS px), each bar in
 * view is drawn as its cells at the ladder's step over the candle (a thin body strip keeps its
 * colour at the left), as the `orderscope.footprint.display` setting says: "sell × buy" (bid ×
 * ask: taker sells hit the bid), the delta (buy − sell, filled in the winning side's colour, the
 * stronger the larger its share of the bar's largest delta) or the total (a neutral fill scaled
 * by the row's share of the bar's busiest row). The bar's point of control (the row with the most
 * volume) is outlined in every mode. In "sell × buy" a diagonal imbalance (a row's buys at least
 * the ratio setting × the sells one row below, or its sells that × the buys one row above) is
 * highlighted in the taker's colour; delta and total show one number per row, so no diagonal.
 * A bar whose footprint lacks part of its volume is hatched and says "partial"; a bar without
 * one keeps its candle and says "no footprint". Narrower bars: plain candles.
 * Naked points of control (see NakedPocs), also over plain candles: a dashed line from the bar to
 * the right edge with an "nPOC" tag, the newest MAX_NAKED_POCS whose level is in view.
 * Drawn at each paint (only bars in view; text only); the app asks for a repaint only when the
 * cells, the settings or the layer changed.
 */
import type { IChartApi, IPrimitivePaneRenderer, ISeriesApi, SeriesType } from 'lightweight-charts';
import { DEFAULT_DISPLAY, type FootprintDisplay } from '../../src/engine/protocol';
import { SeriesPanePrimitive } from './seriesPanePrimitive';
import type { FootprintCells } from '../state/footprintCells';
import { NakedPocs } from '../state/nakedPocs';
import { BarColumn } from '../state/panelModel';
import type { SeriesColumns } from '../state/seriesColumns';
import { withAlpha } from '../theme/theme';

type RenderTarget = Parameters<IPrimitivePaneRenderer['draw']>[0];

/** Bars narrower than this (CSS px) are drawn as candles. */
export const FOOTPRINT_MIN_SPACING = 60;
/** Rows lower than this (CSS px) show their cells' colours without numbers. */
const MIN_TEXT_ROW_PX = 9;
/** Naked POCs drawn at most (the newest whose level is in view): more would bury the chart. */
export const MAX_NAKED_POCS = 20;
/** The delta fill's opacity (over the up/down fill colour) for the smallest and the largest delta. */
const DELTA_MIN_ALPHA = 0.2;
/** The total's fill (the muted text colour) at the bar's busiest row. */
const TOTAL_FILL_ALPHA = 0.35;
const NAKED_POC_DASH = [4, 3];
const NAKED_POC_LABEL = 'nPOC';

/**
 * An amount as a cell prints it, in at most 5 characters so "sell × buy" fits a readable bar:
 * 3 significant digits, no leading zero below 1 (".042"), "<.001" for less. The unit is chosen
 * after rounding (999.96 is "1.00K", not "1.00e+3").
 */
export function footprintAmount(x: number): string {
  if (x === 0) return '0';
  if (x >= 999.5e3) return `${(x / 1e6).toPrecision(3)}M`;
  if (x >= 999.5) return `${(x / 1e3).toPrecision(3)}K`;
  if (x >= 0.9995) return x.toPrecision(3);
  if (x < 0.0005) return '<.001';
  return x.toFixed(3).slice(1);
}

/**
 * A row's delta (buy − sell) as the delta mode prints it: signed ("+", "−"), at most 5
 * characters, so the magnitude keeps 4: footprintAmount's, or 2 significant digits where that
 * takes 5 ("1.2K" for 1.23K). "+0"/"−0" for less than .0005: too small to print, not balanced.
 */
export function footprintDelta(x: number): string {
  if (x === 0) return '0';
  const sign = x > 0 ? '+' : '−';
  const m = Math.abs(x);
  if (m < 0.0005) return `${sign}0`;
  const text = footprintAmount(m);
  if (text.length <= 4) return sign + text;
  const unit = text[text.length - 1]!;
  const r = Number((m / (unit === 'M' ? 1e6 : 1e3)).toPrecision(2));
  return `${sign}${r < 10 ? r.toFixed(1) : String(r)}${unit}`;
}

export interface FootprintStyle {
  visible: boolean;
  background: string;
  foreground: string;
  muted: string;
  /** Rising and falling candles (the body strip). */
  up: string;
  down: string;
  /** Imbalance highlights and the delta's fill. */
  upFill: string;
  downFill: string;
  fontFamily: string;
}

/** What the cells show and when a diagonal is an imbalance (the host's settings). */
export interface FootprintSettings {
  display: FootprintDisplay;
  /** A diagonal imbalance: one side at least this many times the other. */
  imbalanceRatio: number;
}

/** What the last paint showed (read by the debug hook and tests). */
export class FootprintGeometry {
  drawn = false;
  /** The display mode of the last paint. */
  display: FootprintDisplay = DEFAULT_DISPLAY.footprintDisplay;
  /** Bars drawn as cells, and those said to be partial or without a footprint. */
  bars = 0;
  partialBars = 0;
  noFootprintBars = 0;
  /** Cells with numbers, and imbalances highlighted. */
  textCells = 0;
  imbalances = 0;
  paints = 0;
  /**
   * The bars drawn as cells, oldest first: open time, rows top (highest price) first, the POC's
   * row price. A row is [row price, sell text, buy text] in bidAsk, [row price, text] in delta and total.
   */
  shown: { time: number; rows: [number, ...string[]][]; poc: number }[] = [];
  /** Every text colour the footprint draws, each with the fill under it (translucent fills over `background`). */
  textOn: [text: string, fill: string][] = [];
  /** Naked POCs found, and drawn by the last paint (capped): bar open time and row price, newest first, the first `nakedPocsDrawn`. */
  nakedPocsFound = 0;
  nakedPocsDrawn = 0;
  nakedPocTimes: number[] = new Array<number>(MAX_NAKED_POCS).fill(NaN);
  nakedPocPrices: number[] = new Array<number>(MAX_NAKED_POCS).fill(NaN);
  /** Times the naked POCs were recomputed (only when the cells, the bars or the step changed). */
  nakedPocComputes = 0;
}

class FootprintRenderer implements IPrimitivePaneRenderer {
  readonly geometry = new FootprintGeometry();
  private readonly naked = new NakedPocs();
  /** One bar's rows after grouping (reused). */
  private rowPrice: Float64Array = new Float64Array(256);
  private rowBuy: Float64Array = new Float64Array(256);
  private rowSell: Float64Array = new Float64Array(256);
  /** Per style (rebuilt when the app gives a new one): the label font, the nPOC tag's width, the total's fill. */
  private styled: FootprintStyle | null = null;
  private labelFont = '';
  private labelWidth = 0;
  private totalFill = '';
  /** The paint in progress (read by drawInMedia, a bound method: no closure per paint). */
  private spacing = 0;
  private step = 0;
  private from = 0;
  private to = 0;

  constructor(
    private readonly owner: FootprintPrimitive,
    private readonly cells: FootprintCells,
    private readonly bars: SeriesColumns,
  ) {}

  draw(target: RenderTarget): void {
    const g = this.geometry;
    const { chart, series, style } = this.owner;
    g.drawn = false;
    g.bars = g.partialBars = g.noFootprintBars = g.textCells = g.imbalances = g.nakedPocsDrawn = 0;
    g.shown = [];
    if (!style.visible || chart === null || series === null || this.bars.length === 0) return;
    const ts = chart.timeScale();
    const step = this.owner.rowStep();
    const range = ts.getVisibleLogicalRange();
    if (!(step > 0) || range === null) return;
    g.paints++;
    g.display = this.owner.settings.display;
    this.spacing = ts.options().barSpacing;
    this.step = step;
    this.from = Math.max(0, Math.floor(range.from));
    this.to = Math.min(this.bars.length - 1, Math.ceil(range.to));
    this.naked.update(this.cells, this.bars, step);
    g.nakedPocsFound = this.naked.count;
    g.nakedPocComputes = this.naked.computes;
    target.useMediaCoordinateSpace(this.drawInMedia);
  }

  private readonly drawInMedia = ({ context: ctx, mediaSize }: { context: CanvasRenderingContext2D; mediaSize: { width: number; height: number } }): void => {
    const { chart, series } = this.owner;
    if (chart === null || series === null) return;
    this.restyle(ctx);
    if (this.spacing >= FOOTPRINT_MIN_SPACING) {
      for (let i = this.from; i <= this.to; i++) this.drawBar(ctx, chart, series, i);
      this.geometry.drawn = true;
    }
    this.drawNakedPocs(ctx, chart, series, mediaSize.width - this.owner.reservedRight(), mediaSize.height);
  };

  /** What depends on the style alone, when the app gave a new one. */
  private restyle(ctx: CanvasRenderingContext2D): void {
    const style = this.owner.style;
    if (style === this.styled) return;
    this.styled = style;
    this.labelFont = `10px ${style.fontFamily}`;
    ctx.font = this.labelFont;
    this.labelWidth = Math.ceil(ctx.measureText(NAKED_POC_LABEL).width);
    this.totalFill = withAlpha(style.muted, TOTAL_FILL_ALPHA);
    // The delta's strongest fill is the up/down fill itself (its alpha scaled by at most 1).
    this.geometry.textOn = [
      [style.foreground, style.background],
      [style.foreground, style.upFill],
      [style.foreground, style.downFill],
      [style.foreground, this.totalFill],
      [style.muted, style.background],
    ];
  }

  private drawBar(ctx: CanvasRenderingContext2D, chart: IChartApi, series: ISeriesApi<SeriesType>, i: number): void {
    const g = this.geometry;
    const style = this.owner.style;
    const { display, imbalanceRatio } = this.owner.settings;
    const bars = this.bars;
    const step = this.step;
    const time = bars.time(i);
    const centre = chart.timeScale().logicalToCoordinate(i as never);
    if (centre === null) return;
    const half = this.spacing * 0.45;
    const x0 = centre - half;
    const bar = this.cells.bar(time);
    if (bar === undefined || bar.count === 0) {
      g.noFootprintBars++;
      const y = series.priceToCoordinate(bars.value(i, BarColumn.High));
      if (y === null) return;
      ctx.font = this.labelFont;
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
    // The point of control (the lowest row on a tie, as NakedPocs's pocRow), and the largest |delta| and total.
    let poc = 0;
    let maxDelta = 0;
    for (let r = 0; r < n; r++) {
      if (r > 0 && this.rowBuy[r]! + this.rowSell[r]! > this.rowBuy[poc]! + this.rowSell[poc]!) poc = r;
      maxDelta = Math.max(maxDelta, Math.abs(this.rowBuy[r]! - this.rowSell[r]!));
    }
    const maxTotal = this.rowBuy[poc]! + this.rowSell[poc]!;
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
    ctx.rect(x0, yTop - 2, half * 2, yBottom - yTop + 4);
    ctx.clip();
    // The whole clip: a candle body ending at the cells' edge (its pixels rounded outwards) would otherwise peek out as a line.
    ctx.fillStyle = style.background;
    ctx.fillRect(x0, yTop - 2, width, yBottom - yTop + 4);
    ctx.fillStyle = rising ? style.up : style.down;
    ctx.fillRect(x0, yTop, 3, yBottom - yTop);
    const text = rowPx >= MIN_TEXT_ROW_PX;
    const font = Math.min(11, Math.floor(rowPx - 2));
    if (text) ctx.font = `${font}px ${style.fontFamily}`;
    ctx.textBaseline = 'middle';
    const mid = x0 + 3 + (width - 3) / 2;
    const rows: [number, ...string[]][] = [];
    for (let r = n - 1; r >= 0; r--) {
      const buy = this.rowBuy[r]!;
      const sell = this.rowSell[r]!;
      const y = yTop + (n - 1 - r) * rowPx;
      if (display === 'delta') {
        const delta = buy - sell;
        ctx.globalAlpha = maxDelta > 0 ? DELTA_MIN_ALPHA + (1 - DELTA_MIN_ALPHA) * (Math.abs(delta) / maxDelta) : DELTA_MIN_ALPHA;
        ctx.fillStyle = delta >= 0 ? style.upFill : style.downFill;
        ctx.fillRect(x0 + 3, y, width - 3, Math.max(1, rowPx - 1));
        ctx.globalAlpha = 1;
        if (!text) continue;
        const deltaText = footprintDelta(delta);
        rows.push([this.rowPrice[r]!, deltaText]);
        ctx.fillStyle = style.foreground;
        ctx.textAlign = 'center';
        ctx.fillText(deltaText, mid, y + rowPx / 2);
        g.textCells++;
        continue;
      }
      if (display === 'total') {
        const total = buy + sell;
        ctx.globalAlpha = maxTotal > 0 ? total / maxTotal : 0;
        ctx.fillStyle = this.totalFill;
        ctx.fillRect(x0 + 3, y, width - 3, Math.max(1, rowPx - 1));
        ctx.globalAlpha = 1;
        if (!text) continue;
        const totalText = footprintAmount(total);
        rows.push([this.rowPrice[r]!, totalText]);
        ctx.fillStyle = style.foreground;
        ctx.textAlign = 'center';
        ctx.fillText(totalText, mid, y + rowPx / 2);
        g.textCells++;
        continue;
      }
      const below = r > 0 ? this.rowSell[r - 1]! : 0;
      const above = r < n - 1 ? this.rowBuy[r + 1]! : 0;
      const buyImbalance = below > 0 && buy >= imbalanceRatio * below;
      const sellImbalance = above > 0 && sell >= imbalanceRatio * above;
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
      ctx.font = this.labelFont;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      ctx.fillText('partial', centre, yTop - 3);
    }
    g.shown.push({ time, rows, poc: this.rowPrice[poc]! });
  }

  /**
   * The naked POCs whose lines cross the view (their bar at or left of its right edge), newest
   * first, at most MAX_NAKED_POCS of those whose level is within the pane's height: a dashed line
   * at the row's middle from the bar's right side to `right`, tagged "nPOC" there.
   */
  private drawNakedPocs(ctx: CanvasRenderingContext2D, chart: IChartApi, series: ISeriesApi<SeriesType>, right: number, height: number): void {
    const g = this.geometry;
    const style = this.owner.style;
    const naked = this.naked;
    const ts = chart.timeScale();
    const half = this.spacing * 0.45;
    ctx.save();
    ctx.lineWidth = 1;
    ctx.setLineDash(NAKED_POC_DASH);
    ctx.font = this.labelFont;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    let drawn = 0;
    for (let k = 0; k < naked.count && drawn < MAX_NAKED_POCS; k++) {
      const i = naked.barIndex[k]!;
      if (i > this.to) continue;
      const centre = ts.logicalToCoordinate(i as never);
      const price = naked.rowPrice[k]!;
      const y = series.priceToCoordinate(price + this.step / 2);
      if (centre === null || y === null || y < 0 || y > height) continue;
      const x = Math.max(0, centre + half);
      const tagLeft = right - this.labelWidth - 6;
      if (x >= tagLeft) continue;
      const lineY = Math.round(y) + 0.5;
      ctx.strokeStyle = style.foreground;
      ctx.globalAlpha = 0.6;
      ctx.beginPath();
      ctx.moveTo(x, lineY);
      ctx.lineTo(tagLeft, lineY);
      ctx.stroke();
      ctx.globalAlpha = 1;
      // The tag on the background, so it reads over candles and cells alike.
      ctx.fillStyle = style.background;
      ctx.fillRect(tagLeft, lineY - 6, right - tagLeft, 12);
      ctx.fillStyle = style.muted;
      ctx.fillText(NAKED_POC_LABEL, right - 3, lineY);
      g.nakedPocTimes[drawn] = this.bars.time(i);
      g.nakedPocPrices[drawn] = price;
      drawn++;
    }
    ctx.restore();
    g.nakedPocsDrawn = drawn;
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
  /** The host's settings (a new init may change them). */
  settings: Readonly<FootprintSettings> = { display: DEFAULT_DISPLAY.footprintDisplay, imbalanceRatio: DEFAULT_DISPLAY.imbalanceRatio };
  readonly renderer: FootprintRenderer;

  constructor(
    private readonly cells: FootprintCells,
    bars: SeriesColumns,
    /** Price height of one row: the tick × the ladder's ticks per row. */
    readonly rowStep: () => number,
    /** CSS px kept free at the pane's right edge (the depth overlay's width when shown): the naked POCs end there. */
    readonly reservedRight: () => number,
    style: FootprintStyle,
  ) {
    super('top');
    this.style = style;
    this.renderer = new FootprintRenderer(this, cells, bars);
  }

  protected paneRenderer(): IPrimitivePaneRenderer {
    return this.renderer;
  }

  /** The picture depends on the cells and the host's settings. */
  protected drawInputs(out: unknown[]): void {
    out.push(this.cells.version, this.settings.display, this.settings.imbalanceRatio);
  }
}
