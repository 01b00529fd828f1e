/**
 * Replays Binance captures (`*.gz`, `<receive_ns> <raw JSON>` lines, spot or USD-M futures)
 * through {@link CaptureReader}. Several files are one continuous stream (spot 0808 then 0809).
 *
 * Progress is by uncompressed bytes: each file's size comes from its gzip trailer, and within a
 * file the reader's decompressed bytes (to one chunk), so a capture whose first line is a large
 * snapshot does not show 100% long before its end.
 */
import { BinanceDecoder, DecodeResult } from '../exchanges/binance/binanceDecoder';
import { binanceRule } from '../../engine/book/sequenceRule';
import { EventKind, MarketEvent } from '../../engine/events';
import type { MarketFacts } from '../../engine/protocol';
import { CaptureFileError, CaptureReader } from '../captureReader';
import { parseCaptureMetadata } from '../recordedMarketFacts';
import type { TickerSnapshot } from '../feed';
import { DatabaseOwnerRecord } from '../recorder/staleSqliteLock';
import { gzipHead, gzipUncompressedSize, type GzipHead } from './gzipFile';
import { instrumentKey, matchInstrument } from './instrumentMatch';
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

/** Decompressed bytes read from each file's start at open (shape check, symbols, facts). */
const HEAD_BYTES = 1 << 20;
/** A capture line: `<receive_ns> {`. */
const LINE_SHAPE = /^\d+(\.\d+)? \{/;
/** Prices and sizes kept for inferring the market's facts. */
const MAX_SAMPLES = 4000;

export class BinanceCaptureSource implements ReplaySource {
  readonly sequenceRule = binanceRule;
  time = NaN;
  readonly ticker: TickerSnapshot = emptyTicker();
  readonly resyncReason = '';
  readonly checksumsVerified = 0;
  readonly checksumMismatches = 0;

  private reader: CaptureReader | null = null;
  private readonly owners: DatabaseOwnerRecord[] = [];
  private symbolKey = '';
  private checkedSymbol = '';
  private checkedMatches = false;
  private readonly fileSizes: number[] = [];
  private totalBytes = 0;
  /** Index of the file the reader is in, and the bytes of the files before it. */
  private fileIndex = 0;
  private bytesBefore = 0;
  private currentFile = '';
  /** Unknown-type lines reported so far, and the last line whose fate is known. */
  private unknownAccounted = 0;
  private lineAccounted = 0;

  constructor(
    readonly paths: readonly string[],
    private readonly onProblem: ReplayProblemHandler,
  ) {}

  async open(wanted: string): Promise<ReplaySourceInfo> {
    try {
      return await this.openFiles(wanted);
    } catch (error) {
      this.close(); // releases the owner records
      throw error;
    }
  }

  private async openFiles(wanted: string): Promise<ReplaySourceInfo> {
    const symbols: string[] = [];
    const samplePrices: number[] = [];
    const sampleSizes: number[] = [];
    let futures = false;
    let recordedFacts: MarketFacts | null = null;
    const decoder = new BinanceDecoder();
    const event = new MarketEvent();
    for (let f = 0; f < this.paths.length; f++) {
      const path = this.paths[f]!;
      // Registered as its reader: a recorder will not overwrite it meanwhile.
      this.owners.push(DatabaseOwnerRecord.register(path, 'replay'));
      let head: GzipHead;
      try {
        this.fileSizes.push(await gzipUncompressedSize(path));
        head = await gzipHead(path, HEAD_BYTES);
      } catch (error) {
        throw new ReplayOpenError(path, `cannot read this capture (${error instanceof Error ? error.message : String(error)})`);
      }
      const lines = head.text.split('\n');
      // The trailer of a whole file read here, or of a damaged one, is no use.
      if (head.complete || head.damage !== null) this.fileSizes[f] = Buffer.byteLength(head.text);
      const first = lines.findIndex((line) => line.trim() !== '');
      if (first < 0) throw new ReplayOpenError(path, head.damage !== null ? `no complete line before the damage (${head.damage.message})` : 'the capture is empty');
      if (!LINE_SHAPE.test(lines[first]!)) {
        throw new ReplayOpenError(path, `line ${first + 1} is not "<receive_ns> <JSON>" (starts ${JSON.stringify(lines[first]!.slice(0, 60))})`);
      }
      if (f > 0) continue;
      const metadataLine = lines[first]!;
      const recorded = parseCaptureMetadata(metadataLine.slice(metadataLine.indexOf(' ') + 1).trimEnd());
      if (typeof recorded === 'string') this.onProblem(replayProblem(path, first + 1, `${recorded}: the market's facts are inferred`));
      else recordedFacts = recorded;
      for (const line of lines) {
        const space = line.indexOf(' ');
        if (space < 0 || decoder.decodeRange(line, space + 1, line.length, 0, event) !== DecodeResult.Event) continue;
        if (event.symbol !== '' && !symbols.includes(event.symbol)) symbols.push(event.symbol);
        if (event.prevFinalId >= 0) futures = true;
        collectSamples(event, samplePrices, sampleSizes);
      }
    }
    this.totalBytes = this.fileSizes.reduce((a, b) => a + b, 0);
    const symbol = matchInstrument(wanted, symbols);
    if (symbol === null) {
      const held = symbols.length > 0 ? symbols.join(', ') : 'no symbol in its first megabyte';
      throw new ReplayOpenError(this.paths[0]!, `no market "${wanted}" in this capture (it holds ${held})`);
    }
    this.symbolKey = instrumentKey(symbol);
    // Facts recorded for another market (of several in the capture) are not this one's.
    if (recordedFacts !== null && matchInstrument(recordedFacts.symbol, [symbol]) === null) recordedFacts = null;
    this.reader = new CaptureReader(this.paths, {
      onError: (e) => {
        // Unknown lines before this one are reported first, so problems come in line order.
        this.accountUnknown(e.file, e.line - 1);
        this.lineAccounted = e.line;
        this.onProblem(replayProblem(e.file, e.line, e.reason));
      },
    });
    return { exchange: futures ? 'binanceusdm' : 'binance', symbol, recordedFacts, samplePrices, sampleSizes };
  }

  async fill(): Promise<boolean> {
    const reader = this.reader;
    if (reader === null) return false;
    try {
      return await reader.fill();
    } catch (error) {
      // The reader moves on to the next file; what was read of this one was delivered.
      const file = error instanceof CaptureFileError ? error.file : reader.file;
      const message = error instanceof Error ? error.message : String(error);
      this.onProblem(replayProblem(file, 0, message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message));
      return true;
    }
  }

  next(event: MarketEvent): ReplayItem {
    const reader = this.reader;
    if (reader === null) return ReplayItem.None;
    for (;;) {
      const got = reader.next(event);
      if (reader.file !== this.currentFile) this.enterFile(reader.file);
      if (reader.counts.unknown !== this.unknownAccounted) this.accountUnknown(reader.file, got ? reader.line - 1 : reader.line);
      this.lineAccounted = reader.line;
      if (!got) return ReplayItem.None;
      // Snapshots carry no symbol; every other event must be the replayed market's.
      if (event.symbol !== '' && !this.isReplayedSymbol(event.symbol)) continue;
      this.time = event.time;
      return ReplayItem.Event;
    }
  }

  /**
   * Same market under any spelling (`BTCUSDT`, or `BTC/USDT` in a recording of a ccxt session).
   * The decoder reuses the symbol string while it repeats, so the answer is cached on it. O(1).
   */
  private isReplayedSymbol(symbol: string): boolean {
    if (symbol !== this.checkedSymbol) {
      this.checkedSymbol = symbol;
      this.checkedMatches = instrumentKey(symbol) === this.symbolKey;
    }
    return this.checkedMatches;
  }

  itemProblem(reason: string): ReplayProblem {
    return replayProblem(this.reader?.file ?? this.paths[0]!, this.reader?.line ?? 0, reason);
  }

  progress(): number {
    if (this.totalBytes <= 0 || this.reader === null) return 0;
    const size = this.fileSizes[this.fileIndex] ?? 0;
    const within = Math.min(size, this.reader.bytesInFile);
    return Math.min(1, (this.bytesBefore + within) / this.totalBytes);
  }

  close(): void {
    this.reader?.close();
    this.reader = null;
    for (const owner of this.owners) owner.release();
    this.owners.length = 0;
  }

  private enterFile(file: string): void {
    if (file === '') {
      this.fileIndex = this.paths.length;
      this.bytesBefore = this.totalBytes;
    } else {
      const index = this.paths.indexOf(file, this.fileIndex);
      if (index >= 0) {
        for (let f = this.fileIndex; f < index; f++) this.bytesBefore += this.fileSizes[f] ?? 0;
        this.fileIndex = index;
      }
    }
    this.currentFile = file;
    this.lineAccounted = 0;
  }

  /**
   * The reader counts lines of unknown types without saying which: they lie between the last
   * line accounted for (an event or a malformed line) and `upTo`. Reports them as one problem.
   */
  private accountUnknown(file: string, upTo: number): void {
    const count = this.reader!.counts.unknown - this.unknownAccounted;
    if (count === 0) return;
    this.unknownAccounted += count;
    const from = this.lineAccounted + 1;
    const to = Math.max(from, upTo);
    const where = to > from ? `${from}-${to}` : `${from}`;
    const what = count === 1 ? 'a message of an unknown type was skipped' : `${count} messages of unknown types were skipped`;
    this.onProblem({ file, line: from, reason: `${what} (not depthUpdate, trade, bookTicker or a depth snapshot)`, message: `${file}:${where}: ${what} (not depthUpdate, trade, bookTicker or a depth snapshot)` });
  }
}

/** Prices and sizes of a decoded event into the samples (bounded). */
function collectSamples(event: MarketEvent, prices: number[], sizes: number[]): void {
  if (prices.length >= MAX_SAMPLES) return;
  switch (event.kind) {
    case EventKind.Trade:
      prices.push(event.price);
      sizes.push(event.amount);
      break;
    case EventKind.DepthSnapshot:
    case EventKind.DepthDiff:
      for (const list of [event.bids, event.asks]) {
        for (let i = 0; i < list.count && prices.length < MAX_SAMPLES; i++) {
          prices.push(list.prices[i]!);
          if (list.sizes[i]! > 0) sizes.push(list.sizes[i]!);
        }
      }
      break;
  }
}
