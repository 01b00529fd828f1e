/**
 * Fills the footprint of the bars before the live session from the exchange's trade history
 * (`fetchTrades` with `since`; on Binance the aggregate trades, `GET /api/v3/aggTrades`).
 *
 * Bars go newest first: the bars next to the live ones are the ones on screen, a budget cut
 * short leaves the oldest without footprint rather than a hole in the middle, and the engine
 * puts a bar older than every footprint bar in front of them in O(1). Within a bar, pages go
 * forward in time from its open (`since`, ending at the bar's close with `until`), the next page
 * from the previous one's last time, repeats dropped by id. A bar is handed over only whole: one
 * whose pages failed or exceeded the budget stays "no footprint" (never empty or half cells).
 * Requests go through the venue's shared ccxt instance: its throttle keeps them within the
 * exchange's rate limit, and its REST gate holds them back after a 429 until the Retry-After.
 * The engine keeps out trades its live footprint already counts (see HistoryTrades).
 */
import type { HistoryTrades } from '../../engine/footprint/historyTrades';
import type { BackfillProgress } from '../../engine/protocol';
import { backoffDelay, type BackoffOptions } from '../backoff';
import { ErrorAction } from './ccxtErrors';

/** The fields of a ccxt trade the backfill reads. */
export interface HistoryTradeLike {
  id?: string | undefined;
  timestamp?: number | undefined;
  price?: number | undefined;
  amount?: number | undefined;
  side?: string | undefined;
  info?: unknown;
}

export interface FootprintBackfillOptions {
  /** Bars to fill, counting back from the seam bar (the live session's first). */
  bars: number;
  /** Trades asked per request (Binance: at most 1000). */
  pageLimit: number;
  /** Requests per bar at most; a busier bar is left without footprint. */
  maxPagesPerBar: number;
  /** Failed requests in a row before the backfill gives up. */
  maxAttempts: number;
  backoff: BackoffOptions;
  throttledBackoff: BackoffOptions;
}

export interface FootprintBackfillHost {
  /** Trades from `since` (ms, inclusive) up to `until` (ms, inclusive), at most `limit`, oldest first. */
  fetchTrades(since: number, limit: number, until: number): Promise<readonly HistoryTradeLike[]>;
  /** One whole bar's trades, bars newest first. */
  deliver(trades: HistoryTrades): void;
  classify(error: unknown): ErrorAction;
  reason(error: unknown): string;
  /** Ms the exchange still asks us to wait (the REST gate). */
  retryAfterMs(): number;
  /** `note` (and `progress`) changed. */
  progressChanged(): void;
}

export class FootprintBackfill {
  /** What the status detail says: "footprint backfill 40%", the failure, or '' (not running, done). */
  note = '';
  /** The same for the panel's progress bar (the status's `backfill`): undefined when the note is ''. */
  progress: BackfillProgress | undefined;
  /** Counters for diagnostics and tests. */
  readonly stats = { requests: 0, failures: 0, bars: 0, trades: 0, abandonedBars: 0 };
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | undefined;

  /**
   * `seamBarOpen`: open time of the live session's first bar (filled up to `seamUntil`, the
   * newest trade delivered when the backfill starts); the bars before it are filled whole.
   */
  constructor(
    private readonly barMs: number,
    private readonly seamBarOpen: number,
    private readonly seamUntil: number,
    private readonly options: FootprintBackfillOptions,
    private readonly host: FootprintBackfillHost,
  ) {}

  /** Runs to the end (or `stop`); never rejects. */
  async run(): Promise<void> {
    const { bars } = this.options;
    try {
      for (let k = 0; k < bars && !this.stopped; k++) {
        const percent = Math.floor((100 * k) / bars);
        this.setNote(`footprint backfill ${percent}%`, { done: percent / 100, failure: '' });
        const open = this.seamBarOpen - k * this.barMs;
        const until = k === 0 ? Math.min(open + this.barMs - 1, this.seamUntil) : open + this.barMs - 1;
        const trades = await this.fetchBar(open, until);
        if (this.stopped) return;
        if (trades === undefined) {
          this.stats.abandonedBars++;
          continue;
        }
        this.stats.bars++;
        this.stats.trades += trades.count;
        if (trades.count > 0) this.host.deliver(trades);
      }
      if (!this.stopped) this.setNote('', undefined);
    } catch (error) {
      if (this.stopped) return;
      const reason = this.host.reason(error);
      this.setNote(`footprint backfill failed: ${reason}`, { done: this.progress?.done ?? 0, failure: reason });
    }
  }

