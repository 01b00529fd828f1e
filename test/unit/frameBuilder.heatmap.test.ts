/**
 * Heatmap columns in frames: off by default (frames carry no `heatmap`); on, a panel applying
 * every diff holds, per closed slice, the book the engine held when it closed, grouped at the
 * panel's ladder step, a resync as a gap; each column is sent once; the webview's validation
 * takes the diffs and drops malformed ones.
 */
import { describe, expect, it } from 'vitest';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { HEATMAP_RESET_COLUMNS } from '../../src/engine/heatmap/heatmapDiffs';
import { Market } from '../../src/engine/market';
import { HEATMAP_CELL_STRIDE, parseHostMessage, ProtocolError, type FrameMessage, type HeatmapDiff, type StatusInfo } from '../../src/engine/protocol';

const FACTS = { exchange: 'demo', symbol: 'BTC/USDT', tickSize: 0.5, pricePrecision: 1, amountPrecision: 3 };
const LIVE: StatusInfo = { state: 'live', detail: '', value: 0 };
const T0 = 1_723_161_240_000;

/** A book of `levels` levels a side around 60,000 at 0.5, sizes shifted by `step`. */
function bookRows(step: number, levels = 6): { bids: number[][]; asks: number[][] } {
  const bids: number[][] = [];
  const asks: number[][] = [];
  for (let i = 0; i < levels; i++) {
    bids.push([60_000 - 0.5 * i, 1 + ((step + i) % 4)]);
    asks.push([60_000.5 + 0.5 * i, 2 + ((step * 3 + i) % 5)]);
  }
  return { bids, asks };
}

/** The book grouped as the ladder groups it (bids down, asks up) at `ticks` ticks of 0.5: price → size. */
function grouped(step: number, ticks: number): Map<number, number> {
  const out = new Map<number, number>();
  const { bids, asks } = bookRows(step);
  const unit = 0.5 * ticks;
  for (const [p, q] of bids) out.set(Math.floor(p! / unit) * unit, (out.get(Math.floor(p! / unit) * unit) ?? 0) + q!);
  for (const [p, q] of asks) out.set(Math.ceil(p! / unit) * unit, (out.get(Math.ceil(p! / unit) * unit) ?? 0) + q!);
  return out;
}

/** What a panel does with the diffs: columns by open time (null: gap), cells by price; a reset's history columns apart. */
class HeldColumns {
  columns = new Map<number, Map<number, number> | null>();
  history = new Map<number, Map<number, number> | null>();
  sent = 0;
  apply(diff: HeatmapDiff): void {
    if (diff.reset) {
      this.columns.clear();
      this.history.clear();
    }
    const gaps = new Set(diff.gaps);
    diff.columns.forEach((time, k) => {
      const into = k < diff.history ? this.history : this.columns;
      expect(this.columns.has(time) || this.history.has(time), `column ${time} sent twice`).toBe(false);
      into.set(time, gaps.has(time) ? null : new Map());
      if (k >= diff.history) this.sent++;
    });
    for (let i = 0; i < diff.cells.length; i += HEATMAP_CELL_STRIDE) (this.columns.get(diff.cells[i]!) ?? this.history.get(diff.cells[i]!))!.set(diff.cells[i + 1]!, diff.cells[i + 2]!);
  }
}

function frameOf(builder: FrameBuilder, id: number): FrameMessage | null {
  const frame = builder.buildFrame(id, LIVE, 0, () => 0);
  if (frame !== null) expect(parseHostMessage(frame)).not.toBeInstanceOf(ProtocolError);
  return frame;
}

