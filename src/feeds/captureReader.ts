/**
 * Streams Binance capture files (`*.gz`, one `<local_receive_ns> <raw JSON>` message a line)
 * into engine events, in constant memory.
 *
 * Pull-based so that a consumer sets the pace: `await fill()` decompresses the next chunk, then
 * `next(event)` decodes the buffered lines one at a time into the caller's reused
 * {@link MarketEvent}. A replay feed can stop between any two events (to wait for an exchange
 * timestamp), and nothing is read ahead beyond one chunk. Several files form one continuous
 * stream (spot 0808 then 0809). Bad lines are counted and reported with file:line, and the
 * replay goes on; an unreadable or truncated file rejects `fill()` with a
 * {@link CaptureFileError} after every complete line before the damage was delivered.
 *
 * Lines are cut out of the decoded chunk by index (the decoder reads ranges), not by readline:
 * readline allocates a string per line and measured about 1.7x slower end to end.
 */
import { createReadStream } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { BinanceDecoder, DecodeResult } from './exchanges/binance/binanceDecoder';
import { DecimalReader } from './wire/decimalReader';
import { isCaptureMetadata } from './recordedMarketFacts';
import { bookGapTime, isBookGap } from './recordedBookGap';
import { EventKindCounts } from '../engine/eventCounts';
import { EventKind, MarketEvent } from '../engine/events';
import { regularFileProblemSync } from './regularFile';

/** A line that could not be used. The replay skips it and goes on. */
export interface CaptureLineError {
  /** Path of the capture file as given. */
  readonly file: string;
  /** 1-based line number within that file. */
  readonly line: number;
  /** Short constant reason (`DecodeReason` values, or the reader's own for the line prefix). */
  readonly reason: string;
  /** `file:line: reason`, for logs. */
  readonly message: string;
  /** The start of the offending line (up to 200 characters). */
  readonly excerpt: string;
}

/** A capture file that could not be read to its end (missing, not gzip, truncated). */
export class CaptureFileError extends Error {
  constructor(
    /** Path of the capture file as given. */
    readonly file: string,
    /** Complete lines of this file that were delivered before the failure. */
    readonly linesRead: number,
    /** What the file system or zlib reported. */
    override readonly cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    // zlib's codes start with Z_ (Z_BUF_ERROR: input ended early; Z_DATA_ERROR: not gzip).
    const code = (cause as { code?: unknown } | null)?.code;
    const hint = typeof code === 'string' && code.startsWith('Z_') ? ': truncated or corrupt gzip' : '';
    super(`${file}: capture unreadable after ${linesRead} lines${hint} (${detail})`);
    this.name = 'CaptureFileError';
  }
}

/** Running totals over all files read so far. */
export class CaptureCounts {
  /** Files opened. */
  files = 0;
  /**
   * Work done on the text: characters searched for line ends, and characters copied to join
   * lines that span chunks. Each is at most the text's length: reading is linear in the size of
   * the capture, however long its lines.
   */
  charsScanned = 0;
  charsJoined = 0;
  /** Lines read, good or bad. */
  lines = 0;
  /** Lines decoded to an event, by kind. */
  readonly byKind = new EventKindCounts();
  /** Valid JSON of a kind the decoder does not know (other streams, replies). */
  unknown = 0;
  /** Lines that are not `<ns> <message>` with a valid message; each one went to `onError`. */
  malformed = 0;
  /** Orderscope metadata lines (a recording's market facts, `recordedMarketFacts.ts`), skipped. */
  metadata = 0;
}

export interface CaptureReaderOptions {
  /** Called once per malformed line (the reader skips it and goes on). Default: none. */
  onError: ((error: CaptureLineError) => void) | null;
  /** Decompressed bytes per chunk: the unit of buffering and of `fill()`. */
  chunkBytes: number;
}

const DEFAULTS: CaptureReaderOptions = { onError: null, chunkBytes: 256 * 1024 };

/** Reasons the reader itself gives, for the `<ns> ` prefix of a line. */
export const CaptureLineReason = {
  NoReceiveTime: 'no "<receive_ns> " prefix',
  BadReceiveTime: 'receive time is not an unsigned number',
  BadBookGap: 'a book gap line without a readable exchange time',
} as const;

const CARRIAGE_RETURN = 13;
const EXCERPT_CHARS = 200;

/**
 * Reads capture files in order. Typical use:
 * ```ts
 * const reader = new CaptureReader(paths);
 * const event = new MarketEvent();
 * while (await reader.fill()) while (reader.next(event)) handle(event);
 * ```
 */
export class CaptureReader {
  readonly counts = new CaptureCounts();

