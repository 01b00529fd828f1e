/**
 * Messages both ways are untrusted: the validators never throw, whatever they are handed
 * (arbitrary values, null prototypes, a `type` whose toString is not a function, getters and
 * proxies that throw, huge arrays and row counts); they answer with a rejection that says why.
 * What the host accepts from a webview is a fresh copy, so nothing is read twice. An ack's render
 * time is clamped, so no webview can stop the frames.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import {
  MAX_BOOK_ROWS,
  MAX_INDICATOR_SERIES,
  PROTOCOL_VERSION,
  ProtocolError,
  parseHostMessage,
  parseWebviewMessage,
  type HostMessage,
  type StatusInfo,
} from '../../src/engine/protocol';
import { FrameScheduler, MAX_RENDER_MS } from '../../src/extension/panel/frameScheduler';
import { ManualClock } from '../support/manualClock';

const FACTS = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };
const LIVE: StatusInfo = { state: 'live', detail: '', value: 0 };
const validators = [
  ['parseHostMessage', parseHostMessage],
  ['parseWebviewMessage', parseWebviewMessage],
] as const;

/** Calls `validate` and requires an answer (never a throw). */
function answer(validate: (x: unknown) => unknown, x: unknown): unknown {
  let result: unknown;
  expect(() => (result = validate(x))).not.toThrow();
  return result;
}

/** A message whose every property read throws. */
function throwingProxy(target: object = {}): unknown {
  return new Proxy(target, {
    get: () => {
      throw new Error('boom');
    },
    has: () => {
      throw new Error('boom');
    },
    getPrototypeOf: () => {
      throw new Error('boom');
    },
    ownKeys: () => {
      throw new Error('boom');
    },
    getOwnPropertyDescriptor: () => {
      throw new Error('boom');
    },
  });
}
function revokedProxy(target: object = []): unknown {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
}
function withThrowingGetter(base: Record<string, unknown>, key: string): unknown {
  const o = { ...base };
  Object.defineProperty(o, key, {
    enumerable: true,
    get: () => {
      throw new Error(`reading ${key}`);
    },
  });
  return o;
}

/** Real messages of every kind, to mutate. */
function realMessages(): { host: HostMessage[]; webview: Record<string, unknown>[] } {
  const market = new Market({ tickSize: 0.01, indicators: [{ kind: 'ema', period: 9 }] });
  const builder = new FrameBuilder(market, FACTS);
  const init = builder.buildInit(LIVE);
  market.onTrade(Date.UTC(2024, 7, 8), 100, 1, 1);
  market.mirrorBook([[99, 1]], [[101, 1]]);
  const frame = builder.buildFrame(1, { state: 'stale', detail: 'x', value: 3 }, 0, () => 0)!;
  const history = builder.buildHistory(Date.UTC(2024, 7, 8));
  const v = PROTOCOL_VERSION;
  return {
    host: [init, frame, history],
    webview: [
      { v, type: 'ready' },
      { v, type: 'ack', id: 3, renderMs: 4.5 },
      { v, type: 'setTimeframe', timeframe: '5m' },
      { v, type: 'setLayer', layer: 'depth', on: false },
      { v, type: 'setGrouping', ticksPerRow: 10 },
      { v, type: 'setIndicator', kind: 'rsi', on: true },
      { v, type: 'loadOlder', before: 123 },
      { v, type: 'openSymbolPicker' },
    ],
  };
}

