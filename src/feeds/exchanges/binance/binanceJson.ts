/**
 * Engine events written back as Binance combined-stream messages, the shape of the capture
 * files, so that `CaptureReader` / `BinanceDecoder` read back the very same events: every field
 * the decoder reads is written, numbers as plain decimal strings (shortest digits that give the
 * same double), ids and times as JSON integers.
 *
 * What is written where the source had no Binance message (a ccxt session):
 * - a trade without a usable id gets `"t":0` (the format requires one);
 * - a depth diff without an exchange time gets the caller's fallback time as `E`;
 * - a bookTicker without an exchange time is written in the spot shape (no `e`, no `E`), with
 *   one in the futures shape (`"e":"bookTicker"`, `E`);
 * - a snapshot is the REST `/depth` reply `{"lastUpdateId","bids","asks"}`, plus `E` when its
 *   time is known.
 */
import { isPrice, isSize } from '../../../engine/book/levelValidity';
import { EventKind, type LevelList, type MarketEvent } from '../../../engine/events';
import { decimalText } from '../../wire/decimalText';

/** Why an event was not written. Constant strings. */
export const BinanceJsonRefusal = {
  Kind: 'not a market event kind the capture format has',
  Symbol: 'no symbol',
  Time: 'no usable exchange time',
  Ids: 'update ids are not non-negative integers',
  Levels: 'a level has a bad price or size',
  Numbers: 'price or size is not a finite non-negative number',
} as const;

/** Writes events as Binance JSON. Holds only the last refusal reason. */
export class BinanceJsonWriter {
  /** Why the last `message` returned null; '' after a message. */
  reason = '';

  /**
   * `symbol` is used for events that carry none (a mirrored book, a snapshot has no `s`).
   */
  constructor(private readonly symbol: string) {}

  /**
   * The message for `event`, or null when it cannot be written faithfully (`reason` says why).
   * `fallbackTime` (ms) stands in for a missing depth-diff time. O(levels); allocates the string.
   */
  message(event: MarketEvent, fallbackTime: number): string | null {
    this.reason = '';
    switch (event.kind) {
      case EventKind.DepthDiff:
        return this.depthDiff(event, fallbackTime);
      case EventKind.DepthSnapshot:
        if (!isId(event.finalId)) return this.refuse(BinanceJsonRefusal.Ids);
        return this.snapshot(event.finalId, event.time, event.bids, event.asks);
      case EventKind.Trade:
        return this.trade(event);
      case EventKind.BookTicker:
        return this.bookTicker(event);
      default:
        return this.refuse(BinanceJsonRefusal.Kind);
    }
  }

  /**
   * A REST depth snapshot with `lastUpdateId` = `id` (and `E` when `time` is a usable time),
   * levels best-first. Null when a level is bad. O(levels); allocates the string.
   */
  snapshot(id: number, time: number, bids: LevelList, asks: LevelList): string | null {
    const bidText = levelsText(bids);
    const askText = levelsText(asks);
    if (bidText === null || askText === null) return this.refuse(BinanceJsonRefusal.Levels);
    const timeField = isTime(time) ? `,"E":${Math.round(time)}` : '';
    return `{"lastUpdateId":${id}${timeField},"bids":${bidText},"asks":${askText}}`;
  }

  /**
   * A depthUpdate `U`..`u` (with `pu` when `prevFinalId` >= 0) for `symbol` at `time`.
   * Null when an id, the time or a level is bad. O(levels); allocates the string.
   */
  diff(symbol: string, time: number, firstId: number, finalId: number, prevFinalId: number, bids: LevelList, asks: LevelList): string | null {
    if (!isId(firstId) || !isId(finalId) || (prevFinalId !== -1 && !isId(prevFinalId))) return this.refuse(BinanceJsonRefusal.Ids);
    if (!isTime(time)) return this.refuse(BinanceJsonRefusal.Time);
    const bidText = levelsText(bids);
    const askText = levelsText(asks);
    if (bidText === null || askText === null) return this.refuse(BinanceJsonRefusal.Levels);
    const name = this.symbolOf(symbol);
    if (name === '') return this.refuse(BinanceJsonRefusal.Symbol);
    const pu = prevFinalId >= 0 ? `,"pu":${prevFinalId}` : '';
    return (
      `{"stream":${JSON.stringify(`${name.toLowerCase()}@depth`)},"data":{"e":"depthUpdate","E":${Math.round(time)},` +
      `"s":${JSON.stringify(name)},"U":${firstId},"u":${finalId}${pu},"b":${bidText},"a":${askText}}}`
    );
  }

