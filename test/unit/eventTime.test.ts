/**
 * Time moves sensibly: a trade stamped far ahead of the market's clock (more than 5 min), before
 * 2009 or after 2100 is refused and counted with a reason; it never opens a far-future bar, and
 * the trades after it land where they belong. A real jump (a resumed laptop, a gap in a
 * recording) is followed once consecutive stamps agree.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CandleField } from '../../src/engine/candles/candleSeries';
import { EventKind, MarketEvent } from '../../src/engine/events';
import { EventTimeGuard, JUMP_CONFIRMATIONS, MAX_CLOCK_LEAD_MS, TimeRejection } from '../../src/engine/eventTime';
import { Market } from '../../src/engine/market';

const T0 = Date.UTC(2024, 7, 8, 12);
const DAY = 86_400_000;

function trade(time: number, price = 100, amount = 1, out = new MarketEvent()): MarketEvent {
  out.reset(EventKind.Trade);
  out.time = time;
  out.price = price;
  out.amount = amount;
  out.takerSide = 1;
  return out;
}
function lastBarOpen(market: Market): number {
  const c = market.candles;
  return c.value(c.lastSeq, CandleField.OpenTime);
}
function totalVolume(market: Market): number {
  const c = market.candles;
  let v = 0;
  for (let seq = c.firstSeq; seq <= c.lastSeq; seq++) v += c.value(seq, CandleField.Volume);
  return v;
}

describe('trade stamps far from the market clock', () => {
  it('a trade two days ahead is refused and counted; it opens no bar; the next trade joins the live bar', () => {
    const market = new Market({ tickSize: 0.01 });
    market.onEvent(trade(T0));
    market.onEvent(trade(T0 + 1000));
    market.onEvent(trade(T0 + 2 * DAY, 999));
    expect(market.stats.badTimes).toBe(1);
    expect(market.stats.rejected).toBe(1);
    expect(market.rejectedTotal()).toBe(1);
    expect(market.time.lastRejection).toBe(TimeRejection.Ahead);
    expect(market.candles.count).toBe(1);
    expect(lastBarOpen(market)).toBe(T0);
    expect(market.lastPrice).toBe(100);
    expect(market.lastEventTime).toBe(T0 + 1000);
    market.onEvent(trade(T0 + 2000, 101));
    expect(market.candles.stats.lateDropped).toBe(0);
    expect(market.candles.value(market.candles.lastSeq, CandleField.Close)).toBe(101);
    expect(totalVolume(market)).toBe(3);
  });

  it('stamps before 2009, after 2100 (µs or ns read as ms) or not numbers are refused', () => {
    const market = new Market({ tickSize: 0.01 });
    market.onEvent(trade(T0));
    for (const bad of [0, 1000, -T0, Date.UTC(2008, 11, 31), T0 * 1000, T0 * 1e6, NaN, Infinity, -Infinity]) market.onEvent(trade(bad));
    expect(market.stats.badTimes).toBe(9);
    expect(market.time.outOfRange).toBe(9);
    expect(market.candles.count).toBe(1);
    expect(market.tape.total).toBe(1);
  });

  it('a direct onTrade call is guarded the same way', () => {
    const market = new Market({ tickSize: 0.01 });
    market.onTrade(T0, 100, 1, 1);
    market.onTrade(T0 + DAY, 100, 1, 1);
    expect(market.candles.count).toBe(1);
    expect(market.stats.badTimes).toBe(1);
  });

  it('with a wall clock given, even the first trade far ahead of it is refused', () => {
    const market = new Market({ tickSize: 0.01 });
    market.observeClock(T0);
    market.onEvent(trade(T0 + 3 * DAY));
    expect(market.candles.count).toBe(0);
    market.onEvent(trade(T0 + 10));
    expect(lastBarOpen(market)).toBe(T0);
    // a little ahead of the wall clock (exchange clocks run ahead of skewed PCs) is fine
    market.onEvent(trade(T0 + MAX_CLOCK_LEAD_MS - 1));
    expect(market.stats.badTimes).toBe(1);
  });

  it('a far-future depth stamp does not move the clock (the diff itself is sequenced by ids)', () => {
    const market = new Market({ tickSize: 0.01 });
    market.onEvent(trade(T0));
    const diff = new MarketEvent();
    diff.reset(EventKind.DepthDiff);
    diff.time = T0 + 5 * DAY;
    diff.firstId = 1;
    diff.finalId = 1;
    market.onEvent(diff);
    expect(market.lastEventTime).toBe(T0);
    expect(market.time.clock).toBe(T0);
    expect(market.sync.heldDiffs()).toBe(1);
    market.onEvent(trade(T0 + 60_000));
    expect(market.stats.badTimes).toBe(0);
  });

  it('a real jump (an hour-long gap) is followed after at most two refused stamps', () => {
    const market = new Market({ tickSize: 0.01 });
    market.onEvent(trade(T0));
    const after = T0 + 3_600_000;
    for (let i = 0; i < 10; i++) market.onEvent(trade(after + i * 100));
    expect(market.stats.badTimes).toBe(JUMP_CONFIRMATIONS - 1);
    expect(lastBarOpen(market)).toBe(after);
    expect(market.tape.total).toBe(1 + 10 - (JUMP_CONFIRMATIONS - 1));
  });

  /**
   * The class: any stream of good trades with bad stamps mixed in (never more than
   * JUMP_CONFIRMATIONS - 1 in a row) keeps every good trade, opens no bar beyond the newest good
   * trade, and counts every bad stamp.
   */
  it('mixed streams: every good trade counted, every bad stamp refused, no bar beyond the good trades', () => {
    const bad = fc.oneof(
      fc.integer({ min: MAX_CLOCK_LEAD_MS + 60_000, max: 400 * DAY }).map((ahead) => ({ ahead })),
      fc.constantFrom(0, -1, 1e12, 5e15, 1.7e15, NaN, Infinity).map((absolute) => ({ absolute })),
    );
    const step = fc.record({
      gap: fc.integer({ min: 0, max: 120_000 }),
      bads: fc.array(bad, { maxLength: JUMP_CONFIRMATIONS - 1 }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), fc.boolean(), (steps, withWallClock) => {
        const market = new Market({ tickSize: 0.01, candleCapacity: 1000 });
        const event = new MarketEvent();
        let t = T0;
        let good = 0;
        let badCount = 0;
        // Without a wall clock the first stamp sets the clock (nothing to judge it by).
        if (!withWallClock) {
          market.onEvent(trade(t, 100, 1, event));
          good++;
        }
        for (const s of steps) {
          if (withWallClock) market.observeClock(t);
          for (const b of s.bads) {
            // relative to the newest good trade
            market.onEvent(trade('ahead' in b ? t + b.ahead : b.absolute, 7, 1, event));
            badCount++;
          }
          t += s.gap;
          market.onEvent(trade(t, 100, 1, event));
          good++;
        }
        expect(market.stats.badTimes).toBe(badCount);
        expect(totalVolume(market)).toBe(good);
        expect(lastBarOpen(market)).toBeLessThanOrEqual(t);
        expect(market.candles.value(market.candles.lastSeq, CandleField.High)).toBe(100);
      }),
      { numRuns: 300 },
    );
  });
});

