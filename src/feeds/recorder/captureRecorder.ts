/**
 * Records a session in the raw capture format of the Binance captures: gzip text, one
 * `<receive_ns> <JSON>` line per event, the JSON shaped like Binance's combined-stream messages
 * (see {@link BinanceJsonWriter}), so a recording replays through `CaptureReader` into the same
 * events it was made from.
 *
 * Receive time: the event's own `receiveNs` when it has one (a replayed capture), else the local
 * clock when the recorder got the event.
 *
 * The live market's facts (the `facts` option), when given, are the file's first line, in the
 * same `<receive_ns> <JSON>` shape (format in `recordedMarketFacts.ts`); it is no event, so the
 * stats do not count it.
 *
 * A mirrored (ccxt) book has no Binance update ids, so the recorder numbers it itself: the first
 * mirror (and the first after `bookResync`) is written as a snapshot with `lastUpdateId` n, every
 * later mirror as a depthUpdate with `U` = `u` = previous + 1 holding only the levels that
 * changed (0 = removed). That chain satisfies the Binance spot rule, so it replays as a book.
 *
 * A book gap (`bookResync`, or a replayed `BookResync` event) is written as a gap line
 * (`recordedBookGap.ts`) at the exchange clock's time: the replay's book goes unshowable there
 * until the next snapshot, as the live one did.
 *
 * Writing: `event` formats the line and buffers it; a timer hands the buffer to a gzip stream
 * every `flushIntervalMs` and sync-flushes gzip, so a killed process leaves a file that reads up
 * to its last flush (the reader then reports the truncation). Lines count as written once the
 * file stream has taken gzip's output of their flush. When the disk is slower than the data,
 * gzip's backpressure holds the buffer back; past `MAX_BUFFERED_CHARS` new lines fail, counted
 * and reported. A write error (a full disk: `stats.diskFull`) stops the recording: every line not
 * yet written fails, and the message says why.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream';
import { constants as zlibConstants, createGzip, type Gzip } from 'node:zlib';
import type { ExternalLevel } from '../../engine/book/bookSide';
import { BookChanges, OrderBook } from '../../engine/book/orderBook';
import { EventKind, LevelList, type MarketEvent } from '../../engine/events';
import { BinanceJsonWriter } from '../exchanges/binance/binanceJson';
import { captureMetadataJson } from '../recordedMarketFacts';
import { bookGapJson } from '../recordedBookGap';
import { decimalText } from '../wire/decimalText';
import { ExchangeClock, localReceiveNs } from './exchangeClock';
import { DatabaseOwnerRecord, describeOwner, liveOwner } from './staleSqliteLock';
import { isDiskFull, RecorderError, RecorderStats, resolveRecorderOptions, type Recorder, type RecorderOptions } from './recorder';

/** Buffered text beyond which new lines are dropped (the disk cannot keep up). */
const MAX_BUFFERED_CHARS = 64 * 1024 * 1024;

export class CaptureRecorder implements Recorder {
  readonly stats = new RecorderStats();

  private readonly options: RecorderOptions;
  private readonly writer: BinanceJsonWriter;
  private readonly clock = new ExchangeClock();
  private readonly gzip: Gzip;
  private readonly file: WriteStream;
  private readonly finished: Promise<void>;
  /** Lines handed to gzip whose bytes the file has not written yet. */
  private inFlight = 0;
  /** Compressed bytes gzip has produced. */
  private producedBytes = 0;
  /** Flushes whose lines are in flight: written once the file has written `bytes`. */
  private readonly flushed: { lines: number; bytes: number }[] = [];
  private readonly timer: NodeJS.Timeout;
  private pending: string[] = [];
  private pendingChars = 0;
  /** gzip asked us to wait for 'drain'. */
  private blocked = false;
  private closed = false;
  private failure: string | null = null;
  private overfull = false;

  /** The mirrored book and the ids the recorder gives it. */
  private readonly mirror = new OrderBook(1024);
  private readonly changes = new BookChanges();
  private readonly snapshotBids = new LevelList(1024);
  private readonly snapshotAsks = new LevelList(1024);
  private mirrorId = 0;
  private mirrorNeedsSnapshot = true;
  private lastSymbol = '';

