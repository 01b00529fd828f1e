import { describe, expect, it } from 'vitest';
import { CandleBar, CandleChanges, CandleField, CandleSeries, TradeOutcome } from '../../src/engine/candles/candleSeries';
import { CandleColumns } from '../../src/engine/candles/candleColumns';

const M = 60_000;
const T0 = 1_723_161_300_000; // 2024-08-08 23:55 UTC
const BUY = 1;
const SELL = -1;

function bar(series: CandleSeries, seq: number): CandleBar {
  const out = new CandleBar();
  expect(series.readBar(seq, out)).toBe(true);
  return out;
}

function openTimes(series: CandleSeries): number[] {
  const times: number[] = [];
  for (let seq = series.firstSeq; seq <= series.lastSeq; seq++) times.push(series.value(seq, CandleField.OpenTime));
  return times;
}

describe('CandleSeries: trades', () => {
  it('aggregates trades into the bar that contains them', () => {
    const s = new CandleSeries('1m', { capacity: 10 });
    expect(s.ingestTrade(T0 + 1_000, 100, 2, BUY)).toBe(TradeOutcome.NewBar);
    expect(s.ingestTrade(T0 + 2_000, 103, 1, SELL)).toBe(TradeOutcome.Live);
    expect(s.ingestTrade(T0 + 3_000, 99, 0.5, BUY)).toBe(TradeOutcome.Live);
    expect(s.ingestTrade(T0 + 59_999, 101, 1, SELL)).toBe(TradeOutcome.Live);
    const b = bar(s, 0);
    expect([b.openTime, b.open, b.high, b.low, b.close]).toEqual([T0, 100, 103, 99, 101]);
    expect(b.volume).toBe(4.5);
    expect(b.quoteVolume).toBe(100 * 2 + 103 + 99 * 0.5 + 101);
    expect(b.takerBuyVolume).toBe(2.5);
    expect(b.tradeCount).toBe(4);
  });

  it('opens a new bar at the bar boundary and invents no bars for a gap', () => {
    const s = new CandleSeries('1m');
    s.ingestTrade(T0 + 10_000, 100, 1, BUY);
    expect(s.ingestTrade(T0 + 3 * M + 5_000, 105, 1, BUY)).toBe(TradeOutcome.NewBar);
    expect(openTimes(s)).toEqual([T0, T0 + 3 * M]);
    expect(s.value(1, CandleField.Open)).toBe(105);
  });

  it('puts a late trade into its own held bar, with open and close in trade-time order', () => {
    const s = new CandleSeries('1m');
    s.ingestTrade(T0 + 20_000, 100, 1, BUY);
    s.ingestTrade(T0 + 40_000, 101, 1, BUY);
    s.ingestTrade(T0 + M + 1_000, 110, 1, BUY);
    // Earlier than the bar's first trade: becomes its open. Later than its last: its close.
    expect(s.ingestTrade(T0 + 5_000, 95, 1, SELL)).toBe(TradeOutcome.Late);
    expect(s.ingestTrade(T0 + 50_000, 98, 1, SELL)).toBe(TradeOutcome.Late);
    // In between: changes neither.
    expect(s.ingestTrade(T0 + 30_000, 97, 1, SELL)).toBe(TradeOutcome.Late);
    const b = bar(s, 0);
    expect([b.open, b.high, b.low, b.close, b.tradeCount]).toEqual([95, 101, 95, 98, 5]);
    expect(s.stats.late).toBe(3);
    expect(bar(s, 1).tradeCount).toBe(1);
  });

  it('keeps arrival order for trades with the same timestamp', () => {
    const s = new CandleSeries('1m');
    s.ingestTrade(T0 + 7_000, 100, 1, BUY);
    s.ingestTrade(T0 + 7_000, 102, 1, BUY);
    s.ingestTrade(T0 + 7_000, 101, 1, BUY);
    const b = bar(s, 0);
    expect([b.open, b.close]).toEqual([100, 101]);
  });

  it('drops a late trade whose bar is not held: in a gap, or older than every bar', () => {
    const s = new CandleSeries('1m');
    s.ingestTrade(T0 + 1_000, 100, 1, BUY);
    s.ingestTrade(T0 + 3 * M, 100, 1, BUY);
    const before = new CandleColumns();
    s.copyRange(s.firstSeq, s.lastSeq, before);
    expect(s.ingestTrade(T0 + M + 1, 100, 1, BUY)).toBe(TradeOutcome.LateDropped);
    expect(s.ingestTrade(T0 - 1, 100, 1, BUY)).toBe(TradeOutcome.LateDropped);
    expect(s.stats.lateDropped).toBe(2);
    expect(s.stats.trades).toBe(2);
    const after = new CandleColumns();
    s.copyRange(s.firstSeq, s.lastSeq, after);
    expect(after).toEqual(before);
  });

  it('rejects bad numbers without touching the bars', () => {
    const s = new CandleSeries('1m');
    s.ingestTrade(T0, 100, 1, BUY);
    const before = new CandleColumns();
    s.copyRange(0, 0, before);
    const bad: [number, number, number, number][] = [
      [NaN, 100, 1, BUY],
      [Infinity, 100, 1, BUY],
      [-5, 100, 1, BUY],
      [T0, NaN, 1, BUY],
      [T0, Infinity, 1, BUY],
      [T0, -100, 1, BUY],
      [T0, 0, 1, BUY],
      [T0, 100, 0, BUY],
      [T0, 100, -1, BUY],
      [T0, 100, NaN, BUY],
      [T0, 100, Infinity, BUY],
      [T0, 100, 1, 0],
      [T0, 100, 1, NaN],
    ];
    for (const [t, p, q, side] of bad) expect(s.ingestTrade(t, p, q, side)).toBe(TradeOutcome.Rejected);
    expect(s.stats.rejected).toBe(bad.length);
    const after = new CandleColumns();
    s.copyRange(0, 0, after);
    expect(after).toEqual(before);
  });
});

