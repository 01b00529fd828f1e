import type { OrderBook } from './orderBook';

/** Tickers compared with the rebuilt book, and those that did not match it. */
export class TickerChecks {
  checks = 0;
  mismatches = 0;

  /** Counts one comparison; returns `same`. O(1). */
  count(same: boolean): boolean {
    this.checks++;
    if (!same) this.mismatches++;
    return same;
  }
}

/**
 * Compares the rebuilt book with the exchange's own best bid/ask (Binance `bookTicker`, whose
 * `u` is the book update id it describes). A check happens when the book's last applied diff
 * ends exactly at a ticker's `u`; tickers usually arrive before the 100 ms depth batch that
 * reaches their id, so they wait in a small ring ordered by `u` (both id streams increase).
 *
 * `whenApplied` counts tickers compared when their diff is applied (the data README's oracle:
 * "after applying the diff whose final id is that u"). A ticker that arrives when the book
 * already stands at its id is compared too, but counted apart (`atArrival`), so the main figures
 * stay comparable with that reference.
 */
export class BookTickerCheck {
  readonly whenApplied = new TickerChecks();
  readonly atArrival = new TickerChecks();
  /** Tickers dropped because the ring was full. */
  overflowed = 0;

  private readonly ids: Float64Array;
  private readonly values: Float64Array; // bid, bidSize, ask, askSize per ticker
  private start = 0;
  private count = 0;

  constructor(readonly capacity = 512) {
    this.ids = new Float64Array(capacity);
    this.values = new Float64Array(capacity * 4);
  }

  /**
   * A ticker arrived. `bookFinalId` is the id the book has reached (-1 when it is not live).
   * Returns false when it was checked and did not match. O(1); no allocation.
   */
  onTicker(book: OrderBook, bookFinalId: number, id: number, bid: number, bidSize: number, ask: number, askSize: number): boolean {
    if (id === bookFinalId) {
      return this.atArrival.count(sameTouch(book, bid, bidSize, ask, askSize));
    }
    if (id < bookFinalId) return true; // describes a state inside an applied batch: not checkable
    if (this.count === this.capacity) {
      this.start = (this.start + 1) % this.capacity;
      this.count--;
      this.overflowed++;
    }
    const at = (this.start + this.count) % this.capacity;
    this.ids[at] = id;
    this.values[at * 4] = bid;
    this.values[at * 4 + 1] = bidSize;
    this.values[at * 4 + 2] = ask;
    this.values[at * 4 + 3] = askSize;
    this.count++;
    return true;
  }

  /**
   * The book has applied a diff ending at `finalId`: checks the waiting ticker with that id and
   * discards older ones. Returns false on a mismatch. O(tickers discarded).
   */
  onDiffApplied(book: OrderBook, finalId: number): boolean {
    let ok = true;
    while (this.count > 0) {
      const id = this.ids[this.start]!;
      if (id > finalId) break;
      if (id === finalId) {
        const v = this.start * 4;
        ok = this.whenApplied.count(sameTouch(book, this.values[v]!, this.values[v + 1]!, this.values[v + 2]!, this.values[v + 3]!)) && ok;
      }
      this.start = (this.start + 1) % this.capacity;
      this.count--;
    }
    return ok;
  }

  /** Forgets waiting tickers (after a resync). */
  clear(): void {
    this.count = 0;
  }
}

function sameTouch(book: OrderBook, bid: number, bidSize: number, ask: number, askSize: number): boolean {
  return book.bids.bestPrice() === bid && book.bids.bestSize() === bidSize && book.asks.bestPrice() === ask && book.asks.bestSize() === askSize;
}
