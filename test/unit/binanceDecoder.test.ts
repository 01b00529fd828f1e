import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinanceDecoder, DecodeReason, DecodeResult } from '../../src/feeds/exchanges/binance/binanceDecoder';
import { EventKind, MarketEvent, TakerSide } from '../../src/engine/events';
import { hasSharedData, sharedDataPath } from '../support/sharedData';

/** What a decoded message means, as plain data: the fields that belong to its kind only. */
interface View {
  result: DecodeResult;
  kind?: EventKind;
  symbol?: string;
  time?: number;
  receiveNs?: number;
  firstId?: number;
  finalId?: number;
  prevFinalId?: number;
  bids?: [number, number][];
  asks?: [number, number][];
  tradeId?: number;
  price?: number;
  amount?: number;
  takerSide?: TakerSide;
  bestBid?: number;
  bestBidSize?: number;
  bestAsk?: number;
  bestAskSize?: number;
}

// ---- The plain reference: JSON.parse, then read each field by the documented rules ----------

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const id = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined);
const decimal = (v: unknown) => (typeof v === 'string' && /^[0-9]+(\.[0-9]+)?$/.test(v) ? Number(v) : undefined);
const symbol = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
function levels(v: unknown): [number, number][] | undefined {
  if (!Array.isArray(v)) return undefined;
  const rows: [number, number][] = [];
  for (const level of v) {
    if (!Array.isArray(level) || level.length < 2) return undefined;
    const [p, q] = [decimal(level[0]), decimal(level[1])];
    if (p === undefined || q === undefined) return undefined;
    rows.push([p, q]);
  }
  return rows;
}
const MALFORMED: View = { result: DecodeResult.Malformed };
const UNKNOWN: View = { result: DecodeResult.Unknown };
/** All present and valid, else Malformed. */
function event(view: View): View {
  return Object.values(view).some((v) => v === undefined) ? MALFORMED : view;
}
/** An optional id: absent → fallback; present but invalid → undefined (Malformed). */
function optionalId(data: Record<string, unknown>, key: string, fallback: number): number | undefined {
  return key in data ? id(data[key]) : fallback;
}

function referenceDecode(json: string, receiveNs: number): View {
  let root: unknown;
  try {
    root = JSON.parse(json);
  } catch {
    return MALFORMED;
  }
  if (!isObject(root)) return MALFORMED;
  const base = { result: DecodeResult.Event, receiveNs };
  if ('lastUpdateId' in root) {
    return event({
      ...base,
      kind: EventKind.DepthSnapshot,
      finalId: id(root.lastUpdateId),
      time: optionalId(root, 'E', NaN),
      bids: levels(root.bids),
      asks: levels(root.asks),
    });
  }
  const data = isObject(root.data) ? root.data : root;
  const ticker = () =>
    event({
      ...base,
      kind: EventKind.BookTicker,
      symbol: symbol(data.s),
      finalId: id(data.u),
      time: optionalId(data, 'E', NaN),
      bestBid: decimal(data.b),
      bestBidSize: decimal(data.B),
      bestAsk: decimal(data.a),
      bestAskSize: decimal(data.A),
    });
  switch (data.e) {
    case 'depthUpdate':
      return event({
        ...base,
        kind: EventKind.DepthDiff,
        symbol: symbol(data.s),
        time: id(data.E),
        firstId: id(data.U),
        finalId: id(data.u),
        prevFinalId: optionalId(data, 'pu', -1),
        bids: levels(data.b),
        asks: levels(data.a),
      });
    case 'trade':
      return event({
        ...base,
        kind: EventKind.Trade,
        symbol: symbol(data.s),
        time: id(data.T),
        tradeId: id(data.t),
        price: decimal(data.p),
        amount: decimal(data.q),
        takerSide: typeof data.m === 'boolean' ? (data.m ? TakerSide.Sell : TakerSide.Buy) : undefined,
      });
    case 'bookTicker':
      return ticker();
    case undefined:
      return 'B' in data && 'A' in data ? ticker() : UNKNOWN;
    default:
      return UNKNOWN;
  }
}

// ---- The decoder's output as the same view ---------------------------------------------------

function rows(list: { prices: Float64Array; sizes: Float64Array; count: number }): [number, number][] {
  return Array.from({ length: list.count }, (_, i) => [list.prices[i]!, list.sizes[i]!] as [number, number]);
}