describe('validators never throw on hostile values', () => {
  it('real messages pass (the checks are not simply refusing everything)', () => {
    const { host, webview } = realMessages();
    for (const m of host) expect(parseHostMessage(m)).not.toBeInstanceOf(ProtocolError);
    for (const m of webview) expect(parseWebviewMessage(m)).toEqual(m);
  });

  for (const [name, validate] of validators) {
    it(`${name}: a type or version whose toString is not a function, null prototypes, throwing getters and proxies`, () => {
      const hostile: unknown[] = [
        { v: 1, type: { toString: 1 } },
        { v: 1, type: { toString: () => ({}), valueOf: () => ({}) } },
        { v: { toString: 1 }, type: 'ready' },
        { v: 1, type: Object.create(null) },
        { v: 1, type: Symbol('ready') },
        { v: 1, type: 10n },
        Object.assign(Object.create(null), { v: 1, type: Object.create(null) }),
        withThrowingGetter({ v: 1 }, 'type'),
        withThrowingGetter({ type: 'ack' }, 'v'),
        withThrowingGetter({ v: 1, type: 'ack', id: 1 }, 'renderMs'),
        throwingProxy(),
        throwingProxy([]),
        revokedProxy(),
        revokedProxy({}),
        { v: 1, type: 'init', status: { state: { toString: 1 } } },
        { v: 1, type: 'frame', id: 1, bars: throwingProxy(new Float64Array(6)) },
        { v: 1, type: 'frame', id: 1, bars: new Float64Array(0), indicators: throwingProxy([]) },
        { v: 1, type: 'frame', id: 1, bars: new Float64Array(0), indicators: [withThrowingGetter({ id: 'x' }, 'kind')] },
      ];
      for (const x of hostile) {
        const result = answer(validate, x);
        expect(result).toBeInstanceOf(ProtocolError);
        expect((result as ProtocolError).reason.length).toBeLessThan(200);
      }
    });

    it(`${name}: fc.anything() (null prototypes, boxed values, sparse arrays) is answered, never thrown`, () => {
      const any = fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true, withMap: true, withSet: true, withTypedArray: true, withBigInt: true, withDate: true, maxDepth: 3 });
      fc.assert(
        fc.property(any, fc.constantFrom('init', 'frame', 'history', 'ack', 'setGrouping', 'setLayer', 'loadOlder', 'ready'), any, (value, type, field) => {
          answer(validate, value);
          answer(validate, { v: PROTOCOL_VERSION, type: value });
          const message = { v: PROTOCOL_VERSION, type, id: field, renderMs: field, bars: field, indicators: field, book: field, status: field, panel: field, market: field, layers: field, trades: field, stats: field, ticksPerRow: field, layer: field, before: field };
          const result = answer(validate, message);
          // Whatever passed is what the receiver relies on.
          if (!(result instanceof ProtocolError) && name === 'parseWebviewMessage' && type === 'ack') {
            expect(Number.isSafeInteger((result as { id: unknown }).id)).toBe(true);
          }
        }),
        { numRuns: 1500 },
      );
    });
  }

  it('every field of every real message, replaced by a hostile value, is answered', () => {
    const { host, webview } = realMessages();
    const replacements: unknown[] = [throwingProxy(), revokedProxy(), { toString: 1 }, Object.create(null), null, undefined, NaN, -1, 2 ** 60, 'x'.repeat(1e6)];
    for (const [validate, messages] of [
      [parseHostMessage, host],
      [parseWebviewMessage, webview],
    ] as [(x: unknown) => unknown, object[]][]) {
      for (const m of messages) {
        for (const key of Object.keys(m)) {
          for (const r of replacements) answer(validate, { ...m, [key]: r });
          answer(validate, withThrowingGetter(m as Record<string, unknown>, key));
        }
      }
    }
  });
});

