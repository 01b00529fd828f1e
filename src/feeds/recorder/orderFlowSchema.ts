/**
 * The SQLite schema of the OKX order-flow tool that users already have recordings in:
 *
 * ```sql
 * book(id INTEGER PRIMARY KEY, instrument TEXT, bids TEXT NOT NULL, asks TEXT NOT NULL, timestamp TEXT NOT NULL)
 * trades(id INTEGER PRIMARY KEY, instrument TEXT, trade_id TEXT, price REAL NOT NULL, size REAL NOT NULL,
 *        side TEXT NOT NULL, timestamp TEXT NOT NULL)
 * ```
 *
 * Each `book` row is a snapshot of the top levels (see `orderFlowLevels.ts`); each `trades` row
 * one trade, `side` the taker's (`buy`/`sell`); timestamps as in `orderFlowTime.ts`.
 *
 * Orderscope's recorder adds one optional table, the live market's facts per instrument (see
 * `recordedMarketFacts.ts`), so a replay shows the decimals the live chart showed:
 *
 * ```sql
 * orderscope_market_facts(instrument TEXT PRIMARY KEY, exchange TEXT NOT NULL, symbol TEXT NOT NULL,
 *        tick_size REAL NOT NULL, price_precision INTEGER NOT NULL, amount_precision INTEGER NOT NULL)
 * ```
 *
 * and one for the book's gaps: where the live book stopped being the exchange's (a resync) until
 * the next `book` row, placed after book row `after_book_id` (see `recordedBookGap.ts`):
 *
 * ```sql
 * orderscope_book_gaps(id INTEGER PRIMARY KEY, instrument TEXT, timestamp TEXT NOT NULL, after_book_id INTEGER NOT NULL)
 * ```
 *
 * A database without them (the tool's own, an older recording) is still an order-flow recording.
 */
import type { Database } from 'node-sqlite3-wasm';

export const ORDER_FLOW_SCHEMA_SQL =
  'CREATE TABLE IF NOT EXISTS book(id INTEGER PRIMARY KEY, instrument TEXT, bids TEXT NOT NULL, asks TEXT NOT NULL, timestamp TEXT NOT NULL);' +
  'CREATE TABLE IF NOT EXISTS trades(id INTEGER PRIMARY KEY, instrument TEXT, trade_id TEXT, price REAL NOT NULL, size REAL NOT NULL, side TEXT NOT NULL, timestamp TEXT NOT NULL);';

/** The optional market-facts table; created when absent by the recorder. */
export const MARKET_FACTS_TABLE = 'orderscope_market_facts';
export const MARKET_FACTS_SCHEMA_SQL =
  `CREATE TABLE IF NOT EXISTS ${MARKET_FACTS_TABLE}(instrument TEXT PRIMARY KEY, exchange TEXT NOT NULL, symbol TEXT NOT NULL, ` +
  'tick_size REAL NOT NULL, price_precision INTEGER NOT NULL, amount_precision INTEGER NOT NULL);';

/** The optional book-gaps table; created when absent by the recorder. */
export const BOOK_GAPS_TABLE = 'orderscope_book_gaps';
export const BOOK_GAPS_SCHEMA_SQL = `CREATE TABLE IF NOT EXISTS ${BOOK_GAPS_TABLE}(id INTEGER PRIMARY KEY, instrument TEXT, timestamp TEXT NOT NULL, after_book_id INTEGER NOT NULL);`;

/** Columns each table must have (extra columns are allowed and ignored). */
export const ORDER_FLOW_COLUMNS: Readonly<Record<'book' | 'trades', readonly string[]>> = {
  book: ['id', 'instrument', 'bids', 'asks', 'timestamp'],
  trades: ['id', 'instrument', 'trade_id', 'price', 'size', 'side', 'timestamp'],
};

/**
 * Null when `db` has both tables with the needed columns (`id` being the rowid), else a reason a
 * person can act on, naming what is missing and which tables the file has. Reads the schema
 * only; throws what SQLite throws (a corrupt file).
 */
export function orderFlowSchemaProblem(db: Database): string | null {
  const tables = db.all("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((row) => String(row.name));
  for (const [table, needed] of Object.entries(ORDER_FLOW_COLUMNS)) {
    if (!tables.includes(table)) {
      const found = tables.length > 0 ? tables.join(', ') : 'none';
      return `not an order-flow recording: no "${table}" table (tables: ${found})`;
    }
    const columns = db.all(`PRAGMA table_info(${table})`);
    const names = columns.map((row) => String(row.name));
    const missing = needed.filter((name) => !names.includes(name));
    if (missing.length > 0) {
      return `not an order-flow recording: table "${table}" lacks ${missing.map((m) => `"${m}"`).join(', ')} (columns: ${names.join(', ')})`;
    }
    const id = columns.find((row) => row.name === 'id');
    if (id === undefined || Number(id.pk) !== 1 || String(id.type).toUpperCase() !== 'INTEGER') {
      return `not an order-flow recording: "${table}.id" is not an INTEGER PRIMARY KEY`;
    }
  }
  return null;
}
