/**
 * OKX v5 public websocket messages, mapped to engine events. The wire shapes stay in this file:
 * callers see an {@link OkxMessage} (which channel, which instrument, how many data items) and
 * decode each item into a {@link MarketEvent} or a {@link TickerSnapshot}.
 *
 * - `books` (and `books-l2-tbt`, `books50-l2-tbt`): `action` `snapshot` or `update`; each item
 *   `{bids, asks, ts, checksum, seqId?, prevSeqId?}`, levels `["px", "sz", "0", "orders"]`.
 * - `books5`, `bbo-tbt`: every message a whole book (a snapshot).
 * - `trades`, `trades-all`: items `{px, sz, side, tradeId, ts}`, `side` the taker's.
 * - `tickers`: items `{last, open24h, high24h, low24h, vol24h, ts}`.
 * - `{"event": ...}`: subscription replies and errors (`{"event":"error","msg":...}`).
 * Numbers come as strings; the exchange's own price and size strings are kept for its checksum.
 */
import { EventKind, type LevelList, type MarketEvent, TakerSide } from '../../../engine/events';
import type { TickerSnapshot } from '../../feed';

/** What a channel carries. */
export const OkxChannel = {
  /** Not a channel this reads. */
  Unknown: 0,
  /** Snapshot then updates (sequenced, with checksums). */
  Book: 1,
  /** Each message a whole book. */
  WholeBook: 2,
  Trades: 3,
  Ticker: 4,
} as const;
export type OkxChannel = (typeof OkxChannel)[keyof typeof OkxChannel];

const CHANNELS: Readonly<Record<string, OkxChannel>> = {
  books: OkxChannel.Book,
  'books-l2-tbt': OkxChannel.Book,
  'books50-l2-tbt': OkxChannel.Book,
  books5: OkxChannel.WholeBook,
  'bbo-tbt': OkxChannel.WholeBook,
  trades: OkxChannel.Trades,
  'trades-all': OkxChannel.Trades,
  tickers: OkxChannel.Ticker,
};

/** The wire item: a JSON object whose fields are checked where they are read. */
type Item = Record<string, unknown>;
type WireLevel = [string, string, ...unknown[]];

const NO_ITEMS: readonly Item[] = [];

/** What a message is. */
/** Why a message is not OKX data; constant strings. */
export const OkxInvalid = {
  Json: 'invalid JSON',
  NotObject: 'not a JSON object',
  NotData: 'not an OKX data message (no arg.channel, arg.instId and data)',
} as const;

export const OkxMessageKind = {
  /** Market data: `channel`, `instId`, items. */
  Data: 1,
  /** A reply to a request (subscribe, login): nothing to replay. */
  Reply: 2,
  /** The exchange reported an error (`reason` holds its message). */
  Error: 3,
  /** Not an OKX message (`reason` says why). */
  Invalid: 4,
} as const;
export type OkxMessageKind = (typeof OkxMessageKind)[keyof typeof OkxMessageKind];

/** One parsed message; reused by {@link OkxMessage.parse}. */
export class OkxMessage {
  kind: OkxMessageKind = OkxMessageKind.Invalid;
  /** The channel's name as sent, and what it carries. */
  channelName = '';
  channel: OkxChannel = OkxChannel.Unknown;
  instId = '';
  /** `snapshot` / `update` for books ('' when absent). */
  action = '';
  /** Why the message is an error or invalid. */
  reason = '';
  private items: readonly Item[] = NO_ITEMS;

  /** Data items in the message. */
  get itemCount(): number {
    return this.items.length;
  }

  /** Parses one message's JSON text. O(text); allocates the parsed JSON. */
  parse(json: string): OkxMessageKind {
    this.items = NO_ITEMS;
    this.channelName = this.instId = this.action = this.reason = '';
    this.channel = OkxChannel.Unknown;
    let message: unknown;
    try {
      message = JSON.parse(json);
    } catch {
      return this.invalid(OkxInvalid.Json);
    }
    if (!isRecord(message)) return this.invalid(OkxInvalid.NotObject);
    if ('event' in message) {
      if (message.event !== 'error') return (this.kind = OkxMessageKind.Reply);
      this.reason = `the exchange reported an error: ${JSON.stringify(message.msg ?? message)}`;
      return (this.kind = OkxMessageKind.Error);
    }
    const arg = message.arg;
    if (!isRecord(arg) || typeof arg.channel !== 'string' || typeof arg.instId !== 'string' || !Array.isArray(message.data)) {
      return this.invalid(OkxInvalid.NotData);
    }
    this.channelName = arg.channel;
    this.channel = CHANNELS[arg.channel] ?? OkxChannel.Unknown;
    this.instId = arg.instId;
    this.action = typeof message.action === 'string' ? message.action : '';
    this.items = message.data as Item[];
    return (this.kind = OkxMessageKind.Data);
  }

  /** Are this message's book items snapshots (whole books) rather than updates? */
  isSnapshot(): boolean {
    return this.channel === OkxChannel.WholeBook || this.action !== 'update';
  }

