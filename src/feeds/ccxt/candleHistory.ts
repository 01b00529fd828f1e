/**
 * Candle history for a live feed, through `fetchOHLCV`. The live bar is built by the engine from
 * trades; the exchange's history is the truth for closed bars. This loads the history, refills
 * the gap after a reconnect, and settles bars that were still open when fetched:
 *
 * - load: the newest `historyBars` bars, paged backwards `pageLimit` at a time.
 * - refill (after the trade stream reconnects): from the newest bar held before the gap to now.
 * - older (the user scrolled back past the bars held): `bars` more before a given bar, paged
 *   backwards the same way; an empty page means the exchange has nothing earlier.
 * - settle: some bars may be incomplete or count a trade twice: a row fetched while its bar was
 *   open (trades in flight around the reply), and the bar in which the trade stream (re)started
 *   (trades before the subscription took effect are missing). Once a trade of a later bar
 *   arrives, the exchange has closed those bars: they are fetched again and merged as closed
 *   (final) bars. Only rows older than the bar of the newest trade are delivered then, so settling
 *   never creates another bar to settle.
 *
 * Requests go through the venue's shared ccxt instance, whose throttle keeps them within the
 * exchange's rate limit. Failures are retried with backoff; a refused request (e.g. a timeframe
 * the exchange does not offer) stops history and says so.
 */
import { barOpenTime, TIMEFRAME_MS, type Timeframe } from '../../engine/candles/timeframe';
import { retryDelay, Sleep, type RetryPolicy } from '../retry';
import { ErrorAction } from './ccxtErrors';
import type { StreamLoopHost } from './streamLoop';
import type { StreamStatus } from './streamStatus';

/** One ccxt OHLCV row `[t, o, h, l, c, v]`. */
export type OhlcvRow = readonly number[];

export interface CandleHistoryOptions extends RetryPolicy {
  historyBars: number;
  pageLimit: number;
}

/** The requests, the sink, and how failures are classified and shown (as for a stream). */
export interface CandleHistoryHost extends StreamLoopHost {
  fetchOHLCV(timeframe: string, since: number | undefined, limit: number): Promise<OhlcvRow[]>;
  deliver(timeframe: Timeframe, rows: OhlcvRow[]): void;
}

type Task = 'load' | 'refill' | 'settle';

/** Attempts of one request of an older page before the failure is shown (scrolling again retries). */
const OLDER_ATTEMPTS = 3;

export class CandleHistory {
  status: StreamStatus = { state: 'connecting', detail: 'candles: loading history', value: 0, attempt: 0, retryAt: NaN };
  /** Requests made, rows delivered, settles done (for tests and diagnostics). */
  readonly stats = { requests: 0, rows: 0, loads: 0, refills: 0, settles: 0 };
  private timeframe: Timeframe;
  private periodMs: number;
  /** Bumped on a timeframe change: replies for the old one are dropped. */
  private generation = 0;
  /** Open time of the newest bar the engine holds (from history or trades); NaN before any. */
  private newestBar = NaN;
  /** Oldest and newest bars to fetch again once a later bar has a trade; NaN when none. */
  private suspectFrom = NaN;
  private suspectNewest = NaN;
  /** The trade stream (re)started: the bar of the next trade is suspect. */
  private awaitingFirstTrade = false;
  /** Newest bar held when the trade stream was interrupted: the refill starts there. */
  private gapFrom = NaN;
  private newestTradeTime = NaN;
  /** Local time when the newest trade arrived (estimates the exchange's "now"). */
  private newestTradeAt = NaN;
  private readonly queued = new Set<Task>();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private stopped = false;
  private readonly pause = new Sleep();
  /** The wait between attempts of an older page (its own: it runs beside the queue). */
  private readonly olderPause = new Sleep();
  /**
   * Bars the exchange serves per request: `pageLimit`, or fewer when the first page of the load
   * came back short of the ask (OKX serves 300).
   */
  private servedPageBars: number;

  constructor(
    timeframe: Timeframe,
    private readonly options: CandleHistoryOptions,
    private readonly host: CandleHistoryHost,
  ) {
    this.timeframe = timeframe;
    this.periodMs = TIMEFRAME_MS[timeframe];
    this.servedPageBars = options.pageLimit;
  }

  /** Loads the newest `historyBars` bars. */
  load(): void {
    this.enqueue('load');
  }

  /**
   * The trade stream is (re)starting: trades may be missing from the newest held bar on. Call it
   * before the stream first subscribes and whenever it fails. O(1).
   */
  tradesInterrupted(): void {
    if (this.gapFrom !== this.gapFrom) this.gapFrom = this.newestBar;
    this.awaitingFirstTrade = true;
  }

  /** Refills from the bar held when trades were interrupted to now; a load when nothing was held. */
  refill(): void {
    this.enqueue(this.gapFrom === this.gapFrom ? 'refill' : 'load');
  }

