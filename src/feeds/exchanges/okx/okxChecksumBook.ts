/**
 * An OKX order book kept as the exchange's own price and size strings, to verify the CRC32
 * checksum OKX sends with every `books` message: CRC32 of the best 25 bids and asks interleaved
 * as `bidPx:bidSz:askPx:askSz:...` (a shorter side's entries are skipped), as a signed 32-bit
 * integer. The strings must be exactly as sent (`"0.10"` is not `"0.1"`), which is why this book
 * is separate from the engine's numeric one. OKX books hold at most 400 levels a side and each
 * message changes a few, so sorted arrays with binary search are enough.
 */
import { crc32 } from 'node:zlib';

const CHECKSUM_DEPTH = 25;

/** One side, best first. */
class TextSide {
  readonly prices: number[] = [];
  readonly priceTexts: string[] = [];
  readonly sizeTexts: string[] = [];

  constructor(private readonly isBid: boolean) {}

  clear(): void {
    this.prices.length = 0;
    this.priceTexts.length = 0;
    this.sizeTexts.length = 0;
  }

  /** Sets a level; size 0 removes it. O(log n + shift). */
  set(price: number, priceText: string, size: number, sizeText: string): void {
    const prices = this.prices;
    let lo = 0;
    let hi = prices.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const better = this.isBid ? prices[mid]! > price : prices[mid]! < price;
      if (better) lo = mid + 1;
      else hi = mid;
    }
    const found = lo < prices.length && prices[lo] === price;
    if (size === 0) {
      if (found) {
        prices.splice(lo, 1);
        this.priceTexts.splice(lo, 1);
        this.sizeTexts.splice(lo, 1);
      }
    } else if (found) {
      this.priceTexts[lo] = priceText;
      this.sizeTexts[lo] = sizeText;
    } else {
      prices.splice(lo, 0, price);
      this.priceTexts.splice(lo, 0, priceText);
      this.sizeTexts.splice(lo, 0, sizeText);
    }
  }
}

export class OkxChecksumBook {
  readonly bids = new TextSide(true);
  readonly asks = new TextSide(false);

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  /** Sets one level from the exchange's strings (size "0" removes). False for non-numbers. */
  set(isBid: boolean, priceText: string, sizeText: string): boolean {
    const price = Number(priceText);
    const size = Number(sizeText);
    if (!(price > 0 && price < Infinity) || !(size >= 0 && size < Infinity)) return false;
    (isBid ? this.bids : this.asks).set(price, priceText, size, sizeText);
    return true;
  }

  /** The checksum OKX computes for this book. O(25); allocates the joined string. */
  checksum(): number {
    const parts: string[] = [];
    const bids = this.bids;
    const asks = this.asks;
    for (let i = 0; i < CHECKSUM_DEPTH; i++) {
      if (i < bids.prices.length) parts.push(bids.priceTexts[i]!, bids.sizeTexts[i]!);
      if (i < asks.prices.length) parts.push(asks.priceTexts[i]!, asks.sizeTexts[i]!);
    }
    return crc32(parts.join(':')) | 0;
  }
}
