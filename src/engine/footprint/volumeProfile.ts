/**
 * Volume profile: the footprints of a range of bars summed per price row (buy and sell), with
 * its point of control and value area. The range is by bar open time, so one function serves the
 * visible range, a UTC-day session ({@link utcSessionRange}) and a fixed range.
 */
import type { FootprintBars } from './footprintBars';
import { addFootprintRows, FootprintRows } from './footprintRows';
import { findValueArea, ValueArea } from './valueArea';

const DAY_MS = 86_400_000;

/** The usual value area: 70 % of the volume. */
export const DEFAULT_VALUE_AREA_SHARE = 0.7;

/** Caller-owned profile, reused from call to call. */
export class VolumeProfile {
  /** Rows at the profile's step, lowest first, with the point of control (`rows.pocRow`). */
  readonly rows = new FootprintRows();
  readonly valueArea = new ValueArea();
  /** Bars that contributed (held with cells, opening within the range). */
  bars = 0;
  /** Bars opening within the range whose cells were overwritten: the profile lacks them. */
  barsWithoutCells = 0;
}

/** Caller-owned `[from, to]` of open times (ms). */
export class TimeRange {
  from = NaN;
  to = NaN;
}

/** The UTC day holding `timeMs` as a range of bar open times, into `out`. O(1). */
export function utcSessionRange(timeMs: number, out: TimeRange): TimeRange {
  const start = timeMs - (((timeMs % DAY_MS) + DAY_MS) % DAY_MS);
  out.from = start;
  out.to = start + DAY_MS - 1;
  return out;
}

/**
 * Sums the footprints of bars opening in `[fromOpenTime, toOpenTime]` at `ticksPerRow` ticks per
 * row into `out`, then its point of control and the value area holding `valueAreaShare` of the
 * volume. Returns the bars summed. O(log n + Σ traded ticks of those bars); allocates only when
 * `out` grows.
 */
export function buildVolumeProfile(
  footprint: FootprintBars,
  fromOpenTime: number,
  toOpenTime: number,
  ticksPerRow: number,
  out: VolumeProfile,
  valueAreaShare = DEFAULT_VALUE_AREA_SHARE,
): number {
  const first = footprint.lowerBound(fromOpenTime);
  let low = Infinity;
  let high = -Infinity;
  let end = first;
  let bars = 0;
  let missing = 0;
  for (; end < footprint.count; end++) {
    const slot = footprint.slotAt(end);
    if (footprint.openTimeAt(slot) > toOpenTime) break;
    if (!footprint.hasCells(slot)) {
      missing++;
      continue;
    }
    low = Math.min(low, footprint.lowTickAt(slot));
    high = Math.max(high, footprint.highTickAt(slot));
    bars++;
  }
  out.bars = bars;
  out.barsWithoutCells = missing;
  const rows = out.rows;
  if (bars === 0) {
    rows.reset(0, 0, ticksPerRow);
    findValueArea(rows.buy, rows.sell, 0, -1, valueAreaShare, out.valueArea);
    return 0;
  }
  const firstBucket = Math.floor(low / ticksPerRow);
  rows.reset(Math.floor(high / ticksPerRow) - firstBucket + 1, firstBucket * ticksPerRow, ticksPerRow);
  for (let pos = first; pos < end; pos++) {
    const slot = footprint.slotAt(pos);
    if (footprint.hasCells(slot)) addFootprintRows(footprint, slot, rows);
  }
  rows.findPoc();
  findValueArea(rows.buy, rows.sell, rows.count, rows.pocRow, valueAreaShare, out.valueArea);
  return bars;
}
