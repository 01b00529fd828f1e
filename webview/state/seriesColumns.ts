/**
 * Time-ordered rows (an open time in ms plus `width` values) held in typed arrays, and what
 * changed since the chart last drew them. One store has one drawer, which takes the changes.
 */
export class SeriesColumns {
  /** Rows held. */
  length = 0;
  /** Increases with every change (a reader that is not the drawer compares it). */
  version = 0;
  private times: Float64Array;
  private values: Float64Array;
  /** Lowest row index written since the last `takeChanges`; Infinity when none. */
  private dirtyFrom = Infinity;
  /** Rows were inserted before existing ones (init, older history): the drawer redraws all. */
  private restructured = false;

  constructor(
    readonly width: number,
    capacity = 1024,
  ) {
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity * width);
  }

  /** Open time (ms) of row `i`. O(1). */
  time(i: number): number {
    return this.times[i]!;
  }

  /** Value `column` of row `i`. O(1). */
  value(i: number, column: number): number {
    return this.values[i * this.width + column]!;
  }

  /** Open time of the newest row, NaN when empty. O(1). */
  lastTime(): number {
    return this.length > 0 ? this.times[this.length - 1]! : NaN;
  }

  /** Open time of the oldest row, NaN when empty. O(1). */
  firstTime(): number {
    return this.length > 0 ? this.times[0]! : NaN;
  }

  /** Index of the row with open time `time`, or -1. Binary search, O(log n). */
  indexOf(time: number): number {
    const i = this.lowerBound(time);
    return i < this.length && this.times[i] === time ? i : -1;
  }

  /** Index of the last row with open time <= `time`, or -1. O(log n). */
  indexAtOrBefore(time: number): number {
    const i = this.lowerBound(time);
    return i < this.length && this.times[i] === time ? i : i - 1;
  }

  /** Forgets every row (a fresh `init`). O(1). */
  clear(): void {
    this.length = 0;
    this.version++;
    this.restructured = true;
    this.dirtyFrom = Infinity;
  }

  /**
   * Writes `count` rows, times strictly increasing (checked by the caller): newer rows append,
   * rows at a held time replace it, older rows are inserted. `read(k, column)` gives row k's
   * values. O(count) when appending or replacing the newest rows; O(n + count) when inserting.
   */
  write(count: number, timeAt: (k: number) => number, read: (k: number, column: number) => number): void {
    if (count === 0) return;
    this.version++;
    if (this.length > 0 && timeAt(count - 1) < this.times[0]!) {
      this.prepend(count, timeAt, read);
      return;
    }
    for (let k = 0; k < count; k++) {
      const t = timeAt(k);
      let i: number;
      if (this.length === 0 || t > this.times[this.length - 1]!) {
        i = this.length;
        this.ensureCapacity(this.length + 1);
        this.length++;
      } else {
        i = this.lowerBound(t);
        if (this.times[i] !== t) this.insertAt(i);
      }
      this.times[i] = t;
      for (let c = 0; c < this.width; c++) this.values[i * this.width + c] = read(k, c);
      if (i < this.dirtyFrom) this.dirtyFrom = i;
    }
  }

  /**
   * Hands the drawer what changed since its last call and forgets it: `from` is the lowest
   * changed row (Infinity when none); `restructured` means rows moved (redraw everything). O(1).
   */
  takeChanges(out: RowChanges): RowChanges {
    out.from = this.dirtyFrom;
    out.restructured = this.restructured;
    this.dirtyFrom = Infinity;
    this.restructured = false;
    return out;
  }

  /** Whether anything changed since the last `takeChanges`. O(1). */
  hasChanges(): boolean {
    return this.restructured || this.dirtyFrom !== Infinity;
  }

  /** Marks everything changed (e.g. colours baked into the drawn items changed). O(1). */
  touchAll(): void {
    this.restructured = true;
  }

  private prepend(count: number, timeAt: (k: number) => number, read: (k: number, column: number) => number): void {
    const n = this.length + count;
    const capacity = Math.max(this.times.length, n);
    const times = new Float64Array(capacity);
    const values = new Float64Array(capacity * this.width);
    times.set(this.times.subarray(0, this.length), count);
    values.set(this.values.subarray(0, this.length * this.width), count * this.width);
    for (let k = 0; k < count; k++) {
      times[k] = timeAt(k);
      for (let c = 0; c < this.width; c++) values[k * this.width + c] = read(k, c);
    }
    this.times = times;
    this.values = values;
    this.length = n;
    this.restructured = true;
  }

  private insertAt(i: number): void {
    this.ensureCapacity(this.length + 1);
    this.times.copyWithin(i + 1, i, this.length);
    this.values.copyWithin((i + 1) * this.width, i * this.width, this.length * this.width);
    this.length++;
    this.restructured = true;
  }

  private ensureCapacity(rows: number): void {
    if (rows <= this.times.length) return;
    let capacity = this.times.length * 2;
    while (capacity < rows) capacity *= 2;
    const times = new Float64Array(capacity);
    times.set(this.times.subarray(0, this.length));
    const values = new Float64Array(capacity * this.width);
    values.set(this.values.subarray(0, this.length * this.width));
    this.times = times;
    this.values = values;
  }

  /** First index whose time is >= `time`. */
  private lowerBound(time: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** What changed in a {@link SeriesColumns} since its drawer last looked. Caller-owned. */
export class RowChanges {
  from = Infinity;
  restructured = false;
}
