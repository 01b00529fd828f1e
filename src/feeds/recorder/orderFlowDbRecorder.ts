/**
 * Records a session into an order-flow SQLite database (schema in `orderFlowSchema.ts`), through
 * node-sqlite3-wasm (WebAssembly SQLite writing the file directly, so it runs in VS Code's
 * Electron without a native module).
 *
 * What a row is:
 * - `trades`: one row per trade event; `trade_id` the exchange id as text (NULL when unknown),
 *   `side` the taker's side (`buy`/`sell`), `timestamp` the trade's exchange time.
 * - `book`: a snapshot of the best `bookDepth` (default 20) levels per side, written once per
 *   `bookIntervalMs` (default 100) window of exchange time in which the book changed: the book as it stood
 *   after the window's last change, stamped with that change's exchange time. The first book (at
 *   the start, and after a resync) is written at once as well, so a replay has a book from the
 *   first trade on. When the book then
 *   stays unchanged for one interval of local time, its row is written at the next flush (so a
 *   quiet book is not held back). Nothing is written while the book is resyncing (it is not the
 *   exchange's book then). The recorder rebuilds the book itself from the diffs and snapshots it
 *   is given (with the exchange's sequence rule) or mirrors the feed's book.
 * - `orderscope_book_gaps`: one row where the book stopped being the exchange's (a resync, or a
 *   replayed `BookResync` event), after the book row written before it, so a replay's book goes
 *   unshowable there until the next `book` row, as the live one did (`recordedBookGap.ts`).
 * - Times as ISO-8601 UTC text with milliseconds (`orderFlowTime.ts`); levels as JSON
 *   (`orderFlowLevels.ts`); `instrument` the `symbol` option, else the events' symbol.
 *
 * Sharing the file (`staleSqliteLock.ts`): the recorder registers as an owner of the file; a
 * lock whose owners are all provably dead is recovered, one held by a live process is never taken
 * away. Recording into a file that a replay is reading is refused at open (the replay holds the
 * lock for as long as it reads, so nothing could be written).
 *
 * Durability: events are buffered in typed arrays and written by a timer every
 * `flushIntervalMs` (<= 1 s) in one transaction, so a killed process loses at most the last
 * interval and the file stays a valid database (SQLite's rollback journal undoes a half-written
 * transaction when the file is next opened). A burst beyond 65,536 buffered trades is written at
 * once. A locked database (SQLITE_BUSY) or a full disk keeps the rows buffered and retries with
 * backoff (50 ms doubling to 1 s); only past {@link MAX_PENDING_TRADES} buffered trades do new
 * ones fail, and at `close()` whatever still cannot be written after {@link CLOSE_WAIT_MS} fails;
 * each failure is counted in the stats and reported.
 */
import type { Database, Statement } from 'node-sqlite3-wasm';
import type { MarketFacts } from '../../engine/protocol';
import type { ExternalLevel } from '../../engine/book/bookSide';
import { BookSync, DiffOutcome } from '../../engine/book/bookSync';
import { BookChanges, BookReject, LevelRows, OrderBook } from '../../engine/book/orderBook';
import { isPrice, isSize } from '../../engine/book/levelValidity';
import { binanceRule } from '../../engine/book/sequenceRule';
import { EventKind, type MarketEvent } from '../../engine/events';
import { ExchangeClock } from './exchangeClock';
import { LevelTextWriter } from './orderFlowLevels';
import { BOOK_GAPS_SCHEMA_SQL, BOOK_GAPS_TABLE, MARKET_FACTS_SCHEMA_SQL, MARKET_FACTS_TABLE, ORDER_FLOW_SCHEMA_SQL, orderFlowSchemaProblem } from './orderFlowSchema';
import { formatOrderFlowTime, MAX_ORDER_FLOW_TIME_MS } from './orderFlowTime';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DatabaseOwnerRecord,
  describeDeadOwners,
  describeOwner,
  isSqliteBusy,
  liveOwner,
  recoverDeadLock,
  SqliteLockedError,
  withLockRecovery,
} from './staleSqliteLock';
import { isDiskFull, RecorderError, RecorderStats, resolveRecorderOptions, type Recorder, type RecorderOptions } from './recorder';