function viewOf(result: DecodeResult, e: MarketEvent): View {
  if (result !== DecodeResult.Event) {
    expect(e.kind).toBe(EventKind.None);
    return { result };
  }
  const base = { result, kind: e.kind, receiveNs: e.receiveNs };
  switch (e.kind) {
    case EventKind.DepthSnapshot:
      return { ...base, finalId: e.finalId, time: e.time, bids: rows(e.bids), asks: rows(e.asks) };
    case EventKind.DepthDiff:
      return {
        ...base,
        symbol: e.symbol,
        time: e.time,
        firstId: e.firstId,
        finalId: e.finalId,
        prevFinalId: e.prevFinalId,
        bids: rows(e.bids),
        asks: rows(e.asks),
      };
    case EventKind.Trade:
      expect(e.bids.count + e.asks.count).toBe(0);
      return {
        ...base,
        symbol: e.symbol,
        time: e.time,
        tradeId: e.tradeId,
        price: e.price,
        amount: e.amount,
        takerSide: e.takerSide,
      };
    case EventKind.BookTicker:
      expect(e.bids.count + e.asks.count).toBe(0);
      return {
        ...base,
        symbol: e.symbol,
        finalId: e.finalId,
        time: e.time,
        bestBid: e.bestBid,
        bestBidSize: e.bestBidSize,
        bestAsk: e.bestAsk,
        bestAskSize: e.bestAskSize,
      };
    default:
      throw new Error(`event of kind ${e.kind}`);
  }
}

// ---- Real captures: every line, scanner and JSON.parse path against the reference ------------

const CAPTURES = [
  { file: 'binance/spot/btcusdt_20240808.gz', depth: 3451, trades: 9757, tickers: 28040, snapshots: 1 },
  { file: 'binance/spot/btcusdt_20240809.gz', depth: 3044, trades: 10147, tickers: 45134, snapshots: 0 },
  { file: 'binance/usdm/btcusdt_20240808.gz', depth: 6551, trades: 21313, tickers: 66089, snapshots: 1 },
  { file: 'binance/usdm/ethusdt_20240808.gz', depth: 6586, trades: 14076, tickers: 53992, snapshots: 1 },
];

describe.skipIf(!hasSharedData(...CAPTURES.map((c) => c.file)))('BinanceDecoder on the real captures', () => {
  for (const capture of CAPTURES) {
    it(`${capture.file}: every line equals the JSON.parse reference, field for field`, () => {
      const lines = gunzipSync(readFileSync(sharedDataPath(capture.file))).toString('utf8').split('\n');
      expect(lines.pop()).toBe(''); // the file ends with a newline
      const scanner = new BinanceDecoder();
      const parser = new BinanceDecoder({ scanner: false });
      const out = new MarketEvent();
      const byKind = new Map<EventKind | undefined, number>();
      let mismatches = 0;
      for (const [index, line] of lines.entries()) {
        const space = line.indexOf(' ');
        const json = line.slice(space + 1);
        const receiveNs = Number(line.slice(0, space));
        const expected = referenceDecode(json, receiveNs);
        const scanned = viewOf(scanner.decode(json, receiveNs, out), out);
        const parsed = viewOf(parser.decode(json, receiveNs, out), out);
        if (!equalViews(scanned, expected) || !equalViews(parsed, expected)) {
          if (mismatches++ < 3) expect({ line: index + 1, scanned, parsed }).toEqual({ line: index + 1, scanned: expected, parsed: expected });
        }
        byKind.set(expected.kind, (byKind.get(expected.kind) ?? 0) + 1);
      }
      expect(mismatches).toBe(0);
      // The data README's table, and nothing malformed or unknown.
      expect(Object.fromEntries(byKind)).toEqual({
        [EventKind.DepthDiff]: capture.depth,
        [EventKind.Trade]: capture.trades,
        [EventKind.BookTicker]: capture.tickers,
        ...(capture.snapshots > 0 ? { [EventKind.DepthSnapshot]: capture.snapshots } : {}),
      });
      // The scanner itself decoded every hot message: only snapshots went to JSON.parse.
      expect(scanner.fallbacks).toBe(capture.snapshots);
    });
  }
});

/** Field-for-field equality of two views; NaN equals NaN. Cheaper than expect() per line. */
function equalViews(a: View, b: View): boolean {
  const keys = Object.keys(a) as (keyof View)[];
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => {
    const [x, y] = [a[key], b[key]];
    if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((row, i) => row[0] === y[i]![0] && row[1] === y[i]![1]);
    return x === y || (Number.isNaN(x) && Number.isNaN(y));
  });
}

// ---- Generated messages: key order, whitespace, extra keys, duplicates, bad values ----------

