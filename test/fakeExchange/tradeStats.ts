/**
 * Rolling 24-hour trade statistics of one symbol (open, high, low, last, volumes, count), as a
 * 24hr ticker reports them. The captures are minutes long, so the window always holds every trade
 * played since the capture began; no trade ever leaves it.
 */
import { CANDLE_SCALE } from './candleSeries';
import { formatFixed, parseFixed } from './fixedPoint';

export class TradeStats {
  open = '';
  high = '';
  low = '';
  last = '';
  lastQty = '';
  openTime = 0;
  count = 0;
  firstId = -1;
  lastId = -1;
  /** Base volume scaled by 10^CANDLE_SCALE. */
  volume = 0n;
  /** Quote volume scaled by 10^(2 * CANDLE_SCALE). */
  quoteVolume = 0n;
  private highValue = 0;
  private lowValue = 0;

  /** Adds one trade; returns false (and changes nothing) when price or size is malformed. O(1). */
  add(price: string, qty: string, time: number, id: number): boolean {
    const value = Number(price);
    const priceFixed = parseFixed(price, CANDLE_SCALE);
    const qtyFixed = parseFixed(qty, CANDLE_SCALE);
    if (!Number.isFinite(value) || priceFixed === undefined || qtyFixed === undefined) return false;
    if (this.count === 0) {
      this.open = price;
      this.openTime = time;
      this.firstId = id;
      this.highValue = value;
      this.lowValue = value;
      this.high = price;
      this.low = price;
    }
    if (value > this.highValue) {
      this.highValue = value;
      this.high = price;
    }
    if (value < this.lowValue) {
      this.lowValue = value;
      this.low = price;
    }
    this.last = price;
    this.lastQty = qty;
    this.lastId = id;
    this.count++;
    this.volume += qtyFixed;
    this.quoteVolume += priceFixed * qtyFixed;
    return true;
  }

  /** last - open with `decimals` digits ("0" strings when no trade yet). */
  change(decimals: number): string {
    if (this.count === 0) return formatFixed(0n, CANDLE_SCALE, decimals);
    const delta = parseFixed(this.last, CANDLE_SCALE)! - parseFixed(this.open, CANDLE_SCALE)!;
    return formatFixed(delta, CANDLE_SCALE, decimals);
  }

  /** 100 * (last - open) / open with 3 decimals, as Binance prints it. */
  changePercent(): string {
    if (this.count === 0) return '0.000';
    const open = parseFixed(this.open, CANDLE_SCALE)!;
    const delta = parseFixed(this.last, CANDLE_SCALE)! - open;
    return formatFixed((delta * 100_000n) / open, 3, 3);
  }

  /** Quote volume / base volume with `decimals` digits. */
  weightedAverage(decimals: number): string {
    if (this.volume === 0n) return formatFixed(0n, CANDLE_SCALE, decimals);
    return formatFixed(this.quoteVolume / this.volume, CANDLE_SCALE, decimals);
  }
}
