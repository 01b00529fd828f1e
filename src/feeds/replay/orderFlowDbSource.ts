/**
 * Replays an order-flow SQLite database (schema in `recorder/orderFlowSchema.ts`): each `book`
 * row is a snapshot (a DepthSnapshot event, `finalId` = the row id), each `trades` row a trade.
 * Both tables are streamed in id order with one row of lookahead each and merged by timestamp,
 * so the trades inside each book row's window [its time, the next row's time) come after that
 * row, in order (a trade at the very time of a snapshot comes after it). Memory is constant: two
 * open statements and two lookahead rows (three with the optional `orderscope_book_gaps` table:
 * each gap is a BookResync event after the book row it names and after the trades up to its time,
 * so the replay's book is unshowable from there to the next book row, as the live one was).
 *
 * The replay registers as an owner of the file (`recorder/staleSqliteLock.ts`): a lock whose
 * owners are all provably dead is recovered at open, one held by a live process is never taken
 * away. A file a live recorder is writing is refused before (`replayFormat.ts`).
 * Levels are read as JSON or Python literals, timestamps as ISO-8601 or epoch numbers
 * (`orderFlowLevels.ts`, `orderFlowTime.ts`). A bad row is reported (`file: book row id N:
 * reason`) and skipped; a table SQLite can no longer read (corrupt pages) is reported and ends,
 * while the other table plays on.
 */
import type { Database, Statement } from 'node-sqlite3-wasm';
import { okxRule } from '../../engine/book/sequenceRule';
import { EventKind, LevelList, type MarketEvent, TakerSide } from '../../engine/events';
import type { MarketFacts } from '../../engine/protocol';
import type { TickerSnapshot } from '../feed';
import { recordedMarketFacts } from '../recordedMarketFacts';
import { LevelTextParser } from '../recorder/orderFlowLevels';
import { BOOK_GAPS_TABLE, MARKET_FACTS_TABLE, orderFlowSchemaProblem } from '../recorder/orderFlowSchema';
import { parseOrderFlowTime } from '../recorder/orderFlowTime';
import { DatabaseOwnerRecord, describeDeadOwners, SqliteLockedError, withLockRecovery } from '../recorder/staleSqliteLock';
import { matchInstrument } from './instrumentMatch';
import {
  emptyTicker,
  ReplayItem,
  ReplayOpenError,
  replayProblem,
  type ReplayProblem,
  type ReplayProblemHandler,
  type ReplaySource,
  type ReplaySourceInfo,
} from './replaySource';

type Row = Record<string, unknown>;

/** The next book row, parsed. Reused. */
class BookRow {
  id = 0;
  time = NaN;
  readonly bids = new LevelList(64);
  readonly asks = new LevelList(64);
}

/** The next trade row, parsed. Reused. */
class TradeRow {
  id = 0;
  time = NaN;
  tradeId = -1;
  price = NaN;
  amount = NaN;
  side: TakerSide = TakerSide.Buy;
}

/** The next book gap row. Reused. */
class GapRow {
  id = 0;
  time = NaN;
  /** Id of the last book row before the gap. */
  afterBookId = 0;
}

type TableName = 'book' | 'trades' | typeof BOOK_GAPS_TABLE;

/** One table read in id order, one row ahead. */
class TableCursor {
  /** Id of the last row taken from the table. */
  lastId = 0;
  ended = false;
  private rows: Iterator<Row> | null;

  constructor(
    readonly table: TableName,
    private readonly statement: Statement,
    instrument: string | null,
    readonly firstId: number,
    readonly lastIdInTable: number,
  ) {
    this.rows = statement.iterate(instrument === null ? [] : [instrument]) as Iterator<Row>;
  }

  /** The next row, null at the end; throws what SQLite throws (the caller ends the table). */
  take(): Row | null {
    if (this.rows === null) return null;
    const result = this.rows.next();
    if (result.done === true) {
      this.end();
      return null;
    }
    this.lastId = Number(result.value.id);
    return result.value;
  }

  end(): void {
    this.ended = true;
    this.rows = null;
  }

