/**
 * A recorder writes a live session to disk. It sits next to the engine on a market session and
 * takes the same calls a feed makes on its sink (`event`, `mirrorBook`, `bookResync`); each call
 * only buffers, and the writing happens on a timer, off the path of the events.
 *
 * Two formats, chosen by the file name:
 * - `*.gz`: the raw capture format (`<receive_ns> <Binance JSON>` lines, gzip), see
 *   {@link CaptureRecorder};
 * - `*.db`, `*.sqlite`, `*.sqlite3`: the order-flow SQLite database (`book` + `trades` tables),
 *   see {@link OrderFlowDbRecorder}.
 */
// The module object, not a binding: the free space is read through it at call time.
import fs from 'node:fs';
import type { ExternalLevel } from '../../engine/book/bookSide';
import type { SequenceRule } from '../../engine/book/sequenceRule';
import type { MarketEvent } from '../../engine/events';
import type { MarketFacts } from '../../engine/protocol';

/** What a recorder takes: the sink calls a feed makes that carry market data. */
export interface RecorderSink {
  /** A market event; the recorder copies what it keeps. Never throws. */
  event(event: MarketEvent): void;
  /** A book sequenced by the feed (ccxt), rows best-first `[price, size]`. Never throws. */
  mirrorBook(bids: ArrayLike<ExternalLevel>, asks: ArrayLike<ExternalLevel>): void;
  /** The book is not the exchange's until the next snapshot or mirror. Never throws. */
  bookResync(reason: string): void;
}

export interface Recorder extends RecorderSink {
  /** The file being written. */
  readonly path: string;
  readonly stats: RecorderStats;
  /** Writes everything buffered so far (and commits / flushes it to the file). */
  flush(): Promise<void>;
  /** Flushes, closes the file and stops the timers; resolves with the final counts. Idempotent. */
  close(): Promise<RecorderStats>;
}

/**
 * Counters a user or a test can read. Every line or row taken into the buffer ends in exactly one
 * of `written`, `pending` or `failed`.
 */
export class RecorderStats {
  /** Calls of `event` and `mirrorBook`. */
  events = 0;
  /** Events not written: bad numbers, no id or time the format needs (each also counted here). */
  rejected = 0;
  /** Events the format has no place for (bookTicker in the SQLite database). */
  skipped = 0;
  /** Capture lines / database rows written to the file (committed, or flushed to the disk). */
  written = 0;
  /** Of `written`: trade and book rows (database). */
  tradeRows = 0;
  bookRows = 0;
  /** Buffered, not written yet (waiting for the next flush, a lock, or disk space). */
  pending = 0;
  /** Could not be written (a write failure, an overfull buffer, after close); each reported. */
  failed = 0;
  /** Flushes done (transactions committed / chunks handed to gzip). */
  flushes = 0;
  /** Writes that met a locked database and were tried again later. */
  busyRetries = 0;
  /** The disk was full at the last write (SQLITE_FULL, ENOSPC); cleared by the next good write. */
  diskFull = false;
  /** The last write problem, '' after a good write. */
  lastError = '';
}

/**
 * Is `error` (or a write that failed with it) a full disk? SQLite says "database or disk is full";
 * node-sqlite3-wasm reports a failed write of any kind as "disk I/O error", so then the free space
 * of `dir`'s file system decides (less than `minFreeBytes`).
 */
export function isDiskFull(error: unknown, dir: string, minFreeBytes = 1 << 20): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  const message = error instanceof Error ? error.message : String(error);
  if (/disk is full|SQLITE_FULL|ENOSPC/i.test(message)) return true;
  if (!/disk I\/O error/i.test(message)) return false;
  try {
    const space = fs.statfsSync(dir);
    return space.bavail * space.bsize < minFreeBytes;
  } catch {
    return false;
  }
}

export interface RecorderOptions {
  /** Symbol for events that carry none (mirrored books); the database's `instrument`. */
  symbol: string;
  /** Time between flushes, ms (at most 1000: a killed process loses at most this much). */
  flushIntervalMs: number;
  /** Called with a `file: reason` message when writing fails or data is dropped. */
  onProblem: ((message: string) => void) | null;
  /** Sequence rule of the exchange's diffs (the database recorder rebuilds the book). */
  sequenceRule: SequenceRule | null;
  /** Database: levels per side in each book row (20: Binance's partial-depth size; rows stay ~400 bytes). */
  bookDepth: number;
  /** Database: book rows are written at most once per this many ms of exchange time (0: every change). */
  bookIntervalMs: number;
  /**
   * The session's last exchange time (ms), seeding the clock that stamps mirrored books until
   * the first event brings one; NaN: unknown (the local clock is the guess then).
   */
  exchangeTimeMs: number;
  /**
   * The live market's facts, stored in the recording so its replay shows the decimals the live
   * chart showed (see `recordedMarketFacts.ts`); null: none stored (the replay infers them).
   */
  facts: MarketFacts | null;
}

/** What a recorder was asked to do that it cannot (bad options, a file it cannot open). */
export class RecorderError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'RecorderError';
  }
}

export const DEFAULT_RECORDER_OPTIONS: Readonly<RecorderOptions> = {
  symbol: '',
  flushIntervalMs: 250,
  onProblem: null,
  sequenceRule: null,
  bookDepth: 20,
  bookIntervalMs: 100,
  exchangeTimeMs: NaN,
  facts: null,
};

/** Checks the options shared by both recorders; throws {@link RecorderError}. */
export function resolveRecorderOptions(path: string, options: Partial<RecorderOptions>): RecorderOptions {
  const resolved = { ...DEFAULT_RECORDER_OPTIONS, ...options };
  if (!(resolved.flushIntervalMs >= 1 && resolved.flushIntervalMs <= 1000)) {
    throw new RecorderError(path, `flushIntervalMs must be between 1 and 1000 ms, got ${String(resolved.flushIntervalMs)}`);
  }
  if (!(Number.isInteger(resolved.bookDepth) && resolved.bookDepth >= 1)) {
    throw new RecorderError(path, `bookDepth must be a positive integer, got ${String(resolved.bookDepth)}`);
  }
  if (!(Number.isNaN(resolved.exchangeTimeMs) || (resolved.exchangeTimeMs >= 0 && resolved.exchangeTimeMs < Infinity))) {
    throw new RecorderError(path, `exchangeTimeMs must be NaN (unknown) or a time >= 0, got ${String(resolved.exchangeTimeMs)}`);
  }
  if (!(resolved.bookIntervalMs >= 0 && resolved.bookIntervalMs < Infinity)) {
    throw new RecorderError(path, `bookIntervalMs must be a finite number >= 0, got ${String(resolved.bookIntervalMs)}`);
  }
  return resolved;
}
