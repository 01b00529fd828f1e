/**
 * The cells of every footprint bar: one pool of (taker-buy, taker-sell, revision) triples in
 * typed arrays, handed out as contiguous slabs in a circular log.
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

export class CellLog {
  readonly maxCells: number;
  /** Taker-buy amount per cell. */
  buy: Float64Array;
  /** Taker-sell amount per cell. */
  sell: Float64Array;
  /** The footprint revision that last changed the cell (see FootprintBars.revision). */
  rev: Float64Array;
  /** Virtual offset of the next slab. */
  private head = 0;

  /** Throws RangeError unless 1 ≤ initialCells ≤ maxCells are integers (configuration). */
  constructor(initialCells: number, maxCells: number) {
    this.maxCells = requireInteger('CellLog maxCells', maxCells, 1);
    const size = Math.min(requireInteger('CellLog initialCells', initialCells, 1), maxCells);
    this.buy = new Float64Array(size);
    this.sell = new Float64Array(size);
    this.rev = new Float64Array(size);
  }

  /** Cells in the pool now (grows by doubling up to `maxCells`). */
  get size(): number {
    return this.buy.length;
  }

  /** Bytes held by the pool. */
  get byteLength(): number {
    return this.size * CELL_BYTES;
  }

  /**
   * Reserves `n` contiguous cells (1 ≤ n ≤ maxCells / 2) and returns their virtual offset; their
   * content is stale (the caller zeroes or copies into them). A slab that would straddle the
   * pool's end grows the pool, or once it is full skips to its start. O(1) amortized; allocates
   * only when the pool doubles.
   */
  allocate(n: number): number {
    if (this.size < this.maxCells && this.head + n > this.size) {
      // Not wrapped yet (the pool grows before it wraps), so virtual offsets are physical ones.
      let size = this.size;
      while (this.head + n > size && size < this.maxCells) size = Math.min(this.maxCells, size * 2);
      this.grow(size);
    }
    const phys = this.head % this.size;
    if (phys + n > this.size) this.head += this.size - phys;
    const v = this.head;
    this.head += n;
    return v;
  }

  /** Physical index of virtual offset `v`. O(1). */
  physical(v: number): number {
    return v % this.size;
  }

  /** True while the slab starting at virtual offset `v` has not been overwritten. O(1). */
  intact(v: number): boolean {
    return this.head <= v + this.size;
  }

  /** Zeroes physical cells `[from, to)`. */
  clear(from: number, to: number): void {
    if (to <= from) return;
    this.buy.fill(0, from, to);
    this.sell.fill(0, from, to);
    this.rev.fill(0, from, to);
  }

  /** Moves `count` physical cells from `from` to `to` (overlap allowed, as memmove). */
  move(from: number, to: number, count: number): void {
    if (count <= 0 || from === to) return;
    this.buy.copyWithin(to, from, from + count);
    this.sell.copyWithin(to, from, from + count);
    this.rev.copyWithin(to, from, from + count);
  }

  private grow(size: number): void {
    const buy = new Float64Array(size);
    const sell = new Float64Array(size);
    const rev = new Float64Array(size);
    buy.set(this.buy);
    sell.set(this.sell);
    rev.set(this.rev);
    this.buy = buy;
    this.sell = sell;
    this.rev = rev;
  }
}
