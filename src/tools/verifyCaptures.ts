/**
 * Replays Binance captures through the engine exactly as a feed would, and reports what a
 * person checking the engine wants to know: diffs applied, the exchange's own best bid/ask
 * compared with the rebuilt book, the final book, resyncs, and (optionally) the closed bars and
 * their footprints.
 */
import { binanceRule } from '../engine/book/sequenceRule';
import { CandleColumns } from '../engine/candles/candleColumns';
import { isClockTimeframe, TIMEFRAME_MS, type ChartTimeframe } from '../engine/candles/timeframe';
import { CandleField } from '../engine/candles/candleSeries';
import { MarketEvent } from '../engine/events';
import { Market } from '../engine/market';
import { CaptureFileError, CaptureReader, type CaptureCounts, type CaptureLineError } from '../feeds/captureReader';
import { scanTradeDecimals } from './tradeDecimals';

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
  /** Per closed bar, its footprint at the exchange's prices, when a footprint was asked for. */
  footprints: FootprintLine[] | null;
  market: Market;
}

/**
 * One closed bar's footprint: `[price, buyQty, sellQty]` per traded price, ascending, at the
 * exchange's own prices and the amounts' own decimals; `fp` is null when the bar has no footprint.
 */
export interface FootprintLine {
  t: number;
  fp: [number, number, number][] | null;
}

export interface VerifyOptions {
  candles: ChartTimeframe | null;
  /** Footprints of this timeframe (the same as `candles` when both are given). */
  footprint: ChartTimeframe | null;
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
  if (options.candles && options.footprint && options.candles !== options.footprint) {
    throw new Error(`--candles ${options.candles} and --footprint ${options.footprint} must name the same timeframe`);
  }
  // Footprint cells are whole ticks: a tick as fine as the finest traded price keeps every price apart.
  const decimals = options.footprint ? await scanTradeDecimals(paths) : null;
  const market = new Market({
    sequenceRule: binanceRule,
    timeframe: options.candles ?? options.footprint ?? '1m',
    ...(decimals ? { tickSize: 10 ** -decimals.price } : {}),
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
  const c = market.candles;
  // Closed by the exchange's clock: the newest bar too once an event came after its end. A bar of
  // N trades or volume closes only when the next trade opens another: the newest one is live.
  const tf = c.timeframe;
  const newestClosed = isClockTimeframe(tf) && c.value(c.lastSeq, CandleField.OpenTime) + TIMEFRAME_MS[tf] <= market.lastEventTime;
  const lastClosed = newestClosed ? c.lastSeq : c.lastSeq - 1;
  const closed = new CandleColumns();
  if (c.count > 0 && lastClosed >= c.firstSeq) c.copyRange(c.firstSeq, lastClosed, closed);
  const footprints: FootprintLine[] | null = decimals ? [] : null;
  if (footprints && decimals) {
    for (let i = 0; i < closed.count; i++) footprints.push(footprintLine(market, closed.openTime[i], decimals.amount));
  }
  return { summary, counts: reader.counts, problems, closedBars: options.candles ? closed : null, footprints, market };
}

/** Bar `openTime`'s cells that traded, prices ascending, amounts rounded to `amountDecimals`. */
function footprintLine(market: Market, openTime: number, amountDecimals: number): FootprintLine {
  const fp = market.footprint;
  const slot = fp.find(openTime);
  if (slot < 0) return { t: openTime, fp: null };
  const rows: [number, number, number][] = [];
  const amount = (x: number): number => Number(x.toFixed(amountDecimals));
  for (let tick = fp.lowTickAt(slot); tick <= fp.highTickAt(slot); tick++) {
    const i = fp.cellIndex(slot, tick);
    const buy = fp.cells.buy(i);
    const sell = fp.cells.sell(i);
    if (buy > 0 || sell > 0) rows.push([fp.priceOf(tick), amount(buy), amount(sell)]);
  }
  return { t: openTime, fp: rows };
}
