/**
 * One logical chart series drawn as two lightweight-charts series with identical styling: a
 * static history series (the rows held when the data was last set) and a short live series
 * (every row since, the newest one updated in place; lines start one row earlier so the
 * segment into the live part is drawn).
 *
 * Why, measured in lightweight-charts v5 (12 logical series, 100k bars):
 * - `update()` re-processes the updated series' whole data: O(series length). On the short
 *   live series that is cheap; on the history series it is not, so the history series is never
 *   updated per frame, nor at a bar close: closed bars stay in the live series, which grows by
 *   one row per bar and is folded into history (one `setData()` each) every LIVE_MAX rows.
 * - A data point at a time the chart does not have yet re-sends every series' data (seconds at
 *   100k): the chart view keeps whitespace time points for the coming bars (its clock series),
 *   so a new bar lands on an existing point.
 * - `setData()` walks and re-sorts every time point of the chart: kept for the init, a history
 *   page, a fold, or a change to a row older than the live part.
 */
import type { IChartApi, ISeriesApi, SeriesDataItemTypeMap, SeriesType, Time } from 'lightweight-charts';
import type { RowChanges, SeriesColumns } from '../state/seriesColumns';

export type ItemBuilder<S extends SeriesType> = (rows: SeriesColumns, i: number) => SeriesDataItemTypeMap<Time>[S];

/** Rows the live series may grow to before it is folded into the history series. */
export const LIVE_MAX = 720;

/** Drawing calls made on one split series (for the debug hook and the tests). */
export class SyncCounts {
  historySetData = 0;
  liveSetData = 0;
  liveUpdates = 0;
}

export class SplitSeries<S extends SeriesType> {
  readonly counts = new SyncCounts();
  /** Rows drawn into the history series: [0, historyCount). */
  private historyCount = 0;
  /** First row drawn into the live series; it holds [liveFrom, liveTo). */
  private liveFrom = 0;
  private liveTo = 0;
  /** Nothing drawn yet, or styling baked into the items changed: the next sync redraws all. */
  private stale = true;

  constructor(
    readonly history: ISeriesApi<S>,
    readonly live: ISeriesApi<S>,
    private readonly build: ItemBuilder<S>,
    /** Rows the live series starts before the first row not in history: 0 (bars) or 1 (lines). */
    private readonly overlap: 0 | 1,
  ) {}

  /**
   * Brings both series up to `rows` given what changed since the last sync; returns whether it changed them. O(live rows) for
   * changes to the live part (usually one `update()`); O(rows) otherwise.
   */
  sync(rows: SeriesColumns, changes: RowChanges): boolean {
    const n = rows.length;
    const from = changes.from;
    const full = changes.restructured || this.stale || n < this.liveTo || from < this.liveFrom || n - this.liveFrom > LIVE_MAX;
    this.stale = false;
    let changed = true;
    if (full) {
      this.historyCount = Math.max(0, n - 1);
      this.liveFrom = Math.max(0, this.historyCount - this.overlap);
      this.history.setData(this.items(rows, 0, this.historyCount));
      this.live.setData(this.items(rows, this.liveFrom, n));
      this.counts.historySetData++;
      this.counts.liveSetData++;
    } else if (from < this.liveTo - 1) {
      // A row before the live series' newest changed (a late trade): rewrite the short series.
      this.live.setData(this.items(rows, this.liveFrom, n));
      this.counts.liveSetData++;
    } else {
      // The newest row changed, and new rows follow it: appends, normally one update.
      changed = false;
      for (let i = Math.max(from, this.liveFrom); i < n; i++) {
        this.live.update(this.build(rows, i));
        this.counts.liveUpdates++;
        changed = true;
      }
    }
    this.liveTo = n;
    return changed;
  }

  /**
   * Re-sends the newest row as it is: a light update of the chart, which repaints every pane and
   * primitive once (see LightRepaint). False when there is no row. O(1).
   */
  touchNewest(rows: SeriesColumns): boolean {
    if (this.liveTo <= this.liveFrom || rows.length !== this.liveTo) return false;
    this.live.update(this.build(rows, this.liveTo - 1));
    return true;
  }

  /** Forces a full redraw at the next sync (styling baked into items changed). */
  invalidate(): void {
    this.stale = true;
  }

  /** Points drawn: history plus the live rows not already in history. */
  drawnCount(): number {
    return this.history.data().length + this.live.data().length - (this.historyCount > 0 ? this.overlap : 0);
  }

  remove(chart: IChartApi): void {
    chart.removeSeries(this.history);
    chart.removeSeries(this.live);
  }

  private items(rows: SeriesColumns, from: number, to: number): SeriesDataItemTypeMap<Time>[S][] {
    const out = new Array<SeriesDataItemTypeMap<Time>[S]>(Math.max(0, to - from));
    for (let i = from; i < to; i++) out[i - from] = this.build(rows, i);
    return out;
  }
}