  /** Follows the trades delivered to the engine. O(1); allocates only when a settle is queued. */
  onTrade(time: number): void {
    if (time < this.newestTradeTime) return;
    this.newestTradeTime = time;
    this.newestTradeAt = this.host.now();
    const bar = barOpenTime(time, this.timeframe);
    if (!(bar <= this.newestBar)) this.newestBar = bar;
    if (this.awaitingFirstTrade) {
      this.awaitingFirstTrade = false;
      this.addSuspect(bar);
    }
    if (bar > this.suspectFrom) this.enqueue('settle');
  }

  /** Switches to `timeframe`: the engine starts an empty series; history for it is loaded. */
  setTimeframe(timeframe: Timeframe): void {
    this.generation++;
    this.timeframe = timeframe;
    this.periodMs = TIMEFRAME_MS[timeframe];
    this.stopped = false;
    this.suspectFrom = NaN;
    this.suspectNewest = NaN;
    this.awaitingFirstTrade = false;
    this.gapFrom = NaN;
    this.newestBar = this.newestTradeTime === this.newestTradeTime ? barOpenTime(this.newestTradeTime, timeframe) : NaN;
    this.queued.clear();
    this.pause.wake();
    this.olderPause.wake();
    this.load();
  }

  /** Stops; pending requests are dropped when they answer. Resolves when the queue is idle. */
  close(): Promise<void> {
    this.closed = true;
    this.pause.wake();
    this.olderPause.wake();
    return this.queue;
  }

  /**
   * Up to `bars` bars of `timeframe` opening before `before`, oldest first, paged backwards
   * through the same requests as the load (the venue's throttle keeps them within the rate
   * limit). Not delivered: the caller merges them. `'none'` when the exchange has no bar before
   * `before`. A failed request is retried with the same backoff as the load, at most
   * `OLDER_ATTEMPTS` times in all; then, or at once for a refused request, it rejects with the
   * reason. Rejects too when the timeframe changes or the history closes meanwhile.
   */
  async fetchOlder(timeframe: Timeframe, before: number, bars: number): Promise<OhlcvRow[] | 'none'> {
    const generation = this.generation;
    if (timeframe !== this.timeframe) throw new Error(`candle history: ${timeframe} is not the chart's timeframe`);
    // Refused before (e.g. a timeframe the exchange does not offer): say so, ask nothing.
    if (this.stopped) throw new Error(this.status.detail);
    const rows = await this.pageBack([], before, bars, -Infinity, generation, (since, limit) => this.fetchRetrying(timeframe, since, limit, generation));
    if (!this.current(generation)) throw new Error('candle history: the timeframe changed or the feed closed');
    return rows.length === 0 ? 'none' : rows;
  }

  private enqueue(task: Task): void {
    if (this.closed || this.stopped || this.queued.has(task)) return;
    this.queued.add(task);
    const generation = this.generation;
    this.queue = this.queue.then(() => this.runWithRetry(task, generation));
  }

  private current(generation: number): boolean {
    return !this.closed && !this.stopped && generation === this.generation;
  }

  private async runWithRetry(task: Task, generation: number): Promise<void> {
    for (let attempt = 1; this.current(generation); attempt++) {
      try {
        // Taken off the queue as it starts, so one queued while it runs is not lost.
        this.queued.delete(task);
        await this.run(task, generation);
        if (this.current(generation) && this.status.state !== 'live') this.setStatus('live', 'candles: live');
        return;
      } catch (error) {
        if (!this.current(generation)) return;
        const action = this.host.classify(error);
        if (action === ErrorAction.Stop) {
          this.stopped = true;
          this.setStatus('error', `candle history: ${this.host.stopMessage(error)}`);
          return;
        }
        const throttled = action === ErrorAction.Throttled;
        const delay = retryDelay(attempt, this.options, { throttled, retryAfterMs: this.host.retryAfterMs?.(error) ?? 0 });
        const why = throttled ? `${this.host.reason(error)} (rate limited)` : this.host.reason(error);
        this.setStatus('reconnecting', `candle history: ${why}; retry ${attempt} in ${(delay / 1000).toFixed(1)} s`, attempt, this.host.now() + delay);
        await this.pause.wait(delay);
      }
    }
  }

  private async run(task: Task, generation: number): Promise<void> {
    if (task === 'settle') return this.settle(generation);
    const tf = this.timeframe;
    let limit = this.options.pageLimit;
    let stopAt = -Infinity;
    const gapFrom = this.gapFrom;
    if (task === 'refill') {
      stopAt = gapFrom;
      // Ask for about the gap (exchange "now" estimated from the newest trade); paging covers more.
      const estimatedNow = this.newestTradeTime === this.newestTradeTime ? this.newestTradeTime + (this.host.now() - this.newestTradeAt) : NaN;
      const gap = Math.ceil((estimatedNow - stopAt) / this.periodMs) + 2;
      if (gap === gap) limit = Math.min(limit, Math.max(2, gap));
    }
    const rows = await this.fetchBack(tf, limit, stopAt, generation);
    if (!this.current(generation)) return;
    if (task === 'refill' && this.gapFrom === gapFrom) this.gapFrom = NaN;
    if (rows.length === 0) return;
    if (task === 'load') this.stats.loads++;
    else this.stats.refills++;
    this.deliver(rows);
    // The newest row was fetched while its bar was open: settle it once a later bar trades.
    this.addSuspect(rows[rows.length - 1]![0]!);
    if (barOpenTime(this.newestTradeTime, tf) > this.suspectFrom) this.enqueue('settle');
  }

