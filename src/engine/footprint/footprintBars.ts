/**
 * Footprint: per bar and price tick, the amount bought and sold by takers.
 *
 * Bars are keyed by their open time (the candle series' own key, which survives the renumbering of
 * seqs a history merge can cause) in a ring of metadata, oldest first. Each bar's cells are one
 * slab of a {@link CellLog}: cell j is tick `base + j`, where a tick is the price as an integer
 * count of the exchange's tick (exact for prices on the grid). A trade is one array index and
 * three adds. A trade outside the slab re-centres the traded range inside it (a shift, kept
 * amortized O(1) by growing the slab by half once less than a quarter is free): the newest slab
 * (the live bar's, usually) grows in place, an older one moves to a new slab and its abandoned
 * one is reclaimed when the log wraps.
 *
 * Memory budget (defaults): bar metadata 88 B × 20,000 bars ≈ 1.8 MB, the change log 16 B × 4,096
 * = 66 kB, plus cells 24 B × at most 524,288 = 12.6 MB: ≈ 14.4 MB per market at most, starting at
 * 88 B × bars + 66 kB + 24 B × 16,384. When
 * the pool is full the oldest slabs are overwritten: their bars read as having no footprint (their
 * range and point of control stay). One bar spans at most `maxBarCells`
 * ticks; a trade beyond that is refused (counted in `tooWide`).
 *
 * Bars the candle series got from exchange history (klines) have no trades here: `find` returns -1
 * for them, and {@link FootprintBars.coverage} reads 'none' rather than empty cells.
 */
import { PriceGrid } from '../book/priceGrid';
import { isPrice } from '../book/levelValidity';
import { requireInteger } from '../configCheck';
import { CELL_STRIDE, CellLog } from './cellLog';

export interface FootprintOptions {
  /** Bars held (the candle series' capacity). */
  bars: number;
  /** Cells in the pool at most (24 B each). */
  maxCells: number;
  /** Cells in the pool at first; it doubles up to `maxCells`. */
  initialCells: number;
  /** Widest bar, in ticks (≤ maxCells / 4). */
  maxBarCells: number;
  /** The newest changes remembered (16 B each), so a frame reads only what changed (see {@link FootprintBars.changeTick}). */
  changeLog: number;
}

export const DEFAULT_FOOTPRINT_OPTIONS: Readonly<FootprintOptions> = {
  bars: 20_000,
  maxCells: 1 << 19,
  initialCells: 1 << 14,
  maxBarCells: 1 << 17,
  changeLog: 4096,
};

/** Smallest slab a bar starts with. */
const MIN_BAR_CELLS = 16;

/** Bytes of metadata per bar: ten Float64 columns and two Int32. */
export const BAR_META_BYTES = 88;
/** Bytes per change log entry: the bar's open time and the tick. */
export const CHANGE_LOG_ENTRY_BYTES = 16;

/** Whether a bar's footprint holds all of its candle's volume. */
export type FootprintCoverage = 'none' | 'partial' | 'complete';

/** Counters since construction. */
export class FootprintStats {
  trades = 0;
  /** NaN, infinite or non-positive price or amount, or a side other than ±1. */
  rejected = 0;
  /** Price not on the tick grid (bucketed at the nearest tick). */
  offGrid = 0;
  /** For a bar older than the newest that the footprint does not hold (history bar, evicted). */
  unheld = 0;
  /** For a bar whose cells were overwritten (the pool wrapped past it). */
  evicted = 0;
  /** Would have made a bar wider than `maxBarCells` ticks. */
  tooWide = 0;
}

export class FootprintBars {
  readonly grid: PriceGrid;
  readonly capacity: number;
  readonly maxBarCells: number;
  readonly stats = new FootprintStats();
  readonly cells: CellLog;

  private head = 0;
  private held = 0;
  /** Ring slot of the newest bar, -1 when none. */
  private newest = -1;
  /** Increases with every accepted trade; stamps the cells and bars it changed. */
  private rev = 0;
  /** The grid's numbers, held here for the trade path: price × scale is the price in integer units. */
  private readonly scale: number;
  private readonly tickUnits: number;
  private readonly unitsToTicks: number;

  private readonly openTime: Float64Array;
  /** Virtual offset of the slab (see CellLog). */
  private readonly slab: Float64Array;
  /** Physical index of the slab's first cell. */
  private readonly phys: Int32Array;
  private readonly slabCells: Int32Array;
  /** Tick of the slab's first cell. */
  private readonly base: Float64Array;
  /** Lowest and highest traded tick. */
  private readonly low: Float64Array;
  private readonly high: Float64Array;
  private readonly pocTick: Float64Array;
  /** Volume at the point of control. */
  private readonly pocVolume: Float64Array;
  private readonly buyTotal: Float64Array;
  private readonly sellTotal: Float64Array;
  private readonly barRev: Float64Array;
  /** Per revision r (at r mod changeLog): the bar and tick that trade changed. */
  private readonly changeOpenTime: Float64Array;
  private readonly changeTicks: Float64Array;
  /** Position of the newest revision's entry (a cursor: no division on the trade path). */
  private changeAt = 0;

