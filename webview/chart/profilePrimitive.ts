/**
 * The volume profile on the price-axis side of the main pane: the footprint cells of the bars in
 * view (or of the UTC day of the last bar in view, or of a fixed range of bars) summed per row at
 * the ladder's step, drawn as horizontal bars growing leftwards from the right edge (left of the
 * depth overlay when that is shown), each split into taker buys (up colour) and sells (down
 * colour). The point of control is outlined; the value area (the setting's share of the volume,
 * 70 % by default) is shaded behind its rows and the rows outside it are faint. A fixed range is
 * shaded faintly over the chart, so the user sees which bars it counts. The sum is redone only
 * when the bars summed, the cells, the step, the mode or the value area's share change; a paint
 * with none of them changed only draws the held rows.
 */
import type { IPrimitivePaneRenderer, ISeriesApi, Logical, SeriesType } from 'lightweight-charts';
import { SeriesPanePrimitive } from './seriesPanePrimitive';
import type { FootprintCells } from '../state/footprintCells';
import { PriceProfile, sumPriceProfile, VALUE_AREA_SHARE, type FixedProfileRange, type ProfileMode } from '../state/priceProfile';
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
  /** Over the bars a fixed range counts, and its edges. */
  fixedRangeFill: string;
  fixedRangeEdge: string;
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
  /** The value area's share of the volume the rows were summed with. */
  valueAreaShare = NaN;
  /** What the profile says above itself: its mode (a fixed range's times), and the bars it lacks (no footprint, or a partial one). */
  label = '';
  /** A fixed range's shade over the chart, CSS px from the pane's left (NaN when none is drawn). */
  shadeLeft = NaN;
  shadeRight = NaN;
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
  private summedRange: FixedProfileRange | null = null;

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
    g.shadeLeft = g.shadeRight = NaN;
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
    if (g.mode === 'fixed') this.drawFixedShade(ctx, mediaSize.width, mediaSize.height);
    this.drawRows(ctx, series, right, width, mediaSize.height);
  };

  /** The fixed range's bars, shaded from the first one's left edge to the last one's right edge (clipped to the pane). */
  private drawFixedShade(ctx: CanvasRenderingContext2D, paneWidth: number, height: number): void {
    const g = this.geometry;
    const chart = this.owner.chart;
    if (chart === null || g.firstIndex > g.lastIndex) return;
    const scale = chart.timeScale();
    // The chart places whole bar indices only: the edges are half a bar off their centres.
    const first = scale.logicalToCoordinate(g.firstIndex as Logical);
    const last = scale.logicalToCoordinate(g.lastIndex as Logical);
    if (first === null || last === null) return;
    const half = scale.options().barSpacing / 2;
    const from = first - half;
    const to = last + half;
    const left = Math.max(0, from);
    const right = Math.min(paneWidth, to);
    if (right <= left) return;
    g.shadeLeft = left;
    g.shadeRight = right;
    const style = this.owner.style;
    ctx.fillStyle = style.fixedRangeFill;
    ctx.fillRect(left, 0, right - left, height);
    ctx.fillStyle = style.fixedRangeEdge;
    if (from >= 0) ctx.fillRect(Math.round(from), 0, 1, height);
    if (to <= paneWidth) ctx.fillRect(Math.round(to) - 1, 0, 1, height);
  }

  /** Sums the rows again if the bars summed, the cells, the step, the mode or the value area's share changed. */
  private resum(from: number, to: number, step: number): void {
    const g = this.geometry;
    const bars = this.bars;
    let first = Math.max(0, from);
    let last = Math.min(bars.length - 1, to);
    const { mode, fixedRange, valueAreaShare: share } = this.owner;
    if (mode === 'fixed') {
      // The bars opening within the range, wherever the view is (none before a range is fixed).
      last = fixedRange === null ? -1 : bars.indexAtOrBefore(fixedRange.toTime);
      first = fixedRange === null ? 0 : bars.indexAtOrBefore(fixedRange.fromTime);
      if (fixedRange !== null && (first < 0 || bars.time(first) < fixedRange.fromTime)) first++;
    } else if (mode === 'session' && last >= 0) {
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
      this.summedRange === fixedRange &&
      g.mode === mode &&
      g.step === step &&
      g.valueAreaShare === share &&
      g.firstIndex === first &&
      g.lastIndex === last &&
      Object.is(g.firstTime, firstTime) &&
      Object.is(g.lastTime, lastTime)
    ) {
      return;
    }
    this.summedVersion = this.cells.version;
    this.summedRange = fixedRange;
    g.mode = mode;
    g.step = step;
    g.valueAreaShare = share;
    g.firstIndex = first;
    g.lastIndex = last;
    g.firstTime = firstTime;
    g.lastTime = lastTime;
    g.bars = sumPriceProfile(this.cells, bars, first, last, step, this.profile, share);
    g.sums++;
    const without = first <= last ? last - first + 1 - g.bars : 0;
    const partial = this.profile.partialBars;
    g.label =
      this.modeLabel(mode, fixedRange) +
      (without > 0 ? ` · ${without} bar${without === 1 ? '' : 's'} without footprint` : '') +
      (partial > 0 ? ` · ${partial} partial` : '');
  }

  private modeLabel(mode: ProfileMode, range: FixedProfileRange | null): string {
    if (mode === 'session') return 'Profile: UTC day';
    if (mode === 'visible') return 'Profile: in view';
    if (range === null) return 'Profile: fixed (no range)';
    const time = this.owner.timeText;
    return `Profile: ${time(range.fromTime)}–${time(range.toTime)} (fixed)`;
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
  /** The bars the 'fixed' mode sums (null: none fixed yet). */
  fixedRange: FixedProfileRange | null = null;
  /** The value area holds this share of the volume (the host's `profile.valueAreaPercent` / 100). */
  valueAreaShare = VALUE_AREA_SHARE;
  /** A bar open time as the fixed range's label shows it (the panel's local clock). */
  timeText: (ms: number) => string = String;
  readonly renderer: ProfileRenderer;

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

  /** The picture depends on the cells, the mode, the fixed range and the value area's share. */
  protected drawInputs(out: unknown[]): void {
    out.push(this.cells.version, this.mode, this.fixedRange, this.valueAreaShare);
  }
}
