/**
 * Binance market-data messages (as received on the websocket, or the REST depth snapshot) to
 * engine {@link MarketEvent}s. Binance's wire format (field names, envelopes, string numbers)
 * stays in this adapter; what leaves it is engine events.
 *
 * Two paths, one meaning. The hot messages (combined-stream `depthUpdate`, `trade`,
 * `bookTicker`) go through a hand-written scanner that reads fields straight from the string,
 * with no JSON objects, no substrings and no number strings (3.3x faster than the JSON.parse
 * path over the four Binance captures; the generic JSON scanning is in `wire/jsonScanner`). The
 * scanner accepts a message only when it is valid JSON of an expected shape whose every used
 * field is valid; on anything else (the snapshot, unknown streams, escapes, exponents, bad
 * values, duplicate keys) it gives up and the plain JSON.parse path decides. So the verdict and
 * every field always come from the same rules the JSON.parse path states.
 */
import { EventKind, type LevelList, type MarketEvent, TakerSide } from '../../../engine/events';
import { DecimalReader } from '../../wire/decimalReader';
import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  BACKSLASH,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  ZERO,
  scanKey,
  scanQuotedDecimal,
  skipSpace,
  skipValue,
} from '../../wire/jsonScanner';

/** What {@link BinanceDecoder.decode} made of a message. */
export const DecodeResult = {
  /** `out` holds an event. */
  Event: 0,
  /** Valid JSON, but not a message this decoder knows (other streams, subscription replies). */
  Unknown: 1,
  /** Not JSON, or a known message with a missing or invalid field; `reason` says which. */
  Malformed: 2,
} as const;
export type DecodeResult = (typeof DecodeResult)[keyof typeof DecodeResult];

export interface BinanceDecoderOptions {
  /** Use the scanner for the hot messages (default). Off: JSON.parse for everything, to
   * measure the scanner against or cross-check it. */
  scanner: boolean;
}

const DEFAULTS: BinanceDecoderOptions = { scanner: true };

/** Why a message is Unknown or Malformed. Constant strings: reporting allocates nothing. */
export const DecodeReason = {
  InvalidJson: 'invalid JSON',
  NotObject: 'not a JSON object',
  UnknownType: 'unknown event type',
  NoType: 'no event type',
  Symbol: 'bad or missing s (symbol)',
  EventTime: 'bad or missing E (event time)',
  TradeTime: 'bad or missing T (trade time)',
  FirstId: 'bad or missing U (first update id)',
  FinalId: 'bad or missing u (final update id)',
  PrevFinalId: 'bad pu (previous final update id)',
  LastUpdateId: 'bad or missing lastUpdateId',
  Bids: 'bad or missing bid levels',
  Asks: 'bad or missing ask levels',
  TradeId: 'bad or missing t (trade id)',
  Price: 'bad or missing p (price)',
  Quantity: 'bad or missing q (quantity)',
  Maker: 'bad or missing m (buyer is maker)',
  BestBid: 'bad or missing b (best bid)',
  BestBidSize: 'bad or missing B (best bid size)',
  BestAsk: 'bad or missing a (best ask)',
  BestAskSize: 'bad or missing A (best ask size)',
} as const;

/** Unsigned decimal string as Binance writes prices and sizes. */
const DECIMAL = /^[0-9]+(\.[0-9]+)?$/;

// One bit per data key the scanner reads; a second occurrence of a key sends the message to
// JSON.parse, whose last-one-wins rule is then the one that applies.
const K_e = 1 << 0;
const K_E = 1 << 1;
const K_T = 1 << 2;
const K_s = 1 << 3;
const K_U = 1 << 4;
const K_u = 1 << 5;
const K_pu = 1 << 6;
const K_b = 1 << 7;
const K_a = 1 << 8;
const K_B = 1 << 9;
const K_A = 1 << 10;
const K_t = 1 << 11;
const K_p = 1 << 12;
const K_q = 1 << 13;
const K_m = 1 << 14;
/** Key code of `pu`, the only two-letter key used (one-letter keys use their char code). */
const KEY_PU = 256;

const DEPTH_KEYS = K_E | K_s | K_U | K_u | K_b | K_a;
const TRADE_KEYS = K_s | K_t | K_p | K_q | K_T | K_m;
const TICKER_KEYS = K_s | K_u | K_b | K_B | K_a | K_A;