  private addSuspect(bar: number): void {
    if (!(bar >= this.suspectFrom)) this.suspectFrom = bar;
    if (!(bar <= this.suspectNewest)) this.suspectNewest = bar;
  }

  /** The newest bars back to `stopAt` (or `historyBars` of them), oldest first. */
  private async fetchBack(tf: Timeframe, limit: number, stopAt: number, generation: number): Promise<OhlcvRow[]> {
    const want = this.options.historyBars;
    const first = Math.min(limit, want);
    const page = await this.fetch(tf, undefined, first);
    // Some exchanges serve fewer bars than asked (OKX 300): page back at the size they serve, so
    // a page asked from `oldest - size` reaches `oldest` with no hole.
    if (page.length > 0) this.servedPageBars = page.length < first ? page.length : this.options.pageLimit;
    if (page.length === 0) return page;
    const rows = await this.pageBack(page, page[0]![0]!, want, stopAt, generation, (since, size) => this.fetch(tf, since, size));
    return rows.length > want ? rows.slice(rows.length - want) : rows;
  }

  /**
   * Prepends to `rows` (oldest first; empty: none yet) pages of bars opening before the oldest
   * of them (or before `before` when empty) until `want` rows, a bar at or before `stopAt`, or an
   * empty page (the exchange has nothing earlier).
   */
  private async pageBack(
    rows: OhlcvRow[],
    before: number,
    want: number,
    stopAt: number,
    generation: number,
    fetch: (since: number, limit: number) => Promise<OhlcvRow[]>,
  ): Promise<OhlcvRow[]> {
    while (rows.length < want && this.current(generation)) {
      const oldest = rows.length > 0 ? rows[0]![0]! : before;
      if (!(oldest > stopAt)) break;
      const size = Math.min(this.servedPageBars, want - rows.length);
      const page = await fetch(oldest - size * this.periodMs, size);
      const older = page.filter((row) => row[0]! < oldest);
      if (older.length === 0) break;
      rows = older.concat(rows);
    }
    return rows;
  }

  /** One request of an older page, retried as the load's are, `OLDER_ATTEMPTS` in all. */
  private async fetchRetrying(tf: Timeframe, since: number, limit: number, generation: number): Promise<OhlcvRow[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.fetch(tf, since, limit);
      } catch (error) {
        const action = this.host.classify(error);
        if (action === ErrorAction.Stop) throw new Error(this.host.stopMessage(error));
        const throttled = action === ErrorAction.Throttled;
        const why = throttled ? `${this.host.reason(error)} (rate limited)` : this.host.reason(error);
        if (attempt >= OLDER_ATTEMPTS || !this.current(generation)) throw new Error(`${why}; ${attempt} attempts`);
        await this.olderPause.wait(retryDelay(attempt, this.options, { throttled, retryAfterMs: this.host.retryAfterMs?.(error) ?? 0 }));
        if (!this.current(generation)) throw new Error('candle history: the timeframe changed or the feed closed');
      }
    }
  }

  private async settle(generation: number): Promise<void> {
    const from = this.suspectFrom;
    const upto = barOpenTime(this.newestTradeTime, this.timeframe);
    if (!(upto > from)) return;
    const count = Math.min(this.options.pageLimit, Math.round((upto - from) / this.periodMs));
    const page = await this.fetch(this.timeframe, from, count);
    if (!this.current(generation)) return;
    // Only closed bars: the one at `upto` and later are still being built from trades.
    const closed = page.filter((row) => row[0]! >= from && row[0]! < upto);
    // Suspects from `upto` on (the live bar) wait for the next bar.
    if (this.suspectNewest >= upto) this.suspectFrom = this.suspectNewest;
    else this.suspectFrom = this.suspectNewest = NaN;
    this.stats.settles++;
    if (closed.length > 0) this.deliver(closed);
  }

  private fetch(tf: Timeframe, since: number | undefined, limit: number): Promise<OhlcvRow[]> {
    this.stats.requests++;
    return this.host.fetchOHLCV(tf, since, limit);
  }

  private deliver(rows: OhlcvRow[]): void {
    const newest = rows[rows.length - 1]![0]!;
    if (!(newest <= this.newestBar)) this.newestBar = newest;
    this.stats.rows += rows.length;
    this.host.deliver(this.timeframe, rows);
  }

  private setStatus(state: StreamStatus['state'], detail: string, attempt = 0, retryAt = NaN): void {
    this.status = { state, detail, value: 0, attempt, retryAt };
    this.host.statusChanged();
  }
}
