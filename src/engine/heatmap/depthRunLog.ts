/**
 * The closed runs of a liquidity heatmap: "level `code` rested `size` for the `length` slices
 * before slice `end`", appended in order of `end` (the slice whose sampling closed them), in a
 * ring of typed arrays. 9 bytes a run (Int32 code, Uint8 length, Float32 size): the end slice is
 * not stored per run, the store keeps where each end slice's group of runs starts.
 *
 * Records are addressed by their absolute sequence number (0 for the first ever appended), so an
 * index kept elsewhere stays valid while the ring wraps and grows.
 */

/** Longest run one record holds: longer runs are split (see HeatmapStore). */
export const MAX_RUN_SLICES = 255;

export class DepthRunLog {
  codes: Int32Array;
  lengths: Uint8Array;
  sizes: Float32Array;
  /** Sequence number of the oldest record held. */
  firstSeq = 0;
  /** Records held. */
  count = 0;
  /** Ring position of the oldest record. */
  private head = 0;

  /**
   * @param initialCapacity records allocated at first (grown by doubling).
   * @param maxCapacity records held at most: beyond it the owner drops the oldest.
   */
  constructor(
    initialCapacity: number,
    readonly maxCapacity: number,
  ) {
    const capacity = Math.max(1, Math.min(initialCapacity, maxCapacity));
    this.codes = new Int32Array(capacity);
    this.lengths = new Uint8Array(capacity);
    this.sizes = new Float32Array(capacity);
  }

  /** Sequence number the next record gets. O(1). */
  get endSeq(): number {
    return this.firstSeq + this.count;
  }

  /** True when a record can be appended without dropping one (growing if allowed). O(1). */
  get isFull(): boolean {
    return this.count === this.maxCapacity;
  }

  /** Bytes of the typed arrays. O(1). */
  get bytes(): number {
    return this.codes.byteLength + this.lengths.byteLength + this.sizes.byteLength;
  }

  /** Appends a record; the caller makes room first (see `isFull`). Amortized O(1); allocates only to grow. */
  append(code: number, length: number, size: number): void {
    if (this.count === this.codes.length) this.grow();
    const at = (this.head + this.count) % this.codes.length;
    this.codes[at] = code;
    this.lengths[at] = length;
    this.sizes[at] = size;
    this.count++;
  }

  /** Drops every record before sequence number `seq`. O(1). */
  dropBefore(seq: number): void {
    const drop = Math.min(this.count, seq - this.firstSeq);
    if (drop <= 0) return;
    this.head = (this.head + drop) % this.codes.length;
    this.firstSeq += drop;
    this.count -= drop;
  }

  /** Ring position of record `seq` (held). O(1). */
  position(seq: number): number {
    return (this.head + (seq - this.firstSeq)) % this.codes.length;
  }

  /** Doubles the capacity up to the maximum, unwrapping the ring. Allocates. */
  private grow(): void {
    const capacity = Math.min(this.maxCapacity, this.codes.length * 2);
    const codes = new Int32Array(capacity);
    const lengths = new Uint8Array(capacity);
    const sizes = new Float32Array(capacity);
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) % this.codes.length;
      codes[i] = this.codes[from]!;
      lengths[i] = this.lengths[from]!;
      sizes[i] = this.sizes[from]!;
    }
    this.codes = codes;
    this.lengths = lengths;
    this.sizes = sizes;
    this.head = 0;
  }
}
