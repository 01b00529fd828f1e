/**
 * Replays Binance captures through the engine exactly as a feed would, and reports what a
 * person checking the engine wants to know: diffs applied, the exchange's own best bid/ask
 * compared with the rebuilt book, the final book, resyncs, and (optionally) the closed bars.
 */
import { binanceRule } from '../engine/book/sequenceRule';
import { CandleColumns } from '../engine/candles/candleColumns';
import { TIMEFRAME_MS, type Timeframe } from '../engine/candles/timeframe';
import { CandleField } from '../engine/candles/candleSeries';
import { MarketEvent } from '../engine/events';
import { Market } from '../engine/market';
import { CaptureFileError, CaptureReader, type CaptureCounts, type CaptureLineError } from '../feeds/captureReader';

export interface VerifySummary {
  diffsApplied: number;
  bookTickerChecks: number;
  mismatches: number;
  bids: number;
  asks: number;
  crossed: boolean;
  resyncs: number;
}

export interface VerifyReport {
  summary: VerifySummary;
  counts: CaptureCounts;
  /** Malformed lines and unreadable files, each naming file and line. */
  problems: string[];
  /** Bars whose period ended by the last event's exchange time, when a timeframe was asked for. */
  closedBars: CandleColumns | null;
  market: Market;
}

export interface VerifyOptions {
  candles: Timeframe | null;
  /** Called for each problem as it happens (the replay goes on). */
  onProblem: ((message: string) => void) | null;
}

/** Replays `paths` as one continuous stream. Rejects only for a usage error (no files). */
export async function verifyCaptures(paths: readonly string[], options: Partial<VerifyOptions> = {}): Promise<VerifyReport> {
  const problems: string[] = [];
  const report = (message: string): void => {
    problems.push(message);
    options.onProblem?.(message);
  };
  const market = new Market({
    sequenceRule: binanceRule,
    timeframe: options.candles ?? '1m',
    // Count every disagreement instead of resyncing (a capture has no second snapshot).
    resyncOnTickerMismatch: false,
  });
  const reader = new CaptureReader(paths, { onError: (e: CaptureLineError) => report(e.message) });
  const event = new MarketEvent();
  try {
    for (;;) {
      let more: boolean;
      try {
        more = await reader.fill();
      } catch (error) {
        // A damaged file: what was read is kept, the next file goes on.
        report(error instanceof CaptureFileError ? error.message : String(error));
        continue;
      }
      if (!more) break;
      while (reader.next(event)) market.onEvent(event);
    }
  } finally {
    reader.close();
  }
  market.settle();
  if (market.stats.byKind.depthSnapshots === 0 && market.stats.byKind.depthDiffs > 0) {
    report(`${paths.join(' + ')}: no depth snapshot in the capture, so the book never synced (${market.stats.byKind.depthDiffs} diffs held back)`);
  }
  const book = market.book;
  const summary: VerifySummary = {
    diffsApplied: market.sync.stats.applied,
    bookTickerChecks: market.tickerCheck.whenApplied.checks,
    mismatches: market.tickerCheck.whenApplied.mismatches,
    bids: book.bids.count,
    asks: book.asks.count,
    crossed: book.isCrossed(),
    resyncs: market.sync.stats.gaps,
  };
  let closedBars: CandleColumns | null = null;
  if (options.candles) {
    closedBars = new CandleColumns();
    const c = market.candles;
    // Closed by the exchange's clock: the newest bar too once an event came after its end.
    const newestClosed = c.value(c.lastSeq, CandleField.OpenTime) + TIMEFRAME_MS[c.timeframe] <= market.lastEventTime;
    const lastClosed = newestClosed ? c.lastSeq : c.lastSeq - 1;
    if (c.count > 0 && lastClosed >= c.firstSeq) c.copyRange(c.firstSeq, lastClosed, closedBars);
  }
  return { summary, counts: reader.counts, problems, closedBars, market };
}
