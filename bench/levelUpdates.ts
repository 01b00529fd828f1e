/**
 * A reproducible stream of level updates on a book of about 1000 levels a side, shared by the
 * engine and ccxt so both do exactly the same work.
 *
 * Mix of the drawn updates: 70% size changes of an existing level near the touch (top 20),
 * 20% new levels at an empty price near the touch (top 40 ticks), 10% deletions of an existing
 * level near the touch. New levels would grow the book without end, so after an insert that
 * takes a side past 1000 levels its worst level is trimmed, as an exchange's 1000-level view
 * does; trims are extra updates in the stream and are counted in `trims`.
 */
export interface LevelUpdateStream {
  isBid: Uint8Array;
  prices: Float64Array;
  sizes: Float64Array;
  count: number;
  trims: number;
  /** Initial book, best-first per side. */
  initialBids: [number, number][];
  initialAsks: [number, number][];
}

/** Deterministic PRNG (mulberry32) so every run measures the same stream. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TICK_CENTS = 1; // prices in cents, converted to dollars exactly by /100
const LEVELS = 1000;

export function makeLevelUpdates(drawn: number, seed = 42): LevelUpdateStream {
  const random = mulberry32(seed);
  const size = (): number => Math.round(1 + random() * 99999) / 10000;
  // Reference state in integer cents; bids below 6_000_000 (60000.00), asks above.
  const sides = [new Set<number>(), new Set<number>()]; // 0 = asks, 1 = bids
  const sorted: number[][] = [[], []];
  const initialBids: [number, number][] = [];
  const initialAsks: [number, number][] = [];
  for (let i = 0; i < LEVELS; i++) {
    const bid = 6_000_000 - i * TICK_CENTS * 2;
    const ask = 6_000_001 + i * TICK_CENTS * 2;
    sides[1]!.add(bid);
    sides[0]!.add(ask);
    initialBids.push([bid / 100, size()]);
    initialAsks.push([ask / 100, size()]);
  }
  // Best-first sorted arrays for picking "near the touch".
  sorted[1] = [...sides[1]!].sort((a, b) => b - a);
  sorted[0] = [...sides[0]!].sort((a, b) => a - b);

  const capacity = Math.ceil(drawn * 1.25);
  const isBid = new Uint8Array(capacity);
  const prices = new Float64Array(capacity);
  const sizes = new Float64Array(capacity);
  let n = 0;
  let trims = 0;
  const emit = (bid: number, cents: number, s: number): void => {
    isBid[n] = bid;
    prices[n] = cents / 100;
    sizes[n] = s;
    n++;
  };
  const insertSorted = (side: number, cents: number): void => {
    const arr = sorted[side]!;
    let lo = 0;
    let hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const better = side === 1 ? arr[mid]! > cents : arr[mid]! < cents;
      if (better) lo = mid + 1;
      else hi = mid;
    }
    arr.splice(lo, 0, cents);
  };
  for (let k = 0; k < drawn; k++) {
    const side = random() < 0.5 ? 1 : 0;
    const arr = sorted[side]!;
    const set = sides[side]!;
    const r = random();
    if (r < 0.7) {
      const cents = arr[Math.floor(random() * Math.min(20, arr.length))]!;
      emit(side, cents, size());
    } else if (r < 0.9) {
      // A new level at an empty price from 5 ticks better than the touch to 35 worse, never
      // crossing the other side, so the touch moves both ways as in a real book.
      const touch = arr[0]!;
      const otherTouch = sorted[1 - side]![0]!;
      let cents = touch;
      for (let tries = 0; tries < 50 && (set.has(cents) || (side === 1 ? cents >= otherTouch : cents <= otherTouch)); tries++) {
        const offset = Math.floor(random() * 40) - 5;
        cents = side === 1 ? touch - offset : touch + offset;
      }
      if (side === 1 ? cents >= otherTouch : cents <= otherTouch) {
        emit(side, arr[0]!, size());
        continue;
      }
      if (set.has(cents)) {
        emit(side, arr[0]!, size());
        continue;
      }
      set.add(cents);
      insertSorted(side, cents);
      emit(side, cents, size());
      if (arr.length > LEVELS) {
        const worst = arr.pop()!;
        set.delete(worst);
        emit(side, worst, 0);
        trims++;
      }
    } else {
      if (arr.length <= 1) continue;
      const index = Math.floor(random() * Math.min(20, arr.length - 1));
      const cents = arr[index]!;
      arr.splice(index, 1);
      set.delete(cents);
      emit(side, cents, 0);
    }
  }
  return { isBid, prices, sizes, count: n, trims, initialBids, initialAsks };
}