// Value of `e` as seen by the scanner.
const TYPE_NONE = 0;
const TYPE_DEPTH = 1;
const TYPE_TRADE = 2;
const TYPE_TICKER = 3;

/**
 * Decodes Binance messages into a caller-owned {@link MarketEvent}. Holds only scratch state;
 * one decoder per feed.
 */
export class BinanceDecoder {
  /** Why the last decode returned Unknown or Malformed; '' after an event. */
  reason = '';
  /** Messages the scanner left to JSON.parse (snapshots, unusual shapes, bad input). */
  fallbacks = 0;

  private readonly useScanner: boolean;
  /** Keys seen in the current data object (K_* bits). */
  private seen = 0;
  private type = TYPE_NONE;
  /** Whether `b` / `a` held level arrays (depth) rather than one price (bookTicker). */
  private bidLevels = false;
  private askLevels = false;
  /** Numbers read by the scanner land in `decimal.value`. */
  private readonly decimal = new DecimalReader();
  private eventTime = 0;
  private tradeTime = 0;
  private firstId = 0;
  private finalId = 0;
  private prevFinalId = 0;
  /** Last symbol seen, reused while messages repeat it so no string is allocated. */
  private symbol = '';

  constructor(options: Partial<BinanceDecoderOptions> = {}) {
    this.useScanner = { ...DEFAULTS, ...options }.scanner;
  }

  /**
   * Decodes one message into `out` (overwritten; `out.kind` is None unless the result is
   * Event). O(length). Allocates nothing for scanned messages (a new symbol aside); JSON.parse
   * messages allocate what JSON.parse does. Never throws.
   */
  decode(json: string, receiveNs: number, out: MarketEvent): DecodeResult {
    return this.decodeRange(json, 0, json.length, receiveNs, out);
  }

  /**
   * Like {@link decode} for the message `text[start, end)`, so a reader can decode lines in a
   * larger buffer without cutting them out. O(end - start); allocation as for `decode`.
   */
  decodeRange(
    text: string,
    start: number,
    end: number,
    receiveNs: number,
    out: MarketEvent,
  ): DecodeResult {
    out.reset(EventKind.None);
    out.receiveNs = receiveNs;
    if (this.useScanner && this.scanEnvelope(text, start, end, out)) {
      this.reason = '';
      return DecodeResult.Event;
    }
    if (this.useScanner) this.fallbacks++;
    out.reset(EventKind.None);
    out.receiveNs = receiveNs;
    const result = this.decodeParsed(text, start, end, out);
    if (result !== DecodeResult.Event) out.kind = EventKind.None;
    return result;
  }

  // ---- JSON.parse path: the rules ---------------------------------------------------------

  private decodeParsed(text: string, start: number, end: number, out: MarketEvent): DecodeResult {
    let root: unknown;
    try {
      root = JSON.parse(start === 0 && end === text.length ? text : text.slice(start, end));
    } catch {
      return this.fail(DecodeResult.Malformed, DecodeReason.InvalidJson);
    }
    if (!isRecord(root)) return this.fail(DecodeResult.Malformed, DecodeReason.NotObject);
    if ('lastUpdateId' in root) return this.decodeSnapshot(root, out);
    // Combined streams wrap the event in {"stream", "data"}; raw streams send it bare.
    const data = isRecord(root.data) ? root.data : root;
    const type = data.e;
    if (type === 'depthUpdate') return this.decodeDepth(data, out);
    if (type === 'trade') return this.decodeTrade(data, out);
    if (type === 'bookTicker') return this.decodeTicker(data, out);
    if (type !== undefined) return this.fail(DecodeResult.Unknown, DecodeReason.UnknownType);
    // Spot bookTicker has no `e`; it is the message with best sizes `B` and `A`.
    if ('B' in data && 'A' in data) return this.decodeTicker(data, out);
    return this.fail(DecodeResult.Unknown, DecodeReason.NoType);
  }

