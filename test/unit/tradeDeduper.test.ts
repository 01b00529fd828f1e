import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { TradeDeduper } from '../../src/feeds/ccxt/tradeDeduper';

describe('TradeDeduper', () => {
  test('overlapping polled pages: every trade once, in order (against a set of seen ids)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 200 }),
        fc.array(fc.tuple(fc.nat(199), fc.integer({ min: 1, max: 40 })), { maxLength: 30 }),
        (gaps, pages) => {
          // a tape of trades with non-decreasing times (several per ms) and unique ids
          let time = 1000;
          const tape = gaps.map((gap, i) => ({ time: (time += gap), id: String(i) }));
          const dedupe = new TradeDeduper();
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
    const dedupe = new TradeDeduper();
    expect(dedupe.accept(10, 'a')).toBe(true);
    expect(dedupe.accept(10, 'a')).toBe(false);
    expect(dedupe.accept(9, 'z')).toBe(false);
    expect(dedupe.accept(10, undefined)).toBe(true);
    expect(dedupe.accept(11, 'b')).toBe(true);
    expect(dedupe.duplicates).toBe(2);
    expect(dedupe.newest).toBe(11);
  });
});