describe('CandleSeries: ring and sequence numbers', () => {
  it('keeps each bar under its seq across ring wrap', () => {
    const s = new CandleSeries('1m', { capacity: 3 });
    for (let k = 0; k < 7; k++) s.ingestTrade(T0 + k * M, 100 + k, 1, BUY);
    expect([s.count, s.firstSeq, s.lastSeq]).toEqual([3, 4, 6]);
    for (let seq = 4; seq <= 6; seq++) {
      expect(s.value(seq, CandleField.OpenTime)).toBe(T0 + seq * M);
      expect(s.findSeq(T0 + seq * M)).toBe(seq);
      const index = s.indexOf(seq);
      expect(s.seqAt(index)).toBe(seq);
      expect(s.valueAt(index, CandleField.Close)).toBe(100 + seq);
    }
    expect(s.indexOf(3)).toBe(-1);
    expect(s.value(3, CandleField.Close)).toBeNaN();
    expect(s.findSeq(T0 + 3 * M)).toBe(-1);
    expect(s.readBar(7, new CandleBar())).toBe(false);
  });

  it('copies a seq range, clamped to the held bars', () => {
    const s = new CandleSeries('1m', { capacity: 4 });
    for (let k = 0; k < 6; k++) s.ingestTrade(T0 + k * M, 100 + k, 1 + k, k % 2 ? SELL : BUY);
    const out = new CandleColumns(1); // grows as needed
    expect(s.copyRange(0, 100, out)).toBe(4);
    expect(Array.from(out.openTime.subarray(0, out.count))).toEqual([2, 3, 4, 5].map((k) => T0 + k * M));
    expect(Array.from(out.volume.subarray(0, out.count))).toEqual([3, 4, 5, 6]);
    expect(Array.from(out.takerBuyVolume.subarray(0, out.count))).toEqual([3, 0, 5, 0]);
    expect(s.copyRange(4, 4, out)).toBe(1);
    expect(out.close[0]).toBe(104);
    expect(s.copyRange(5, 4, out)).toBe(0);
    expect(out.count).toBe(0);
  });

  it('refuses a capacity that is not a positive integer', () => {
    for (const capacity of [0, -1, 1.5, NaN, Infinity]) {
      expect(() => new CandleSeries('1m', { capacity })).toThrow(RangeError);
    }
    expect(() => new CandleSeries('1m', { capacity: 1.5 })).toThrow('CandleSeries capacity must be an integer ≥ 1, got 1.5');
    expect(new CandleSeries('1m').capacity).toBe(20_000);
  });
});

