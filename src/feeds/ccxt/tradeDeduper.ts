import { EventTimeGuard } from '../../engine/eventTime';

/**
 * Drops trades already delivered: polled `fetchTrades` pages overlap, and a stream must never
 * count a trade twice. Trades come in time order, so one newest time plus the ids seen at that
 * time is enough. A trade stamped implausibly (far ahead of the wall clock and the stream, see
 * EventTimeGuard) is refused before it can become the newest time, which would make every
 * later trade look like a repeat and every poll ask for trades from the future.
 */
export class TradeDeduper {
  /** Trades dropped as repeats. */
  duplicates = 0;
  /** Refused stamps: `time.rejected`, the reason in `time.lastRejection`. */
  readonly time = new EventTimeGuard();
  private newestTime = -Infinity;
  private readonly idsAtNewest = new Set<string>();

  /** `now`: the wall clock (ms); live exchange stamps are checked against it. */
  constructor(private readonly now: () => number = Date.now) {}

  /**
   * True when the trade (exchange time ms, exchange id) is new. A trade older than the newest
   * seen is a repeat; at the same time its id decides (no id: new). False too for an
   * implausible time (counted in `time`, not in `duplicates`). O(1) amortized.
   */
  accept(time: number, id: string | undefined): boolean {
    this.time.observe(this.now());
    if (!this.time.accept(time)) return false;
    if (time > this.newestTime) {
      this.newestTime = time;
      this.idsAtNewest.clear();
      if (id !== undefined) this.idsAtNewest.add(id);
      return true;
    }
    if (time < this.newestTime || (id !== undefined && this.idsAtNewest.has(id))) {
      this.duplicates++;
      return false;
    }
    if (id !== undefined) this.idsAtNewest.add(id);
    return true;
  }

  /** Newest trade time accepted (ms), -Infinity before any. */
  get newest(): number {
    return this.newestTime;
  }
}
