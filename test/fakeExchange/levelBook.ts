/**
 * The fake exchange's authoritative price-level book. Levels keep the exchange's own row shape
 * (Binance `[price, size]`, OKX `[price, size, liquidated, orders]`) and strings, so snapshots
 * and checksums reproduce the exchange's bytes exactly.
 */

/** One level as the exchange writes it; `[0]` is the price, `[1]` the size. */
export type LevelRow = readonly string[];

/** Plain copy of a book, best level first on each side. */
export interface BookLevels {
  bids: LevelRow[];
  asks: LevelRow[];
}

/** One side, kept sorted best first; `keys` holds prices negated for bids so both ascend. */
class BookSide {
  private readonly keys: number[] = [];
  private readonly rows: LevelRow[] = [];

  constructor(private readonly descending: boolean) {}

  get depth(): number {
    return this.rows.length;
  }

  /** Sets or (size 0) deletes one level. O(log n) search + O(n) splice. */
  apply(price: number, row: LevelRow, remove: boolean): void {
    const key = this.descending ? -price : price;
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.keys[mid] < key) low = mid + 1;
      else high = mid;
    }
    const found = low < this.keys.length && this.keys[low] === key;
    if (remove) {
      if (found) {
        this.keys.splice(low, 1);
        this.rows.splice(low, 1);
      }
    } else if (found) {
      this.rows[low] = row;
    } else {
      this.keys.splice(low, 0, key);
      this.rows.splice(low, 0, row);
    }
  }

  /** Best `limit` rows (copies of the row arrays). O(limit). */
  top(limit: number): LevelRow[] {
    const count = Math.min(limit, this.rows.length);
    const out: LevelRow[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = this.rows[i].slice();
    return out;
  }

  best(): LevelRow | undefined {
    return this.rows[0];
  }

  clear(): void {
    this.keys.length = 0;
    this.rows.length = 0;
  }
}

/** Two sorted sides. Rejects non-numeric, negative or non-finite prices and sizes. */
export class LevelBook {
  private readonly bidSide = new BookSide(true);
  private readonly askSide = new BookSide(false);
  /** Rows refused as malformed (non-numeric, negative, non-finite). */
  rejected = 0;

  /** Applies one row to a side; size 0 deletes the level. Returns false when rejected. O(n). */
  apply(side: 'bid' | 'ask', row: LevelRow): boolean {
    const price = Number(row[0]);
    const size = Number(row[1]);
    if (!Number.isFinite(price) || !Number.isFinite(size) || price <= 0 || size < 0 || row[0] === '' || row[1] === '') {
      this.rejected++;
      return false;
    }
    (side === 'bid' ? this.bidSide : this.askSide).apply(price, row.slice(), size === 0);
    return true;
  }

  /** Applies every row of `bids` and `asks`. O((b + a) * n). */
  applyAll(bids: readonly LevelRow[], asks: readonly LevelRow[]): void {
    for (const row of bids) this.apply('bid', row);
    for (const row of asks) this.apply('ask', row);
  }

  /** Copy of the best `limit` levels per side (all when omitted). O(limit), allocates. */
  levels(limit = Number.MAX_SAFE_INTEGER): BookLevels {
    return { bids: this.bidSide.top(limit), asks: this.askSide.top(limit) };
  }

  bestBid(): LevelRow | undefined {
    return this.bidSide.best();
  }

  bestAsk(): LevelRow | undefined {
    return this.askSide.best();
  }

  get bidDepth(): number {
    return this.bidSide.depth;
  }

  get askDepth(): number {
    return this.askSide.depth;
  }

  clear(): void {
    this.bidSide.clear();
    this.askSide.clear();
  }
}