describe('CandleSeries: change tracking', () => {
  it('reports the lowest changed seq and the appended count, then resets', () => {
    const s = new CandleSeries('1m', { capacity: 10 });
    const c = new CandleChanges();
    s.drainChanges(c);
    expect([c.fromSeq, c.changedFromSeq, c.appended]).toEqual([-1, -1, 0]);

    s.ingestTrade(T0, 100, 1, BUY);
    s.ingestTrade(T0 + M, 100, 1, BUY);
    s.drainChanges(c);
    expect([c.fromSeq, c.changedFromSeq, c.appended, c.firstSeq, c.lastSeq]).toEqual([0, -1, 2, 0, 1]);

    s.ingestTrade(T0 + M + 1, 101, 1, BUY); // live bar
    s.drainChanges(c);
    expect([c.fromSeq, c.changedFromSeq, c.appended]).toEqual([1, 1, 0]);

    s.ingestTrade(T0 + 5, 99, 1, BUY); // late, bar 0
    s.ingestTrade(T0 + 2 * M, 99, 1, BUY); // new bar
    s.drainChanges(c);
    expect([c.fromSeq, c.changedFromSeq, c.appended]).toEqual([0, 0, 1]);

    s.drainChanges(c);
    expect([c.fromSeq, c.changedFromSeq, c.appended]).toEqual([-1, -1, 0]);
  });

  it('clamps to the held range when changed bars were evicted', () => {
    const s = new CandleSeries('1m', { capacity: 2 });
    const c = new CandleChanges();
    s.ingestTrade(T0, 100, 1, BUY);
    s.drainChanges(c);
    s.ingestTrade(T0 + 1, 100, 1, BUY); // changes seq 0, which is then evicted
    for (let k = 1; k <= 4; k++) s.ingestTrade(T0 + k * M, 100, 1, BUY);
    s.drainChanges(c);
    expect([c.firstSeq, c.lastSeq, c.fromSeq, c.appended]).toEqual([3, 4, 3, 4]);
    expect(c.changedFromSeq).toBe(-1);
  });
});