/** Trades buffered before a flush is forced. */
const MAX_BUFFERED_TRADES = 65_536;
/** Trades kept while the database is locked or the disk full (~40 MB); beyond, new ones fail. */
export const MAX_PENDING_TRADES = 1 << 20;
/** Book rows kept likewise. */
const MAX_PENDING_BOOK_ROWS = 1 << 16;
/** Backoff between write attempts that met a lock or a full disk. */
const RETRY_FIRST_MS = 50;
const RETRY_MAX_MS = 1000;
/** How long `close()` keeps trying to write what is pending. */
export const CLOSE_WAIT_MS = 3000;
/** Trades per INSERT statement: one statement step per batch costs far less than one per row. */
const TRADE_BATCH = 32;
const TRADE_COLUMNS = 6;

export class OrderFlowDbRecorder implements Recorder {
  readonly stats = new RecorderStats();

  private readonly options: RecorderOptions;
  private readonly db: Database;
  private insertBook!: Statement;
  private insertTrade!: Statement;
  private insertTrades!: Statement;
  private insertGap!: Statement;
  private readonly timer: NodeJS.Timeout;
  private readonly clock = new ExchangeClock();
  private closed = false;
  private lastSymbol = '';
  /** Backoff after a write that met a lock or a full disk: no attempt before `retryAt`. */
  private retryAt = 0;
  private retryDelay = 0;
  /** The current blocked spell was reported (reported once per spell). */
  private blockReported = false;
  private overflowReported = false;

  // Buffered trades, struct-of-arrays (grown by doubling).
  private tradeTimes = new Float64Array(1024);
  private tradePrices = new Float64Array(1024);
  private tradeSizes = new Float64Array(1024);
  private tradeIds = new Float64Array(1024);
  private tradeSides = new Int8Array(1024);
  private tradeCount = 0;

  // Buffered book rows (a few per second: plain arrays).
  private bookTimes: number[] = [];
  private bookBids: string[] = [];
  private bookAsks: string[] = [];
  /** Whether each buffered book row is a gap (the book stopped being the exchange's there). */
  private bookGaps: boolean[] = [];

  // The recorder's own copy of the book, and the sampling state.
  private readonly book = new OrderBook(2048);
  private readonly sync: BookSync;
  private readonly changes = new BookChanges();
  private readonly levelText = new LevelTextWriter();
  private readonly bidRows: LevelRows;
  private readonly askRows: LevelRows;
  private dirty = false;
  /** A row was written since the book last became showable (the first one is written at once). */
  private rowSinceShowable = false;
  private changeTime = NaN;
  private changeLocal = 0;

  // Bind arrays reused for every insert.
  private readonly bookValues: (string | number | null)[] = [null, '', '', ''];
  private readonly tradeValues: (string | number | null)[] = [null, null, 0, 0, '', ''];
  private readonly batchValues: (string | number | null)[] = new Array<string | number | null>(TRADE_BATCH * TRADE_COLUMNS).fill(null);
  /** The last timestamp text made, for the next row of the same millisecond. */
  private lastTimeMs = NaN;
  private lastTimeText = '';

  private constructor(
    readonly path: string,
    db: Database,
    options: RecorderOptions,
    private readonly owner: DatabaseOwnerRecord,
  ) {
    this.db = db;
    this.options = options;
    this.clock.observe(options.exchangeTimeMs);
    this.prepareStatements();
    this.sync = new BookSync(this.book, options.sequenceRule ?? binanceRule);
    this.bidRows = new LevelRows(options.bookDepth);
    this.askRows = new LevelRows(options.bookDepth);
    this.timer = setInterval(() => this.onTimer(), options.flushIntervalMs);
    this.timer.unref();
  }

  private prepareStatements(): void {
    const db = this.db;
    this.insertBook = db.prepare('INSERT INTO book(instrument, bids, asks, timestamp) VALUES (?, ?, ?, ?)');
    const tradeInsert = 'INSERT INTO trades(instrument, trade_id, price, size, side, timestamp) VALUES ';
    this.insertTrade = db.prepare(`${tradeInsert}(?, ?, ?, ?, ?, ?)`);
    this.insertTrades = db.prepare(tradeInsert + Array.from({ length: TRADE_BATCH }, () => '(?, ?, ?, ?, ?, ?)').join(', '));
    this.insertGap = db.prepare(`INSERT INTO ${BOOK_GAPS_TABLE}(instrument, timestamp, after_book_id) VALUES (?, ?, (SELECT coalesce(max(id), 0) FROM book))`);
  }

