/**
 * Builds the messages one panel receives: `init` (everything it shows) and `frame` (what changed
 * since the previous frame). With one frame in flight per panel, "since the previous frame" is
 * "since the last frame the webview acknowledged". Pure engine code: the scheduler decides when.
 */
import { LevelRows } from '../book/orderBook';
import { CandleField } from '../candles/candleSeries';
import { TIMEFRAME_MS, type Timeframe } from '../candles/timeframe';
import { collectFootprintChanges, FootprintCellRows } from '../footprint/footprintChanges';
import type { Indicator, IndicatorSeries } from '../indicators/indicatorSeries';
import type { BarChangeReader, Market } from '../market';
import type { SizedCvd } from '../metrics/sizedCvd';
import { HeatmapDiffBuilder } from '../heatmap/heatmapDiffs';
import {
  BAR_STRIDE,
  BOOK_STRIDE,
  FOOTPRINT_CELL_STRIDE,
  PROTOCOL_VERSION,
  sameStatus,
  statusShowsBook,
  TRADE_STRIDE,
  type BookWindow,
  type BookWindowDiff,
  type RawLevels,
  type SidesDiff,
  type FootprintDiff,
  type FrameMessage,
  type HistoryEnd,
  type HistoryMessage,
  type IndicatorKind,
  type IndicatorSeriesData,
  type InitMessage,
  type MarketFacts,
  type StatusInfo,
} from '../protocol';
import { DEFAULT_PANEL_SETTINGS, type PanelSettings } from './panelSettings';

/** Shared empty payload (never written). */
const EMPTY: Float64Array = new Float64Array(0);

/**
 * Bars whose footprint a reset sends (the newest): a footprint is read only where bars are wide
 * enough, and a reset of every held bar could be tens of MB.
 */
export const FOOTPRINT_RESET_BARS = 300;

/** A series the panel draws, with the protocol's description of it. */
interface DrawnSeries {
  id: string;
  kind: IndicatorKind;
  series: IndicatorSeries;
  /** Bars needed before every output is defined. */
  warmupBars: number;
}

export class FrameBuilder {
  settings: PanelSettings;
  private readonly reader: BarChangeReader;
  private bidRows: LevelRows;
  private askRows: LevelRows;
  /** The raw levels nearest the touch, sent beside grouped rows. */
  private rawBidRows: LevelRows;
  private rawAskRows: LevelRows;
  /** The window last sent, to diff rows against. */
  private readonly sentRows = new SentSides();
  private readonly sentRaw = new SentSides();
  private sentBookValid = false;
  private sentBookVersion = -1;
  private sentTradeTotal = 0;
  private sentStatus: StatusInfo | null = null;
  private sentEvents = 0;
  /** Open time of the oldest bar the webview holds. */
  private oldestSentTime = NaN;
  /** The footprint revision the webview holds; -1: it holds none (the next frame resets). */
  private sentFootprintRevision = -1;
  private readonly footprintCells = new FootprintCellRows();
  /** The heatmap columns this panel was sent (reset by an init). */
  private readonly heatmapDiffs = new HeatmapDiffBuilder();
  /** The CVD of big trades the pane shows while `cvdMinAmount` > 0. */
  private sizedCvd: SizedCvd | null = null;

  constructor(
    private readonly market: Market,
    private readonly facts: MarketFacts,
    settings: Partial<PanelSettings> = {},
  ) {
    this.settings = { ...DEFAULT_PANEL_SETTINGS, ...settings };
    this.reader = market.addBarReader();
    this.bidRows = new LevelRows(this.settings.bookRows);
    this.askRows = new LevelRows(this.settings.bookRows);
    this.rawBidRows = new LevelRows(this.settings.bookRows);
    this.rawAskRows = new LevelRows(this.settings.bookRows);
    this.followCvdMinAmount();
  }

  /** Releases the market's change reader. */
  dispose(): void {
    this.market.removeBarReader(this.reader);
    if (this.sizedCvd) this.market.releaseSizedCvd(this.sizedCvd);
    this.sizedCvd = null;
  }