  /** Stops at the next step; nothing is delivered after it. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.wake?.();
  }

  /**
   * Every trade of [open, until], or undefined when the bar needs more than `maxPagesPerBar`
   * pages (or a page made no progress). Throws once retrying cannot help.
   */
  private async fetchBar(open: number, until: number): Promise<HistoryTrades | undefined> {
    const out: HistoryTrades & { time: number[]; price: number[]; amount: number[]; side: number[]; lastTradeId: number[] } = {
      barOpenTime: open,
      count: 0,
      time: [],
      price: [],
      amount: [],
      side: [],
      lastTradeId: [],
    };
    const idsAtNewest = new Set<string>();
    let since = open;
    for (let page = 0; page < this.options.maxPagesPerBar; page++) {
      const rows = await this.fetchPage(since, until);
      if (rows === undefined) return undefined;
      let added = 0;
      for (const row of rows) {
        const time = row.timestamp;
        if (typeof time !== 'number' || time < open || time > until) continue;
        if (typeof row.price !== 'number' || typeof row.amount !== 'number' || (row.side !== 'buy' && row.side !== 'sell')) continue;
        // Pages overlap at their boundary millisecond: a row seen there is a repeat.
        if (time === since && row.id !== undefined && idsAtNewest.has(row.id)) continue;
        if (time > since) {
          since = time;
          idsAtNewest.clear();
        }
        if (row.id !== undefined) idsAtNewest.add(row.id);
        out.time.push(time);
        out.price.push(row.price);
        out.amount.push(row.amount);
        out.side.push(row.side === 'buy' ? 1 : -1);
        out.lastTradeId.push(lastTradeIdOf(row));
        out.count++;
        added++;
      }
      const last = rows.length > 0 ? rows[rows.length - 1]!.timestamp : undefined;
      if (rows.length < this.options.pageLimit || (typeof last === 'number' && last > until)) return out;
      // A full page of repeats would be asked again and again.
      if (added === 0) return undefined;
    }
    return undefined;
  }

  /** One page, retried after network errors and "too many requests"; undefined once stopped. */
  private async fetchPage(since: number, until: number): Promise<readonly HistoryTradeLike[] | undefined> {
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) return undefined;
      try {
        this.stats.requests++;
        return await this.host.fetchTrades(since, this.options.pageLimit, until);
      } catch (error) {
        if (this.stopped) return undefined;
        this.stats.failures++;
        const action = this.host.classify(error);
        if (action === ErrorAction.Stop || attempt >= this.options.maxAttempts) throw error;
        const backoff = action === ErrorAction.Throttled ? this.options.throttledBackoff : this.options.backoff;
        await this.sleep(Math.max(this.host.retryAfterMs(), backoffDelay(attempt, backoff)));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }

  private setNote(note: string, progress: BackfillProgress | undefined): void {
    if (note === this.note) return;
    this.note = note;
    this.progress = progress;
    this.host.progressChanged();
  }
}

/**
 * The id of the row's last trade in the live stream's id space: Binance's aggregate trades name
 * their last trade (`info.l`; their own id is an aggregate id, another sequence), other
 * exchanges' rows are single trades with the stream's ids. NaN when not a number.
 */
function lastTradeIdOf(row: HistoryTradeLike): number {
  const info = row.info;
  if (typeof info === 'object' && info !== null && 'l' in info) {
    const last = Number((info as { l: unknown }).l);
    if (Number.isFinite(last)) return last;
  }
  const id = Number(row.id);
  return Number.isFinite(id) ? id : NaN;
}
