/**
 * Replays cryptofeed's raw OKX websocket captures (`OKX.ws.*`): lines `<ts>: <json>` received,
 * `<url> <- <ts>: <json>` sent and `<url> <-> <ts>` connected (both skipped), one instrument of
 * the several a capture holds.
 *
 * - `books` (and `books-l2-tbt`, `books50-l2-tbt`): `snapshot` then `update`s. The 2022 capture
 *   has no `seqId`/`prevSeqId`; updates are then taken as contiguous and numbered n, n+1, ...
 *   (`prevFinalId` = n-1), which satisfies `okxRule` (and the Binance rules). When the capture
 *   has them, `seqId`/`prevSeqId` are used as sent, so a real gap shows as one.
 * - Every `checksum` is verified against a book rebuilt from the exchange's own strings
 *   ({@link OkxChecksumBook}); a mismatch reports a problem and yields a Resync item after the
 *   update (checks pause until the next snapshot, the book being wrong until then).
 * - `books5` / `bbo-tbt` messages are whole books: each is a snapshot.
 * - `trades` (and `trades-all`): one Trade event per trade; `tickers`: a Ticker item.
 * Events are timed on the exchange's `ts`.
 */
import { stat } from 'node:fs/promises';
import { okxRule } from '../../engine/book/sequenceRule';
import { EventKind, type LevelList, type MarketEvent, TakerSide } from '../../engine/events';
import type { TickerSnapshot } from '../feed';
import { OkxChecksumBook } from './okxChecksumBook';
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

const BOOK_CHANNELS = new Set(['books', 'books-l2-tbt', 'books50-l2-tbt']);
const WHOLE_BOOK_CHANNELS = new Set(['books5', 'bbo-tbt']);
const TRADE_CHANNELS = new Set(['trades', 'trades-all']);

type Item = Record<string, unknown>;