const decimalText = fc.oneof(
  fc.tuple(fc.nat(99999), fc.nat(99999999)).map(([i, f]) => `${i}.${String(f).padStart(8, '0')}`),
  fc.nat(1_000_000).map(String),
);
const badDecimal = fc.constantFrom('-1.5', 'NaN', 'abc', '', '1e5', '1.', '.5', 'Infinity', ' 1', '1\\u0030');
const idNumber = fc.oneof(fc.nat(), fc.integer({ min: 2 ** 32, max: Number.MAX_SAFE_INTEGER }));
const badId = fc.constantFrom('-1', '1.5', '"12"', 'null', 'true', '9007199254740993', '1e3', '01', '-0', '1.0', '[]');

// JSON values as text: mostly valid for their key, sometimes not.
const numberValue = fc.oneof(
  { weight: 30, arbitrary: idNumber.map(String) },
  { weight: 1, arbitrary: badId },
);
const decimalValue = fc.oneof(
  { weight: 60, arbitrary: decimalText.map((d) => JSON.stringify(d)) },
  { weight: 1, arbitrary: badDecimal.map((d) => `"${d}"`) },
);
const levelsValue = fc.oneof(
  {
    weight: 20,
    arbitrary: fc
      .array(fc.tuple(decimalValue, decimalValue), { maxLength: 6 })
      .map((levels) => `[${levels.map(([p, q]) => `[${p},${q}]`).join(',')}]`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('[["1","2","3"]]', '[["1"]]', '[[]]', '{}', '"1"', '[["1",2]]', '[["1","2"],]', 'null'),
  },
);
const otherValue = fc.constantFrom(
  'true', 'false', 'null', '"MARKET"', '"x\\"y\\u00e9"', '{"a":[1,{"b":null}]}', '[]', '-1.5e-3', '0', '{}',
);
const typeValue = fc.constantFrom(
  '"depthUpdate"', '"trade"', '"bookTicker"', '"aggTrade"', '"kline"', '1', 'null', '"trade\\u0020"', '"depth\\u0055pdate"',
);
const space = fc.constantFrom('', '', '', ' ', '\n', ' \t\r\n ');

/** Any one key with a value, including escaped keys that JSON.parse decodes to known ones. */
const field = fc.oneof(
  fc.tuple(fc.constant('e'), typeValue),
  fc.tuple(fc.constantFrom('E', 'T', 'U', 'u', 'pu', 't'), numberValue),
  fc.tuple(fc.constant('s'), fc.constantFrom('"BTCUSDT"', '"ETHUSDT"', '""', '"BTC\\u0055SDT"', '5')),
  fc.tuple(fc.constantFrom('b', 'a'), fc.oneof(levelsValue, decimalValue)),
  fc.tuple(fc.constantFrom('B', 'A', 'p', 'q'), decimalValue),
  fc.tuple(fc.constant('m'), fc.constantFrom('true', 'false', '"true"', '0', 'null')),
  fc.tuple(fc.constantFrom('X', 'M', 'lastUpdateId', 'bids', '\\u0070', 'x\\"'), otherValue),
);

/** The keys of each kind, so that most generated messages are complete events. */
const keyed = (key: string, value: fc.Arbitrary<string>) => value.map((v): [string, string] => [key, v]);
const depthFields = fc.tuple(
  fc.constant(['e', '"depthUpdate"']),
  keyed('E', numberValue),
  keyed('U', numberValue),
  keyed('u', numberValue),
  fc.constant(['s', '"BTCUSDT"']),
  keyed('b', levelsValue),
  keyed('a', levelsValue),
);
const tradeFields = fc.tuple(
  fc.constant(['e', '"trade"']),
  keyed('T', numberValue),
  keyed('t', numberValue),
  fc.constant(['s', '"ETHUSDT"']),
  keyed('p', decimalValue),
  keyed('q', decimalValue),
  keyed('m', fc.constantFrom('true', 'false')),
);
const tickerFields = fc.tuple(
  keyed('u', numberValue),
  fc.constant(['s', '"BTCUSDT"']),
  keyed('b', decimalValue),
  keyed('B', decimalValue),
  keyed('a', decimalValue),
  keyed('A', decimalValue),
);

const dataObject = fc
  .tuple(fc.oneof(depthFields, tradeFields, tickerFields, fc.constant([])), fc.array(field, { maxLength: 3 }), fc.nat(), space)
  .map(([base, extra, seed, ws]) => {
    const fields = [...base, ...extra] as [string, string][];
    // A deterministic shuffle so that key order varies.
    for (let i = fields.length - 1; i > 0; i--) {
      const j = (seed + i * 7919) % (i + 1);
      [fields[i], fields[j]] = [fields[j]!, fields[i]!];
    }
    return `{${ws}${fields.map(([k, v]) => `"${k}"${ws}:${ws}${v}`).join(`${ws},${ws}`)}${ws}}`;
  });

const message = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(dataObject, space, fc.boolean())
      .map(([d, ws, streamFirst]) => (streamFirst ? `{"stream":"btcusdt@x",${ws}"data":${d}}` : `{"data":${ws}${d},"stream":"x"}`)),
  },
  { weight: 1, arbitrary: dataObject },
  {
    weight: 1,
    arbitrary: fc
      .tuple(dataObject, fc.constantFrom('x', '}', ',', ' 1', '{}', ',"data":{}', ',"id":1'))
      .map(([d, tail]) => `{"stream":"s","data":${d}${tail}}`),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(dataObject, fc.nat()).map(([d, cut]) => `{"stream":"s","data":${d}}`.slice(0, cut % 200)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(levelsValue, levelsValue, numberValue)
      .map(([b, a, u]) => `{"lastUpdateId":${u},"bids":${b},"asks":${a}}`),
  },
);

