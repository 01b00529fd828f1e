/**
 * The volume profile on the price-axis side of the main pane: the footprint cells of the bars in
 * view (or of the UTC day of the last bar in view) summed per row at the ladder's step, drawn as
 * horizontal bars growing leftwards from the right edge (left of the depth overlay when that is
 * shown), each split into taker buys (up colour) and sells (down colour). The point of control is
 * outlined; the value area (70 % of the volume) is shaded behind its rows and the rows outside it
 * are faint. The sum is redone only when the bars in view, the cells, the step or the mode change;
 * a paint with none of them changed only draws the held rows.
 */
import type { IPrimitivePaneRenderer, ISeriesApi, SeriesType } from 'lightweight-charts';
import { SeriesPanePrimitive } from './seriesPanePrimitive';
import type { FootprintCells } from '../state/footprintCells';
import { PriceProfile, sumPriceProfile, type ProfileMode } from '../state/priceProfile';
import type { SeriesColumns } from '../state/seriesColumns';

type RenderTarget = Parameters<IPrimitivePaneRenderer['draw']>[0];

const DAY_MS = 86_400_000;
/** The profile's width: this share of the pane, within [MIN_WIDTH, MAX_WIDTH] CSS px. */
const WIDTH_SHARE = 0.18;
const MIN_WIDTH = 60;
const MAX_WIDTH = 160;
/** Rows inside the value area are drawn this opaque (the candles stay readable through them), those outside fainter. */
const INSIDE_ALPHA = 0.65;
const OUTSIDE_ALPHA = 0.25;

export interface ProfileStyle {
  visible: boolean;
  foreground: string;
  muted: string;
  up: string;
  down: string;
  /** Behind the value area's rows. */
  valueAreaFill: string;
  fontFamily: string;
}

/** What the profile holds and the last paint showed (read by the debug hook and tests). */
export class ProfileGeometry {
  drawn = false;
  paints = 0;
  /** Times the rows were summed (a repaint of the same bars, cells and step reuses them). */
  sums = 0;
  mode: ProfileMode = 'visible';
  /** Bars (series indices, open times) the rows sum, and those with cells. */
  firstIndex = -1;
  lastIndex = -1;
  firstTime = NaN;
  lastTime = NaN;
  bars = 0;
  step = NaN;
  /** What the profile says above itself: its mode, and the bars it lacks (no footprint, or a partial one). */
  label = '';
  /** The drawn area, CSS px from the pane's left, and the rows drawn at the last paint. */
  left = 0;
  right = 0;
  rowsDrawn = 0;
  /** The POC row's top and bottom, CSS px (NaN when not drawn). */
  pocTop = NaN;
  pocBottom = NaN;
}

class ProfileRenderer implements IPrimitivePaneRenderer {
  readonly geometry = new ProfileGeometry();
  readonly profile = new PriceProfile();
  private summedVersion = -1;

  constructor(
    private readonly owner: ProfilePrimitive,
    private readonly cells: FootprintCells,
    private readonly bars: SeriesColumns,
  ) {}

  draw(target: RenderTarget): void {
    const g = this.geometry;
    const { chart, series, style } = this.owner;
    g.drawn = false;
    g.rowsDrawn = 0;
    g.pocTop = g.pocBottom = NaN;
    if (!style.visible || chart === null || series === null || this.bars.length === 0) return;
    const step = this.owner.rowStep();
    const range = chart.timeScale().getVisibleLogicalRange();
    if (!(step > 0) || range === null) return;
    this.resum(Math.round(range.from), Math.round(range.to), step);
    g.paints++;
    target.useMediaCoordinateSpace(this.drawInMedia);
  }

