/**
 * The indicator and order-flow series the host sends, by id, each a {@link SeriesColumns} with
 * one column per output. `layoutVersion` changes when the set of series (or their outputs)
 * changes, so the chart knows to add or remove series rather than update them.
 */
import type { IndicatorKind, IndicatorSeriesData } from '../../src/engine/protocol';
import { SeriesColumns } from './seriesColumns';

export interface IndicatorColumns {
  id: string;
  kind: IndicatorKind;
  outputs: readonly string[];
  /** Bars needed before every output is defined. */
  warmupBars: number;
  rows: SeriesColumns;
}

export class IndicatorStore {
  /** In the order the host first sent them. */
  readonly list: IndicatorColumns[] = [];
  layoutVersion = 0;

  /** The series with id `id`, if held. O(series). */
  get(id: string): IndicatorColumns | undefined {
    return this.list.find((s) => s.id === id);
  }

  /** A fresh `init`: the set becomes exactly `series`. O(values). */
  reset(series: readonly IndicatorSeriesData[]): void {
    const sameSet = series.length === this.list.length && series.every((s, i) => sameShape(this.list[i]!, s));
    if (!sameSet) {
      this.list.length = 0;
      for (const s of series) this.list.push({ id: s.id, kind: s.kind, outputs: s.outputs.slice(), warmupBars: s.warmupBars, rows: new SeriesColumns(s.outputs.length) });
      this.layoutVersion++;
    }
    for (let i = 0; i < series.length; i++) {
      const held = this.list[i]!;
      held.warmupBars = series[i]!.warmupBars;
      held.rows.clear();
      writeSeries(held.rows, series[i]!);
    }
  }

  /** A frame's or a history page's values merged in; a series not seen before is added. */
  merge(series: readonly IndicatorSeriesData[]): void {
    for (const s of series) {
      let held = this.get(s.id);
      if (held === undefined || !sameShape(held, s)) {
        if (held !== undefined) this.list.splice(this.list.indexOf(held), 1);
        held = { id: s.id, kind: s.kind, outputs: s.outputs.slice(), warmupBars: s.warmupBars, rows: new SeriesColumns(s.outputs.length) };
        this.list.push(held);
        this.layoutVersion++;
      }
      writeSeries(held.rows, s);
    }
  }
}

function sameShape(held: IndicatorColumns, s: IndicatorSeriesData): boolean {
  return held.id === s.id && held.kind === s.kind && held.outputs.length === s.outputs.length && held.outputs.every((o, i) => o === s.outputs[i]);
}

/** Output-major values (all of output 0, then output 1, ...) into rows. */
function writeSeries(rows: SeriesColumns, s: IndicatorSeriesData): void {
  const n = s.times.length;
  const times = s.times;
  const values = s.values;
  rows.write(
    n,
    (k) => times[k]!,
    (k, c) => values[c * n + k]!,
  );
}
