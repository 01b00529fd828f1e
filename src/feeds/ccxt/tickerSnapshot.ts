/** ccxt tickers as the status bar's {@link TickerSnapshot}. */
import type { TickerSnapshot } from '../feed';

/** The fields of a ccxt ticker this reads (all optional: exchanges fill different ones). */
export interface CcxtTickerLike {
  symbol?: string;
  timestamp?: number | undefined;
  last?: number | undefined;
  close?: number | undefined;
  open?: number | undefined;
  high?: number | undefined;
  low?: number | undefined;
  baseVolume?: number | undefined;
  percentage?: number | undefined;
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : NaN;
}

/**
 * A snapshot of `ticker` for `symbol`; NaN where the exchange gave nothing. The 24h change is
 * computed from open and last when the exchange leaves it out (Binance's mini ticker does).
 * O(1); allocates the snapshot (tickers arrive about once a second).
 */
export function toTickerSnapshot(symbol: string, ticker: CcxtTickerLike, receivedAt: number): TickerSnapshot {
  const last = num(ticker.last ?? ticker.close);
  const open = num(ticker.open);
  let change = num(ticker.percentage);
  if (change !== change && open > 0 && last === last) change = ((last - open) / open) * 100;
  const time = num(ticker.timestamp);
  return {
    symbol,
    last,
    open24h: open,
    high24h: num(ticker.high),
    low24h: num(ticker.low),
    volume24h: num(ticker.baseVolume),
    changePercent24h: change,
    time: time === time ? time : receivedAt,
  };
}