  private depthDiff(event: MarketEvent, fallbackTime: number): string | null {
    const time = isTime(event.time) ? event.time : fallbackTime;
    return this.diff(event.symbol, time, event.firstId, event.finalId, event.prevFinalId, event.bids, event.asks);
  }

  private trade(event: MarketEvent): string | null {
    const name = this.symbolOf(event.symbol);
    if (name === '') return this.refuse(BinanceJsonRefusal.Symbol);
    if (!isTime(event.time)) return this.refuse(BinanceJsonRefusal.Time);
    if (!isPrice(event.price) || !isSize(event.amount)) return this.refuse(BinanceJsonRefusal.Numbers);
    const time = Math.round(event.time);
    const id = isId(event.tradeId) ? event.tradeId : 0;
    // `m`: the buyer was the maker, i.e. the taker sold.
    const maker = event.takerSide < 0;
    return (
      `{"stream":${JSON.stringify(`${name.toLowerCase()}@trade`)},"data":{"e":"trade","E":${time},"s":${JSON.stringify(name)},` +
      `"t":${id},"p":"${decimalText(event.price)}","q":"${decimalText(event.amount)}","T":${time},"m":${maker}}}`
    );
  }

  private bookTicker(event: MarketEvent): string | null {
    const name = this.symbolOf(event.symbol);
    if (name === '') return this.refuse(BinanceJsonRefusal.Symbol);
    if (!isId(event.finalId)) return this.refuse(BinanceJsonRefusal.Ids);
    if (!isPrice(event.bestBid) || !isSize(event.bestBidSize) || !isPrice(event.bestAsk) || !isSize(event.bestAskSize)) {
      return this.refuse(BinanceJsonRefusal.Numbers);
    }
    const typeAndTime = isTime(event.time) ? `"e":"bookTicker","E":${Math.round(event.time)},` : '';
    return (
      `{"stream":${JSON.stringify(`${name.toLowerCase()}@bookTicker`)},"data":{${typeAndTime}"u":${event.finalId},"s":${JSON.stringify(name)},` +
      `"b":"${decimalText(event.bestBid)}","B":"${decimalText(event.bestBidSize)}",` +
      `"a":"${decimalText(event.bestAsk)}","A":"${decimalText(event.bestAskSize)}"}}`
    );
  }

  private symbolOf(symbol: string): string {
    return symbol !== '' ? symbol : this.symbol;
  }

  private refuse(reason: string): null {
    this.reason = reason;
    return null;
  }
}

/** A JSON id the decoder accepts: a non-negative safe integer. */
function isId(x: number): boolean {
  return Number.isSafeInteger(x) && x >= 0;
}

/** An exchange time the decoder accepts once rounded: finite, non-negative, safe. */
function isTime(x: number): boolean {
  return x >= 0 && x <= Number.MAX_SAFE_INTEGER;
}

/** `[["p","q"],...]`, or null when a level is bad. */
function levelsText(list: LevelList): string | null {
  let text = '[';
  for (let i = 0; i < list.count; i++) {
    const price = list.prices[i]!;
    const size = list.sizes[i]!;
    if (!isPrice(price) || !isSize(size)) return null;
    text += `${i > 0 ? ',' : ''}["${decimalText(price)}","${decimalText(size)}"]`;
  }
  return `${text}]`;
}