describe('BinanceDecoder on generated messages', () => {
  it('scanner and JSON.parse path both equal the reference (result and every field)', () => {
    const scanner = new BinanceDecoder();
    const parser = new BinanceDecoder({ scanner: false });
    const out = new MarketEvent();
    fc.assert(
      fc.property(message, fc.integer({ min: 0, max: 2 ** 53 - 1 }), (json, receiveNs) => {
        const expected = referenceDecode(json, receiveNs);
        const scanned = viewOf(scanner.decode(json, receiveNs, out), out);
        const scannedReason = scanner.reason;
        expect(scanned).toEqual(expected);
        expect(viewOf(parser.decode(json, receiveNs, out), out)).toEqual(expected);
        // One set of rules: both paths give the same reason.
        expect(scannedReason).toBe(parser.reason);
        expect(scanner.reason === '').toBe(expected.result === DecodeResult.Event);
      }),
      { numRuns: 10_000 },
    );
  });

  it('decodes a message in the middle of a larger text (decodeRange) like the message alone', () => {
    const decoder = new BinanceDecoder();
    const out = new MarketEvent();
    fc.assert(
      fc.property(message, fc.string(), fc.string(), (json, before, after) => {
        const alone = viewOf(decoder.decode(json, 1, out), out);
        const text = `${before}${json}${after}`;
        expect(viewOf(decoder.decodeRange(text, before.length, before.length + json.length, 1, out), out)).toEqual(alone);
      }),
      { numRuns: 2000 },
    );
  });
});

// ---- What a user relies on, spelled out ----------------------------------------------------

