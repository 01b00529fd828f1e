/**
 * Replays cryptofeed's raw OKX websocket captures (`OKX.ws.*`): lines `<ts>: <json>` received,
 * `<url> <- <ts>: <json>` sent and `<url> <-> <ts>` connected (both skipped), one instrument of
 * the several a capture holds. This file reads cryptofeed's framing; the OKX messages are read by
 * the OKX adapter (`exchanges/okx/okxMessages.ts`).
 *
 * - Books: the 2022 capture has no `seqId`/`prevSeqId`; updates are then taken as contiguous and
 *   numbered n, n+1, ... (`prevFinalId` = n-1), which satisfies `okxRule` (and the Binance
 *   rules). When the capture has them, they are used as sent, so a real gap shows as one.
 * - Every `checksum` is verified against a book rebuilt from the exchange's own strings
 *   ({@link OkxChecksumBook}); a mismatch reports a problem and yields a Resync item after the
 *   update (checks pause until the next snapshot, the book being wrong until then).
 * - Trades: one Trade event per trade; tickers: a Ticker item.
 * Events are timed on the exchange's `ts`.
 */
import { stat } from 'node:fs/promises';
import { okxRule } from '../../engine/book/sequenceRule';
import type { MarketEvent } from '../../engine/events';
import { OkxChecksumBook } from '../exchanges/okx/okxChecksumBook';
import { OkxChannel, OkxInvalid, OkxMessage, OkxMessageKind } from '../exchanges/okx/okxMessages';
import type { TickerSnapshot } from '../feed';
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
import { TextLineReader } from './textLineReader';

/** A received line: `<seconds>: <json>`. */
const RECEIVED = /^(\d+(?:\.\d+)?): /;
/** A sent or connect line: `<url> <- <ts>: ...` / `<url> <-> <ts>`. */
const SENT_OR_CONNECT = /^[a-z]+:\/\/\S+ (?:<-|<->|->) \d/;

/** Is this line in cryptofeed's capture shape? (Used by format detection.) */
export function isCryptofeedLine(line: string): boolean {
  return RECEIVED.test(line) || SENT_OR_CONNECT.test(line);
}

/** Bytes read at open to find the instruments and the market's facts. */
const HEAD_BYTES = 8 << 20;
const MAX_SAMPLES = 4000;

export class CryptofeedOkxSource implements ReplaySource {
  readonly sequenceRule = okxRule;
  checksumsVerified = 0;
  checksumMismatches = 0;
  /** Messages of other instruments, subscription replies and other non-data lines. */
  skipped = 0;
  time = NaN;
  readonly ticker: TickerSnapshot = emptyTicker();
  resyncReason = '';

  private reader: TextLineReader;
  private fileBytes = 0;
  private instId = '';
  // The message being handed out: its data items from `itemIndex` on.
  private readonly message = new OkxMessage();
  private itemCount = 0;
  private itemIndex = 0;
  private messageLine = 0;
  private resyncPending = false;
  // Book state for ids and checksums.
  private readonly book = new OkxChecksumBook();
  private readonly setLevel = (isBid: boolean, priceText: string, sizeText: string): void => {
    this.book.set(isBid, priceText, sizeText);
  };
  private bookSynced = false;
  private lastSeq = 0;

  constructor(
    readonly path: string,
    private readonly onProblem: ReplayProblemHandler,
  ) {
    this.reader = new TextLineReader(path);
  }

  async open(wanted: string): Promise<ReplaySourceInfo> {
    try {
      this.fileBytes = (await stat(this.path)).size;
    } catch (error) {
      throw new ReplayOpenError(this.path, `cannot read this capture (${error instanceof Error ? error.message : String(error)})`);
    }
    const head = new TextLineReader(this.path);
    const message = new OkxMessage();
    const instruments: string[] = [];
    const samplePrices: number[] = [];
    const sampleSizes: number[] = [];
    let sawLine = false;
    let chosen: string | null = null;
    try {
      scan: while (head.bytesRead < HEAD_BYTES && (await head.fill())) {
        for (let line = head.nextLine(); line !== null; line = head.nextLine()) {
          if (line.trim() === '') continue;
          if (!sawLine) {
            sawLine = true;
            if (!isCryptofeedLine(line)) {
              throw new ReplayOpenError(this.path, `line ${head.line} is not a cryptofeed capture line "<ts>: <json>" (starts ${JSON.stringify(line.slice(0, 60))})`);
            }
          }
          const match = RECEIVED.exec(line);
          if (match === null) continue;
          const kind = message.parse(line.slice(match[0].length));
          if (kind === OkxMessageKind.Invalid && message.reason === OkxInvalid.NotData) {
            throw new ReplayOpenError(this.path, `line ${head.line} is not an OKX message (only OKX cryptofeed captures are supported)`);
          }
          if (kind !== OkxMessageKind.Data) continue;
          if (!instruments.includes(message.instId)) instruments.push(message.instId);
          if (chosen === null) chosen = matchInstrument(wanted, instruments);
          if (chosen !== message.instId) continue;
          message.collectSamples(samplePrices, sampleSizes, MAX_SAMPLES);
          if (samplePrices.length >= MAX_SAMPLES) break scan;
        }
      }
    } catch (error) {
      if (error instanceof ReplayOpenError) throw error;
      throw new ReplayOpenError(this.path, `cannot read this capture (${error instanceof Error ? error.message : String(error)})`);
    } finally {
      head.close();
    }
    if (!sawLine) throw new ReplayOpenError(this.path, 'the capture is empty');
    chosen ??= matchInstrument(wanted, instruments);
    if (chosen === null) {
      const held = instruments.length > 0 ? instruments.join(', ') : 'no market data';
      throw new ReplayOpenError(this.path, `no market "${wanted}" in this capture (it holds ${held})`);
    }
    this.instId = chosen;
    return { exchange: 'okx', symbol: chosen, recordedFacts: null, samplePrices, sampleSizes };
  }

