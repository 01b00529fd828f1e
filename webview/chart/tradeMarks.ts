/**
 * Big trades on the candles: a circle at each big trade's bar and price (at or above the panel's
 * trade-size threshold), its area proportional to the amount over the threshold, filled in the
 * taker's colour (buy up, sell down). Drawn by a series primitive on the live candle series, so
 * the chart's scales place the marks at every repaint; only marks within the pane are drawn.
 * At most MAX_MARKS are held (the newest); a new threshold re-marks from the marks held and the
 * tape's trades (a lower one marks smaller trades from the tape's trades on).
 */
import type { IChartApi, IPrimitivePaneRenderer, IPrimitivePaneView, ISeriesApi, ISeriesPrimitive, SeriesAttachedParameter, SeriesType, Time } from 'lightweight-charts';
import { chartTime } from '../format/localTime';
import type { SeriesColumns } from '../state/seriesColumns';
import type { TradeRing } from '../state/tradeRing';
import type { TradeThreshold } from '../tape/tradeThreshold';

/** Marks held at most (the newest big trades). */
export const MAX_MARKS = 400;
/** Radius of a mark at the threshold, CSS px. */
const MIN_RADIUS = 3.5;
/** The largest radius: this many bar spacings, within these bounds (CSS px), so dense bars are not buried. */
const MAX_RADIUS_BARS = 1.5;
const MAX_RADIUS_LOW = 6;
const MAX_RADIUS = 14;
/** Per mark: trade time (ms), bar time (chart seconds), price, amount, side. */
const STRIDE = 5;

type RenderTarget = Parameters<IPrimitivePaneRenderer['draw']>[0];

export interface TradeMarkStyle {
  up: string;
  down: string;
  /** The outline, in the chart's background colour so overlapping marks stay apart. */
  edge: string;
}

function maxRadius(barSpacing: number): number {
  return Math.min(MAX_RADIUS, Math.max(MAX_RADIUS_LOW, barSpacing * MAX_RADIUS_BARS));
}

class TradeMarkRenderer implements IPrimitivePaneRenderer {
  constructor(private readonly marks: TradeMarks) {}

  draw(target: RenderTarget): void {
    const marks = this.marks;
    const series = marks.series;
    if (series === null || marks.count === 0) return;
    const scale = marks.chart.timeScale();
    marks.maxRadius = maxRadius(scale.options().barSpacing);
    target.useMediaCoordinateSpace(({ context: ctx, mediaSize }) => {
      ctx.save();
      ctx.lineWidth = 1;
      ctx.strokeStyle = marks.style.edge;
      ctx.globalAlpha = 0.75;
      let visible = 0;
      for (let k = 0; k < marks.count; k++) {
        const x = scale.timeToCoordinate(marks.barTime(k) as Time);
        if (x === null || x < -MAX_RADIUS || x > mediaSize.width + MAX_RADIUS) continue;
        const y = series.priceToCoordinate(marks.price(k));
        if (y === null || y < -MAX_RADIUS || y > mediaSize.height + MAX_RADIUS) continue;
        ctx.fillStyle = marks.side(k) > 0 ? marks.style.up : marks.style.down;
        ctx.beginPath();
        ctx.arc(x, y, marks.radius(k), 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
        visible++;
      }
      marks.visibleAtLastDraw = visible;
      ctx.restore();
    });
  }
}

export class TradeMarks implements ISeriesPrimitive<Time> {
  style: TradeMarkStyle = { up: '#26a69a', down: '#ef5350', edge: '#1f1f1f' };
  series: ISeriesApi<SeriesType> | null = null;
  /** Marks held (the newest MAX_MARKS), oldest first in ring order. */
  count = 0;
  /** Marks the last repaint drew (those within the pane). */
  visibleAtLastDraw = 0;
  /** The largest radius at the bar spacing of the last repaint. */
  maxRadius = MAX_RADIUS;
  private readonly rows = new Float64Array(MAX_MARKS * STRIDE);
  /** Ring slot of the oldest mark. */
  private head = 0;
  /** The threshold the marks were chosen by. */
  private threshold = Infinity;
  private thresholdVersion = -1;
  /** `trades.total` when last read; the market and timeframe they were placed for. */
  private seenTotal = 0;
  private key = '';
  private requestUpdate: (() => void) | null = null;
  /** Asks the chart for a light repaint (see LightRepaint); without one, the primitive's full update. */
  repaint: (() => void) | null = null;
  private readonly views: readonly IPrimitivePaneView[];