describe('heatmap in frames', () => {
  it('is not in frames by default', () => {
    const market = new Market({ tickSize: 0.5 });
    const builder = new FrameBuilder(market, FACTS);
    builder.buildInit(LIVE);
    for (let s = 0; s < 5; s++) {
      const { bids, asks } = bookRows(s);
      market.mirrorBook(bids, asks);
      market.observeClock(T0 + s * 1000 + 500);
      const frame = frameOf(builder, s + 1);
      expect(frame === null || !('heatmap' in frame)).toBe(true);
    }
    expect(market.heatmap.nextSlice - market.heatmap.firstSlice).toBe(4); // the engine keeps it anyway
  });

  it('sends each closed column once, equal to the book when it closed, grouped at the panel step; a resync as a gap', () => {
    const ticks = 2;
    const market = new Market({ tickSize: 0.5 });
    const builder = new FrameBuilder(market, FACTS, { heatmap: true, ticksPerRow: ticks });
    const held = new HeldColumns();
    /** Slice open time → the step whose book it closed with (null: gap). */
    const expected = new Map<number, number | null>();
    let id = 0;
    let step = 0;
    const play = (slices: number, resync = false) => {
      for (let k = 0; k < slices; k++) {
        step++;
        if (resync) market.requestResync('a test resync');
        else market.mirrorBook(bookRows(step).bids, bookRows(step).asks);
        const before = market.heatmap.nextSlice;
        market.observeClock(T0 + step * 1000 + 300);
        for (let s = before; s < market.heatmap.nextSlice; s++) expected.set(s * 1000, resync ? null : step);
      }
    };
    market.mirrorBook(bookRows(0).bids, bookRows(0).asks);
    market.observeClock(T0);
    play(HEATMAP_RESET_COLUMNS + 10);
    builder.buildInit(LIVE);
    // The first frame after an init is a reset of the newest columns.
    const first = frameOf(builder, ++id)!.heatmap!;
    expect(first.reset).toBe(true);
    expect(first.columns.length - first.history).toBe(HEATMAP_RESET_COLUMNS);
    expect(first.rowStep).toBe(1);
    held.apply(first);
    expect(frameOf(builder, ++id)?.heatmap).toBeUndefined(); // nothing closed since
    play(3);
    const next = frameOf(builder, ++id)!.heatmap!;
    expect(next.reset).toBe(false);
    expect(next.columns.length).toBe(3);
    held.apply(next);
    play(2, true);
    play(2);
    held.apply(frameOf(builder, ++id)!.heatmap!);
    expect(held.sent).toBe(HEATMAP_RESET_COLUMNS + 7);
    let gaps = 0;
    for (const [time, cells] of held.columns) {
      const stepThen = expected.get(time);
      expect(stepThen, `column ${time}`).not.toBeUndefined();
      if (stepThen === null) {
        gaps++;
        expect(cells, `column ${time} is a gap`).toBeNull();
        continue;
      }
      expect([...cells!.entries()].sort((a, b) => a[0] - b[0]), `column ${time}`).toEqual([...grouped(stepThen!, ticks).entries()].sort((a, b) => a[0] - b[0]));
    }
    expect(gaps).toBe(2);
    // A new init resets again.
    builder.buildInit(LIVE);
    expect(frameOf(builder, ++id)!.heatmap!.reset).toBe(true);
  });

  it("a reset carries the slices before its newest as history columns of a bar each, every row the mean of the slices' grouped sizes, gaps left out", () => {
    const ticks = 2;
    const market = new Market({ tickSize: 0.5 }); // 1 m bars
    const builder = new FrameBuilder(market, FACTS, { heatmap: true, ticksPerRow: ticks });
    /** Slice open time → the step whose book it closed with (null: gap). */
    const closedWith = new Map<number, number | null>();
    market.mirrorBook(bookRows(0).bids, bookRows(0).asks);
    market.observeClock(T0);
    for (let step = 1; step <= 200; step++) {
      const resync = step >= 70 && step < 75;
      if (resync) market.requestResync('a test resync');
      else market.mirrorBook(bookRows(step).bids, bookRows(step).asks);
      const before = market.heatmap.nextSlice;
      market.observeClock(T0 + step * 1000 + 300);
      for (let s = before; s < market.heatmap.nextSlice; s++) closedWith.set(s * 1000, resync ? null : step);
    }
    builder.buildInit(LIVE);
    const reset = frameOf(builder, 1)!.heatmap!;
    const held = new HeldColumns();
    held.apply(reset);
    expect(reset.historySpanMs).toBe(60_000);
    const newest = reset.columns[reset.history]!; // the first 1 s column
    expect([...held.history.keys()]).toEqual([T0, T0 + 60_000, T0 + 120_000].filter((t) => t < newest));
    for (const [open, cells] of held.history) {
      // By hand: each slice of the bar before the 1 s columns, grouped, summed per price; divided by the slices with a book.
      const sums = new Map<number, number>();
      let withBook = 0;
      for (let t = open; t < Math.min(open + 60_000, newest); t += 1000) {
        const step = closedWith.get(t);
        if (step === undefined || step === null) continue;
        withBook++;
        for (const [price, size] of grouped(step, ticks)) sums.set(price, (sums.get(price) ?? 0) + size);
      }
      expect(withBook).toBeGreaterThan(0);
      expect([...cells!.keys()].sort((a, b) => a - b)).toEqual([...sums.keys()].sort((a, b) => a - b));
      for (const [price, sum] of sums) expect(cells!.get(price), `${open} at ${price}`).toBeCloseTo(sum / withBook, 5);
    }
  });

  it('drops a frame whose heatmap is malformed', () => {
    const good: HeatmapDiff = { reset: false, sliceMs: 1000, rowStep: 1, columns: new Float64Array([T0]), gaps: new Float64Array(0), cells: new Float64Array([T0, 60_000, 1.5]), history: 0, historySpanMs: 1000 };
    const frame = (heatmap: unknown) => ({ v: 1, type: 'frame', id: 1, bars: new Float64Array(0), indicators: [], book: null, trades: new Float64Array(0), status: null, stats: { events: 0, rejected: 0, buildMs: 0 }, heatmap });
    expect(parseHostMessage(frame(good))).not.toBeInstanceOf(ProtocolError);
    for (const bad of [
      { ...good, cells: new Float64Array([T0, 60_000, -1]) },
      { ...good, cells: new Float64Array([T0, 0, 1]) },
      { ...good, cells: new Float64Array([T0, 60_000]) },
      { ...good, sliceMs: 0 },
      { ...good, history: 2 },
      { ...good, history: 1, historySpanMs: 500 },
      { ...good, rowStep: NaN },
      { ...good, columns: [T0] },
      { ...good, columns: new Float64Array(3601) },
      { ...good, reset: 1 },
      null,
    ]) {
      expect(parseHostMessage(frame(bad)), JSON.stringify(bad)).toBeInstanceOf(ProtocolError);
    }
  });
});
