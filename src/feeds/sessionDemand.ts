/**
 * What a reader of a market session needs. The status bar and price alerts need only the ticker;
 * a chart panel needs the whole market (book, trades, candles and the ticker). A session runs the
 * most its current readers need, so N status-bar symbols cost one shared ticker stream, not N
 * book and trade sockets.
 */
export type SessionDemand = 'ticker' | 'market';

/** The larger of two demands. O(1). */
export function maxDemand(a: SessionDemand | undefined, b: SessionDemand | undefined): SessionDemand | undefined {
  if (a === 'market' || b === 'market') return 'market';
  return a ?? b;
}