  async fill(): Promise<boolean> {
    if (this.itemIndex < this.itemCount || this.resyncPending) return true;
    try {
      return await this.reader.fill();
    } catch (error) {
      this.onProblem(replayProblem(this.path, 0, `reading stopped after line ${this.reader.line} (${error instanceof Error ? error.message : String(error)})`));
      return false;
    }
  }

  next(event: MarketEvent): ReplayItem {
    if (this.resyncPending) {
      this.resyncPending = false;
      return ReplayItem.Resync;
    }
    for (;;) {
      while (this.itemIndex < this.itemCount) {
        const result = this.decodeItem(this.itemIndex++, event);
        if (result !== ReplayItem.None) return result;
      }
      const line = this.reader.nextLine();
      if (line === null) return ReplayItem.None;
      this.takeLine(line);
    }
  }

  itemProblem(reason: string): ReplayProblem {
    return replayProblem(this.path, this.messageLine, reason);
  }

  progress(): number {
    return this.fileBytes > 0 ? Math.min(1, this.reader.bytesRead / this.fileBytes) : 0;
  }

  close(): void {
    this.reader.close();
    this.itemCount = this.itemIndex = 0;
  }

  /** Parses a line into the current message (its data items), or reports why it cannot. */
  private takeLine(line: string): void {
    this.itemCount = this.itemIndex = 0;
    const lineNo = this.reader.line;
    if (line.trim() === '' || SENT_OR_CONNECT.test(line)) return;
    const match = RECEIVED.exec(line);
    if (match === null) return this.problem(lineNo, `not a cryptofeed line "<ts>: <json>" (starts ${JSON.stringify(line.slice(0, 60))})`);
    const message = this.message;
    switch (message.parse(line.slice(match[0].length))) {
      case OkxMessageKind.Reply:
        this.skipped++;
        return;
      case OkxMessageKind.Error:
      case OkxMessageKind.Invalid:
        return this.problem(lineNo, message.reason);
    }
    if (message.instId !== this.instId) {
      this.skipped++;
      return;
    }
    if (message.channel === OkxChannel.Unknown) return this.problem(lineNo, `unknown OKX channel ${JSON.stringify(message.channelName)} skipped`);
    this.messageLine = lineNo;
    this.itemCount = message.itemCount;
  }

  /** Data item `i` of the current message into `event` / `ticker`. None when it is skipped. */
  private decodeItem(i: number, event: MarketEvent): ReplayItem {
    const message = this.message;
    const time = message.itemTime(i);
    if (!(time === time)) {
      this.problem(this.messageLine, message.itemTimeProblem(i));
      return ReplayItem.None;
    }
    switch (message.channel) {
      case OkxChannel.Trades: {
        const problem = message.decodeTrade(i, event);
        if (problem !== null) {
          this.problem(this.messageLine, problem);
          return ReplayItem.None;
        }
        this.time = time;
        return ReplayItem.Event;
      }
      case OkxChannel.Ticker:
        message.decodeTicker(i, this.ticker);
        this.time = time;
        return ReplayItem.Ticker;
      default:
        return this.decodeBook(i, event);
    }
  }

  private decodeBook(i: number, event: MarketEvent): ReplayItem {
    const message = this.message;
    const snapshot = message.isSnapshot();
    if (!message.decodeBook(i, event)) {
      this.problem(this.messageLine, 'bad bids or asks (expected [["price", "size", ...], ...] with numeric strings)');
      // The rebuilt book misses this message: the engine's is wrong from here.
      if (!snapshot && this.bookSynced) {
        this.bookSynced = false;
        return this.requestResync('an unreadable OKX book update was skipped');
      }
      return ReplayItem.None;
    }
    // Without seqId (the 2022 capture) updates are numbered as contiguous.
    const hasSeq = event.finalId === event.finalId;
    if (snapshot) {
      this.book.clear();
      if (!hasSeq) event.finalId = this.lastSeq + 1;
    } else {
      if (!hasSeq || !(event.prevFinalId === event.prevFinalId)) event.prevFinalId = this.lastSeq;
      if (!hasSeq) event.finalId = this.lastSeq + 1;
      event.firstId = event.prevFinalId + 1;
    }
    this.lastSeq = event.finalId;
    this.time = event.time;
    message.forEachLevel(i, this.setLevel);
    if (snapshot) this.bookSynced = true;
    const checksum = message.bookChecksum(i);
    if (this.bookSynced && checksum === checksum) {
      const rebuilt = this.book.checksum();
      if (rebuilt === checksum) {
        this.checksumsVerified++;
      } else {
        this.checksumMismatches++;
        this.bookSynced = false;
        const reason = `OKX checksum mismatch for ${this.instId}: the message says ${checksum}, the rebuilt book gives ${rebuilt}`;
        this.problem(this.messageLine, `${reason}; the book is resynced at the next snapshot`);
        this.resyncReason = reason;
        this.resyncPending = true;
      }
    }
    return ReplayItem.Event;
  }

  private requestResync(reason: string): ReplayItem {
    this.resyncReason = reason;
    return ReplayItem.Resync;
  }

  private problem(line: number, reason: string): void {
    this.onProblem(replayProblem(this.path, line, reason));
  }
}