  /** Holds the market's CVD of trades ≥ `cvdMinAmount` (none at 0). */
  private followCvdMinAmount(): void {
    const min = this.settings.cvdMinAmount;
    if (this.sizedCvd?.minAmount === min) return;
    if (this.sizedCvd) this.market.releaseSizedCvd(this.sizedCvd);
    this.sizedCvd = min > 0 ? this.market.acquireSizedCvd(min) : null;
  }

  /** Changes what the panel shows; the caller sends a fresh `init` afterwards. */
  updateSettings(settings: Partial<PanelSettings>): void {
    this.settings = { ...this.settings, ...settings };
    if (this.bidRows.capacity !== this.settings.bookRows) {
      this.bidRows = new LevelRows(this.settings.bookRows);
      this.askRows = new LevelRows(this.settings.bookRows);
      this.rawBidRows = new LevelRows(this.settings.bookRows);
      this.rawAskRows = new LevelRows(this.settings.bookRows);
    }
    this.followCvdMinAmount();
  }

  /** Everything the panel shows. Resets change tracking. O(init bars + window + tape). */
  buildInit(status: StatusInfo): InitMessage {
    const market = this.market;
    market.settle();
    this.reader.fromSeq = -1;
    const candles = market.candles;
    const from = Math.max(candles.firstSeq, candles.lastSeq - this.settings.initBars + 1);
    const bars = this.packBars(from, candles.lastSeq);
    this.oldestSentTime = candles.count > 0 ? candles.value(from, CandleField.OpenTime) : NaN;
    const book = this.buildWindow(status);
    this.sentRows.bids = book.bids;
    this.sentRows.asks = book.asks;
    this.sentRaw.bids = book.raw?.bids ?? EMPTY;
    this.sentRaw.asks = book.raw?.asks ?? EMPTY;
    this.sentBookValid = book.valid;
    this.sentBookVersion = market.bookVersion;
    const tape = market.tape;
    const since = Math.max(0, tape.total - this.settings.tapeRows);
    const trades = new Float64Array(tape.countSince(since) * TRADE_STRIDE);
    tape.copySince(since, trades);
    this.sentTradeTotal = tape.total;
    this.sentStatus = status;
    this.sentEvents = market.stats.byKind.events;
    this.sentFootprintRevision = -1;
    this.heatmapDiffs.reset();
    return {
      v: PROTOCOL_VERSION,
      type: 'init',
      panel: this.settings.panel ?? { exchange: this.facts.exchange, symbol: this.facts.symbol },
      market: this.facts,
      timeframe: candles.timeframe,
      layers: { ...this.settings.layers },
      bars,
      hasOlder: this.historyEnd(from) === null,
      historyEnd: this.historyEnd(from),
      indicators: this.packIndicators(from, candles.lastSeq),
      book,
      trades,
      status,
      display: { ...this.settings.display },
    };
  }

