/**
 * The one definition of a candle's columns: the fields of an exchange kline, each the index of
 * its column in a {@link CandleArrays}. Everything that stores candles as columns (the series'
 * ring, runs copied out or merged in, the simulator's bar rings) is a CandleArrays. A field
 * added here gets its column, its named property, copies and comparisons; what gives it a meaning
 * (setRow's parameters, CandleBar, how CandleSeries builds it from trades) is written by hand.
 */
export const CandleField = {
  /** Bar open time, ms UTC. */
  OpenTime: 0,
  Open: 1,
  High: 2,
  Low: 3,
  Close: 4,
  /** Base-asset volume. */
  Volume: 5,
  /** Quote-asset volume: the sum of price × amount. */
  QuoteVolume: 6,
  /** Base volume bought by takers. */
  TakerBuyVolume: 7,
  TradeCount: 8,
} as const;
export type CandleField = (typeof CandleField)[keyof typeof CandleField];

/** Fields (columns) of a candle. */
export const CANDLE_FIELD_COUNT = Object.keys(CandleField).length;

/** A field's name as a property: `OpenTime` → `openTime`. */
export type CandleFieldName = Uncapitalize<keyof typeof CandleField>;

/** Property name of each field, by {@link CandleField} index. */
const FIELD_NAMES: readonly CandleFieldName[] = (() => {
  const names: CandleFieldName[] = [];
  for (const [key, field] of Object.entries(CandleField)) names[field] = (key.charAt(0).toLowerCase() + key.slice(1)) as CandleFieldName;
  return names;
})();

/**
 * Rows of candles as parallel Float64Arrays of one length (struct of arrays), one per
 * {@link CandleField}. Each field's array is also a read-only property named after it
 * (`bars.close[i]`), for code that reads a known field; code that treats every field alike loops
 * over the columns.
 */
// The named properties are set from CandleField (setColumn): plain data properties, as fast to
// read on the trade path as hand-written fields.
export interface CandleArrays extends Readonly<Record<CandleFieldName, Float64Array>> {}
export class CandleArrays {
  /** One array per {@link CandleField}, by index; all of the same length. */
  protected readonly columns: Float64Array[] = [];

  /** Allocates `rows` rows (at least one), filled with 0. */
  constructor(rows: number) {
    const size = Math.max(1, Math.floor(rows));
    for (let f = 0; f < CANDLE_FIELD_COUNT; f++) this.setColumn(f, new Float64Array(size));
  }

  /** Rows the arrays hold. */
  get capacity(): number {
    return this.columns[CandleField.OpenTime].length;
  }

  /** The array of one field. O(1). */
  column(field: CandleField): Float64Array {
    return this.columns[field];
  }

  /**
   * Writes row `i`, fields in {@link CandleField} order; a field the source lacks is NaN (the
   * default for the last three). O(1); no allocation.
   */
  setRow(
    i: number,
    openTime: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
    quoteVolume = NaN,
    takerBuyVolume = NaN,
    tradeCount = NaN,
  ): void {
    const c = this.columns;
    c[CandleField.OpenTime][i] = openTime;
    c[CandleField.Open][i] = open;
    c[CandleField.High][i] = high;
    c[CandleField.Low][i] = low;
    c[CandleField.Close][i] = close;
    c[CandleField.Volume][i] = volume;
    c[CandleField.QuoteVolume][i] = quoteVolume;
    c[CandleField.TakerBuyVolume][i] = takerBuyVolume;
    c[CandleField.TradeCount][i] = tradeCount;
  }

  /** Copies row `from` of `source` (which may be this) into row `to`. O(fields); no allocation. */
  copyRow(to: number, source: CandleArrays, from: number): void {
    for (let f = 0; f < CANDLE_FIELD_COUNT; f++) this.columns[f][to] = source.columns[f][from];
  }

  /** Makes `column` the array of field `f`, by index and by name. */
  protected setColumn(f: number, column: Float64Array): void {
    this.columns[f] = column;
    (this as unknown as Record<CandleFieldName, Float64Array>)[FIELD_NAMES[f]] = column;
  }

  /** Whether row `i` differs from row `j` of `other` in any field (NaN equals NaN). O(fields). */
  rowDiffers(i: number, other: CandleArrays, j: number): boolean {
    for (let f = 0; f < CANDLE_FIELD_COUNT; f++) {
      const a = this.columns[f][i];
      const b = other.columns[f][j];
      if (a !== b && !(a !== a && b !== b)) return true;
    }
    return false;
  }
}

/**
 * A run of candles from row 0 (`count` rows) that grows as rows are added: what
 * {@link CandleSeries.copyRange} fills for protocol messages and what
 * {@link CandleSeries.mergeHistory} reads from a feed. NaN in `quoteVolume`, `takerBuyVolume` or
 * `tradeCount` means the source did not give it (ccxt's fetchOHLCV rows carry only time, OHLC
 * and volume).
 */
export class CandleColumns extends CandleArrays {
  /** Rows in use, from index 0. */
  count = 0;

  constructor(capacity = 64) {
    super(capacity);
  }

  clear(): void {
    this.count = 0;
  }

  /**
   * Makes room for at least `rows` rows, keeping the first `count`. O(n) when it grows (by
   * doubling), O(1) otherwise; allocates only when it grows.
   */
  ensureCapacity(rows: number): void {
    let size = this.capacity;
    if (rows <= size) return;
    while (size < rows) size *= 2;
    for (let f = 0; f < CANDLE_FIELD_COUNT; f++) {
      const grown = new Float64Array(size);
      grown.set(this.columns[f]);
      this.setColumn(f, grown);
    }
  }

  /**
   * Adds one row at the end and returns its index; its values are stale until written
   * (`columns.setRow(columns.appendRow(), …)` appends a row). Amortized O(1); allocates only
   * when the capacity doubles.
   */
  appendRow(): number {
    const i = this.count;
    this.ensureCapacity(i + 1);
    this.count = i + 1;
    return i;
  }
}