  /** Fraction of the table's id range taken. */
  fraction(): number {
    if (this.ended) return 1;
    const span = this.lastIdInTable - this.firstId + 1;
    return span > 0 ? Math.max(0, Math.min(1, (this.lastId - this.firstId + 1) / span)) : 1;
  }

  finalize(): void {
    this.rows = null;
    try {
      if (!this.statement.isFinalized) this.statement.finalize();
    } catch {
      // finalize() repeats the error of the statement's last step, already reported.
    }
  }
}

export class OrderFlowDbSource implements ReplaySource {
  readonly sequenceRule = okxRule;
  time = NaN;
  readonly ticker: TickerSnapshot = emptyTicker();
  readonly resyncReason = '';
  readonly checksumsVerified = 0;
  readonly checksumMismatches = 0;

  private db: Database | null = null;
  private owner: DatabaseOwnerRecord | null = null;
  private books: TableCursor | null = null;
  private trades: TableCursor | null = null;
  private gaps: TableCursor | null = null;
  private readonly nextBook = new BookRow();
  private readonly nextTrade = new TradeRow();
  private readonly nextGap = new GapRow();
  private hasBook = false;
  private hasTrade = false;
  private hasGap = false;
  /** The table and row id of the last item handed out. */
  private itemTable: TableName = 'book';
  private itemId = 0;
  private readonly levels = new LevelTextParser();

  constructor(
    readonly path: string,
    private readonly onProblem: ReplayProblemHandler,
  ) {}

  async open(wanted: string): Promise<ReplaySourceInfo> {
    // Loaded on first use: instantiating SQLite's WebAssembly takes ~50 ms, which activation of
    // the extension should not pay for a Binance replay.
    const sqlite = await import('node-sqlite3-wasm');
    let schemaProblem: string | null = null;
    // Registered as its reader: a recorder refuses the file meanwhile, and a lock this replay
    // leaves behind if killed is known to be its own.
    const owner = DatabaseOwnerRecord.register(this.path, 'replay');
    this.owner = owner;
    let db: Database;
    try {
      // The first read is what meets a lock (one whose owners are all gone is recovered).
      db = await withLockRecovery(
        this.path,
        owner,
        () => {
          const opened = this.openDatabase(sqlite.Database);
          try {
            schemaProblem = orderFlowSchemaProblem(opened);
            return opened;
          } catch (error) {
            opened.close();
            throw error;
          }
        },
        (lock, dead) => this.onProblem(replayProblem(this.path, -1, `removed the lock ${lock} left by ${describeDeadOwners(dead)}, which is no longer running`)),
      );
      this.db = db;
    } catch (error) {
      this.close();
      if (error instanceof ReplayOpenError) throw error;
      if (error instanceof SqliteLockedError) throw new ReplayOpenError(this.path, error.message.slice(this.path.length + 2));
      throw new ReplayOpenError(this.path, `cannot read this database (${error instanceof Error ? error.message : String(error)})`);
    }
    try {
      if (schemaProblem !== null) throw new ReplayOpenError(this.path, schemaProblem);
      const names = instrumentNames(db);
      // A recording without instrument names holds one market: play it whatever was asked.
      const instrument = names.length === 0 ? null : matchInstrument(wanted, names);
      if (names.length > 0 && instrument === null) {
        throw new ReplayOpenError(this.path, `no market "${wanted}" in this database (it holds ${names.join(', ')})`);
      }
      const where = instrument === null ? 'instrument IS NULL' : 'instrument = ?';
      // Two queries: SQLite answers min() or max() alone from the b-tree's edge, both at once by
      // a full scan (which a corrupt page also breaks).
      const edge = (sql: string): number => {
        try {
          return Number(db.get(sql)?.id ?? 0);
        } catch {
          return 0;
        }
      };
      const range = (table: string): [number, number] => [edge(`SELECT min(id) AS id FROM ${table}`), edge(`SELECT max(id) AS id FROM ${table}`)];
      const [bookFirst, bookLast] = range('book');
      const [tradeFirst, tradeLast] = range('trades');
      this.books = new TableCursor(
        'book',
        db.prepare(`SELECT id, bids, asks, timestamp FROM book WHERE ${where} ORDER BY id`),
        instrument,
        bookFirst,
        bookLast,
      );
      this.trades = new TableCursor(
        'trades',
        db.prepare(`SELECT id, trade_id, price, size, side, timestamp FROM trades WHERE ${where} ORDER BY id`),
        instrument,
        tradeFirst,
        tradeLast,
      );
      if (hasTable(db, BOOK_GAPS_TABLE)) {
        this.gaps = new TableCursor(BOOK_GAPS_TABLE, db.prepare(`SELECT id, timestamp, after_book_id FROM ${BOOK_GAPS_TABLE} WHERE ${where} ORDER BY id`), instrument, 0, 0);
      }
      const samplePrices: number[] = [];
      const sampleSizes: number[] = [];
      this.loadBook();
      this.loadTrade();
      this.loadGap();
      if (this.hasBook) {
        for (const list of [this.nextBook.bids, this.nextBook.asks]) {
          for (let i = 0; i < list.count; i++) {
            samplePrices.push(list.prices[i]!);
            sampleSizes.push(list.sizes[i]!);
          }
        }
      }
      if (this.hasTrade) {
        samplePrices.push(this.nextTrade.price);
        sampleSizes.push(this.nextTrade.amount);
      }
      const recordedFacts = this.recordedFacts(db, instrument);
      return { exchange: 'okx', symbol: instrument ?? wanted, recordedFacts, samplePrices, sampleSizes };
    } catch (error) {
      this.close();
      if (error instanceof ReplayOpenError) throw error;
      throw new ReplayOpenError(this.path, `cannot read this database (${error instanceof Error ? error.message : String(error)})`);
    }
  }

