/**
 * Which number of a bar a single-input indicator follows (TradingView's "source").
 * `hl2` = (high+low)/2, `hlc3` = (high+low+close)/3, `ohlc4` = (open+high+low+close)/4.
 */
export const PRICE_SOURCES = ['close', 'open', 'high', 'low', 'hl2', 'hlc3', 'ohlc4'] as const;
export type PriceSource = (typeof PRICE_SOURCES)[number];

/** The `source` value of one bar. O(1); allocates nothing. NaN in, NaN out. */
export function priceFromBar(
  source: PriceSource,
  open: number,
  high: number,
  low: number,
  close: number,
): number {
  switch (source) {
    case 'close':
      return close;
    case 'open':
      return open;
    case 'high':
      return high;
    case 'low':
      return low;
    case 'hl2':
      return (high + low) / 2;
    case 'hlc3':
      return (high + low + close) / 3;
    case 'ohlc4':
      return (open + high + low + close) / 4;
  }
}