  /** A statement whose step failed repeats that error until finalized: make them anew. */
  private renewStatements(): void {
    this.finalizeStatements();
    this.prepareStatements();
  }

  private finalizeStatements(): void {
    for (const statement of [this.insertBook, this.insertTrade, this.insertTrades, this.insertGap]) {
      try {
        statement.finalize();
      } catch {
        // finalize() repeats the failed step's error; the statement is released all the same.
      }
    }
  }

  /**
   * Opens `path` (created when absent; an existing order-flow database is appended to) and starts
   * recording. Rejects with {@link RecorderError} for bad options, a file SQLite cannot open or
   * write, or a database with another schema.
   */
  static async open(path: string, options: Partial<RecorderOptions> = {}): Promise<OrderFlowDbRecorder> {
    const resolved = resolveRecorderOptions(path, options);
    // Loaded on first use: instantiating SQLite's WebAssembly takes ~50 ms.
    const sqlite = await import('node-sqlite3-wasm');
    const owner = DatabaseOwnerRecord.register(path, 'recorder');
    const replay = liveOwner(path, owner, 'replay');
    if (replay !== null) {
      owner.release();
      throw new RecorderError(path, `is being replayed by ${describeOwner(replay)}: a replay holds the file while it reads, so nothing could be written. Record into another file, or close the replay first`);
    }
    const attempt = (): Database => {
      const db = new sqlite.Database(path);
      try {
        db.exec(ORDER_FLOW_SCHEMA_SQL);
        db.exec(BOOK_GAPS_SCHEMA_SQL);
        const problem = orderFlowSchemaProblem(db);
        if (problem !== null) throw new RecorderError(path, problem);
        if (resolved.facts !== null) writeMarketFacts(db, resolved.symbol !== '' ? resolved.symbol : resolved.facts.symbol, resolved.facts);
        return db;
      } catch (error) {
        db.close();
        throw error;
      }
    };
    try {
      const db = await withLockRecovery(path, owner, attempt, (lock, dead) =>
        resolved.onProblem?.(`${path}: removed the lock ${lock} left by ${describeDeadOwners(dead)}, which is no longer running`),
      );
      return new OrderFlowDbRecorder(path, db, resolved, owner);
    } catch (error) {
      owner.release();
      if (error instanceof RecorderError) throw error;
      if (error instanceof SqliteLockedError) throw new RecorderError(path, error.message.slice(path.length + 2));
      throw new RecorderError(path, `cannot record into this file (${error instanceof Error ? error.message : String(error)})`);
    }
  }

  /** Buffers a trade or applies a book event. O(levels); no allocation per event. Never throws. */
  event(event: MarketEvent): void {
    this.stats.events++;
    if (this.closed) {
      this.stats.failed++;
      return;
    }
    this.clock.observe(event.time);
    if (event.symbol !== '') this.lastSymbol = event.symbol;
    switch (event.kind) {
      case EventKind.Trade:
        this.bufferTrade(event);
        return;
      case EventKind.DepthDiff: {
        const time = this.bookTime(event.time);
        this.beforeBookChange(time);
        const appliedBefore = this.sync.stats.applied;
        if (this.sync.onDiff(event) === DiffOutcome.Rejected) this.stats.rejected++;
        this.afterBookChange(time, appliedBefore);
        return;
      }
      case EventKind.DepthSnapshot: {
        const time = this.bookTime(event.time);
        this.beforeBookChange(time);
        if (this.sync.onSnapshot(event) !== BookReject.Ok) this.stats.rejected++;
        this.afterBookChange(time, -1);
        return;
      }
      case EventKind.BookTicker:
        this.stats.skipped++;
        return;
      case EventKind.BookResync:
        this.bookResync('the recorded book resynced here');
        return;
      default:
        this.stats.rejected++;
    }
  }