  private readonly paths: readonly string[];
  private readonly options: CaptureReaderOptions;
  private readonly decoder = new BinanceDecoder();
  private readonly decimal = new DecimalReader();
  private readonly utf8 = new StringDecoder('utf8');
  private fileIndex = -1;
  private stream: Readable | null = null;
  private chunks: AsyncIterator<Buffer> | null = null;
  /** Line number (in the current file) of the last line taken from the buffer. */
  private lineInFile = 0;
  /** Decompressed bytes of the current file taken into the buffer. */
  private bytesTaken = 0;
  /** The current chunk: its complete lines [position, limit) are not yet handed out. */
  private text = '';
  private position = 0;
  private limit = 0;
  /**
   * The line that straddled the previous chunk and this one, joined; handed out before the
   * lines of `text`. Joining just that line avoids copying the whole chunk.
   */
  private joinedLine: string | null = null;
  /** Text after the last newline so far, in pieces: the start of an unfinished line. */
  private partial: string[] = [];

  constructor(paths: readonly string[], options: Partial<CaptureReaderOptions> = {}) {
    this.paths = [...paths];
    this.options = { ...DEFAULTS, ...options };
  }

  /** The file being read ('' before the first `fill()` and after the last file). */
  get file(): string {
    return this.fileIndex >= 0 && this.fileIndex < this.paths.length ? this.paths[this.fileIndex] : '';
  }

  /** Decompressed bytes of {@link file} read so far (ahead of `next()` by at most one chunk). */
  get bytesInFile(): number {
    return this.bytesTaken;
  }

  /** 1-based number, within {@link file}, of the last line `next()` took. */
  get line(): number {
    return this.lineInFile;
  }

  /**
   * Buffers the next chunk of lines, opening the next file when one ends. Resolves true when
   * lines are buffered (call `next()` until it returns false), false after the last file.
   * Rejects with {@link CaptureFileError} when a file cannot be read to its end; the reader
   * then moves on, so a further `fill()` continues with the next file. Resolves false if
   * `close()` is called while it waits. One `fill()` at a time. Allocates one string per chunk.
   */
  async fill(): Promise<boolean> {
    if (this.joinedLine !== null || this.position < this.limit) return true;
    for (;;) {
      if (this.chunks === null && !this.openNextFile()) return false;
      const chunks = this.chunks as AsyncIterator<Buffer>;
      let chunk: IteratorResult<Buffer>;
      try {
        chunk = await chunks.next();
      } catch (error) {
        if (this.chunks !== chunks) return false; // close() during the wait
        // A partial last line of a damaged file is not a message: drop it.
        const failure = new CaptureFileError(this.file, this.lineInFile, error);
        this.partial = [];
        this.utf8.end();
        this.closeFile();
        throw failure;
      }
      if (this.chunks !== chunks) return false; // close() during the wait
      if (chunk.done) {
        // The last line may lack its newline.
        const rest = this.joinPartial(this.utf8.end());
        this.closeFile();
        if (rest.length === 0) continue;
        this.joinedLine = rest;
        return true;
      }
      this.bytesTaken += chunk.value.length;
      if (this.takeChunk(this.utf8.write(chunk.value))) return true;
    }
  }

  /**
   * Decodes the next buffered line into `event`. True: `event` holds an event. False: the
   * buffer is empty, await `fill()`. Unknown and malformed lines are counted (malformed ones
   * also reported) and skipped; empty lines are skipped (counted in `lines` only).
   * Per line O(length); allocates nothing for good lines.
   */
  next(event: MarketEvent): boolean {
    const joined = this.joinedLine;
    if (joined !== null) {
      this.joinedLine = null;
      if (this.takeLine(joined, 0, joined.length, event)) return true;
    }
    const text = this.text;
    const limit = this.limit;
    while (this.position < limit) {
      const start = this.position;
      // Every line in [position, limit) ends with a newline.
      const lineEnd = text.indexOf('\n', start);
      this.position = lineEnd + 1;
      if (this.takeLine(text, start, lineEnd, event)) return true;
    }
    return false;
  }

  /** Stops reading and releases the open file. Idempotent. */
  close(): void {
    this.closeFile();
    this.fileIndex = this.paths.length;
    this.position = this.limit = 0;
    this.text = '';
    this.partial = [];
    this.joinedLine = null;
  }