  constructor(readonly chart: IChartApi) {
    const renderer = new TradeMarkRenderer(this);
    this.views = [{ zOrder: () => 'normal', renderer: () => renderer }];
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

  applyStyle(style: TradeMarkStyle): void {
    this.style = style;
    this.requestUpdate?.();
  }

  /** Whether {@link sync} would change the marks. O(1). */
  needsSync(trades: TradeRing, threshold: TradeThreshold, key: string): boolean {
    return trades.total !== this.seenTotal || threshold.version !== this.thresholdVersion || key !== this.key;
  }

  /**
   * Takes the trades that arrived since the last call (`key`: market and timeframe; another one
   * starts over). A new threshold, or a new init of the same chart, re-marks from the marks held
   * and the tape's trades. O(new trades) normally; allocates nothing then.
   */
  sync(trades: TradeRing, threshold: TradeThreshold, bars: SeriesColumns, key: string): void {
    if (!this.needsSync(trades, threshold, key)) return;
    const remark = threshold.version !== this.thresholdVersion || trades.total < this.seenTotal || key !== this.key;
    if (remark) {
      this.remark(trades, threshold.value, bars, key === this.key);
    } else {
      const fresh = Math.min(trades.total - this.seenTotal, trades.count);
      for (let age = fresh - 1; age >= 0; age--) this.takeTrade(trades, age, bars);
    }
    this.seenTotal = trades.total;
    this.thresholdVersion = threshold.version;
    this.key = key;
    if (this.requestUpdate !== null) (this.repaint ?? this.requestUpdate)();
  }

  barTime(k: number): number {
    return this.rows[this.slot(k) + 1]!;
  }
  price(k: number): number {
    return this.rows[this.slot(k) + 2]!;
  }
  amount(k: number): number {
    return this.rows[this.slot(k) + 3]!;
  }
  side(k: number): number {
    return this.rows[this.slot(k) + 4]!;
  }
  /** Area in proportion to the amount over the threshold, up to {@link maxRadius}. */
  radius(k: number): number {
    return Math.min(this.maxRadius, MIN_RADIUS * Math.sqrt(this.amount(k) / this.threshold));
  }

  /** The marks held and where they are drawn, for the debug hook. */
  describe(): { threshold: number; held: number; visible: number; marks: { time: number; price: number; amount: number; side: number; x: number | null; y: number | null; r: number }[] } {
    const scale = this.chart.timeScale();
    const marks = [];
    for (let k = 0; k < this.count; k++) {
      marks.push({
        time: this.rows[this.slot(k)]!,
        price: this.price(k),
        amount: this.amount(k),
        side: this.side(k),
        x: scale.timeToCoordinate(this.barTime(k) as Time),
        y: this.series?.priceToCoordinate(this.price(k)) ?? null,
        r: this.radius(k),
      });
    }
    return { threshold: this.threshold, held: this.count, visible: this.visibleAtLastDraw, marks };
  }

  private slot(k: number): number {
    return ((this.head + k) % MAX_MARKS) * STRIDE;
  }

  /** The trade `age` places back (0 = newest) as a mark, if it is big and its bar is held. */
  private takeTrade(trades: TradeRing, age: number, bars: SeriesColumns): void {
    const amount = trades.field(age, 2);
    if (!(amount >= this.threshold)) return;
    const time = trades.field(age, 0);
    const bar = bars.length > 0 && time >= bars.lastTime() ? bars.length - 1 : bars.indexAtOrBefore(time);
    if (bar < 0) return;
    this.push(time, chartTime(bars.time(bar)), trades.field(age, 1), amount, trades.field(age, 3));
  }

  private push(time: number, barTime: number, price: number, amount: number, side: number): void {
    if (this.count === MAX_MARKS) {
      this.head = (this.head + 1) % MAX_MARKS;
      this.count--;
    }
    const o = this.slot(this.count);
    this.rows[o] = time;
    this.rows[o + 1] = barTime;
    this.rows[o + 2] = price;
    this.rows[o + 3] = amount;
    this.rows[o + 4] = side;
    this.count++;
  }

  /**
   * Marks again by `threshold`: the held marks older than the tape's trades that are still big
   * (when `keep`: the same market and timeframe), then the tape's big trades. Allocates a copy of
   * the kept marks (once per threshold change or init, not per frame).
   */
  private remark(trades: TradeRing, threshold: number, bars: SeriesColumns, keep: boolean): void {
    const oldestTape = trades.count > 0 ? trades.field(trades.count - 1, 0) : Infinity;
    const kept: number[] = [];
    if (keep) {
      for (let k = 0; k < this.count; k++) {
        const o = this.slot(k);
        if (this.rows[o]! < oldestTape && this.rows[o + 3]! >= threshold) for (let f = 0; f < STRIDE; f++) kept.push(this.rows[o + f]!);
      }
    }
    this.head = 0;
    this.count = 0;
    this.threshold = threshold;
    for (let i = 0; i < kept.length; i += STRIDE) this.push(kept[i]!, kept[i + 1]!, kept[i + 2]!, kept[i + 3]!, kept[i + 4]!);
    for (let age = trades.count - 1; age >= 0; age--) this.takeTrade(trades, age, bars);
  }
}
