/**
 * The note of a "CVD ≥ size" pane. Bar totals cannot say how big a bar's trades were, so the host
 * counts big trades only from the oldest trade it keeps, and the bars before hold no value: the
 * note says from when the count runs, so the empty part reads "not counted", not "no big trade".
 */
import type { SeriesColumns } from '../state/seriesColumns';

/** Whether a series id is the CVD of big trades (the engine names it `CVD ≥ <size>`). */
export function isSizedCvd(id: string): boolean {
  return id.startsWith('CVD ≥');
}

/**
 * '' when the first held bar has a value; else "counted from <clock of the first bar with one>".
 * O(bars without a value); allocates only the text.
 */
export function countedFromNote(rows: SeriesColumns, column: number, clock: (ms: number) => string): string {
  if (rows.length === 0 || !Number.isNaN(rows.value(0, column))) return '';
  for (let i = 1; i < rows.length; i++) if (!Number.isNaN(rows.value(i, column))) return `counted from ${clock(rows.time(i))}`;
  return 'no trade counted yet';
}