describe('CandleSeries: history', () => {
  const row = (k: number, o: number, h: number, l: number, c: number, v: number, qv = NaN, tbv = NaN, n = NaN) => [
    T0 + k * M,
    o,
    h,
    l,
    c,
    v,
    qv,
    tbv,
    n,
  ];

  it('takes history into an empty series; the newest row is the live bar and keeps trading', () => {
    const s = new CandleSeries('1m');
    expect(s.mergeHistoryRows([row(0, 10, 12, 9, 11, 5), row(1, 11, 13, 10, 12, 6)].map((r) => r.slice(0, 6)))).toBe(2);
    expect(openTimes(s)).toEqual([T0, T0 + M]);
    expect(bar(s, 0).quoteVolume).toBeNaN(); // ccxt rows carry no quote volume
    expect(s.ingestTrade(T0 + M + 30_000, 14, 2, BUY)).toBe(TradeOutcome.Live);
    const live = bar(s, 1);
    expect([live.open, live.high, live.low, live.close, live.volume]).toEqual([11, 14, 10, 14, 8]);
    // The closed row is final: a straggler for it is already counted by the exchange.
    expect(s.ingestTrade(T0 + 59_000, 50, 1, BUY)).toBe(TradeOutcome.Covered);
    expect(bar(s, 0).high).toBe(12);
  });

  it('overwrites held bars with the exchange values and keeps a newer live bar', () => {
    const s = new CandleSeries('1m');
    s.ingestTrade(T0 + 30_000, 100, 1, BUY); // partial view of minute 0
    s.ingestTrade(T0 + M + 1_000, 101, 1, BUY);
    s.ingestTrade(T0 + 2 * M + 1_000, 102, 3, SELL); // live
    s.mergeHistoryRows([row(0, 99, 100, 98, 100, 7, 690, 3, 12), row(1, 100, 101, 100, 101, 2, 201, 1, 2)]);
    expect(openTimes(s)).toEqual([T0, T0 + M, T0 + 2 * M]);
    const b0 = bar(s, 0);
    expect([b0.open, b0.high, b0.low, b0.close, b0.volume, b0.quoteVolume, b0.takerBuyVolume, b0.tradeCount]).toEqual([
      99, 100, 98, 100, 7, 690, 3, 12,
    ]);
    const live = bar(s, 2);
    expect([live.open, live.volume, live.tradeCount]).toEqual([102, 3, 1]);
    expect(s.stats.rebuilds).toBe(0);
  });

  it('gives the live bar the exchange values, then adds only trades newer than those it had', () => {
    const s = new CandleSeries('1m');
    s.ingestTrade(T0 + 10_000, 100, 1, BUY);
    s.ingestTrade(T0 + 20_000, 104, 1, BUY); // newest trade seen before the reply
    // The exchange saw more of the minute than we did (we joined late).
    s.mergeHistoryRows([row(0, 97, 104, 96, 104, 9, 900, 4, 20)]);
    expect(s.ingestTrade(T0 + 20_000, 104, 1, BUY)).toBe(TradeOutcome.Covered); // same ms: counted
    expect(s.ingestTrade(T0 + 15_000, 104, 1, BUY)).toBe(TradeOutcome.Covered);
    expect(s.ingestTrade(T0 + 25_000, 105, 2, SELL)).toBe(TradeOutcome.Live);
    const b = bar(s, 0);
    expect([b.open, b.high, b.low, b.close, b.volume, b.quoteVolume, b.takerBuyVolume, b.tradeCount]).toEqual([
      97, 105, 96, 105, 11, 900 + 210, 4, 21,
    ]);
    expect(s.stats.covered).toBe(2);
  });

  it('prepends older history and fills a reconnect gap by rebuilding, renumbering from the first insert', () => {
    const s = new CandleSeries('1m', { capacity: 10 });
    const c = new CandleChanges();
    for (const k of [3, 4, 7, 8]) s.ingestTrade(T0 + k * M, 100 + k, 1, BUY); // gap at 5, 6
    s.drainChanges(c);
    expect([c.firstSeq, c.lastSeq]).toEqual([0, 3]);
    s.mergeHistoryRows([row(5, 1, 2, 1, 2, 1), row(6, 1, 2, 1, 2, 1)]);
    expect(openTimes(s)).toEqual([3, 4, 5, 6, 7, 8].map((k) => T0 + k * M));
    expect(s.findSeq(T0 + 4 * M)).toBe(1); // before the insert: same seq
    expect(s.findSeq(T0 + 8 * M)).toBe(5); // after it: renumbered
    s.drainChanges(c);
    expect([c.fromSeq, c.changedFromSeq, c.appended, c.firstSeq, c.lastSeq]).toEqual([2, 2, 2, 0, 5]);
    expect(bar(s, 5).close).toBe(108); // the live bar survives the rebuild

    s.mergeHistoryRows([row(0, 1, 2, 1, 2, 1), row(1, 1, 2, 1, 2, 1)]);
    expect(openTimes(s)).toEqual([0, 1, 3, 4, 5, 6, 7, 8].map((k) => T0 + k * M));
    s.drainChanges(c);
    expect([c.fromSeq, c.firstSeq, c.lastSeq]).toEqual([0, 0, 7]);
    expect(s.stats.rebuilds).toBe(2);
  });

  it('keeps only the newest bars of the union when the ring is full', () => {
    const s = new CandleSeries('1m', { capacity: 3 });
    for (const k of [5, 6, 7]) s.ingestTrade(T0 + k * M, 100, 1, BUY);
    // Older than everything, and no room: nothing changes.
    expect(s.mergeHistoryRows([row(1, 1, 1, 1, 1, 1), row(2, 1, 1, 1, 1, 1)])).toBe(0);
    expect(s.stats.historyDropped).toBe(2);
    expect(s.stats.rebuilds).toBe(0);
    // Newer rows append and push the oldest out.
    expect(s.mergeHistoryRows([row(8, 1, 1, 1, 1, 1), row(9, 1, 1, 1, 1, 1)])).toBe(2);
    expect(openTimes(s)).toEqual([7, 8, 9].map((k) => T0 + k * M));
  });

  it('rejects bad rows and keeps the good ones', () => {
    const s = new CandleSeries('1m');
    const rows = [
      row(0, 10, 12, 9, 11, 5),
      row(1, 10, 9, 12, 11, 5), // high below low
      [T0 + 2 * M + 1, 10, 12, 9, 11, 5], // not on a bar boundary
      row(2, 10, 12, 9, NaN, 5),
      row(2, 10, 12, 9, 11, -1),
      row(2, 10, 12, 9, 11, 1, -3),
      row(2, 0, 12, 0, 11, 1),
      ['x', 10, 12, 9, 11, 5],
      row(3, 10, 12, 9, 11, 5),
      row(3, 10, 12, 9, 11, 5), // not ascending
      row(1, 10, 12, 9, 11, 5), // not ascending
    ];
    expect(s.mergeHistoryRows(rows)).toBe(2);
    expect(s.stats.historyRejected).toBe(rows.length - 2);
    expect(openTimes(s)).toEqual([T0, T0 + 3 * M]);
  });

  it('accepts parallel columns and reports an unchanged re-merge as no change', () => {
    const s = new CandleSeries('1m');
    const history = new CandleColumns();
    history.setRow(history.appendRow(), T0, 10, 12, 9, 11, 5, 55, 2, 7);
    history.setRow(history.appendRow(), T0 + M, 11, 12, 10, 12, 3, 33, 1, 4);
    expect(s.mergeHistory(history)).toBe(2);
    const c = new CandleChanges();
    s.drainChanges(c);
    expect(s.mergeHistory(history)).toBe(2);
    s.drainChanges(c);
    expect(c.fromSeq).toBe(-1);
    history.close[0] = 11.5;
    s.mergeHistory(history);
    s.drainChanges(c);
    expect([c.fromSeq, c.changedFromSeq]).toEqual([0, 0]);
  });
});