describe('EventTimeGuard', () => {
  it('never moves the clock back; a wall time moves it forward; interleaved bad stamps never confirm each other', () => {
    const guard = new EventTimeGuard();
    expect(guard.accept(T0)).toBe(true);
    guard.observe(T0 - DAY);
    expect(guard.clock).toBe(T0);
    guard.observe(T0 + DAY);
    expect(guard.clock).toBe(T0 + DAY);
    for (let i = 0; i < 10; i++) {
      expect(guard.accept(T0 + 10 * DAY + i)).toBe(false);
      expect(guard.accept(T0 + DAY + i)).toBe(true);
    }
    expect(guard.ahead).toBe(10);
  });
});

describe('history stamped far from the market clock', () => {
  it('a history row opening far after the clock is refused; rows up to it merge', () => {
    const market = new Market({ tickSize: 0.01 });
    market.onEvent(trade(T0));
    const open = T0 - (T0 % 60_000);
    const applied = market.mergeHistoryRows([
      [open - 60_000, 1, 2, 1, 2, 5],
      [open + 2 * DAY, 1, 2, 1, 2, 5],
    ]);
    expect(applied).toBe(1);
    expect(market.candles.stats.historyRejected).toBe(1);
    expect(lastBarOpen(market)).toBe(open);
  });

  it("the exchange's clock follows the stamps, not a wall clock set ahead of them, moves on in a quiet stream and never back", () => {
    const guard = new EventTimeGuard();
    const WALL = T0 + 2 * 365 * DAY; // a server replaying a recording two years old
    guard.observe(WALL);
    expect(guard.exchangeClock).toBe(WALL); // no stamp yet: the wall clock
    guard.accept(T0);
    guard.accept(T0 + 400);
    expect(guard.clock).toBe(WALL);
    expect(guard.exchangeClock).toBe(T0 + 400);
    // Quiet: the wall time passing since the first observation after the stamp moves it on.
    guard.observe(WALL + 1000);
    expect(guard.exchangeClock).toBe(T0 + 400);
    guard.observe(WALL + 3000);
    expect(guard.exchangeClock).toBe(T0 + 2400);
    // A stamp older than that estimate does not move it back; a newer one takes over.
    guard.accept(T0 + 2000);
    expect(guard.exchangeClock).toBe(T0 + 2400);
    guard.accept(T0 + 3100);
    guard.observe(WALL + 3200);
    expect(guard.exchangeClock).toBe(T0 + 3100);
  });

  it("the heatmap's columns close on the exchange's clock, beside the candles, when the wall clock is years ahead", () => {
    const market = new Market({ tickSize: 0.5 });
    const WALL = T0 + 2 * 365 * DAY;
    const bids = [{ price: 99.5, amount: 1 }].map(({ price, amount }) => [price, amount] as [number, number]);
    const asks = [[100.5, 1] as [number, number]];
    for (let s = 0; s < 10; s++) {
      market.observeClock(WALL + s * 1000);
      market.mirrorBook(bids, asks);
      market.onEvent(trade(T0 + s * 1000 + 100));
    }
    market.observeClock(WALL + 10_000);
    const heatmap = market.heatmap;
    expect(heatmap.nextSlice - heatmap.firstSlice).toBe(9);
    // The newest closed column is the second before the newest trade's, as the candles count it.
    expect((heatmap.nextSlice - 1) * 1000).toBe(T0 + 8000);
    expect(heatmap.firstSlice * 1000).toBeGreaterThanOrEqual(T0);
  });
});