  /**
   * What changed since the previous frame, or null when nothing did. `status` is included when
   * it differs from the last one sent. O(changed bars × series + window + new trades).
   */
  buildFrame(id: number, status: StatusInfo, buildStartMs: number, nowMs: () => number): FrameMessage | null {
    const market = this.market;
    market.settle();
    const candles = market.candles;
    let fromSeq = this.reader.fromSeq;
    this.reader.fromSeq = -1;
    if (fromSeq >= 0) fromSeq = Math.max(fromSeq, candles.firstSeq);
    const bars = fromSeq >= 0 && candles.count > 0 ? this.packBars(fromSeq, candles.lastSeq) : EMPTY;
    const indicators = fromSeq >= 0 && candles.count > 0 ? this.packIndicators(fromSeq, candles.lastSeq) : [];
    // Validity is compared too: a book that stopped being the exchange's (gap, resync, a status
    // that shows none) must reach the panel as invalid even when no level changed.
    const bookChanged = market.bookVersion !== this.sentBookVersion || this.bookValid(status) !== this.sentBookValid;
    const book = bookChanged ? this.buildWindowDiff(status) : null;
    const newTrades = market.tape.countSince(this.sentTradeTotal);
    const trades = newTrades > 0 ? new Float64Array(newTrades * TRADE_STRIDE) : EMPTY;
    if (newTrades > 0) market.tape.copySince(this.sentTradeTotal, trades);
    this.sentTradeTotal = market.tape.total;
    const statusChanged = !sameStatus(status, this.sentStatus);
    if (statusChanged) this.sentStatus = status;
    const footprint = this.settings.footprint ? this.footprintDiff() : null;
    const heatmap = this.settings.heatmap ? this.heatmapDiffs.next(market.heatmap, market.grid, this.settings.ticksPerRow, market.book.mid(), this.barMs()) : null;
    if (bars.length === 0 && book === null && trades.length === 0 && !statusChanged && footprint === null && heatmap === null) return null;
    const events = market.stats.byKind.events - this.sentEvents;
    this.sentEvents = market.stats.byKind.events;
    const frame: FrameMessage = {
      v: PROTOCOL_VERSION,
      type: 'frame',
      id,
      bars,
      indicators,
      book,
      trades,
      status: statusChanged ? status : null,
      stats: { events, rejected: market.rejectedTotal(), buildMs: nowMs() - buildStartMs },
    };
    if (footprint !== null) frame.footprint = footprint;
    if (heatmap !== null) frame.heatmap = heatmap;
    return frame;
  }

  /** A bar's duration, ms; NaN for bars of N trades or volume. */
  private barMs(): number {
    return (TIMEFRAME_MS as Readonly<Record<string, number>>)[this.market.candles.timeframe as Timeframe] ?? NaN;
  }

  /**
   * The footprint cells changed since the last frame (after an init, the newest
   * FOOTPRINT_RESET_BARS bars' cells, as a reset), or null when none changed. O(bars held +
   * changed cells).
   */
  private footprintDiff(): FootprintDiff | null {
    const footprint = this.market.footprint;
    const reset = this.sentFootprintRevision < 0;
    if (!reset && footprint.revision === this.sentFootprintRevision) return null;
    const from = reset && footprint.count > FOOTPRINT_RESET_BARS ? footprint.openTimeAt(footprint.slotAt(footprint.count - FOOTPRINT_RESET_BARS)) : -Infinity;
    const out = this.footprintCells;
    this.sentFootprintRevision = collectFootprintChanges(footprint, reset ? 0 : this.sentFootprintRevision, from, out);
    if (out.count === 0 && !reset) return null;
    const cells = out.data.slice(0, out.count * FOOTPRINT_CELL_STRIDE);
    // Bars whose footprint lacks part of the candle (trades before the session, history over it).
    const partial: number[] = [];
    const candles = this.market.candles;
    for (let i = 0; i < cells.length; i += FOOTPRINT_CELL_STRIDE) {
      const time = cells[i];
      if (i > 0 && cells[i - FOOTPRINT_CELL_STRIDE] === time) continue;
      const volume = candles.value(candles.findSeq(time), CandleField.Volume);
      if (footprint.coverage(time, volume) === 'partial') partial.push(time);
    }
    return { reset, cells, partialBars: Float64Array.from(partial) };
  }

  /**
   * Older bars before `before` (open time), one page of those held, in answer to `loadOlder`.
   * An empty page with `hasOlder` means the market holds none older but the source may: the
   * host pages them in and asks again. `failed` says why that did not work (the page is empty).
   */
  buildHistory(before: number, failed: string | null = null): HistoryMessage {
    // Bars just paged in renumber the held ones: indicators are recomputed before they are read.
    this.market.settle();
    const candles = this.market.candles;
    let to = candles.findSeq(before) - 1;
    if (!(to >= candles.firstSeq)) to = Math.min(candles.lastSeq, candles.firstSeq - 1);
    if (Number.isNaN(before) || before > this.oldestSentTime) to = -1;
    const from = Math.max(candles.firstSeq, to - this.settings.historyPageBars + 1);
    if (failed !== null || to < from) {
      const end = failed === null ? this.historyEnd(candles.firstSeq) : null;
      const reason = failed === null ? null : failed.slice(0, 500);
      return { v: PROTOCOL_VERSION, type: 'history', bars: EMPTY, indicators: [], hasOlder: end === null, historyEnd: end, failed: reason };
    }
    this.oldestSentTime = candles.value(from, CandleField.OpenTime);
    const end = this.historyEnd(from);
    return {
      v: PROTOCOL_VERSION,
      type: 'history',
      bars: this.packBars(from, to),
      indicators: this.packIndicators(from, to),
      hasOlder: end === null,
      historyEnd: end,
      failed: null,
    };
  }

