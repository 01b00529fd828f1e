/**
 * The panel's bar and indicator store against a plain Map: any sequence of writes (appends,
 * replacements of held rows, inserts, older pages prepended) leaves the same rows in time
 * order, and the changes it reports cover every row that changed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RowChanges, SeriesColumns } from '../../webview/state/seriesColumns';

const WIDTH = 2;

/** A write: strictly increasing times (as every host message has), a value per row. */
const batch = fc
  .uniqueArray(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 30 })
  .map((times) => times.sort((a, b) => a - b))
  .chain((times) => fc.tuple(fc.constant(times), fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: times.length, maxLength: times.length })));

describe('SeriesColumns', () => {
  it('holds what a Map of time → row holds, in time order, and reports every changed row', () => {
    fc.assert(
      fc.property(fc.array(batch, { minLength: 1, maxLength: 25 }), (batches) => {
        const store = new SeriesColumns(WIDTH, 4);
        const reference = new Map<number, number[]>();
        const changes = new RowChanges();
        for (const [times, values] of batches) {
          const before = new Map(reference);
          store.write(
            times.length,
            (k) => times[k]!,
            (k, c) => values[k]! + c,
          );
          times.forEach((t, k) => reference.set(t, [values[k]! + 0, values[k]! + 1]));
          const sorted = [...reference.keys()].sort((a, b) => a - b);
          expect(store.length).toBe(sorted.length);
          sorted.forEach((t, i) => {
            expect(store.time(i)).toBe(t);
            expect([store.value(i, 0), store.value(i, 1)]).toEqual(reference.get(t));
            expect(store.indexOf(t)).toBe(i);
          });
          store.takeChanges(changes);
          // Every row whose content changed lies at or after `from`, unless rows were restructured.
          if (!changes.restructured) {
            sorted.forEach((t, i) => {
              const was = before.get(t);
              if (was === undefined || was[0] !== reference.get(t)![0]) expect(i).toBeGreaterThanOrEqual(changes.from);
            });
          }
        }
      }),
    );
  });

  it('reports an older page or an insert as a restructure, and an append or replacement of the newest as a change from that row', () => {
    const store = new SeriesColumns(1, 2);
    const changes = new RowChanges();
    const write = (times: number[]): RowChanges => {
      store.write(
        times.length,
        (k) => times[k]!,
        (k) => times[k]! * 10,
      );
      return store.takeChanges(changes);
    };
    expect(write([10, 20, 30])).toMatchObject({ from: 0, restructured: false });
    expect(write([30, 40])).toMatchObject({ from: 2, restructured: false });
    expect(write([])).toMatchObject({ from: Infinity, restructured: false });
    expect(write([1, 2])).toMatchObject({ restructured: true }); // an older page
    expect(store.firstTime()).toBe(1);
    expect(write([15])).toMatchObject({ restructured: true }); // an insert moves rows
    expect(store.indexAtOrBefore(16)).toBe(3);
    expect(store.indexAtOrBefore(0)).toBe(-1);
    store.clear();
    expect(store.length).toBe(0);
    expect(store.takeChanges(changes).restructured).toBe(true);
  });
});