  /** Throws for a bad tick (EngineError) or options (RangeError): configuration, not events. */
  constructor(tickSize: number, options: Partial<FootprintOptions> = {}) {
    const o = { ...DEFAULT_FOOTPRINT_OPTIONS, ...options };
    this.grid = new PriceGrid(tickSize);
    this.scale = this.grid.scale;
    this.tickUnits = this.grid.tickUnits;
    this.unitsToTicks = 1 / this.grid.tickUnits;
    this.capacity = requireInteger('FootprintBars bars', o.bars, 1);
    requireInteger('FootprintBars maxCells', o.maxCells, 4 * MIN_BAR_CELLS);
    this.maxBarCells = Math.min(requireInteger('FootprintBars maxBarCells', o.maxBarCells, MIN_BAR_CELLS), o.maxCells >> 2);
    this.cells = new CellLog(Math.max(o.initialCells, MIN_BAR_CELLS), o.maxCells);
    const n = this.capacity;
    this.openTime = new Float64Array(n);
    this.slab = new Float64Array(n);
    this.phys = new Int32Array(n);
    this.slabCells = new Int32Array(n);
    this.base = new Float64Array(n);
    this.low = new Float64Array(n);
    this.high = new Float64Array(n);
    this.pocTick = new Float64Array(n);
    this.pocVolume = new Float64Array(n);
    this.buyTotal = new Float64Array(n);
    this.sellTotal = new Float64Array(n);
    this.barRev = new Float64Array(n);
    const log = requireInteger('FootprintBars changeLog', o.changeLog, 1);
    this.changeOpenTime = new Float64Array(log);
    this.changeTicks = new Float64Array(log);
  }

  /**
   * True when the change log still holds every revision after `sinceRevision`, so the cells
   * changed since then are read from it instead of from every bar (see changeOpenTimeOf). O(1).
   */
  remembersSince(sinceRevision: number): boolean {
    return sinceRevision >= 0 && this.rev - sinceRevision <= this.changeOpenTime.length;
  }

  /** Open time of the bar revision `revision` changed (only while {@link remembersSince} holds for it). O(1). */
  changeOpenTimeOf(revision: number): number {
    return this.changeOpenTime[this.changePosition(revision)];
  }

  /** The tick revision `revision` changed (only while {@link remembersSince} holds for it). O(1). */
  changeTick(revision: number): number {
    return this.changeTicks[this.changePosition(revision)];
  }

  private changePosition(revision: number): number {
    const at = this.changeAt - (this.rev - revision);
    return at < 0 ? at + this.changeTicks.length : at;
  }

  /** Bars held (some may have lost their cells: see {@link hasCells}). */
  get count(): number {
    return this.held;
  }

  /** Increases with every accepted trade; a reader that saw revision r re-reads what is newer. */
  get revision(): number {
    return this.rev;
  }

  /** Bytes held: bar metadata, the change log and the cell pool as it is now. */
  get byteLength(): number {
    return this.capacity * BAR_META_BYTES + this.changeTicks.length * CHANGE_LOG_ENTRY_BYTES + this.cells.byteLength;
  }

  /** Ring slot of the bar at position `pos` (0 = oldest), or -1. O(1). */
  slotAt(pos: number): number {
    if (!(pos >= 0 && pos < this.held)) return -1;
    const i = this.head + pos;
    return i >= this.capacity ? i - this.capacity : i;
  }

  /** Ring slot of the bar opening at `openTime` that still has its cells, or -1. O(log n). */
  find(openTime: number): number {
    const slot = this.slotAt(this.lowerBound(openTime));
    return slot >= 0 && this.openTime[slot] === openTime && this.hasCells(slot) ? slot : -1;
  }