  /** Mirrors the feed's book; a row follows the sampling rule. O(levels). Never throws. */
  mirrorBook(bids: ArrayLike<ExternalLevel>, asks: ArrayLike<ExternalLevel>): void {
    this.stats.events++;
    if (this.closed) {
      this.stats.failed++;
      return;
    }
    const time = this.clock.now();
    this.beforeBookChange(time);
    this.book.syncFrom(bids, asks, this.changes);
    const changed = this.changes.bids.count + this.changes.asks.count > 0 || !this.sync.isShowable();
    this.sync.adoptExternalBook();
    if (changed) this.afterBookChange(time, -1);
  }

  /** The book is not the exchange's: what was valid is kept, nothing is written until it is again. */
  bookResync(reason: string): void {
    if (this.closed) return;
    if (this.dirty) this.writeBookRow();
    if (this.sync.isShowable()) this.writeGap(this.clock.now());
    this.sync.requestResync(reason);
    this.rowSinceShowable = false;
  }

  /** Writes what is buffered now (a locked database or full disk leaves it pending). */
  async flush(): Promise<void> {
    this.commit(true);
  }

  /**
   * Writes what is buffered, trying for up to {@link CLOSE_WAIT_MS} while the database is locked
   * or the disk full (what then remains fails, reported), closes the file. Idempotent.
   */
  async close(): Promise<RecorderStats> {
    if (this.closed) return this.stats;
    this.closed = true;
    clearInterval(this.timer);
    if (this.dirty) this.writeBookRow();
    const deadline = performance.now() + CLOSE_WAIT_MS;
    while (!this.commit(true) && performance.now() < deadline) await sleep(RETRY_FIRST_MS);
    const left = this.tradeCount + this.bookTimes.length;
    if (left > 0) {
      this.fail(left, `${left} rows could not be written before closing (${this.stats.lastError})`);
      this.clearBuffer();
    }
    this.finalizeStatements();
    try {
      this.db.close();
    } catch (error) {
      this.report(`closing the database failed (${error instanceof Error ? error.message : String(error)})`);
    }
    this.owner.release();
    return this.stats;
  }

  private bufferTrade(event: MarketEvent): void {
    const time = event.time;
    if (!isPrice(event.price) || !isSize(event.amount) || !(time >= 0 && time <= MAX_ORDER_FLOW_TIME_MS)) {
      this.stats.rejected++;
      return;
    }
    if (this.tradeCount >= MAX_PENDING_TRADES) {
      this.overflow();
      return;
    }
    if (this.tradeCount === this.tradeTimes.length) this.growTrades();
    const i = this.tradeCount++;
    this.tradeTimes[i] = time;
    this.tradePrices[i] = event.price;
    this.tradeSizes[i] = event.amount;
    this.tradeIds[i] = event.tradeId;
    this.tradeSides[i] = event.takerSide < 0 ? -1 : 1;
    this.stats.pending++;
    if (this.tradeCount >= MAX_BUFFERED_TRADES && this.tradeCount % MAX_BUFFERED_TRADES === 0) this.commit(false);
  }

  /** A row that cannot be kept: the buffer is full while the file cannot be written. */
  private overflow(): void {
    this.stats.failed++;
    if (!this.overflowReported) {
      this.overflowReported = true;
      this.report(`the buffer is full while the file cannot be written (${this.stats.lastError}): new rows are lost until it can`);
    }
  }

  /** An event's exchange time, or the estimated one when it has none (or a bad one). */
  private bookTime(time: number): number {
    return time >= 0 && time <= MAX_ORDER_FLOW_TIME_MS ? time : this.clock.now();
  }

  /** A change at `time` closes the window of the pending row: write that row first. */
  private beforeBookChange(time: number): void {
    if (!this.dirty) return;
    const interval = this.options.bookIntervalMs;
    if (interval === 0 || Math.floor(time / interval) !== Math.floor(this.changeTime / interval)) this.writeBookRow();
  }