  private decodeSnapshot(root: Record<string, unknown>, out: MarketEvent): DecodeResult {
    const id = idValue(root.lastUpdateId);
    if (id < 0) return this.fail(DecodeResult.Malformed, DecodeReason.LastUpdateId);
    let time = NaN;
    if ('E' in root) {
      time = idValue(root.E);
      if (time < 0) return this.fail(DecodeResult.Malformed, DecodeReason.EventTime);
    }
    if (!levelsValue(root.bids, out.bids)) return this.fail(DecodeResult.Malformed, DecodeReason.Bids);
    if (!levelsValue(root.asks, out.asks)) return this.fail(DecodeResult.Malformed, DecodeReason.Asks);
    out.kind = EventKind.DepthSnapshot;
    out.finalId = id;
    out.time = time;
    return this.succeed();
  }

  private decodeDepth(data: Record<string, unknown>, out: MarketEvent): DecodeResult {
    if (!symbolValue(data.s)) return this.fail(DecodeResult.Malformed, DecodeReason.Symbol);
    const time = idValue(data.E);
    if (time < 0) return this.fail(DecodeResult.Malformed, DecodeReason.EventTime);
    const firstId = idValue(data.U);
    if (firstId < 0) return this.fail(DecodeResult.Malformed, DecodeReason.FirstId);
    const finalId = idValue(data.u);
    if (finalId < 0) return this.fail(DecodeResult.Malformed, DecodeReason.FinalId);
    let prevFinalId = -1;
    if ('pu' in data) {
      prevFinalId = idValue(data.pu);
      if (prevFinalId < 0) return this.fail(DecodeResult.Malformed, DecodeReason.PrevFinalId);
    }
    if (!levelsValue(data.b, out.bids)) return this.fail(DecodeResult.Malformed, DecodeReason.Bids);
    if (!levelsValue(data.a, out.asks)) return this.fail(DecodeResult.Malformed, DecodeReason.Asks);
    out.kind = EventKind.DepthDiff;
    out.symbol = data.s as string;
    out.time = time;
    out.firstId = firstId;
    out.finalId = finalId;
    out.prevFinalId = prevFinalId;
    return this.succeed();
  }

  private decodeTrade(data: Record<string, unknown>, out: MarketEvent): DecodeResult {
    if (!symbolValue(data.s)) return this.fail(DecodeResult.Malformed, DecodeReason.Symbol);
    const tradeId = idValue(data.t);
    if (tradeId < 0) return this.fail(DecodeResult.Malformed, DecodeReason.TradeId);
    const price = decimalValue(data.p);
    if (Number.isNaN(price)) return this.fail(DecodeResult.Malformed, DecodeReason.Price);
    const amount = decimalValue(data.q);
    if (Number.isNaN(amount)) return this.fail(DecodeResult.Malformed, DecodeReason.Quantity);
    const time = idValue(data.T);
    if (time < 0) return this.fail(DecodeResult.Malformed, DecodeReason.TradeTime);
    if (typeof data.m !== 'boolean') return this.fail(DecodeResult.Malformed, DecodeReason.Maker);
    out.kind = EventKind.Trade;
    out.symbol = data.s as string;
    out.time = time;
    out.tradeId = tradeId;
    out.price = price;
    out.amount = amount;
    // `m`: the buyer was the resting (maker) order, so the aggressor sold.
    out.takerSide = data.m ? TakerSide.Sell : TakerSide.Buy;
    return this.succeed();
  }

  private decodeTicker(data: Record<string, unknown>, out: MarketEvent): DecodeResult {
    if (!symbolValue(data.s)) return this.fail(DecodeResult.Malformed, DecodeReason.Symbol);
    const finalId = idValue(data.u);
    if (finalId < 0) return this.fail(DecodeResult.Malformed, DecodeReason.FinalId);
    let time = NaN;
    if ('E' in data) {
      time = idValue(data.E);
      if (time < 0) return this.fail(DecodeResult.Malformed, DecodeReason.EventTime);
    }
    const bestBid = decimalValue(data.b);
    if (Number.isNaN(bestBid)) return this.fail(DecodeResult.Malformed, DecodeReason.BestBid);
    const bestBidSize = decimalValue(data.B);
    if (Number.isNaN(bestBidSize)) return this.fail(DecodeResult.Malformed, DecodeReason.BestBidSize);
    const bestAsk = decimalValue(data.a);
    if (Number.isNaN(bestAsk)) return this.fail(DecodeResult.Malformed, DecodeReason.BestAsk);
    const bestAskSize = decimalValue(data.A);
    if (Number.isNaN(bestAskSize)) return this.fail(DecodeResult.Malformed, DecodeReason.BestAskSize);
    out.kind = EventKind.BookTicker;
    out.symbol = data.s as string;
    out.time = time;
    out.finalId = finalId;
    out.bestBid = bestBid;
    out.bestBidSize = bestBidSize;
    out.bestAsk = bestAsk;
    out.bestAskSize = bestAskSize;
    return this.succeed();
  }