/** Shared empty item list: most lines reset to it, so it is not allocated per line. */
const NO_ITEMS: readonly Item[] = [];

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
  private items: readonly Item[] = NO_ITEMS;
  private itemIndex = 0;
  private channel = '';
  private action = '';
  private messageLine = 0;
  private resyncPending = false;
  // Book state for ids and checksums.
  private readonly book = new OkxChecksumBook();
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
          let message: unknown;
          try {
            message = JSON.parse(line.slice(match[0].length));
          } catch {
            continue;
          }
          if (!isRecord(message)) continue;
          if (!isRecord(message.arg) && !('event' in message)) {
            throw new ReplayOpenError(this.path, `line ${head.line} is not an OKX message (only OKX cryptofeed captures are supported)`);
          }
          const arg = message.arg;
          if (!isRecord(arg) || typeof arg.instId !== 'string' || !Array.isArray(message.data)) continue;
          if (!instruments.includes(arg.instId)) instruments.push(arg.instId);
          if (chosen === null) chosen = matchInstrument(wanted, instruments);
          if (chosen !== arg.instId) continue;
          collectSamples(String(arg.channel), message.data, samplePrices, sampleSizes);
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
    return { exchange: 'okx', symbol: chosen, samplePrices, sampleSizes };
  }

  async fill(): Promise<boolean> {
    if (this.itemIndex < this.items.length || this.resyncPending) return true;
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
      while (this.itemIndex < this.items.length) {
        const item = this.items[this.itemIndex++]!;
        const result = this.decodeItem(item, event);
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
    this.items = NO_ITEMS;
  }

  /** Parses a line into the current message (its data items), or reports why it cannot. */
  private takeLine(line: string): void {
    this.items = NO_ITEMS;
    this.itemIndex = 0;
    const lineNo = this.reader.line;
    if (line.trim() === '' || SENT_OR_CONNECT.test(line)) return;
    const match = RECEIVED.exec(line);
    if (match === null) return this.problem(lineNo, `not a cryptofeed line "<ts>: <json>" (starts ${JSON.stringify(line.slice(0, 60))})`);
    let message: unknown;
    try {
      message = JSON.parse(line.slice(match[0].length));
    } catch {
      return this.problem(lineNo, 'invalid JSON');
    }
    if (!isRecord(message)) return this.problem(lineNo, 'not a JSON object');
    if ('event' in message) {
      if (message.event === 'error') return this.problem(lineNo, `the exchange reported an error: ${JSON.stringify(message.msg ?? message)}`);
      this.skipped++;
      return;
    }
    const arg = message.arg;
    if (!isRecord(arg) || typeof arg.channel !== 'string' || typeof arg.instId !== 'string' || !Array.isArray(message.data)) {
      return this.problem(lineNo, 'not an OKX data message (no arg.channel, arg.instId and data)');
    }
    if (arg.instId !== this.instId) {
      this.skipped++;
      return;
    }
    const channel = arg.channel;
    if (!BOOK_CHANNELS.has(channel) && !WHOLE_BOOK_CHANNELS.has(channel) && !TRADE_CHANNELS.has(channel) && channel !== 'tickers') {
      return this.problem(lineNo, `unknown OKX channel ${JSON.stringify(channel)} skipped`);
    }
    this.channel = channel;
    this.action = typeof message.action === 'string' ? message.action : '';
    this.messageLine = lineNo;
    this.items = message.data as Item[];
  }

  /** One data item of the current message into `event` / `ticker`. None when it is skipped. */
  private decodeItem(item: Item, event: MarketEvent): ReplayItem {
    if (!isRecord(item)) {
      this.problem(this.messageLine, 'a data item is not an object');
      return ReplayItem.None;
    }
    const time = Number(item.ts);
    if (!(typeof item.ts === 'string' || typeof item.ts === 'number') || !(time >= 0 && time < Infinity)) {
      this.problem(this.messageLine, `bad or missing ts ${JSON.stringify(item.ts)}`);
      return ReplayItem.None;
    }
    if (TRADE_CHANNELS.has(this.channel)) return this.decodeTrade(item, time, event);
    if (this.channel === 'tickers') return this.decodeTicker(item, time);
    const snapshot = WHOLE_BOOK_CHANNELS.has(this.channel) || this.action !== 'update';
    return this.decodeBook(item, time, snapshot, event);
  }

  private decodeBook(item: Item, time: number, snapshot: boolean, event: MarketEvent): ReplayItem {
    event.reset(snapshot ? EventKind.DepthSnapshot : EventKind.DepthDiff);
    if (!levels(item.bids, event.bids) || !levels(item.asks, event.asks)) {
      this.problem(this.messageLine, 'bad bids or asks (expected [["price", "size", ...], ...] with numeric strings)');
      event.reset(EventKind.None);
      // The rebuilt book misses this message: the engine's is wrong from here.
      if (!snapshot && this.bookSynced) {
        this.bookSynced = false;
        return this.requestResync('an unreadable OKX book update was skipped');
      }
      return ReplayItem.None;
    }
    const seqId = typeof item.seqId === 'number' ? item.seqId : NaN;
    const prevSeqId = typeof item.prevSeqId === 'number' ? item.prevSeqId : NaN;
    const hasSeq = Number.isSafeInteger(seqId) && seqId >= 0;
    if (snapshot) {
      this.book.clear();
      event.finalId = hasSeq ? seqId : this.lastSeq + 1;
    } else {
      event.prevFinalId = hasSeq && Number.isSafeInteger(prevSeqId) ? prevSeqId : this.lastSeq;
      event.finalId = hasSeq ? seqId : this.lastSeq + 1;
      event.firstId = event.prevFinalId + 1;
    }
    this.lastSeq = event.finalId;
    event.symbol = this.instId;
    event.time = time;
    this.time = time;
    this.applyToBook(item.bids as string[][], true);
    this.applyToBook(item.asks as string[][], false);
    if (snapshot) this.bookSynced = true;
    const checksum = item.checksum;
    if (this.bookSynced && typeof checksum === 'number') {
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

  private decodeTrade(item: Item, time: number, event: MarketEvent): ReplayItem {
    const price = numeric(item.px);
    const amount = numeric(item.sz);
    const side = item.side;
    if (!(price > 0 && price < Infinity) || !(amount >= 0 && amount < Infinity) || (side !== 'buy' && side !== 'sell')) {
      this.problem(this.messageLine, `bad trade (px ${JSON.stringify(item.px)}, sz ${JSON.stringify(item.sz)}, side ${JSON.stringify(side)})`);
      return ReplayItem.None;
    }
    event.reset(EventKind.Trade);
    event.symbol = this.instId;
    event.time = time;
    const id = numeric(item.tradeId);
    event.tradeId = Number.isSafeInteger(id) && id >= 0 ? id : -1;
    event.price = price;
    event.amount = amount;
    event.takerSide = side === 'buy' ? TakerSide.Buy : TakerSide.Sell;
    this.time = time;
    return ReplayItem.Event;
  }

  private decodeTicker(item: Item, time: number): ReplayItem {
    const t = this.ticker;
    t.symbol = this.instId;
    t.last = numeric(item.last);
    t.open24h = numeric(item.open24h);
    t.high24h = numeric(item.high24h);
    t.low24h = numeric(item.low24h);
    t.volume24h = numeric(item.vol24h);
    t.changePercent24h = t.open24h > 0 ? ((t.last - t.open24h) / t.open24h) * 100 : NaN;
    t.time = time;
    this.time = time;
    return ReplayItem.Ticker;
  }

  private applyToBook(rows: string[][], isBid: boolean): void {
    for (const row of rows) this.book.set(isBid, row[0]!, row[1]!);
  }

  private requestResync(reason: string): ReplayItem {
    this.resyncReason = reason;
    return ReplayItem.Resync;
  }

  private problem(line: number, reason: string): void {
    this.onProblem(replayProblem(this.path, line, reason));
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A number from OKX's numeric strings (or a number); NaN otherwise. */
function numeric(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value.trim() === '') return NaN;
  return Number(value);
}

/** `[["px", "sz", ...], ...]` into `list`; false when any row is not two numeric strings. */
function levels(value: unknown, list: LevelList): boolean {
  list.clear();
  if (!Array.isArray(value)) return false;
  for (const row of value) {
    if (!Array.isArray(row) || typeof row[0] !== 'string' || typeof row[1] !== 'string') return false;
    const price = numeric(row[0]);
    const size = numeric(row[1]);
    if (!(price > 0 && price < Infinity) || !(size >= 0 && size < Infinity)) return false;
    list.push(price, size);
  }
  return true;
}

/** Prices and sizes of one message's data into the samples. */
function collectSamples(channel: string, data: unknown[], prices: number[], sizes: number[]): void {
  for (const item of data) {
    if (!isRecord(item)) continue;
    if (TRADE_CHANNELS.has(channel)) {
      prices.push(numeric(item.px));
      sizes.push(numeric(item.sz));
    } else if (BOOK_CHANNELS.has(channel) || WHOLE_BOOK_CHANNELS.has(channel)) {
      for (const side of [item.bids, item.asks]) {
        if (!Array.isArray(side)) continue;
        for (const row of side) {
          if (!Array.isArray(row) || prices.length >= MAX_SAMPLES) continue;
          prices.push(numeric(row[0]));
          const size = numeric(row[1]);
          if (size > 0) sizes.push(size);
        }
      }
    }
  }
}