  /** Why nothing older than bar `fromSeq` can be sent: null when a held bar or the source may have one. */
  private historyEnd(fromSeq: number): HistoryEnd | null {
    const candles = this.market.candles;
    return candles.count > 0 && fromSeq > candles.firstSeq ? null : candles.olderEnd;
  }

  private packBars(fromSeq: number, toSeq: number): Float64Array {
    const candles = this.market.candles;
    const n = Math.max(0, toSeq - fromSeq + 1);
    const out = new Float64Array(n * BAR_STRIDE);
    for (let k = 0, seq = fromSeq; k < n; k++, seq++) {
      const o = k * BAR_STRIDE;
      out[o] = candles.value(seq, CandleField.OpenTime);
      out[o + 1] = candles.value(seq, CandleField.Open);
      out[o + 2] = candles.value(seq, CandleField.High);
      out[o + 3] = candles.value(seq, CandleField.Low);
      out[o + 4] = candles.value(seq, CandleField.Close);
      out[o + 5] = candles.value(seq, CandleField.Volume);
    }
    return out;
  }

  private drawnSeries(): DrawnSeries[] {
    const market = this.market;
    const drawn: DrawnSeries[] = market.indicators.map((indicator: Indicator) => ({
      id: indicator.label,
      kind: indicator.options.kind,
      series: indicator,
      warmupBars: indicator.warmupBars,
    }));
    if (this.settings.metrics.imbalance) drawn.push({ id: 'OBI', kind: 'imbalance', series: market.imbalance, warmupBars: 1 });
    if (this.settings.metrics.cvd) {
      const sized = this.sizedCvd;
      drawn.push(sized ? { id: `CVD ≥ ${sized.minAmount}`, kind: 'cvd', series: sized.bars, warmupBars: 1 } : { id: 'CVD', kind: 'cvd', series: market.cvd, warmupBars: 1 });
    }
    return drawn;
  }

  private packIndicators(fromSeq: number, toSeq: number): IndicatorSeriesData[] {
    const candles = this.market.candles;
    const n = Math.max(0, toSeq - fromSeq + 1);
    const times = new Float64Array(n);
    for (let k = 0; k < n; k++) times[k] = candles.value(fromSeq + k, CandleField.OpenTime);
    return this.drawnSeries().map(({ id, kind, series, warmupBars }) => {
      const outputs = series.outputs.slice();
      const values = new Float64Array(n * outputs.length);
      for (let o = 0; o < outputs.length; o++) series.copyRange(fromSeq, n, o, values, o * n);
      return { id, kind, outputs, warmupBars, times, values };
    });
  }

  /** The book is the exchange's and the market's status lets it show (the badge agrees). O(1). */
  private bookValid(status: StatusInfo): boolean {
    return this.market.bookIsShowable() && statusShowsBook(status.state);
  }