  async fill(): Promise<boolean> {
    return this.hasBook || this.hasTrade || this.hasGap;
  }

  next(event: MarketEvent): ReplayItem {
    const book = this.nextBook;
    const trade = this.nextTrade;
    const gap = this.nextGap;
    if (this.hasGap && (!this.hasBook || book.id > gap.afterBookId) && (!this.hasTrade || trade.time > gap.time)) {
      event.reset(EventKind.BookResync);
      event.time = gap.time;
      this.time = gap.time;
      this.itemTable = BOOK_GAPS_TABLE;
      this.itemId = gap.id;
      this.loadGap();
      return ReplayItem.Event;
    }
    if (this.hasBook && (!this.hasTrade || !(trade.time < book.time))) {
      event.reset(EventKind.DepthSnapshot);
      event.finalId = book.id;
      event.time = book.time;
      event.bids.copyFrom(book.bids);
      event.asks.copyFrom(book.asks);
      this.time = book.time;
      this.itemTable = 'book';
      this.itemId = book.id;
      this.loadBook();
      return ReplayItem.Event;
    }
    if (this.hasTrade) {
      event.reset(EventKind.Trade);
      event.time = trade.time;
      event.tradeId = trade.tradeId;
      event.price = trade.price;
      event.amount = trade.amount;
      event.takerSide = trade.side;
      this.time = trade.time;
      this.itemTable = 'trades';
      this.itemId = trade.id;
      this.loadTrade();
      return ReplayItem.Event;
    }
    return ReplayItem.None;
  }

  itemProblem(reason: string): ReplayProblem {
    return rowProblem(this.path, this.itemTable, this.itemId, reason);
  }

  progress(): number {
    const books = this.books;
    const trades = this.trades;
    if (books === null || trades === null) return 0;
    const bookSpan = Math.max(0, books.lastIdInTable - books.firstId + 1);
    const tradeSpan = Math.max(0, trades.lastIdInTable - trades.firstId + 1);
    if (bookSpan + tradeSpan === 0) return 1;
    return (books.fraction() * bookSpan + trades.fraction() * tradeSpan) / (bookSpan + tradeSpan);
  }

