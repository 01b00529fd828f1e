/**
 * CandleSeries against a plain reference: a sorted list of bars, each the exchange's row (if
 * merged) plus the list of trades added to it, aggregated from scratch when compared.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CandleBar, CandleChanges, CandleSeries, CandleSeriesStats } from '../../src/engine/candles/candleSeries';
import { CandleColumns } from '../../src/engine/candles/candleColumns';

const MINUTE = 60_000;
const T0 = 1_723_161_240_000; // 2024-08-08 23:54 UTC

type Row = [number, number, number, number, number, number, number, number, number];
interface RefTrade {
  t: number;
  p: number;
  q: number;
  side: number;
  arrival: number;
}
interface RefBar {
  time: number;
  /** The exchange's row, when the bar was merged from history. */
  base: Row | null;
  /** Trades added since the bar was created or last merged. */
  trades: RefTrade[];
  coveredUntil: number;
}
type Fields = [number, number, number, number, number, number, number, number, number];

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const isAmount = (x: number) => Number.isFinite(x) && x > 0;
const optional = (x: number) => Number.isNaN(x) || (Number.isFinite(x) && x >= 0);

class Reference {
  bars: RefBar[] = [];
  stats = new CandleSeriesStats();
  private arrival = 0;

  constructor(readonly capacity: number) {}

  trade(t: number, p: number, q: number, side: number): void {
    if (!(Number.isFinite(t) && t >= 0) || !isAmount(p) || !isAmount(q) || (side !== 1 && side !== -1)) {
      this.stats.rejected++;
      return;
    }
    const trade = { t, p, q, side, arrival: this.arrival++ };
    const time = Math.floor(t / MINUTE) * MINUTE;
    const newest = this.bars.at(-1);
    if (!newest || time > newest.time) {
      this.bars.push({ time, base: null, trades: [trade], coveredUntil: -Infinity });
      if (this.bars.length > this.capacity) this.bars.shift();
      this.stats.trades++;
      return;
    }
    const bar = this.bars.find((b) => b.time === time);
    if (!bar) {
      this.stats.lateDropped++;
    } else if (t <= bar.coveredUntil) {
      this.stats.covered++;
    } else {
      bar.trades.push(trade);
      this.stats.trades++;
      if (bar !== newest) this.stats.late++;
    }
  }

  merge(rows: Row[]): void {
    const valid: Row[] = [];
    for (const row of rows) {
      const [t, o, h, l, c, v, qv, tbv, n] = row;
      const ok =
        Number.isFinite(t) &&
        t >= 0 &&
        t % MINUTE === 0 &&
        (valid.length === 0 || t > valid[valid.length - 1][0]) &&
        [o, h, l, c].every(isAmount) &&
        h >= Math.max(o, l, c) &&
        l <= Math.min(o, c) &&
        Number.isFinite(v) &&
        v >= 0 &&
        [qv, tbv, n].every(optional);
      if (ok) valid.push(row);
      else this.stats.historyRejected++;
    }
    if (valid.length === 0) return;
    const newestBefore = this.bars.at(-1);
    const lastRow = valid[valid.length - 1];
    const watermark =
      newestBefore && newestBefore.time === lastRow[0]
        ? Math.max(newestBefore.coveredUntil, ...newestBefore.trades.map((x) => x.t))
        : -Infinity;
    const byTime = new Map(this.bars.map((b) => [b.time, b]));
    for (const row of valid) byTime.set(row[0], { time: row[0], base: row, trades: [], coveredUntil: NaN });
    this.bars = [...byTime.values()].sort((a, b) => a.time - b.time).slice(-this.capacity);
    const newestTime = this.bars[this.bars.length - 1].time;
    let kept = 0;
    for (const bar of this.bars) {
      if (!Number.isNaN(bar.coveredUntil)) continue;
      kept++;
      bar.coveredUntil = bar.time === newestTime ? watermark : bar.time + MINUTE - 1;
    }
    this.stats.historyRows += kept;
    this.stats.historyDropped += valid.length - kept;
  }