  /**
   * The grouped book window, best first: at most `bookRows` rows of the levels within
   * `windowPercent` of the mid; empty and invalid while resyncing or not shown.
   */
  private buildWindow(status: StatusInfo): BookWindow {
    const market = this.market;
    const valid = this.bookValid(status);
    const ticks = this.settings.ticksPerRow;
    const raw: RawLevels | null = ticks === 1 ? null : { bids: EMPTY, asks: EMPTY };
    if (!valid) return { ticksPerRow: ticks, bids: EMPTY, asks: EMPTY, valid, raw };
    const book = market.book;
    const bidLevels = book.levelsWithinPercent(true, this.settings.windowPercent);
    const askLevels = book.levelsWithinPercent(false, this.settings.windowPercent);
    book.group(true, market.grid, ticks, this.bidRows, bidLevels);
    book.group(false, market.grid, ticks, this.askRows, askLevels);
    if (raw !== null) {
      // One tick per row: each row is one level at its own price.
      book.group(true, market.grid, 1, this.rawBidRows, bidLevels);
      book.group(false, market.grid, 1, this.rawAskRows, askLevels);
      raw.bids = packRows(this.rawBidRows);
      raw.asks = packRows(this.rawAskRows);
    }
    return { ticksPerRow: ticks, bids: packRows(this.bidRows), asks: packRows(this.askRows), valid, raw };
  }

  /** Rows that changed since the last window sent, or the whole window when that is smaller. */
  private buildWindowDiff(status: StatusInfo): BookWindowDiff {
    const window = this.buildWindow(status);
    const validChanged = window.valid !== this.sentBookValid;
    this.sentBookValid = window.valid;
    this.sentBookVersion = this.market.bookVersion;
    const rows = this.sentRows.diff(window.bids, window.asks, validChanged);
    const raw = window.raw === null ? null : this.sentRaw.diff(window.raw.bids, window.raw.asks, validChanged);
    return { ticksPerRow: window.ticksPerRow, valid: window.valid, ...rows, raw };
  }
}

/** Both sides of a window as last sent (BOOK_STRIDE per row), to diff the next one against. */
class SentSides {
  bids: Float64Array = EMPTY;
  asks: Float64Array = EMPTY;

  /** Rows of `bids`/`asks` that changed since the last sent, or the whole sides when that is smaller (or `full`). */
  diff(bids: Float64Array, asks: Float64Array, full: boolean): SidesDiff {
    const bidChanges = changedRows(this.bids, bids);
    const askChanges = changedRows(this.asks, asks);
    this.bids = bids;
    this.asks = asks;
    const counts = { bidCount: bids.length / BOOK_STRIDE, askCount: asks.length / BOOK_STRIDE };
    // Each changed row costs BOOK_STRIDE + 1 numbers against BOOK_STRIDE for a full row.
    if (full || bidChanges.length + askChanges.length >= bids.length + asks.length) return { mode: 'full', bids, asks, ...counts };
    return { mode: 'rows', bids: bidChanges, asks: askChanges, ...counts };
  }
}

function packRows(rows: LevelRows): Float64Array {
  const out = new Float64Array(rows.count * BOOK_STRIDE);
  for (let r = 0; r < rows.count; r++) {
    out[r * BOOK_STRIDE] = rows.prices[r]!;
    out[r * BOOK_STRIDE + 1] = rows.sizes[r]!;
    out[r * BOOK_STRIDE + 2] = rows.cumulative[r]!;
  }
  return out;
}

/** (index, price, size, cumulative) for every row of `next` that differs from `previous`. */
function changedRows(previous: Float64Array, next: Float64Array): Float64Array {
  const rows = next.length / BOOK_STRIDE;
  let changed = 0;
  for (let r = 0; r < rows; r++) if (rowDiffers(previous, next, r)) changed++;
  const out = new Float64Array(changed * (BOOK_STRIDE + 1));
  let o = 0;
  for (let r = 0; r < rows; r++) {
    if (!rowDiffers(previous, next, r)) continue;
    out[o++] = r;
    for (let f = 0; f < BOOK_STRIDE; f++) out[o++] = next[r * BOOK_STRIDE + f]!;
  }
  return out;
}

function rowDiffers(previous: Float64Array, next: Float64Array, r: number): boolean {
  const at = r * BOOK_STRIDE;
  if (at + BOOK_STRIDE > previous.length) return true;
  for (let f = 0; f < BOOK_STRIDE; f++) if (previous[at + f] !== next[at + f]) return true;
  return false;
}

