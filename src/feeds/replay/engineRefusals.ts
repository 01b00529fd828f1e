/**
 * What the engine refused of the events a replay handed it, read from the engine's own counters
 * (the engine says nothing per event: its hot path returns nothing). The replay compares the
 * count before and after each event and reports the event's file:line (or row id) when it moved.
 */
import type { Market } from '../../engine/market';

export interface RefusalProbe {
  /** Inputs refused so far. O(1); no allocation. */
  count(): number;
  /** Why the inputs refused since the last call were refused (allocates; called on a refusal only). */
  reason(): string;
}

/** Refusals of the market `market()` returns (none while it returns undefined). */
export class MarketRefusals implements RefusalProbe {
  private badTimes = 0;
  private badDiffs = 0;
  private badSnapshots = 0;
  private invalidBooks = 0;

  constructor(private readonly market: () => Market | undefined) {}

  count(): number {
    const market = this.market();
    if (market === undefined) return 0;
    const sync = market.sync.stats;
    return market.stats.rejected + sync.rejected + sync.snapshotsRejected + sync.invalidBooks;
  }

  reason(): string {
    const market = this.market();
    if (market === undefined) return 'refused';
    const stats = market.stats;
    const sync = market.sync.stats;
    let reason = 'the engine refused it (a bad price, size or time)';
    if (sync.invalidBooks !== this.invalidBooks) reason = `the book went to resync: ${market.sync.resyncReason}`;
    else if (sync.snapshotsRejected !== this.badSnapshots) reason = 'the book refused this snapshot (empty, unsorted, crossed or with bad numbers)';
    else if (sync.rejected !== this.badDiffs) reason = 'the book refused this diff (bad ids or numbers) and resyncs';
    else if (stats.badTimes !== this.badTimes) reason = `the engine refused this trade: ${market.time.lastRejection}`;
    this.badTimes = stats.badTimes;
    this.badDiffs = sync.rejected;
    this.badSnapshots = sync.snapshotsRejected;
    this.invalidBooks = sync.invalidBooks;
    return reason;
  }
}