describe('bounded messages', () => {
  it('row counts and book windows beyond the bounds are refused', () => {
    const { host } = realMessages();
    const frame = host[1] as Extract<HostMessage, { type: 'frame' }>;
    const book = { ticksPerRow: 1, valid: true, mode: 'rows', bids: new Float64Array(0), asks: new Float64Array(0), bidCount: 0, askCount: 0, raw: null };
    const raw = { mode: 'rows', bids: new Float64Array(0), asks: new Float64Array(0), bidCount: 0, askCount: 0 };
    for (const bad of [
      { ...book, bidCount: MAX_BOOK_ROWS + 1 },
      { ...book, askCount: 1e9 },
      { ...book, bidCount: -1 },
      { ...book, ticksPerRow: 1e12 },
      { ...book, mode: 'full', bids: new Float64Array((MAX_BOOK_ROWS + 1) * 3) },
      { ...book, raw: { ...raw, askCount: MAX_BOOK_ROWS + 1 } },
      { ...book, raw: { ...raw, mode: 'full', asks: new Float64Array((MAX_BOOK_ROWS + 1) * 3) } },
      { ...book, raw: { ...raw, mode: 'sideways' } },
      { ...book, raw: undefined },
    ]) {
      expect(parseHostMessage({ ...frame, book: bad })).toBeInstanceOf(ProtocolError);
    }
    expect(parseHostMessage({ ...frame, book: { ...book, bidCount: MAX_BOOK_ROWS } })).not.toBeInstanceOf(ProtocolError);
    expect(parseHostMessage({ ...frame, book: { ...book, raw: { ...raw, bidCount: MAX_BOOK_ROWS } } })).not.toBeInstanceOf(ProtocolError);
    const series = frame.indicators[0] ?? { id: 'e', kind: 'ema', placement: 'overlay', outputs: ['ema'], warmupBars: 1, times: new Float64Array(0), values: new Float64Array(0) };
    expect(parseHostMessage({ ...frame, indicators: Array.from({ length: MAX_INDICATOR_SERIES + 1 }, () => series) })).toBeInstanceOf(ProtocolError);
    expect(parseHostMessage({ ...frame, indicators: [{ ...series, outputs: Array.from({ length: 1e6 }, () => 'x') }] })).toBeInstanceOf(ProtocolError);
    expect(parseHostMessage({ ...frame, indicators: new Array(2 ** 31) })).toBeInstanceOf(ProtocolError);
  });

  it('a packed array must be a real Float64Array: no proxy, no forged length', () => {
    const { host } = realMessages();
    const frame = host[1]!;
    const forged = new Float64Array(6);
    Object.defineProperty(forged, 'length', { value: 6e9 });
    expect(parseHostMessage({ ...frame, bars: forged })).toBeInstanceOf(ProtocolError);
    expect(parseHostMessage({ ...frame, bars: new Proxy(new Float64Array(6), {}) })).toBeInstanceOf(ProtocolError);
    expect(parseHostMessage({ ...frame, bars: Object.create(Float64Array.prototype) })).toBeInstanceOf(ProtocolError);
  });

  it('the host keeps a copy of what it accepted: a getter is never read again', () => {
    let reads = 0;
    const message = { v: PROTOCOL_VERSION, type: 'ack', renderMs: 1 } as Record<string, unknown>;
    Object.defineProperty(message, 'id', {
      enumerable: true,
      get: () => (++reads === 1 ? 7 : 'not a number any more'),
    });
    const parsed = parseWebviewMessage(message);
    expect(parsed).toEqual({ v: PROTOCOL_VERSION, type: 'ack', id: 7, renderMs: 1 });
    expect(reads).toBe(1);
  });
});

describe('acknowledgements', () => {
  it('a huge render time is clamped: frames slow to at most 1.5 s apart, never stop', () => {
    const clock = new ManualClock();
    const market = new Market({ tickSize: 0.01 });
    const posted: HostMessage[] = [];
    const scheduler = new FrameScheduler(new FrameBuilder(market, FACTS), (m) => posted.push(m), () => LIVE, {}, clock);
    scheduler.onReady();
    let t = Date.UTC(2024, 7, 8);
    for (let i = 0; i < 200; i++) {
      market.onTrade((t += 10), 100, 1, 1);
      scheduler.marketChanged();
      const last = posted[posted.length - 1];
      if (last?.type === 'frame') scheduler.onAck(last.id, 1e300);
      clock.advance(100);
    }
    expect(scheduler.renderMs).toBeLessThanOrEqual(MAX_RENDER_MS);
    expect(scheduler.intervalMs()).toBeLessThanOrEqual(MAX_RENDER_MS * 1.5);
    expect(posted.filter((m) => m.type === 'frame').length).toBeGreaterThanOrEqual(12); // 20 s at ≤ 1.5 s apart
    scheduler.onAck(-5, 1);
    scheduler.onAck(2 ** 52, 1);
    expect(scheduler.acksIgnored).toBeGreaterThanOrEqual(2);
  });
});