  close(): void {
    this.books?.finalize();
    this.trades?.finalize();
    this.gaps?.finalize();
    this.books = this.trades = this.gaps = null;
    this.hasBook = this.hasTrade = this.hasGap = false;
    try {
      if (this.db?.isOpen) this.db.close();
    } catch {
      // Nothing is written; a failing close loses nothing.
    }
    this.db = null;
    this.owner?.release();
    this.owner = null;
  }

  /**
   * The live market's facts Orderscope's recorder stored for `instrument`; null for a database
   * without them (the order-flow tool's own, an older recording). A row it cannot use is reported.
   */
  private recordedFacts(db: Database, instrument: string | null): MarketFacts | null {
    if (instrument === null) return null;
    const table = db.get("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", [MARKET_FACTS_TABLE]);
    if (table === null || table === undefined) return null;
    const row = db.get(
      `SELECT exchange, symbol, tick_size AS tickSize, price_precision AS pricePrecision, amount_precision AS amountPrecision FROM ${MARKET_FACTS_TABLE} WHERE instrument = ?`,
      [instrument],
    );
    if (row === null || row === undefined) return null;
    const facts = recordedMarketFacts(row);
    if (typeof facts !== 'string') return facts;
    this.onProblem(replayProblem(this.path, -1, `${MARKET_FACTS_TABLE}: ${facts}: the market's facts are inferred`));
    return null;
  }

  /**
   * Read-write when possible, so SQLite can roll back what a killed recorder left half-written
   * (a hot journal); nothing else is ever written. Read-only for a write-protected file.
   */
  private openDatabase(DatabaseClass: typeof Database): Database {
    try {
      return new DatabaseClass(this.path, { fileMustExist: true });
    } catch (first) {
      try {
        return new DatabaseClass(this.path, { readOnly: true });
      } catch {
        throw new ReplayOpenError(this.path, `cannot open this database (${first instanceof Error ? first.message : String(first)})`);
      }
    }
  }

  /** Advances the book lookahead to the next usable row. */
  private loadBook(): void {
    const cursor = this.books;
    this.hasBook = false;
    if (cursor === null) return;
    const out = this.nextBook;
    for (let row = this.takeRow(cursor); row !== null; row = this.takeRow(cursor)) {
      out.id = cursor.lastId;
      out.time = parseOrderFlowTime(row.timestamp);
      if (!(out.time === out.time)) {
        this.rowProblem(cursor, `timestamp ${JSON.stringify(row.timestamp)} is not ISO-8601 or an epoch number`);
        continue;
      }
      if (!this.readLevels(cursor, 'bids', row.bids, out.bids) || !this.readLevels(cursor, 'asks', row.asks, out.asks)) continue;
      sortBestFirst(out.bids, true);
      sortBestFirst(out.asks, false);
      this.hasBook = true;
      return;
    }
  }

  /** Advances the gap lookahead to the next usable row. */
  private loadGap(): void {
    const cursor = this.gaps;
    this.hasGap = false;
    if (cursor === null) return;
    const out = this.nextGap;
    for (let row = this.takeRow(cursor); row !== null; row = this.takeRow(cursor)) {
      out.id = cursor.lastId;
      out.time = parseOrderFlowTime(row.timestamp);
      out.afterBookId = Number(row.after_book_id);
      if (!(out.time === out.time) || !Number.isInteger(out.afterBookId)) {
        this.rowProblem(cursor, 'unreadable timestamp or after_book_id');
        continue;
      }
      this.hasGap = true;
      return;
    }
  }