  /** Exchange time (ms) of item `i`, NaN when it is missing or bad (or the item is no object). */
  itemTime(i: number): number {
    const item = this.items[i];
    if (!isRecord(item)) return NaN;
    const ts = item.ts;
    if (typeof ts !== 'string' && typeof ts !== 'number') return NaN;
    const time = Number(ts);
    return time >= 0 && time < Infinity ? time : NaN;
  }

  /** Why item `i` has no usable time (for a report). */
  itemTimeProblem(i: number): string {
    const item = this.items[i];
    return isRecord(item) ? `bad or missing ts ${JSON.stringify(item.ts)}` : 'a data item is not an object';
  }

  /**
   * Book item `i` into `event` (kind, levels, time, symbol; `finalId` from `seqId` and, for an
   * update, `prevFinalId` from `prevSeqId` when sent, else NaN for the caller to number). False
   * when a level is not two numeric strings.
   */
  decodeBook(i: number, event: MarketEvent): boolean {
    const item = this.items[i] as Item;
    event.reset(this.isSnapshot() ? EventKind.DepthSnapshot : EventKind.DepthDiff);
    if (!levels(item.bids, event.bids) || !levels(item.asks, event.asks)) {
      event.reset(EventKind.None);
      return false;
    }
    const seqId = typeof item.seqId === 'number' && Number.isSafeInteger(item.seqId) && item.seqId >= 0 ? item.seqId : NaN;
    const prevSeqId = typeof item.prevSeqId === 'number' && Number.isSafeInteger(item.prevSeqId) ? item.prevSeqId : NaN;
    event.finalId = seqId;
    if (event.kind === EventKind.DepthDiff) event.prevFinalId = seqId === seqId ? prevSeqId : NaN;
    event.symbol = this.instId;
    event.time = this.itemTime(i);
    return true;
  }

  /** The exchange's checksum of book item `i`, NaN when it sent none. */
  bookChecksum(i: number): number {
    const checksum = (this.items[i] as Item).checksum;
    return typeof checksum === 'number' ? checksum : NaN;
  }

  /** Calls `level(isBid, priceText, sizeText)` for every level of book item `i`, as sent (after `decodeBook` accepted it). */
  forEachLevel(i: number, level: (isBid: boolean, priceText: string, sizeText: string) => void): void {
    const item = this.items[i] as Item;
    for (const row of item.bids as WireLevel[]) level(true, row[0], row[1]);
    for (const row of item.asks as WireLevel[]) level(false, row[0], row[1]);
  }

  /** Trade item `i` into `event`; null, or why it is not a usable trade. */
  decodeTrade(i: number, event: MarketEvent): string | null {
    const item = this.items[i] as Item;
    const price = numeric(item.px);
    const amount = numeric(item.sz);
    const side = item.side;
    if (!(price > 0 && price < Infinity) || !(amount >= 0 && amount < Infinity) || (side !== 'buy' && side !== 'sell')) {
      return `bad trade (px ${JSON.stringify(item.px)}, sz ${JSON.stringify(item.sz)}, side ${JSON.stringify(side)})`;
    }
    event.reset(EventKind.Trade);
    event.symbol = this.instId;
    event.time = this.itemTime(i);
    const id = numeric(item.tradeId);
    event.tradeId = Number.isSafeInteger(id) && id >= 0 ? id : -1;
    event.price = price;
    event.amount = amount;
    event.takerSide = side === 'buy' ? TakerSide.Buy : TakerSide.Sell;
    return null;
  }

  /** Ticker item `i` into `ticker` (NaN for what it lacks). */
  decodeTicker(i: number, ticker: TickerSnapshot): void {
    const item = this.items[i] as Item;
    ticker.symbol = this.instId;
    ticker.last = numeric(item.last);
    ticker.open24h = numeric(item.open24h);
    ticker.high24h = numeric(item.high24h);
    ticker.low24h = numeric(item.low24h);
    ticker.volume24h = numeric(item.vol24h);
    ticker.changePercent24h = ticker.open24h > 0 ? ((ticker.last - ticker.open24h) / ticker.open24h) * 100 : NaN;
    ticker.time = this.itemTime(i);
  }

  /** Prices and sizes of the message's trades or book levels into the samples (up to `max`). */
  collectSamples(prices: number[], sizes: number[], max: number): void {
    for (const item of this.items) {
      if (!isRecord(item) || prices.length >= max) continue;
      if (this.channel === OkxChannel.Trades) {
        prices.push(numeric(item.px));
        sizes.push(numeric(item.sz));
      } else if (this.channel === OkxChannel.Book || this.channel === OkxChannel.WholeBook) {
        for (const side of [item.bids, item.asks]) {
          if (!Array.isArray(side)) continue;
          for (const row of side) {
            if (!Array.isArray(row) || prices.length >= max) continue;
            prices.push(numeric(row[0]));
            const size = numeric(row[1]);
            if (size > 0) sizes.push(size);
          }
        }
      }
    }
  }

  private invalid(reason: string): OkxMessageKind {
    this.reason = reason;
    return (this.kind = OkxMessageKind.Invalid);
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