  /** After a book event: `appliedBefore` is the diff count before it (-1: it changed the book). */
  private afterBookChange(time: number, appliedBefore: number): void {
    if (!this.sync.isShowable()) {
      this.dirty = false;
      this.rowSinceShowable = false;
      return;
    }
    // A diff that was buffered or stale changed nothing.
    if (appliedBefore >= 0 && this.sync.stats.applied === appliedBefore) return;
    this.dirty = true;
    this.changeTime = time;
    this.changeLocal = performance.now();
    // The first book (at the start, after a resync) is written at once: a replay then has a
    // book before the trades that follow it, not only at the end of its window.
    if (!this.rowSinceShowable) this.writeBookRow();
  }

  private writeBookRow(): void {
    this.dirty = false;
    if (!this.sync.isShowable()) return;
    this.rowSinceShowable = true;
    if (this.bookTimes.length >= MAX_PENDING_BOOK_ROWS) {
      this.overflow();
      return;
    }
    this.stats.pending++;
    const depth = this.options.bookDepth;
    this.book.top(true, depth, this.bidRows);
    this.book.top(false, depth, this.askRows);
    this.bookTimes.push(this.changeTime);
    this.bookBids.push(this.levelText.format(this.bidRows.prices, this.bidRows.sizes, this.bidRows.count));
    this.bookAsks.push(this.levelText.format(this.askRows.prices, this.askRows.sizes, this.askRows.count));
    this.bookGaps.push(false);
  }

  /** Buffers a gap row at exchange time `time`, in order with the book rows. */
  private writeGap(time: number): void {
    if (this.bookTimes.length >= MAX_PENDING_BOOK_ROWS) {
      this.overflow();
      return;
    }
    this.bookTimes.push(time);
    this.bookBids.push('');
    this.bookAsks.push('');
    this.bookGaps.push(true);
  }

  private onTimer(): void {
    if (this.dirty && performance.now() - this.changeLocal >= this.options.bookIntervalMs) this.writeBookRow();
    this.commit(false);
  }

  /**
   * Writes every buffered row in one transaction. A locked database or a full disk keeps them
   * buffered for a later attempt (not before the backoff unless `now`); any other failure fails
   * them. True when nothing is left buffered.
   */
  private commit(now: boolean): boolean {
    const books = this.bookTimes.length;
    const trades = this.tradeCount;
    if (books + trades === 0) return true;
    if (!now && performance.now() < this.retryAt) return false;
    const instrument = this.options.symbol !== '' ? this.options.symbol : this.lastSymbol !== '' ? this.lastSymbol : null;
    const db = this.db;
    try {
      db.exec('BEGIN');
      const bookValues = this.bookValues;
      bookValues[0] = instrument;
      let gaps = 0;
      for (let i = 0; i < books; i++) {
        if (this.bookGaps[i]) {
          // After the book rows inserted so far: the replay places it by their ids.
          this.insertGap.run([instrument, this.timeText(this.bookTimes[i]!)]);
          gaps++;
          continue;
        }
        bookValues[1] = this.bookBids[i]!;
        bookValues[2] = this.bookAsks[i]!;
        bookValues[3] = this.timeText(this.bookTimes[i]!);
        this.insertBook.run(bookValues);
      }
      const batch = this.batchValues;
      let i = 0;
      for (; i + TRADE_BATCH <= trades; i += TRADE_BATCH) {
        for (let k = 0; k < TRADE_BATCH; k++) this.tradeRow(i + k, instrument, batch, k * TRADE_COLUMNS);
        this.insertTrades.run(batch);
      }
      for (; i < trades; i++) {
        this.tradeRow(i, instrument, this.tradeValues, 0);
        this.insertTrade.run(this.tradeValues);
      }
      db.exec('COMMIT');
      const stats = this.stats;
      // Gap rows are no book rows and were never pending (like the market facts, they describe the recording).
      stats.bookRows += books - gaps;
      stats.tradeRows += trades;
      stats.written += books - gaps + trades;
      stats.pending -= books - gaps + trades;
      stats.flushes++;
      stats.diskFull = false;
      stats.lastError = '';
      if (this.blockReported) this.report(`writing again: ${books + trades} waiting rows were written`);
      this.retryDelay = 0;
      this.retryAt = 0;
      this.blockReported = this.overflowReported = false;
      this.clearBuffer();
      return true;
    } catch (error) {
      try {
        if (db.inTransaction) db.exec('ROLLBACK');
      } catch {
        // A rollback that fails leaves SQLite to roll back when the file is next opened.
      }
      try {
        this.renewStatements();
      } catch (renew) {
        return this.writeFailed(renew, books + trades);
      }
      return this.writeFailed(error, books + trades);
    }
  }

