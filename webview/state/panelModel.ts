/**
 * Everything the panel shows, as plain data: host messages are applied here (cheaply, on
 * arrival) and the views draw from it once per animation frame.
 */
import {
  BAR_STRIDE,
  type FrameStats,
  type HistoryEnd,
  type HostMessage,
  type Layers,
  type MarketFacts,
  type MarketId,
  type PaceMessage,
  type StatusInfo,
} from '../../src/engine/protocol';
import { BookModel } from './bookModel';
import { FootprintCells } from './footprintCells';
import { HeatmapColumns } from './heatmapColumns';
import { IndicatorStore } from './indicatorStore';
import { checkMessageNumbers } from './messageNumbers';
import { SeriesColumns } from './seriesColumns';
import { TradeRing } from './tradeRing';

/** Bar columns after the open time. */
export const BarColumn = { Open: 0, High: 1, Low: 2, Close: 3, Volume: 4 } as const;

export class PanelModel {
  market: MarketFacts | null = null;
  /** The host's key for this panel (its market as the host names it). */
  panel: MarketId | null = null;
  timeframe = '';
  layers: Layers = { volume: true, depth: true, ladder: true, tape: true, heatmap: false, footprint: false };
  hasOlder = false;
  /** Why nothing older can be paged in (null while `hasOlder`). */
  historyEnd: HistoryEnd | null = null;
  /** Why the last page asked for failed; null when it did not (scrolling back asks again). */
  historyFailed: string | null = null;
  readonly bars = new SeriesColumns(5, 4096);
  readonly indicators = new IndicatorStore();
  readonly book = new BookModel();
  readonly trades = new TradeRing(500);
  /** Liquidity heatmap columns (while the heatmap layer is on). */
  readonly heatmap = new HeatmapColumns();
  /** Footprint cells per bar (while the footprint layer is on). */
  readonly footprint = new FootprintCells();
  status: StatusInfo = { state: 'connecting', detail: '', value: 0 };
  /** performance.now() when `status` arrived (to age a stale badge locally). */
  statusAt = 0;
  /** Increases with every `init`; views reset what they drew from the previous one. */
  generation = 0;
  /** Increases with every `history` page. */
  historyPages = 0;
  /** How fast the host sends frames and why (see PaceMessage); full rate until told otherwise. */
  pace: Omit<PaceMessage, 'v' | 'type'> = { fps: 20, watched: true, pinned: false, saving: true };
  /** Increases with every `pace`. */
  paceVersion = 0;
  lastStats: FrameStats | null = null;
  framesApplied = 0;
  /** Why the host could not open this panel's market (null once an `init` arrives). */
  openFailure: { market: MarketId; detail: string } | null = null;

  /**
   * Applies a validated message. Returns why it was refused (its numbers are unusable), or
   * null. A refused message changes nothing. O(message size).
   */
  apply(message: HostMessage, now: number): string | null {
    const problem = checkMessageNumbers(message);
    if (problem !== null) return problem;
    switch (message.type) {
      case 'init':
        this.openFailure = null;
        this.market = message.market;
        this.panel = message.panel;
        this.timeframe = message.timeframe;
        this.layers = { ...message.layers, heatmap: message.layers.heatmap === true, footprint: message.layers.footprint === true };
        this.hasOlder = message.hasOlder;
        this.historyEnd = message.historyEnd;
        this.historyFailed = null;
        this.bars.clear();
        writeBars(this.bars, message.bars);
        this.indicators.reset(message.indicators);
        this.book.reset(message.book);
        this.trades.clear();
        this.trades.pushPacked(message.trades);
        this.setStatus(message.status, now);
        // The next heatmap and footprint diffs reset (the host starts them over with each init).
        this.heatmap.clear();
        this.footprint.clear();
        this.generation++;
        break;
      case 'frame':
        writeBars(this.bars, message.bars);
        this.indicators.merge(message.indicators);
        if (message.book !== null) this.book.apply(message.book);
        this.trades.pushPacked(message.trades);
        if (message.status !== null) this.setStatus(message.status, now);
        if (message.heatmap !== undefined) this.heatmap.apply(message.heatmap);
        if (message.footprint !== undefined) this.footprint.apply(message.footprint);
        this.lastStats = message.stats;
        this.framesApplied++;
        break;
      case 'pace':
        this.pace = { fps: message.fps, watched: message.watched, pinned: message.pinned, saving: message.saving };
        this.paceVersion++;
        break;
      case 'history':
        writeBars(this.bars, message.bars);
        this.indicators.merge(message.indicators);
        this.hasOlder = message.hasOlder;
        this.historyEnd = message.historyEnd;
        this.historyFailed = message.failed;
        this.historyPages++;
        break;
      case 'openFailed':
        this.openFailure = { market: message.market, detail: message.detail };
        break;
    }
    return null;
  }

  private setStatus(status: StatusInfo, now: number): void {
    this.status = status;
    this.statusAt = now;
  }
}

function writeBars(bars: SeriesColumns, packed: Float64Array): void {
  bars.write(
    packed.length / BAR_STRIDE,
    (k) => packed[k * BAR_STRIDE]!,
    (k, c) => packed[k * BAR_STRIDE + 1 + c]!,
  );
}