  private succeed(): DecodeResult {
    this.reason = '';
    return DecodeResult.Event;
  }

  private fail(result: DecodeResult, reason: string): DecodeResult {
    this.reason = reason;
    return result;
  }

  // ---- Scanner: the same rules, for the hot messages --------------------------------------
  // Every scan* method returns the index after what it read, or -1 to leave the message to
  // JSON.parse. Numbers travel through `this.decimal.value`.

  /** `{"stream": "...", "data": {...}}` in any key order, then only whitespace. */
  private scanEnvelope(text: string, start: number, end: number, out: MarketEvent): boolean {
    let i = skipSpace(text, start, end);
    if (i >= end || text.charCodeAt(i) !== OPEN_BRACE) return false;
    let sawData = false;
    i = skipSpace(text, i + 1, end);
    for (;;) {
      const keyEnd = scanKey(text, i, end);
      if (keyEnd < 0) return false;
      const keyLength = keyEnd - i - 2;
      i = skipSpace(text, keyEnd, end);
      if (i >= end || text.charCodeAt(i) !== COLON) return false;
      i = skipSpace(text, i + 1, end);
      if (keyLength === 4 && text.startsWith('data', keyEnd - 5)) {
        if (sawData) return false;
        sawData = true;
        i = this.scanData(text, i, end, out);
      } else if (keyLength === 6 && text.startsWith('stream', keyEnd - 7)) {
        i = skipValue(text, i, end);
      } else {
        return false;
      }
      if (i < 0) return false;
      i = skipSpace(text, i, end);
      if (i >= end) return false;
      const c = text.charCodeAt(i);
      if (c === CLOSE_BRACE) break;
      if (c !== COMMA) return false;
      i = skipSpace(text, i + 1, end);
    }
    return sawData && skipSpace(text, i + 1, end) === end && this.finishEvent(out);
  }