  /** First position whose open time is ≥ `time` (`count` when none). O(log n). */
  lowerBound(time: number): number {
    let lo = 0;
    let hi = this.held;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.openTime[this.slotAt(mid)] < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** False once the pool wrapped past the bar's cells. O(1). */
  hasCells(slot: number): boolean {
    return this.cells.intact(this.slab[slot]);
  }

  openTimeAt(slot: number): number {
    return this.openTime[slot];
  }
  /** Lowest traded tick of the bar. */
  lowTickAt(slot: number): number {
    return this.low[slot];
  }
  highTickAt(slot: number): number {
    return this.high[slot];
  }
  /** Tick of the bar's point of control: most volume, the lowest tick on a tie. */
  pocTickAt(slot: number): number {
    return this.pocTick[slot];
  }
  buyVolumeAt(slot: number): number {
    return this.buyTotal[slot];
  }
  sellVolumeAt(slot: number): number {
    return this.sellTotal[slot];
  }
  /** The revision of the bar's last trade. */
  revisionAt(slot: number): number {
    return this.barRev[slot];
  }

  /** Physical index in `cells` of tick `tick` of bar `slot`, or -1 outside its slab. O(1). */
  cellIndex(slot: number, tick: number): number {
    const j = tick - this.base[slot];
    return j >= 0 && j < this.slabCells[slot] ? this.phys[slot] + (j | 0) : -1;
  }

  /** The tick of `price` (nearest). O(1). */
  tickOf(price: number): number {
    return Math.round(Math.round(price * this.scale) * this.unitsToTicks);
  }

  /** The price of tick `tick`: the double nearest its decimal value. O(1). */
  priceOf(tick: number): number {
    return (tick * this.tickUnits) / this.scale;
  }

  /**
   * Whether bar `openTime`'s footprint holds the candle's `candleVolume`: 'none' without cells
   * (a bar from history, or one whose cells were overwritten), 'partial' when the candle counts
   * more (trades before the session, or history merged over it), else 'complete'. O(log n).
   */
  coverage(openTime: number, candleVolume: number): FootprintCoverage {
    const slot = this.find(openTime);
    if (slot < 0) return 'none';
    const own = this.buyTotal[slot] + this.sellTotal[slot];
    return candleVolume > own * (1 + 1e-9) + 1e-12 ? 'partial' : 'complete';
  }

  /**
   * Adds one trade to the bar opening at `barOpenTime`. `takerSide` is +1 when the taker bought,
   * -1 when the taker sold. A bar newer than the newest opens; an older bar must be held.
   * Returns false, counted, when refused. O(1) for the newest bar (O(log n) for an older one),
   * amortized over slab moves; allocates only when the pool doubles.
   */
  addTrade(barOpenTime: number, price: number, amount: number, takerSide: number): boolean {
    if (!isPrice(price) || !(amount > 0 && amount < Infinity) || (takerSide !== 1 && takerSide !== -1) || !(barOpenTime > -Infinity && barOpenTime < Infinity)) {
      this.stats.rejected++;
      return false;
    }
    // A multiplication, not a division, on the hot path; the integer product checks the grid exactly.
    const units = Math.round(price * this.scale);
    const tick = Math.round(units * this.unitsToTicks);
    if (tick * this.tickUnits !== units) this.stats.offGrid++;
    let slot = this.newest;
    if (slot < 0 || barOpenTime > this.openTime[slot]) {
      slot = this.openBar(barOpenTime, tick);
    } else if (barOpenTime !== this.openTime[slot]) {
      slot = this.slotAt(this.lowerBound(barOpenTime));
      if (slot < 0 || this.openTime[slot] !== barOpenTime) {
        this.stats.unheld++;
        return false;
      }
    }
    if (!this.hasCells(slot)) {
      this.stats.evicted++;
      return false;
    }
    let cell = this.cellIndex(slot, tick);
    if (cell < 0) {
      if (!this.reshape(slot, tick)) {
        this.stats.tooWide++;
        return false;
      }
      cell = this.cellIndex(slot, tick);
    }
    const data = this.cells.data;
    const at = cell * CELL_STRIDE;
    const rev = ++this.rev;
    if (takerSide === 1) {
      data[at] += amount;
      this.buyTotal[slot] += amount;
    } else {
      data[at + 1] += amount;
      this.sellTotal[slot] += amount;
    }
    data[at + 2] = rev;
    this.barRev[slot] = rev;
    let logAt = this.changeAt + 1;
    if (logAt === this.changeTicks.length) logAt = 0;
    this.changeAt = logAt;
    this.changeOpenTime[logAt] = barOpenTime;
    this.changeTicks[logAt] = tick;
    if (tick < this.low[slot]) this.low[slot] = tick;
    if (tick > this.high[slot]) this.high[slot] = tick;
    // Cells only grow, so the running maximum is the maximum.
    const total = data[at] + data[at + 1];
    const pocVolume = this.pocVolume[slot];
    if (total > pocVolume || (total === pocVolume && tick < this.pocTick[slot])) {
      this.pocTick[slot] = tick;
      this.pocVolume[slot] = total;
    }
    this.stats.trades++;
    return true;
  }

  /**
   * Adds one trade from the exchange's history (backfill) to bar `barOpenTime`: to a held bar, or
   * to a new oldest bar when it opens before every bar held (refused, counted in `unheld`, while
   * the ring is full). The caller keeps out trades the footprint already counts. O(log n).
   */
  addHistoryTrade(barOpenTime: number, price: number, amount: number, takerSide: number): boolean {
    if (this.held > 0 && barOpenTime < this.openTime[this.head] && isPrice(price) && amount > 0 && amount < Infinity && (takerSide === 1 || takerSide === -1)) {
      if (this.held === this.capacity) {
        this.stats.unheld++;
        return false;
      }
      this.prependBar(barOpenTime, this.tickOf(price));
    }
    return this.addTrade(barOpenTime, price, amount, takerSide);
  }

  /** Forgets every bar (a new timeframe). O(1). */
  clear(): void {
    this.head = 0;
    this.held = 0;
    this.newest = -1;
  }

  // ---- internals ----

  /** Appends a bar (evicting the oldest when full) with a slab centred on `tick`. */
  private openBar(openTime: number, tick: number): number {
    // Size the slab from the previous bar's range, so a market's usual bar rarely has to move.
    const previous = this.held > 0 ? this.slotAt(this.held - 1) : -1;
    const previousSpan = previous >= 0 ? this.high[previous] - this.low[previous] + 1 : 0;
    const n = Math.min(this.maxBarCells, Math.max(MIN_BAR_CELLS, previousSpan + (previousSpan >> 1)));
    if (this.held === this.capacity) {
      this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
      this.held--;
    }
    const slot = this.ringIndex(this.held);
    this.held++;
    this.newest = slot;
    this.initBar(slot, openTime, tick, n);
    return slot;
  }

  /** Puts a bar before the oldest (the ring has room) with a slab centred on `tick`. */
  private prependBar(openTime: number, tick: number): void {
    const span = this.high[this.head] - this.low[this.head] + 1;
    const n = Math.min(this.maxBarCells, Math.max(MIN_BAR_CELLS, span >= 1 ? span : 0));
    this.head = this.head === 0 ? this.capacity - 1 : this.head - 1;
    this.held++;
    this.initBar(this.head, openTime, tick, n);
  }

  private initBar(slot: number, openTime: number, tick: number, n: number): void {
    const v = this.cells.allocate(n);
    const p = this.cells.physical(v);
    this.cells.clear(p, p + n);
    this.openTime[slot] = openTime;
    this.slab[slot] = v;
    this.phys[slot] = p;
    this.slabCells[slot] = n;
    this.base[slot] = tick - (n >> 1);
    this.low[slot] = Infinity;
    this.high[slot] = -Infinity;
    this.pocTick[slot] = NaN;
    this.pocVolume[slot] = 0;
    this.buyTotal[slot] = 0;
    this.sellTotal[slot] = 0;
    this.barRev[slot] = 0;
  }

  private ringIndex(pos: number): number {
    const i = this.head + pos;
    return i >= this.capacity ? i - this.capacity : i;
  }

  /**
   * Makes room for `tick` in bar `slot`: the traded range plus the new tick re-centred in the
   * slab when a quarter of it stays free, else in a new slab of twice the range (at most
   * `maxBarCells`). False when the range would exceed `maxBarCells`.
   */
  private reshape(slot: number, tick: number): boolean {
    const low = this.low[slot];
    const high = this.high[slot];
    const newLow = Math.min(low, tick);
    const span = Math.max(high, tick) - newLow + 1;
    if (span > this.maxBarCells) return false;
    const used = high - low + 1;
    const oldCells = this.slabCells[slot];
    const oldStart = this.phys[slot] + (low - this.base[slot]);
    let n = oldCells;
    if (span * 4 > oldCells * 3) {
      // Half as large again (geometric, so moves stay amortized O(1)), in place when the slab is
      // the newest one (the live bar), else in a new slab.
      n = Math.min(this.maxBarCells, Math.max(oldCells + (oldCells >> 1), span + (span >> 1)));
      if (!this.cells.extend(this.slab[slot], oldCells, n)) {
        const v = this.cells.allocate(n);
        this.slab[slot] = v;
        this.phys[slot] = this.cells.physical(v);
      }
      this.slabCells[slot] = n;
    }
    const base = newLow - ((n - span) >> 1);
    const p = this.phys[slot];
    const start = p + (low - base);
    // Move the traded cells first (the new slab may overlap the old one), then zero the rest.
    this.cells.move(oldStart, start, used);
    this.cells.clear(p, start);
    this.cells.clear(start + used, p + n);
    this.base[slot] = base;
    return true;
  }
}