  private constructor(
    readonly path: string,
    file: WriteStream,
    options: RecorderOptions,
    private readonly owner: DatabaseOwnerRecord,
  ) {
    this.options = options;
    this.clock.observe(options.exchangeTimeMs);
    this.writer = new BinanceJsonWriter(options.symbol);
    this.gzip = createGzip();
    this.file = file;
    this.gzip.on('data', (chunk: Buffer) => (this.producedBytes += chunk.length));
    this.finished = new Promise((resolve) => {
      pipeline(this.gzip, file, (error) => {
        if (error) this.fail(error);
        else this.landed(this.inFlight);
        resolve();
      });
    });
    if (options.facts !== null) this.gzip.write(`${decimalText(localReceiveNs())} ${captureMetadataJson(options.facts)}\n`);
    this.timer = setInterval(() => this.writeOut(), options.flushIntervalMs);
    this.timer.unref();
  }

  /**
   * Creates (or truncates) `path` and starts recording. Rejects with {@link RecorderError} when
   * the options are bad or the file cannot be created.
   */
  static async open(path: string, options: Partial<RecorderOptions> = {}): Promise<CaptureRecorder> {
    const resolved = resolveRecorderOptions(path, options);
    // Truncating a capture that a replay is reading would cut the replay off.
    const owner = DatabaseOwnerRecord.register(path, 'recorder');
    const replay = liveOwner(path, owner, 'replay');
    if (replay !== null) {
      owner.release();
      throw new RecorderError(path, `is being replayed by ${describeOwner(replay)}: recording would overwrite it. Record into another file, or close the replay first`);
    }
    const file = createWriteStream(path);
    try {
      await new Promise<void>((resolve, reject) => {
        file.once('open', () => resolve());
        file.once('error', (error) => reject(new RecorderError(path, `cannot create the recording (${error.message})`)));
      });
    } catch (error) {
      owner.release();
      throw error;
    }
    return new CaptureRecorder(path, file, resolved, owner);
  }

  /** Formats and buffers one event. O(levels); allocates the line. Never throws. */
  event(event: MarketEvent): void {
    this.stats.events++;
    this.clock.observe(event.time);
    if (event.symbol !== '') this.lastSymbol = event.symbol;
    if (event.kind === EventKind.BookResync) {
      this.writeGap(event.time, event.receiveNs);
      return;
    }
    const message = this.writer.message(event, this.clock.now());
    if (message === null) {
      this.stats.rejected++;
      return;
    }
    const receiveNs = event.receiveNs >= 0 && event.receiveNs < Infinity ? event.receiveNs : localReceiveNs();
    this.push(`${decimalText(receiveNs)} ${message}\n`);
  }

  /** Writes the mirrored book as a snapshot or as the diff from the previous mirror. O(levels). */
  mirrorBook(bids: ArrayLike<ExternalLevel>, asks: ArrayLike<ExternalLevel>): void {
    this.stats.events++;
    this.mirror.syncFrom(bids, asks, this.changes);
    const time = this.clock.now();
    let message: string | null;
    if (this.mirrorNeedsSnapshot) {
      copyBestFirst(this.mirror, this.snapshotBids, this.snapshotAsks);
      message = this.writer.snapshot(this.mirrorId + 1, time, this.snapshotBids, this.snapshotAsks);
    } else {
      if (this.changes.bids.count + this.changes.asks.count === 0) return;
      const id = this.mirrorId + 1;
      const symbol = this.options.symbol !== '' ? this.options.symbol : this.lastSymbol;
      message = this.writer.diff(symbol, time, id, id, -1, this.changes.bids, this.changes.asks);
    }
    if (message === null) {
      this.stats.rejected++;
      return;
    }
    this.mirrorId++;
    this.mirrorNeedsSnapshot = false;
    this.push(`${decimalText(localReceiveNs())} ${message}\n`);
  }

  /** Writes a gap line; the next mirrored book is written as a snapshot. O(1). */
  bookResync(_reason: string): void {
    this.stats.events++;
    this.mirrorNeedsSnapshot = true;
    this.writeGap(this.clock.now(), NaN);
  }