  /** The event object: reads the keys it knows, validates and skips the rest. */
  private scanData(text: string, start: number, end: number, out: MarketEvent): number {
    if (start >= end || text.charCodeAt(start) !== OPEN_BRACE) return -1;
    this.seen = 0;
    this.type = TYPE_NONE;
    let i = skipSpace(text, start + 1, end);
    for (;;) {
      const keyEnd = scanKey(text, i, end);
      if (keyEnd < 0) return -1;
      const keyLength = keyEnd - i - 2;
      let key = 0;
      if (keyLength === 1) key = text.charCodeAt(i + 1);
      else if (keyLength === 2 && text.charCodeAt(i + 1) === 112 && text.charCodeAt(i + 2) === 117) key = KEY_PU;
      i = skipSpace(text, keyEnd, end);
      if (i >= end || text.charCodeAt(i) !== COLON) return -1;
      i = skipSpace(text, i + 1, end);
      let bit = 0;
      switch (key) {
        case 101 /* e */:
          bit = K_e;
          i = this.scanType(text, i, end);
          break;
        case 69 /* E */:
          bit = K_E;
          i = this.scanInteger(text, i, end);
          this.eventTime = this.decimal.value;
          break;
        case 84 /* T */:
          bit = K_T;
          i = this.scanInteger(text, i, end);
          this.tradeTime = this.decimal.value;
          break;
        case 85 /* U */:
          bit = K_U;
          i = this.scanInteger(text, i, end);
          this.firstId = this.decimal.value;
          break;
        case 117 /* u */:
          bit = K_u;
          i = this.scanInteger(text, i, end);
          this.finalId = this.decimal.value;
          break;
        case KEY_PU:
          bit = K_pu;
          i = this.scanInteger(text, i, end);
          this.prevFinalId = this.decimal.value;
          break;
        case 116 /* t */:
          bit = K_t;
          i = this.scanInteger(text, i, end);
          out.tradeId = this.decimal.value;
          break;
        case 115 /* s */:
          bit = K_s;
          i = this.scanSymbol(text, i, end, out);
          break;
        case 98 /* b */:
          bit = K_b;
          this.bidLevels = i < end && text.charCodeAt(i) === OPEN_BRACKET;
          if (this.bidLevels) {
            i = scanLevels(text, i, end, out.bids, this.decimal);
          } else {
            i = this.scanDecimalString(text, i, end);
            out.bestBid = this.decimal.value;
          }
          break;
        case 97 /* a */:
          bit = K_a;
          this.askLevels = i < end && text.charCodeAt(i) === OPEN_BRACKET;
          if (this.askLevels) {
            i = scanLevels(text, i, end, out.asks, this.decimal);
          } else {
            i = this.scanDecimalString(text, i, end);
            out.bestAsk = this.decimal.value;
          }
          break;
        case 66 /* B */:
          bit = K_B;
          i = this.scanDecimalString(text, i, end);
          out.bestBidSize = this.decimal.value;
          break;
        case 65 /* A */:
          bit = K_A;
          i = this.scanDecimalString(text, i, end);
          out.bestAskSize = this.decimal.value;
          break;
        case 112 /* p */:
          bit = K_p;
          i = this.scanDecimalString(text, i, end);
          out.price = this.decimal.value;
          break;
        case 113 /* q */:
          bit = K_q;
          i = this.scanDecimalString(text, i, end);
          out.amount = this.decimal.value;
          break;
        case 109 /* m */:
          bit = K_m;
          if (i + 4 <= end && text.startsWith('true', i)) {
            out.takerSide = TakerSide.Sell;
            i += 4;
          } else if (i + 5 <= end && text.startsWith('false', i)) {
            out.takerSide = TakerSide.Buy;
            i += 5;
          } else {
            i = -1;
          }
          break;
        default:
          i = skipValue(text, i, end);
      }
      if (i < 0 || (this.seen & bit) !== 0) return -1;
      this.seen |= bit;
      i = skipSpace(text, i, end);
      if (i >= end) return -1;
      const c = text.charCodeAt(i);
      if (c === CLOSE_BRACE) return i + 1;
      if (c !== COMMA) return -1;
      i = skipSpace(text, i + 1, end);
    }
  }

  /** Applies the JSON.parse path's rules to the scanned keys; false leaves it to that path. */
  private finishEvent(out: MarketEvent): boolean {
    const seen = this.seen;
    switch (this.type) {
      case TYPE_DEPTH:
        if ((seen & DEPTH_KEYS) !== DEPTH_KEYS || !this.bidLevels || !this.askLevels) return false;
        out.kind = EventKind.DepthDiff;
        out.time = this.eventTime;
        out.firstId = this.firstId;
        out.finalId = this.finalId;
        out.prevFinalId = (seen & K_pu) !== 0 ? this.prevFinalId : -1;
        return true;
      case TYPE_TRADE:
        if ((seen & TRADE_KEYS) !== TRADE_KEYS) return false;
        // Levels are a depth field: a stray `b`/`a` array must not show through.
        out.bids.count = 0;
        out.asks.count = 0;
        out.kind = EventKind.Trade;
        out.time = this.tradeTime;
        return true;
      case TYPE_TICKER:
        return this.finishTicker(out);
      default:
        // No `e`: a spot bookTicker if it has `B` and `A`; anything else JSON.parse names.
        return (seen & K_e) === 0 && (seen & (K_B | K_A)) === (K_B | K_A) && this.finishTicker(out);
    }
  }

  private finishTicker(out: MarketEvent): boolean {
    if ((this.seen & TICKER_KEYS) !== TICKER_KEYS || this.bidLevels || this.askLevels) return false;
    out.kind = EventKind.BookTicker;
    out.time = (this.seen & K_E) !== 0 ? this.eventTime : NaN;
    out.finalId = this.finalId;
    return true;
  }

