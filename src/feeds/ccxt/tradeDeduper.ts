/**
 * Drops trades already delivered: polled `fetchTrades` pages overlap, and a stream must never
 * count a trade twice. Trades come in time order, so one newest time plus the ids seen at that
 * time is enough.
 */
export class TradeDeduper {
  /** Trades dropped as repeats. */
  duplicates = 0;
  private newestTime = -Infinity;
  private readonly idsAtNewest = new Set<string>();

  /**
   * True when the trade (exchange time ms, exchange id) is new. A trade older than the newest
   * seen is a repeat; at the same time its id decides (no id: new). O(1) amortized.
   */
  accept(time: number, id: string | undefined): boolean {
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