  /** After a failed transaction of `rows` rows: keep them for a retry, or fail them. */
  private writeFailed(error: unknown, rows: number): boolean {
    const stats = this.stats;
    const detail = error instanceof Error ? error.message : String(error);
    if (isSqliteBusy(error)) {
      stats.busyRetries++;
      stats.lastError = `the database is locked (${detail})`;
      // A lock whose owners are all gone is taken back at once; a live one is waited for.
      try {
        const dead = recoverDeadLock(this.path, this.owner);
        this.report(`removed the lock left by ${describeDeadOwners(dead)}, which is no longer running`);
        return this.commit(true);
      } catch (locked) {
        stats.lastError = locked instanceof Error ? locked.message.replace(`${this.path}: `, '') : stats.lastError;
      }
    } else if (isDiskFull(error, dirname(this.path))) {
      stats.diskFull = true;
      stats.lastError = `the disk is full (${detail})`;
    } else {
      stats.lastError = detail;
      this.fail(rows, `writing ${rows} rows failed, they are lost (${detail})`);
      this.clearBuffer();
      return true;
    }
    this.retryDelay = Math.min(RETRY_MAX_MS, this.retryDelay === 0 ? RETRY_FIRST_MS : this.retryDelay * 2);
    this.retryAt = performance.now() + this.retryDelay;
    if (!this.blockReported) {
      this.blockReported = true;
      this.report(`cannot write: ${stats.lastError}; ${rows} rows wait and are tried again`);
    }
    return false;
  }

  private fail(rows: number, reason: string): void {
    this.stats.failed += rows;
    this.stats.pending -= rows;
    this.report(reason);
  }

  private clearBuffer(): void {
    this.tradeCount = 0;
    this.bookTimes.length = 0;
    this.bookBids.length = 0;
    this.bookAsks.length = 0;
    this.bookGaps.length = 0;
  }

  /** Bind values of buffered trade `i` into `out` from `at`. */
  private tradeRow(i: number, instrument: string | null, out: (string | number | null)[], at: number): void {
    const id = this.tradeIds[i]!;
    out[at] = instrument;
    out[at + 1] = Number.isSafeInteger(id) && id >= 0 ? String(id) : null;
    out[at + 2] = this.tradePrices[i]!;
    out[at + 3] = this.tradeSizes[i]!;
    out[at + 4] = this.tradeSides[i]! < 0 ? 'sell' : 'buy';
    out[at + 5] = this.timeText(this.tradeTimes[i]!);
  }

  /** Timestamp text; trades often share a millisecond, so the last one is reused. */
  private timeText(ms: number): string {
    if (ms !== this.lastTimeMs) {
      this.lastTimeMs = ms;
      this.lastTimeText = formatOrderFlowTime(ms);
    }
    return this.lastTimeText;
  }

  private growTrades(): void {
    const size = this.tradeTimes.length * 2;
    this.tradeTimes = grow(this.tradeTimes, new Float64Array(size));
    this.tradePrices = grow(this.tradePrices, new Float64Array(size));
    this.tradeSizes = grow(this.tradeSizes, new Float64Array(size));
    this.tradeIds = grow(this.tradeIds, new Float64Array(size));
    this.tradeSides = grow(this.tradeSides, new Int8Array(size));
  }

  private report(reason: string): void {
    this.options.onProblem?.(`${this.path}: ${reason}`);
  }
}

function grow<T extends Float64Array | Int8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** Stores the live market's facts for `instrument` (replacing a previous recording's). */
function writeMarketFacts(db: Database, instrument: string, facts: MarketFacts): void {
  db.exec(MARKET_FACTS_SCHEMA_SQL);
  db.run(
    `INSERT OR REPLACE INTO ${MARKET_FACTS_TABLE}(instrument, exchange, symbol, tick_size, price_precision, amount_precision) VALUES (?, ?, ?, ?, ?, ?)`,
    [instrument, facts.exchange, facts.symbol, facts.tickSize, facts.pricePrecision, facts.amountPrecision],
  );
}