  /** Advances the trade lookahead to the next usable row. */
  private loadTrade(): void {
    const cursor = this.trades;
    this.hasTrade = false;
    if (cursor === null) return;
    const out = this.nextTrade;
    for (let row = this.takeRow(cursor); row !== null; row = this.takeRow(cursor)) {
      out.id = cursor.lastId;
      out.time = parseOrderFlowTime(row.timestamp);
      out.price = typeof row.price === 'number' ? row.price : NaN;
      out.amount = typeof row.size === 'number' ? row.size : NaN;
      const side = typeof row.side === 'string' ? row.side.trim().toLowerCase() : '';
      if (!(out.time === out.time)) {
        this.rowProblem(cursor, `timestamp ${JSON.stringify(row.timestamp)} is not ISO-8601 or an epoch number`);
      } else if (!(out.price > 0 && out.price < Infinity) || !(out.amount >= 0 && out.amount < Infinity)) {
        this.rowProblem(cursor, `price ${JSON.stringify(row.price)} or size ${JSON.stringify(row.size)} is not a usable number`);
      } else if (side !== 'buy' && side !== 'sell' && side !== 'b' && side !== 's') {
        this.rowProblem(cursor, `side ${JSON.stringify(row.side)} is not buy or sell`);
      } else {
        out.side = side[0] === 'b' ? TakerSide.Buy : TakerSide.Sell;
        const id = Number(row.trade_id);
        out.tradeId = row.trade_id !== null && Number.isSafeInteger(id) && id >= 0 ? id : -1;
        this.hasTrade = true;
        return;
      }
    }
  }

  /** The next row of a table; on an SQLite error (corrupt pages) reports it and ends the table. */
  private takeRow(cursor: TableCursor): Row | null {
    try {
      return cursor.take();
    } catch (error) {
      const after = cursor.lastId > 0 ? `after row id ${cursor.lastId}` : 'at its first row';
      const detail = error instanceof Error ? error.message : String(error);
      this.onProblem(replayProblem(this.path, 0, `table "${cursor.table}" unreadable ${after} (${detail}); the rest of it is skipped`));
      cursor.end();
      return null;
    }
  }

  private readLevels(cursor: TableCursor, column: string, value: unknown, out: LevelList): boolean {
    if (typeof value !== 'string') {
      this.rowProblem(cursor, `${column} is not text`);
      return false;
    }
    if (!this.levels.parse(value, out)) {
      this.rowProblem(cursor, `${column} is not a level list: ${this.levels.reason}`);
      return false;
    }
    return true;
  }

  private rowProblem(cursor: TableCursor, reason: string): void {
    this.onProblem(rowProblem(this.path, cursor.table, cursor.lastId, reason));
  }
}

/** A problem with row `id` of `table`: `file: book row id N: reason`. */
function rowProblem(file: string, table: TableName, id: number, reason: string): ReplayProblem {
  return { file, line: id, reason, message: `${file}: ${table} row id ${id}: ${reason}` };
}

/**
 * The instruments a database holds. A table with corrupt pages fails a full scan: then the names
 * in the rows before the damage are used (the replay reports the damage when it gets there).
 */
function instrumentNames(db: Database): string[] {
  const names = new Set<string>();
  for (const table of ['book', 'trades']) {
    for (const sql of [`SELECT DISTINCT instrument FROM ${table}`, `SELECT DISTINCT instrument FROM (SELECT instrument FROM ${table} ORDER BY id LIMIT 1000)`]) {
      try {
        for (const row of db.all(sql)) if (typeof row.instrument === 'string') names.add(row.instrument);
        break;
      } catch {
        // Try the smaller scan, else go without this table's names.
      }
    }
  }
  return [...names];
}

/** Sorts levels best-first (bids descending, asks ascending) when they are not. O(n) if sorted. */
function sortBestFirst(list: LevelList, isBid: boolean): void {
  const prices = list.prices;
  const sizes = list.sizes;
  const n = list.count;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = isBid ? prices[i - 1]! > prices[i]! : prices[i - 1]! < prices[i]!;
  if (sorted) return;
  // Insertion sort: book rows hold tens of levels.
  for (let i = 1; i < n; i++) {
    const p = prices[i]!;
    const s = sizes[i]!;
    let j = i - 1;
    while (j >= 0 && (isBid ? prices[j]! < p : prices[j]! > p)) {
      prices[j + 1] = prices[j]!;
      sizes[j + 1] = sizes[j]!;
      j--;
    }
    prices[j + 1] = p;
    sizes[j + 1] = s;
  }
}

/** Whether `db` has table `name`. */
function hasTable(db: Database, name: string): boolean {
  const row = db.get("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", [name]);
  return row !== null && row !== undefined;
}
