/**
 * The footprint in frames: absent unless the panel's footprint layer is on (frames as before);
 * when on, a reset after init and then only the changed cells, which a panel applying them holds
 * exactly as the engine does; partial bars named; every frame accepted by the webview's
 * validation, a malformed footprint dropped.
 */
import { describe, expect, it } from 'vitest';
import { binanceRule } from '../../src/engine/book/sequenceRule';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { FOOTPRINT_CELL_STRIDE, parseHostMessage, ProtocolError, type FrameMessage, type StatusInfo } from '../../src/engine/protocol';

const FACTS = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.1, pricePrecision: 1, amountPrecision: 3 };
const LIVE: StatusInfo = { state: 'live', detail: '', value: 0 };
const T0 = Date.UTC(2024, 7, 9, 0, 0);
const MINUTE = 60_000;

let frameId = 0;
function frame(builder: FrameBuilder): FrameMessage | null {
  const f = builder.buildFrame(++frameId, LIVE, 0, () => 0);
  if (f) expect(parseHostMessage(f)).not.toBeInstanceOf(ProtocolError);
  return f;
}

/** What a panel holds: bar open time → price → [buy, sell]. */
function apply(held: Map<number, Map<number, [number, number]>>, f: FrameMessage): void {
  const fp = f.footprint!;
  if (fp.reset) held.clear();
  for (let i = 0; i < fp.cells.length; i += FOOTPRINT_CELL_STRIDE) {
    const bar = held.get(fp.cells[i]!) ?? new Map<number, [number, number]>();
    bar.set(fp.cells[i + 1]!, [fp.cells[i + 2]!, fp.cells[i + 3]!]);
    held.set(fp.cells[i]!, bar);
  }
}

/** The engine's footprint in the same shape. */
function engineCells(market: Market): Map<number, Map<number, [number, number]>> {
  const fp = market.footprint;
  const out = new Map<number, Map<number, [number, number]>>();
  for (let pos = 0; pos < fp.count; pos++) {
    const slot = fp.slotAt(pos);
    const bar = new Map<number, [number, number]>();
    for (let tick = fp.lowTickAt(slot); tick <= fp.highTickAt(slot); tick++) {
      const i = fp.cellIndex(slot, tick);
      if (fp.cells.buy(i) > 0 || fp.cells.sell(i) > 0) bar.set(fp.priceOf(tick), [fp.cells.buy(i), fp.cells.sell(i)]);
    }
    out.set(fp.openTimeAt(slot), bar);
  }
  return out;
}

describe('footprint in frames', () => {
  it('is absent from every frame while the layer is off (the default)', () => {
    const market = new Market({ tickSize: 0.1, sequenceRule: binanceRule });
    const builder = new FrameBuilder(market, FACTS);
    builder.buildInit(LIVE);
    market.onTrade(T0, 100.1, 1, 1);
    const f = frame(builder)!;
    expect(f.trades.length).toBe(4);
    expect('footprint' in f).toBe(false);
  });

  it('when on: a reset after init, then only the changed cells; the panel holds what the engine holds', () => {
    const market = new Market({ tickSize: 0.1, sequenceRule: binanceRule });
    market.onTrade(T0 + 1, 100.1, 1, 1);
    market.onTrade(T0 + 2, 100.2, 2, -1);
    const builder = new FrameBuilder(market, FACTS, { footprint: true });
    builder.buildInit(LIVE);
    const held = new Map<number, Map<number, [number, number]>>();
    const first = frame(builder)!;
    expect(first.footprint!.reset).toBe(true);
    expect(Array.from(first.footprint!.cells)).toEqual([T0, 100.1, 1, 0, T0, 100.2, 0, 2]);
    apply(held, first);
    expect(frame(builder)).toBeNull(); // nothing changed

    market.onTrade(T0 + 3, 100.2, 0.5, 1);
    market.onTrade(T0 + MINUTE, 99.9, 4, -1); // a new bar
    const second = frame(builder)!;
    expect(second.footprint!.reset).toBe(false);
    expect(Array.from(second.footprint!.cells)).toEqual([T0, 100.2, 0.5, 2, T0 + MINUTE, 99.9, 0, 4]);
    apply(held, second);
    market.onTrade(T0 + 4, 100.3, 1, 1); // late, into the first bar
    apply(held, frame(builder)!);
    expect(held).toEqual(engineCells(market));

    builder.buildInit(LIVE); // a reload: everything again, as a reset
    const again = frame(builder)!;
    expect(again.footprint!.reset).toBe(true);
    const fresh = new Map<number, Map<number, [number, number]>>();
    apply(fresh, again);
    expect(fresh).toEqual(engineCells(market));
  });

  it('names the bars whose footprint lacks part of the candle', () => {
    const market = new Market({ tickSize: 0.1, sequenceRule: binanceRule });
    market.mergeHistoryRows([[T0, 100, 101, 99, 100.5, 10]]); // the live bar as fetched
    market.onTrade(T0 + 30_000, 100.6, 1, 1);
    market.onTrade(T0 + MINUTE, 100.7, 1, 1);
    const builder = new FrameBuilder(market, FACTS, { footprint: true });
    builder.buildInit(LIVE);
    expect(Array.from(frame(builder)!.footprint!.partialBars)).toEqual([T0]);
  });

  it('the webview drops a frame whose footprint is malformed', () => {
    const base = { v: 1, type: 'frame', id: 1, bars: new Float64Array(0), indicators: [], book: null, trades: new Float64Array(0), status: null, stats: { events: 0, rejected: 0, buildMs: 0 } };
    const good = { reset: false, cells: new Float64Array([T0, 100.1, 1, 0]), partialBars: new Float64Array(0) };
    expect(parseHostMessage({ ...base, footprint: good })).not.toBeInstanceOf(ProtocolError);
    for (const bad of [
      { ...good, cells: new Float64Array([T0, 100.1, 1]) },
      { ...good, cells: new Float64Array([T0, 100.1, -1, 0]) },
      { ...good, cells: new Float64Array([T0, 0, 1, 0]) },
      { ...good, cells: new Float64Array([NaN, 100.1, 1, 0]) },
      { ...good, cells: [T0, 100.1, 1, 0] },
      { ...good, reset: 'yes' },
      { cells: good.cells, reset: false },
      null,
    ]) {
      expect(parseHostMessage({ ...base, footprint: bad })).toBeInstanceOf(ProtocolError);
    }
  });
});
