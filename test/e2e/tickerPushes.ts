/**
 * The prices the fake exchange's Binance ticker streams pushed, with the wall time of each push.
 * The venue pushes its 24h tickers once per exchange second, when the tape crosses into the next
 * second, before the crossing event applies; the last price is then that of the last trade
 * played before it. Attach before playback starts (`startPaused`), so no crossing is missed.
 */
import type { FakeExchange } from '../fakeExchange/FakeExchange';
import type { BinanceTapeEvent } from '../fakeExchange/binanceCapture';

export interface TickerPush {
  wallMs: number;
  price: number;
}

export class TickerPushes {
  readonly pushes: TickerPush[] = [];
  private lastTrade: number;
  private second = -1;
  private readonly onPlayed = (venue: string, kind: string, event: unknown): void => {
    if (venue !== 'binance') return;
    const played = event as BinanceTapeEvent;
    const second = Math.floor(played.t / 1000);
    if (second !== this.second) {
      if (this.second >= 0 && Number.isFinite(this.lastTrade)) this.pushes.push({ wallMs: Date.now(), price: this.lastTrade });
      this.second = second;
    }
    if (kind === 'trade' && played.kind === 'trade' && played.message.s === this.symbol) this.lastTrade = Number(played.message.p);
  };

  constructor(
    private readonly exchange: FakeExchange,
    private readonly symbol: string,
  ) {
    const history = exchange.binance?.playedTrades(symbol) ?? [];
    this.lastTrade = history.length > 0 ? Number(history[history.length - 1]!.p) : NaN;
    exchange.on('played', this.onPlayed);
  }

  /** Prices pushed in the last `ms` of wall time. */
  since(ms: number): number[] {
    const from = Date.now() - ms;
    return this.pushes.filter((push) => push.wallMs >= from).map((push) => push.price);
  }

  dispose(): void {
    this.exchange.off('played', this.onPlayed);
  }
}