describe('BinanceDecoder messages', () => {
  const decoder = new BinanceDecoder();
  const out = new MarketEvent();
  const decode = (json: string) => decoder.decode(json, 1723161254087896568, out);

  it('futures depth diff: ids beyond 2^32 kept exactly, pu, levels in order, E as time', () => {
    const json =
      '{"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1723161256299,"T":1723161256298,"s":"BTCUSDT","U":5123107832006,"u":5123107837557,"pu":5123107831937,"b":[["58710.20","0.014"],["61510.90","0.000"]],"a":[]}}';
    expect(decode(json)).toBe(DecodeResult.Event);
    expect(out.kind).toBe(EventKind.DepthDiff);
    expect([out.symbol, out.time, out.firstId, out.finalId, out.prevFinalId]).toEqual(['BTCUSDT', 1723161256299, 5123107832006, 5123107837557, 5123107831937]);
    expect(rows(out.bids)).toEqual([[58710.2, 0.014], [61510.9, 0]]);
    expect(out.asks.count).toBe(0);
    expect(out.receiveNs).toBe(1723161254087896568);
  });

  it('spot depth diff has no pu: prevFinalId is -1', () => {
    const json = '{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255208,"s":"BTCUSDT","U":50093239189,"u":50093239202,"b":[["61737.63000000","0.00000000"]],"a":[["61837.64000000","1.54698000"]]}}';
    expect(decode(json)).toBe(DecodeResult.Event);
    expect([out.firstId, out.finalId, out.prevFinalId]).toEqual([50093239189, 50093239202, -1]);
    expect(rows(out.asks)).toEqual([[61837.64, 1.54698]]);
  });

  it('trade: m=true means the buyer was maker, so the taker sold; time is T', () => {
    const json = '{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true,"M":true}}';
    expect(decode(json)).toBe(DecodeResult.Event);
    expect([out.kind, out.tradeId, out.price, out.amount, out.takerSide, out.time]).toEqual([EventKind.Trade, 3735683259, 61837.63, 0.02, TakerSide.Sell, 1723161255342]);
    expect(decode(json.replace('"m":true', '"m":false'))).toBe(DecodeResult.Event);
    expect(out.takerSide).toBe(TakerSide.Buy);
  });

  it('bookTicker: spot without e (time NaN) and futures with e and E', () => {
    expect(decode('{"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT","b":"61837.63000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}}')).toBe(DecodeResult.Event);
    expect([out.kind, out.finalId, out.bestBid, out.bestBidSize, out.bestAsk, out.bestAskSize]).toEqual([EventKind.BookTicker, 50093239212, 61837.63, 3.78826, 61837.64, 1.54698]);
    expect(out.time).toBeNaN();
    expect(decode('{"stream":"ethusdt@bookTicker","data":{"e":"bookTicker","u":5123107838717,"s":"ETHUSDT","b":"2681.62","B":"1.165","a":"2681.63","A":"73.077","T":1723161256310,"E":1723161256311}}')).toBe(DecodeResult.Event);
    expect([out.symbol, out.time, out.finalId]).toEqual(['ETHUSDT', 1723161256311, 5123107838717]);
  });

  it('REST snapshot without envelope: lastUpdateId as finalId, time from E when present', () => {
    expect(decode('{"lastUpdateId":50093239218,"bids":[["61837.63000000","3.78826000"]],"asks":[["61837.64000000","1.54698000"],["61839.00000000","0.1"]]}')).toBe(DecodeResult.Event);
    expect([out.kind, out.finalId, out.bids.count, out.asks.count]).toEqual([EventKind.DepthSnapshot, 50093239218, 1, 2]);
    expect(out.time).toBeNaN();
    expect(decode('{"lastUpdateId":5123107856276,"E":1723161256567,"T":1723161256561,"bids":[],"asks":[]}')).toBe(DecodeResult.Event);
    expect(out.time).toBe(1723161256567);
  });

  it('unknown streams and replies are Unknown, not Malformed', () => {
    for (const json of [
      '{"result":null,"id":1}',
      '{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1,"s":"BTCUSDT","a":1,"p":"1","q":"1"}}',
      '{"stream":"btcusdt@kline_1m","data":{"e":"kline","E":1,"s":"BTCUSDT","k":{}}}',
    ]) {
      expect(decode(json), json).toBe(DecodeResult.Unknown);
      expect(out.kind).toBe(EventKind.None);
    }
  });

  it('malformed input is Malformed with a reason naming the problem, and never throws', () => {
    const trade = (p: string, q: string) => `{"stream":"x","data":{"e":"trade","s":"BTCUSDT","t":1,"p":${p},"q":${q},"T":2,"m":true}}`;
    const cases: [string, string][] = [
      ['not json at all', DecodeReason.InvalidJson],
      ['{"stream":"x","data":{"e":"trade"', DecodeReason.InvalidJson],
      ['[1,2]', DecodeReason.NotObject],
      [trade('"NaN"', '"1"'), DecodeReason.Price],
      [trade('"1"', '"-0.5"'), DecodeReason.Quantity],
      [trade('"1"', '"1e3"'), DecodeReason.Quantity],
      [trade('1.5', '"1"'), DecodeReason.Price],
      ['{"stream":"x","data":{"e":"trade","s":"BTCUSDT","t":1,"p":"1","q":"1","m":true}}', DecodeReason.TradeTime],
      ['{"stream":"x","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":-5,"u":6,"b":[],"a":[]}}', DecodeReason.FirstId],
      ['{"stream":"x","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":5,"u":6,"b":[["1","-2"]],"a":[]}}', DecodeReason.Bids],
      ['{"stream":"x","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":5,"u":6,"b":[],"a":[["x","2"]]}}', DecodeReason.Asks],
      ['{"lastUpdateId":"7","bids":[],"asks":[]}', DecodeReason.LastUpdateId],
      ['{"stream":"x","data":{"u":1,"s":"BTCUSDT","b":"1","B":"Infinity","a":"2","A":"1"}}', DecodeReason.BestBidSize],
    ];
    for (const [json, reason] of cases) {
      expect(decode(json), json).toBe(DecodeResult.Malformed);
      expect(decoder.reason, json).toBe(reason);
      expect(out.kind).toBe(EventKind.None);
    }
    // The next good message decodes normally after a bad one.
    expect(decode(trade('"1"', '"2"'))).toBe(DecodeResult.Event);
    expect(decoder.reason).toBe('');
  });
});