  /** One paint in CSS px (a field, so a paint allocates no callback). */
  private readonly drawInMedia = ({ context: ctx, mediaSize }: { context: CanvasRenderingContext2D; mediaSize: { width: number; height: number } }): void => {
    const g = this.geometry;
    const series = this.owner.series;
    if (series === null) return;
    const right = mediaSize.width - this.owner.reservedRight();
    const width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, mediaSize.width * WIDTH_SHARE));
    g.left = right - width;
    g.right = right;
    g.drawn = true;
    this.drawRows(ctx, series, right, width, mediaSize.height);
  };

  /** Sums the rows again if the bars in view, the cells, the step or the mode changed. */
  private resum(from: number, to: number, step: number): void {
    const g = this.geometry;
    const bars = this.bars;
    let first = Math.max(0, from);
    let last = Math.min(bars.length - 1, to);
    const mode = this.owner.mode;
    if (mode === 'session' && last >= 0) {
      // The UTC day of the last bar in view.
      const dayStart = Math.floor(bars.time(last) / DAY_MS) * DAY_MS;
      first = last;
      while (first > 0 && bars.time(first - 1) >= dayStart) first--;
      while (last < bars.length - 1 && bars.time(last + 1) < dayStart + DAY_MS) last++;
    }
    const firstTime = first <= last ? bars.time(first) : NaN;
    const lastTime = first <= last ? bars.time(last) : NaN;
    if (
      this.summedVersion === this.cells.version &&
      g.mode === mode &&
      g.step === step &&
      g.firstIndex === first &&
      g.lastIndex === last &&
      Object.is(g.firstTime, firstTime) &&
      Object.is(g.lastTime, lastTime)
    ) {
      return;
    }
    this.summedVersion = this.cells.version;
    g.mode = mode;
    g.step = step;
    g.firstIndex = first;
    g.lastIndex = last;
    g.firstTime = firstTime;
    g.lastTime = lastTime;
    g.bars = sumPriceProfile(this.cells, bars, first, last, step, this.profile);
    g.sums++;
    const without = first <= last ? last - first + 1 - g.bars : 0;
    const partial = this.profile.partialBars;
    g.label =
      (mode === 'session' ? 'Profile: UTC day' : 'Profile: in view') +
      (without > 0 ? ` · ${without} bar${without === 1 ? '' : 's'} without footprint` : '') +
      (partial > 0 ? ` · ${partial} partial` : '');
  }

  /** The rows held, top (highest price) first, as [row's lower price, sells, buys], with the POC's and the value area's row prices (NaN when empty). For the debug hook. */
  shown(): { rows: [number, number, number][]; poc: number; valueAreaLow: number; valueAreaHigh: number } {
    const p = this.profile;
    const rows: [number, number, number][] = [];
    for (let r = p.count - 1; r >= 0; r--) rows.push([p.priceOf(r), p.sell[r]!, p.buy[r]!]);
    const price = (r: number): number => (r >= 0 ? p.priceOf(r) : NaN);
    return { rows, poc: price(p.pocRow), valueAreaLow: price(p.valueArea.lowRow), valueAreaHigh: price(p.valueArea.highRow) };
  }

  private drawRows(ctx: CanvasRenderingContext2D, series: ISeriesApi<SeriesType>, right: number, width: number, height: number): void {
    const p = this.profile;
    const style = this.owner.style;
    // Said even when nothing is summed (bars without a footprint say why the profile is empty).
    ctx.font = `10px ${style.fontFamily}`;
    ctx.fillStyle = style.muted;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'top';
    ctx.fillText(this.geometry.label, right - 4, 4);
    if (p.pocRow < 0) return;
    const max = p.buy[p.pocRow]! + p.sell[p.pocRow]!;
    const va = p.valueArea;
    const vaTop = series.priceToCoordinate(p.priceOf(va.highRow + 1));
    const vaBottom = series.priceToCoordinate(p.priceOf(va.lowRow));
    if (vaTop !== null && vaBottom !== null) {
      ctx.fillStyle = style.valueAreaFill;
      ctx.fillRect(right - width, vaTop, width, vaBottom - vaTop);
    }
    const g = this.geometry;
    for (let r = 0; r < p.count; r++) {
      const total = p.buy[r]! + p.sell[r]!;
      if (total === 0) continue;
      const top = series.priceToCoordinate(p.priceOf(r + 1));
      const bottom = series.priceToCoordinate(p.priceOf(r));
      if (top === null || bottom === null || bottom < 0 || top > height) continue;
      const h = Math.max(1, bottom - top - 1);
      const length = (total / max) * width;
      const buyLength = (p.buy[r]! / total) * length;
      ctx.globalAlpha = r >= va.lowRow && r <= va.highRow ? INSIDE_ALPHA : OUTSIDE_ALPHA;
      // Buys at the left of the bar, sells nearer the axis.
      ctx.fillStyle = style.up;
      ctx.fillRect(right - length, top, buyLength, h);
      ctx.fillStyle = style.down;
      ctx.fillRect(right - length + buyLength, top, length - buyLength, h);
      g.rowsDrawn++;
    }
    ctx.globalAlpha = 1;
    const pocTop = series.priceToCoordinate(p.priceOf(p.pocRow + 1));
    const pocBottom = series.priceToCoordinate(p.priceOf(p.pocRow));
    if (pocTop !== null && pocBottom !== null) {
      g.pocTop = pocTop;
      g.pocBottom = pocBottom;
      ctx.strokeStyle = style.foreground;
      ctx.lineWidth = 1;
      ctx.strokeRect(Math.round(right - width) + 0.5, Math.round(pocTop) + 0.5, Math.round(width) - 1, Math.max(1, Math.round(pocBottom - pocTop) - 1));
    }
  }
}

export class ProfilePrimitive extends SeriesPanePrimitive {
  style: ProfileStyle;
  mode: ProfileMode = 'visible';
  readonly renderer: ProfileRenderer;
  private drawnVersion = -1;
  private drawnVisible = false;
  private drawnMode: ProfileMode = 'visible';

  constructor(
    private readonly cells: FootprintCells,
    bars: SeriesColumns,
    /** Price height of one row: the tick × the ladder's ticks per row. */
    readonly rowStep: () => number,
    /** CSS px kept free at the pane's right edge (the depth overlay's width when shown). */
    readonly reservedRight: () => number,
    style: ProfileStyle,
  ) {
    // 'normal', as the depth overlay beside it: on the pane's main canvas (under the crosshair).
    super('normal');
    this.style = style;
    this.renderer = new ProfileRenderer(this, cells, bars);
  }

  protected paneRenderer(): IPrimitivePaneRenderer {
    return this.renderer;
  }

  /** Whether the cells, the mode or the layer changed since the last {@link sync}. O(1). */
  needsSync(): boolean {
    return this.style.visible !== this.drawnVisible || (this.style.visible && (this.cells.version !== this.drawnVersion || this.mode !== this.drawnMode));
  }

  /** Asks the chart for a repaint when the cells, the mode or the layer changed (scrolling repaints by itself). O(1). */
  sync(): void {
    if (!this.needsSync()) return;
    this.drawnVisible = this.style.visible;
    this.drawnVersion = this.cells.version;
    this.drawnMode = this.mode;
    this.askRepaint();
  }
}
