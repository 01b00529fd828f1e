import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { MAX_CLOCK_LEAD_MS } from '../../src/engine/eventTime';
import { TradeDeduper } from '../../src/feeds/ccxt/tradeDeduper';

/** Trade times are exchange ms; the wall clock stands at the start of the tape. */
const T0 = Date.UTC(2024, 7, 8);
const atT0 = (): number => T0;

describe('TradeDeduper', () => {
  test('overlapping polled pages: every trade once, in order (against a set of seen ids)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 200 }),
        fc.array(fc.tuple(fc.nat(199), fc.integer({ min: 1, max: 40 })), { maxLength: 30 }),
        (gaps, pages) => {
          // a tape of trades with non-decreasing times (several per ms) and unique ids
          let time = T0;
          const tape = gaps.map((gap, i) => ({ time: (time += gap), id: String(i) }));
          const dedupe = new TradeDeduper(atT0);
          const seen = new Set<string>();
          const out: string[] = [];
          // pages re-deliver a window ending anywhere at or after the newest delivered trade
          let newest = -1;
          for (const [end, length] of pages) {
            const last = Math.min(tape.length - 1, Math.max(end, newest));
            for (let i = Math.max(0, last - length + 1); i <= last; i++) {
              const trade = tape[i]!;
              if (dedupe.accept(trade.time, trade.id)) out.push(trade.id);
              if (!seen.has(trade.id) && trade.time >= (tape[newest]?.time ?? -Infinity)) seen.add(trade.id);
            }
            newest = last;
          }
          expect(out).toEqual([...seen]);
          expect(new Set(out).size).toBe(out.length);
        },
      ),
    );
  });

  test('older trades are repeats; trades without an id at the newest time are kept', () => {
    const dedupe = new TradeDeduper(atT0);
    expect(dedupe.accept(T0 + 10, 'a')).toBe(true);
    expect(dedupe.accept(T0 + 10, 'a')).toBe(false);
    expect(dedupe.accept(T0 + 9, 'z')).toBe(false);
    expect(dedupe.accept(T0 + 10, undefined)).toBe(true);
    expect(dedupe.accept(T0 + 11, 'b')).toBe(true);
    expect(dedupe.duplicates).toBe(2);
    expect(dedupe.newest).toBe(T0 + 11);
  });

  test('a trade stamped far ahead of the wall clock or out of any date range is refused and never becomes the newest', () => {
    let wall = T0;
    const dedupe = new TradeDeduper(() => wall);
    expect(dedupe.accept(T0 - 1000, 'a')).toBe(true);
    for (const bad of [T0 + 2 * 86_400_000, T0 + MAX_CLOCK_LEAD_MS + 10_000, T0 * 1000, 0, -5, NaN, Infinity, 1e3]) {
      expect(dedupe.accept(bad, `bad ${bad}`)).toBe(false);
      // the next real trade is still new: the filter was not poisoned
      wall += 1;
      expect(dedupe.accept(wall - 500, `good ${bad}`)).toBe(true);
    }
    expect(dedupe.newest).toBe(wall - 500);
    expect(dedupe.time.rejected).toBe(8);
    expect(dedupe.time.lastRejection).toMatch(/2009/);
    expect(dedupe.duplicates).toBe(0);
    // within the tolerance of the wall clock is fine (exchange clocks run a little ahead)
    expect(dedupe.accept(wall + MAX_CLOCK_LEAD_MS - 1, 'c')).toBe(true);
  });
});
