/**
 * The panel's one trade-size threshold: a trade at or above it is a big trade, highlighted in the
 * tape, marked on the candles, heard (with the sound on) and counted by the "CVD ≥ size" pane.
 * It is the size typed in the tape's box, else the setting's (`tape.largeTradeThreshold`); either
 * 0 means automatic: AUTO_MULTIPLE × the median amount of the trades held, rounded to a 1-2-5 step
 * and kept until the median moves by more than a factor of two, so that what it drives (marks, a
 * recount of the CVD on the host) does not change with every trade.
 */
import type { TradeRing } from '../state/tradeRing';

/** Automatic threshold: this many times the median amount of the trades held. */
const AUTO_MULTIPLE = 10;
/** The automatic threshold stays while the raw value is within this factor of it. */
const AUTO_HOLD_FACTOR = 2;

export class TradeThreshold {
  /** The threshold in force: Infinity while automatic and no trade is held. */
  value = Infinity;
  /** Increases whenever `value` changes (readers compare it with the one they drew). */
  version = 0;
  /** The size typed in this panel (0: automatic), null: the setting's. */
  private user: number | null;
  /** The setting's threshold (0: automatic). */
  private fallback = 0;
  /** The automatic value held (NaN: none yet), and the ring version it was computed at. */
  private auto = NaN;
  private autoAt = -1;
  private readonly sorted: Float64Array;

  constructor(
    private readonly trades: TradeRing,
    user: number | null,
  ) {
    this.user = user;
    this.sorted = new Float64Array(trades.capacity);
  }

  /** The size typed in the panel (null: follow the setting). */
  get chosen(): number | null {
    return this.user;
  }

  get setting(): number {
    return this.fallback;
  }

  setUser(amount: number | null): void {
    this.user = amount;
    this.update();
  }

  setSetting(amount: number): void {
    this.fallback = amount;
    this.update();
  }

  /** Another market: its trades have other sizes, the automatic value starts over. */
  forgetAuto(): void {
    this.auto = NaN;
    this.autoAt = -1;
  }

  /** Brings `value` up to date (cheap when neither the choice nor the trades changed). O(held log held) when automatic and trades arrived. */
  update(): void {
    const chosen = this.user ?? this.fallback;
    const next = chosen > 0 ? chosen : this.automatic();
    if (next === this.value) return;
    this.value = next;
    this.version++;
  }

  private automatic(): number {
    const trades = this.trades;
    if (trades.version === this.autoAt) return this.auto === this.auto ? this.auto : Infinity;
    this.autoAt = trades.version;
    const n = trades.count;
    if (n === 0) return this.auto === this.auto ? this.auto : Infinity;
    for (let j = 0; j < n; j++) this.sorted[j] = trades.field(j, 2);
    const raw = this.sorted.subarray(0, n).sort()[n >> 1]! * AUTO_MULTIPLE;
    if (!(this.auto === this.auto && raw <= this.auto * AUTO_HOLD_FACTOR && raw >= this.auto / AUTO_HOLD_FACTOR)) this.auto = roundToStep(raw);
    return this.auto;
  }
}

/** The nearest of …, 0.1, 0.2, 0.5, 1, 2, 5, 10, … (in ratio). */
export function roundToStep(x: number): number {
  if (!(x > 0 && x < Infinity)) return x;
  const decade = 10 ** Math.floor(Math.log10(x));
  const m = x / decade;
  // Geometric midpoints between 1, 2, 5 and 10.
  const step = m < Math.SQRT2 ? 1 : m < Math.sqrt(10) ? 2 : m < Math.sqrt(50) ? 5 : 10;
  // Decimal steps stay exact when shown (0.2, not 0.20000000000000001).
  return Number((step * decade).toPrecision(1));
}