  fields(bar: RefBar): Fields {
    const ordered = [...bar.trades].sort((a, b) => a.t - b.t || a.arrival - b.arrival);
    const prices = ordered.map((x) => x.p);
    const volume = sum(ordered.map((x) => x.q));
    const quote = sum(ordered.map((x) => x.p * x.q));
    const takerBuy = sum(ordered.filter((x) => x.side === 1).map((x) => x.q));
    if (bar.base === null) {
      return [
        bar.time,
        prices[0],
        Math.max(...prices),
        Math.min(...prices),
        prices[prices.length - 1],
        volume,
        quote,
        takerBuy,
        ordered.length,
      ];
    }
    const [t, o, h, l, c, v, qv, tbv, n] = bar.base;
    return [
      t,
      o,
      Math.max(h, ...prices),
      Math.min(l, ...prices),
      prices.length > 0 ? prices[prices.length - 1] : c,
      v + volume,
      qv + quote,
      tbv + takerBuy,
      n + ordered.length,
    ];
  }
}

function fieldsOf(bar: CandleBar): Fields {
  return [
    bar.openTime,
    bar.open,
    bar.high,
    bar.low,
    bar.close,
    bar.volume,
    bar.quoteVolume,
    bar.takerBuyVolume,
    bar.tradeCount,
  ];
}

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

// ---- generated operations ----

const goodPrice = fc.integer({ min: 9_990, max: 10_010 }).map((x) => x / 10); // ties likely
const goodAmount = fc.integer({ min: 1, max: 5_000 }).map((x) => x / 1000);
const badNumber = fc.constantFrom(NaN, Infinity, -Infinity, -1, 0);

const tradeOp = fc.record({
  kind: fc.constant('trade' as const),
  /** Clock advance before the trade; 0 gives repeated timestamps. */
  step: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 200_000 })),
  /** How far behind the clock the trade is stamped (late trades). */
  behind: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 600_000 }) }),
  price: fc.oneof({ weight: 40, arbitrary: goodPrice }, { weight: 1, arbitrary: badNumber }),
  amount: fc.oneof({ weight: 40, arbitrary: goodAmount }, { weight: 1, arbitrary: badNumber }),
  side: fc.oneof({ weight: 40, arbitrary: fc.constantFrom(1, -1) }, { weight: 1, arbitrary: fc.constantFrom(0, NaN, 2) }),
  badTime: fc.oneof({ weight: 60, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

const rowArb = fc.record({
  minute: fc.integer({ min: -14, max: 3 }), // relative to the clock's minute
  prices: fc.array(goodPrice, { minLength: 4, maxLength: 4 }),
  volume: fc.integer({ min: 0, max: 100_000 }).map((x) => x / 1000),
  extras: fc.oneof(
    fc.constant(null), // ccxt-style six-column row
    fc.tuple(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 900 })),
  ),
  defect: fc.oneof(
    { weight: 15, arbitrary: fc.constant('none' as const) },
    { weight: 1, arbitrary: fc.constantFrom('highBelowLow' as const, 'offBoundary' as const, 'nan' as const, 'negativeVolume' as const) },
  ),
});

const historyOp = fc.record({
  kind: fc.constant('history' as const),
  rows: fc.array(rowArb, { maxLength: 8 }),
  /** Occasionally leave rows unsorted / duplicated to exercise rejection. */
  sorted: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  asRows: fc.boolean(),
});

const drainOp = fc.record({ kind: fc.constant('drain' as const) });

const opsArb = fc.array(
  fc.oneof({ weight: 20, arbitrary: tradeOp }, { weight: 2, arbitrary: historyOp }, { weight: 3, arbitrary: drainOp }),
  { minLength: 1, maxLength: 400, size: 'large' },
);

