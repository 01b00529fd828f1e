import { EventKind } from './events';

/**
 * Market events counted by kind: what a simulator produced, a capture reader read or the engine
 * took in. One spelling of the kinds for every counter that reports them.
 */
export class EventKindCounts {
  /** Every event counted, including those of a kind not listed below. */
  events = 0;
  depthDiffs = 0;
  depthSnapshots = 0;
  trades = 0;
  bookTickers = 0;
  bookResyncs = 0;

  /** Counts one event of `kind`. O(1); no allocation. */
  count(kind: EventKind): void {
    this.events++;
    switch (kind) {
      case EventKind.DepthDiff:
        this.depthDiffs++;
        break;
      case EventKind.DepthSnapshot:
        this.depthSnapshots++;
        break;
      case EventKind.Trade:
        this.trades++;
        break;
      case EventKind.BookTicker:
        this.bookTickers++;
        break;
      case EventKind.BookResync:
        this.bookResyncs++;
        break;
    }
  }
}