  private writeGap(timeMs: number, receiveNs: number): void {
    const ns = receiveNs >= 0 && receiveNs < Infinity ? receiveNs : localReceiveNs();
    this.push(`${decimalText(ns)} ${bookGapJson(timeMs)}\n`);
  }

  async flush(): Promise<void> {
    this.writeOut();
    if (this.closed || this.failure !== null) return;
    await new Promise<void>((resolve) => this.gzip.flush(zlibConstants.Z_SYNC_FLUSH, () => resolve()));
  }

  async close(): Promise<RecorderStats> {
    if (!this.closed) {
      clearInterval(this.timer);
      // Whatever is still buffered goes in, even past backpressure: the stream queues it.
      if (this.pending.length > 0 && this.failure === null) {
        this.gzip.write(this.pending.join(''));
        this.inFlight += this.pending.length;
        this.stats.flushes++;
      }
      this.pending = [];
      this.closed = true;
      this.gzip.end();
    }
    await this.finished;
    this.owner.release();
    return this.stats;
  }

  private push(line: string): void {
    if (this.closed || this.failure !== null) {
      this.stats.failed++;
      return;
    }
    if (this.pendingChars + line.length > MAX_BUFFERED_CHARS) {
      this.stats.failed++;
      if (!this.overfull) {
        this.overfull = true;
        this.report('the disk does not keep up: lines are being lost');
      }
      return;
    }
    this.pending.push(line);
    this.pendingChars += line.length;
    this.stats.pending++;
  }

  /** Hands the buffer to gzip unless gzip asked to wait; sync-flushes so the file is readable. */
  private writeOut(): void {
    this.settle();
    if (this.blocked || this.closed || this.failure !== null || this.pending.length === 0) return;
    const lines = this.pending.length;
    const ready = this.gzip.write(this.pending.join(''));
    this.pending = [];
    this.pendingChars = 0;
    this.overfull = false;
    this.inFlight += lines;
    this.stats.flushes++;
    // Written once the file has written gzip's output up to the end of this flush.
    this.gzip.flush(zlibConstants.Z_SYNC_FLUSH, () => {
      if (this.failure === null) this.flushed.push({ lines, bytes: this.producedBytes });
    });
    if (!ready) {
      this.blocked = true;
      this.gzip.once('drain', () => {
        this.blocked = false;
        this.writeOut();
      });
    }
  }

  /** Counts as written the flushes whose bytes the file has written. */
  private settle(): void {
    const done = this.file.bytesWritten;
    let n = 0;
    while (n < this.flushed.length && this.flushed[n]!.bytes <= done) this.landed(this.flushed[n++]!.lines);
    if (n > 0) this.flushed.splice(0, n);
  }

  /** `lines` of those in flight reached the file. */
  private landed(lines: number): void {
    if (this.failure !== null) return;
    const n = Math.min(lines, this.inFlight);
    this.inFlight -= n;
    this.stats.pending -= n;
    this.stats.written += n;
  }

  private fail(error: Error): void {
    if (this.failure !== null) return;
    const stats = this.stats;
    const lost = stats.pending;
    stats.diskFull = isDiskFull(error, dirname(this.path));
    const reason = stats.diskFull ? `the disk is full (${error.message})` : `writing failed (${error.message})`;
    this.failure = reason;
    stats.lastError = reason;
    stats.failed += lost;
    stats.pending = 0;
    this.inFlight = 0;
    this.pending = [];
    this.report(`${reason}: the recording stopped; ${lost} lines were not written (${stats.written} were)`);
  }

  private report(reason: string): void {
    this.options.onProblem?.(`${this.path}: ${reason}`);
  }
}

/** The book's levels best-first into two lists. O(levels). */
function copyBestFirst(book: OrderBook, bids: LevelList, asks: LevelList): void {
  bids.clear();
  asks.clear();
  for (let i = book.bids.count - 1; i >= 0; i--) bids.push(book.bids.prices[i]!, book.bids.sizes[i]!);
  for (let i = book.asks.count - 1; i >= 0; i--) asks.push(book.asks.prices[i]!, book.asks.sizes[i]!);
}