  /** Hands the line `text[start, end)` (newline excluded) to the decoder; true for an event. */
  private takeLine(text: string, start: number, end: number, event: MarketEvent): boolean {
    this.lineInFile++;
    this.counts.lines++;
    if (end > start && text.charCodeAt(end - 1) === CARRIAGE_RETURN) end--;
    if (end === start) return false;
    const space = text.indexOf(' ', start);
    if (space < 0 || space >= end) return this.malformed(text, start, end, CaptureLineReason.NoReceiveTime);
    const receiveNs = this.decimal.parse(text, start, space);
    if (Number.isNaN(receiveNs)) return this.malformed(text, start, end, CaptureLineReason.BadReceiveTime);
    // An Orderscope recording's first line holds the live market's facts: no event, no problem.
    if (this.lineInFile === 1 && isCaptureMetadata(text, space + 1)) {
      this.counts.metadata++;
      return false;
    }
    // An Orderscope recording's book gap (the live book resynced there).
    if (isBookGap(text, space + 1)) {
      const time = bookGapTime(text, space + 1, end);
      if (!(time === time)) return this.malformed(text, start, end, CaptureLineReason.BadBookGap);
      event.reset(EventKind.BookResync);
      event.time = time;
      event.receiveNs = receiveNs;
      this.counts.byKind.count(event.kind);
      return true;
    }
    const result = this.decoder.decodeRange(text, space + 1, end, receiveNs, event);
    if (result === DecodeResult.Event) {
      this.counts.byKind.count(event.kind);
      return true;
    }
    if (result === DecodeResult.Unknown) {
      this.counts.unknown++;
      return false;
    }
    return this.malformed(text, start, end, this.decoder.reason);
  }

  private malformed(text: string, start: number, end: number, reason: string): false {
    this.counts.malformed++;
    const onError = this.options.onError;
    if (onError !== null) {
      const file = this.file;
      const line = this.lineInFile;
      const excerpt = text.slice(start, Math.min(end, start + EXCERPT_CHARS));
      onError({ file, line, reason, message: `${file}:${line}: ${reason}`, excerpt });
    }
    return false;
  }

  /**
   * Buffers the complete lines of a decoded chunk; false if it completes none. Only the line
   * that straddles the chunk boundary is copied (joined); the rest is read in place.
   */
  private takeChunk(text: string): boolean {
    this.counts.charsScanned += text.length;
    const firstNewline = text.indexOf('\n');
    if (firstNewline < 0) {
      if (text.length > 0) this.partial.push(text);
      return false;
    }
    const lastNewline = text.lastIndexOf('\n');
    if (this.partial.length > 0) {
      this.joinedLine = this.joinPartial(text.slice(0, firstNewline));
      this.position = firstNewline + 1;
    } else {
      this.position = 0;
    }
    this.text = text;
    this.limit = lastNewline + 1;
    if (lastNewline + 1 < text.length) this.partial.push(text.slice(lastNewline + 1));
    return true;
  }

  /** The unfinished line's pieces and `end` as one string, joined once. O(line length). */
  private joinPartial(end: string): string {
    if (this.partial.length === 0) return end;
    this.partial.push(end);
    const line = this.partial.join('');
    this.partial = [];
    this.counts.charsJoined += line.length;
    return line;
  }

  private openNextFile(): boolean {
    this.fileIndex++;
    if (this.fileIndex >= this.paths.length) return false;
    const path = this.paths[this.fileIndex]!;
    this.lineInFile = 0;
    this.bytesTaken = 0;
    this.counts.files++;
    let notFile: string | null = null;
    try {
      notFile = regularFileProblemSync(path);
    } catch {
      // Missing or unreadable: the read stream reports it.
    }
    if (notFile !== null) {
      // Refused before opening (a FIFO would block the open): fill() rejects as for any bad file.
      const refusal = new Error(notFile);
      this.chunks = { next: () => Promise.reject(refusal) };
      return true;
    }
    const gunzip = createGunzip({ chunkSize: this.options.chunkBytes });
    // pipeline forwards a read error (missing file) into gunzip, where the iterator sees it.
    pipeline(createReadStream(path, { highWaterMark: this.options.chunkBytes }), gunzip, ignoreError);
    this.stream = gunzip;
    this.chunks = gunzip[Symbol.asyncIterator]();
    return true;
  }

  private closeFile(): void {
    this.stream?.destroy();
    this.stream = null;
    this.chunks = null;
  }
}

/** pipeline's own callback: the failure already reaches the reader through the iterator. */
function ignoreError(): void {}

/**
 * Reads `paths` to the end, calling `onEvent` for every event with one reused
 * {@link MarketEvent} (copy what you keep). If `onEvent` returns a promise, the next line waits
 * for it: the consumer paces the replay. Resolves with the counts; rejects with
 * {@link CaptureFileError} if a file cannot be read to its end (events before it were
 * delivered). Constant memory; allocates one string per chunk.
 */
export async function readCapture(
  paths: readonly string[],
  onEvent: (event: MarketEvent) => void | Promise<void>,
  options: Partial<CaptureReaderOptions> = {},
): Promise<CaptureCounts> {
  const reader = new CaptureReader(paths, options);
  const event = new MarketEvent();
  try {
    while (await reader.fill()) {
      while (reader.next(event)) {
        const pending = onEvent(event);
        if (pending !== undefined) await pending;
      }
    }
  } finally {
    reader.close();
  }
  return reader.counts;
}