  /** `"depthUpdate" | "trade" | "bookTicker"`; any other type is for JSON.parse to name. */
  private scanType(text: string, i: number, end: number): number {
    if (i >= end || text.charCodeAt(i) !== QUOTE) return -1;
    let valueEnd = -1;
    if (text.startsWith('depthUpdate"', i + 1)) {
      this.type = TYPE_DEPTH;
      valueEnd = i + 13;
    } else if (text.startsWith('trade"', i + 1)) {
      this.type = TYPE_TRADE;
      valueEnd = i + 7;
    } else if (text.startsWith('bookTicker"', i + 1)) {
      this.type = TYPE_TICKER;
      valueEnd = i + 12;
    }
    return valueEnd <= end ? valueEnd : -1;
  }

  /** Non-negative JSON integer up to 2^53 - 1 (no sign, fraction, exponent, leading zero). */
  private scanInteger(text: string, i: number, end: number): number {
    const decimal = this.decimal;
    if (!decimal.read(text, i, end) || decimal.hasFraction) return -1;
    // An exponent after the digits fails at the caller's `,` / `}` check.
    if (decimal.value > Number.MAX_SAFE_INTEGER) return -1;
    if (text.charCodeAt(i) === ZERO && decimal.end - i > 1) return -1;
    return decimal.end;
  }

  /** `"<unsigned decimal>"`. */
  private scanDecimalString(text: string, i: number, end: number): number {
    return scanQuotedDecimal(text, i, end, this.decimal);
  }

  /** Non-empty symbol without escapes; reuses the previous string when it repeats. */
  private scanSymbol(text: string, i: number, end: number, out: MarketEvent): number {
    if (i >= end || text.charCodeAt(i) !== QUOTE) return -1;
    const start = i + 1;
    let close = start;
    for (; close < end; close++) {
      const c = text.charCodeAt(close);
      if (c === QUOTE) break;
      if (c === BACKSLASH || c < 32) return -1;
    }
    const length = close - start;
    if (close >= end || length === 0) return -1;
    if (length !== this.symbol.length || !text.startsWith(this.symbol, start)) {
      this.symbol = text.slice(start, close);
    }
    out.symbol = this.symbol;
    return close + 1;
  }
}

// ---- JSON.parse path helpers ----------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Non-negative safe integer (ids, ms times), else -1. */
function idValue(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : -1;
}

/** Unsigned decimal string to its double, else NaN. */
function decimalValue(value: unknown): number {
  return typeof value === 'string' && DECIMAL.test(value) ? Number(value) : NaN;
}

function symbolValue(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

/** `[[price, size, ...], ...]` with decimal-string price and size, into `list`. */
function levelsValue(value: unknown, list: LevelList): boolean {
  list.clear();
  if (!Array.isArray(value)) return false;
  for (const level of value) {
    if (!Array.isArray(level) || level.length < 2) return false;
    const price = decimalValue(level[0]);
    const size = decimalValue(level[1]);
    if (Number.isNaN(price) || Number.isNaN(size)) return false;
    list.push(price, size);
  }
  return true;
}

// ---- Scanner helpers --------------------------------------------------------------------------

/** `[["p", "q"], ...]` into `list`; exactly two decimal strings per level. */
function scanLevels(text: string, start: number, end: number, list: LevelList, decimal: DecimalReader): number {
  list.clear();
  let i = skipSpace(text, start + 1, end);
  if (i < end && text.charCodeAt(i) === CLOSE_BRACKET) return i + 1;
  for (;;) {
    if (i >= end || text.charCodeAt(i) !== OPEN_BRACKET) return -1;
    i = skipSpace(text, i + 1, end);
    i = scanQuotedDecimal(text, i, end, decimal);
    if (i < 0) return -1;
    const price = decimal.value;
    i = skipSpace(text, i, end);
    if (i >= end || text.charCodeAt(i) !== COMMA) return -1;
    i = skipSpace(text, i + 1, end);
    i = scanQuotedDecimal(text, i, end, decimal);
    if (i < 0) return -1;
    i = skipSpace(text, i, end);
    if (i >= end || text.charCodeAt(i) !== CLOSE_BRACKET) return -1;
    list.push(price, decimal.value);
    i = skipSpace(text, i + 1, end);
    if (i >= end) return -1;
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACKET) return i + 1;
    if (c !== COMMA) return -1;
    i = skipSpace(text, i + 1, end);
  }
}
