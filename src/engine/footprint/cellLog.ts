/**
 * The cells of every footprint bar: one pool of (taker-buy, taker-sell, revision) triples in one
 * typed array, handed out as contiguous slabs in a circular log.
 *
 * Slabs are named by a virtual offset that only grows; the physical cell is the offset modulo the
 * pool size. The pool starts small and doubles while the log has not wrapped yet (so a slab's
 * physical index never changes); at `maxCells` it wraps, and the newest slabs overwrite the oldest.
 * A slab `[v, v + n)` is intact while the log head has not passed `v + size`: eviction is implicit,
 * checked in O(1) where a slab is used, and needs no list of victims.
 */
import { requireInteger } from '../configCheck';

/** Bytes one cell costs: buy, sell and revision, each a Float64. */
export const CELL_BYTES = 24;

/** Numbers per cell in {@link CellLog.data}: taker-buy amount, taker-sell amount, revision. */
export const CELL_STRIDE = 3;

export class CellLog {
  readonly maxCells: number;
  /**
   * Cell i is `data[3i]` (taker-buy amount), `data[3i + 1]` (taker-sell amount) and `data[3i + 2]`
   * (the footprint revision that last changed it): interleaved, so a trade touches one cache line.
   */
  data: Float64Array;
  private cellCount: number;
  /** Virtual offset of the next slab. */
  private head = 0;

  /** Throws RangeError unless 1 ≤ initialCells ≤ maxCells are integers (configuration). */
  constructor(initialCells: number, maxCells: number) {
    this.maxCells = requireInteger('CellLog maxCells', maxCells, 1);
    const size = Math.min(requireInteger('CellLog initialCells', initialCells, 1), maxCells);
    this.data = new Float64Array(size * CELL_STRIDE);
    this.cellCount = size;
  }

  /** Cells in the pool now (grows by doubling up to `maxCells`). */
  get size(): number {
    return this.cellCount;
  }

  /** Bytes held by the pool. */
  get byteLength(): number {
    return this.data.byteLength;
  }

  /**
   * Reserves `n` contiguous cells (1 ≤ n ≤ maxCells / 2) and returns their virtual offset; their
   * content is stale (the caller zeroes or copies into them). A slab that would straddle the
   * pool's end grows the pool, or once it is full skips to its start. O(1) amortized; allocates
   * only when the pool doubles.
   */
  allocate(n: number): number {
    if (this.size < this.maxCells && this.head + n > this.size) this.growTo(this.head + n);
    const phys = this.head % this.size;
    if (phys + n > this.size) this.head += this.size - phys;
    const v = this.head;
    this.head += n;
    return v;
  }

  /**
   * Lengthens the newest slab `[v, v + n)` to `newN` cells in place, when nothing was handed out
   * after it and it need not straddle the pool's end: true when done (the new cells are stale).
   * Saves moving a growing bar and leaving its old slab behind. O(1) amortized.
   */
  extend(v: number, n: number, newN: number): boolean {
    if (this.head !== v + n) return false;
    if (this.size < this.maxCells && v + newN > this.size) this.growTo(v + newN);
    if ((v % this.size) + newN > this.size) return false;
    this.head = v + newN;
    return true;
  }

  /** Physical index of virtual offset `v`. O(1). */
  physical(v: number): number {
    return v % this.size;
  }

  /** True while the slab starting at virtual offset `v` has not been overwritten. O(1). */
  intact(v: number): boolean {
    return this.head <= v + this.size;
  }

  /** Taker-buy amount of physical cell `i`. O(1). */
  buy(i: number): number {
    return this.data[i * CELL_STRIDE];
  }

  /** Taker-sell amount of physical cell `i`. O(1). */
  sell(i: number): number {
    return this.data[i * CELL_STRIDE + 1];
  }

  /** The revision that last changed physical cell `i`. O(1). */
  revision(i: number): number {
    return this.data[i * CELL_STRIDE + 2];
  }

  /** Zeroes physical cells `[from, to)`. */
  clear(from: number, to: number): void {
    if (to > from) this.data.fill(0, from * CELL_STRIDE, to * CELL_STRIDE);
  }

  /**
   * Doubles the pool (up to maxCells) until `cells` fit. Only before the log wraps, so virtual
   * offsets stay physical ones.
   */
  private growTo(cells: number): void {
    let grown = this.size;
    while (cells > grown && grown < this.maxCells) grown = Math.min(this.maxCells, grown * 2);
    const data = new Float64Array(grown * CELL_STRIDE);
    data.set(this.data);
    this.data = data;
    this.cellCount = grown;
  }

  /** Moves `count` physical cells from `from` to `to` (overlap allowed, as memmove). */
  move(from: number, to: number, count: number): void {
    if (count > 0 && from !== to) this.data.copyWithin(to * CELL_STRIDE, from * CELL_STRIDE, (from + count) * CELL_STRIDE);
  }
}