describe('CandleSeries matches a plain reference', () => {
  it('for random trades (late, repeated, bad) and history merges, across ring wrap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), opsArb, (capacity, ops) => {
        const series = new CandleSeries('1m', { capacity });
        const ref = new Reference(capacity);
        const mirror = new Map<number, Fields>();
        const changes = new CandleChanges();
        const bar = new CandleBar();
        const columns = new CandleColumns(2);
        let clock = T0;
        let lastFirst = series.firstSeq;
        let lastLast = series.lastSeq;

        const checkBars = () => {
          expect(series.count).toBe(ref.bars.length);
          expect(series.lastSeq - series.firstSeq + 1).toBe(series.count);
          for (let k = 0; k < ref.bars.length; k++) {
            expect(series.readBar(series.firstSeq + k, bar)).toBe(true);
            const got = fieldsOf(bar);
            const want = ref.fields(ref.bars[k]);
            for (let f = 0; f < 9; f++) {
              if (!close(got[f], want[f])) {
                expect.fail(`bar ${k} field ${f}: got ${got[f]}, want ${want[f]}`);
              }
            }
          }
          // `rebuilds` says which merge path ran, an implementation choice the reference lacks.
          expect({ ...series.stats, rebuilds: 0 }).toEqual({ ...ref.stats });
          // Seqs only move forward.
          expect(series.firstSeq).toBeGreaterThanOrEqual(lastFirst);
          expect(series.lastSeq).toBeGreaterThanOrEqual(lastLast);
          lastFirst = series.firstSeq;
          lastLast = series.lastSeq;
        };

        const drain = () => {
          series.drainChanges(changes);
          expect(changes.firstSeq).toBe(series.firstSeq);
          expect(changes.lastSeq).toBe(series.lastSeq);
          for (const seq of [...mirror.keys()]) if (seq < changes.firstSeq || seq > changes.lastSeq) mirror.delete(seq);
          if (changes.fromSeq >= 0) {
            for (let seq = changes.fromSeq; seq <= changes.lastSeq; seq++) {
              series.readBar(seq, bar);
              mirror.set(seq, fieldsOf(bar));
            }
          }
          // The mirror, updated only from reported ranges, equals the series exactly.
          expect(mirror.size).toBe(series.count);
          for (let seq = series.firstSeq; seq <= series.lastSeq; seq++) {
            series.readBar(seq, bar);
            expect(mirror.get(seq)).toEqual(fieldsOf(bar));
          }
        };

        for (const op of ops) {
          if (op.kind === 'trade') {
            clock += op.step;
            const t = op.badTime ? NaN : clock - op.behind;
            series.ingestTrade(t, op.price, op.amount, op.side);
            ref.trade(t, op.price, op.amount, op.side);
          } else if (op.kind === 'history') {
            const clockMinute = Math.floor(clock / MINUTE) * MINUTE;
            const rows: Row[] = op.rows.map((r) => {
              const [first, , , last] = r.prices;
              const [low, , , high] = [...r.prices].sort((x, y) => x - y);
              const row: Row = [
                clockMinute + r.minute * MINUTE,
                first,
                high,
                low,
                last,
                r.volume,
                r.extras ? r.extras[0] / 100 : NaN,
                r.extras ? r.extras[1] / 1000 : NaN,
                r.extras ? r.extras[2] : NaN,
              ];
              if (r.defect === 'highBelowLow') [row[2], row[3]] = [low - 1, high + 1];
              if (r.defect === 'offBoundary') row[0] += 1;
              if (r.defect === 'nan') row[4] = NaN;
              if (r.defect === 'negativeVolume') row[5] = -1;
              return row;
            });
            if (op.sorted) rows.sort((x, y) => x[0] - y[0]);
            if (op.asRows) {
              series.mergeHistoryRows(rows.map((r) => (Number.isNaN(r[6]) ? r.slice(0, 6) : r)));
            } else {
              columns.clear();
              for (const r of rows) columns.setRow(columns.appendRow(), ...r);
              series.mergeHistory(columns);
            }
            ref.merge(rows);
          } else {
            drain();
          }
          checkBars();
        }
        drain();
      }),
      { numRuns: 400 },
    );
  });
});
