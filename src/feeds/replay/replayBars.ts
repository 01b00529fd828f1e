/**
 * Candles of what has been replayed so far, so that switching timeframe mid-replay gives the new
 * series its history (a recording has no exchange to fetch it from). Trades go into a 1-second
 * series (the last hour) and a 1-minute series (the last 20,000 minutes, about two weeks); any
 * longer timeframe is aggregated from the minutes. Memory is fixed by those capacities.
 */
import { CandleField, CandleSeries } from '../../engine/candles/candleSeries';
import { barOpenTime, type Timeframe } from '../../engine/candles/timeframe';

const SECOND_BARS = 3600;
const MINUTE_BARS = 20_000;

export class ReplayBars {
  private readonly seconds = new CandleSeries('1s', { capacity: SECOND_BARS });
  private readonly minutes = new CandleSeries('1m', { capacity: MINUTE_BARS });

  /** One replayed trade. O(1); no allocation. */
  addTrade(time: number, price: number, amount: number, takerSide: number): void {
    this.seconds.ingestTrade(time, price, amount, takerSide);
    this.minutes.ingestTrade(time, price, amount, takerSide);
  }

  /**
   * The newest `maxBars` bars of `timeframe` as history rows `[t, o, h, l, c, v, qv, tbv, n]`,
   * oldest first (the last one is the live bar). O(held bars); allocates the rows.
   */
  history(timeframe: Timeframe, maxBars: number): number[][] {
    const base = timeframe === '1s' ? this.seconds : this.minutes;
    const rows: number[][] = [];
    let row: number[] | null = null;
    for (let seq = base.firstSeq; seq <= base.lastSeq; seq++) {
      const openTime = barOpenTime(base.value(seq, CandleField.OpenTime), timeframe);
      const open = base.value(seq, CandleField.Open);
      const high = base.value(seq, CandleField.High);
      const low = base.value(seq, CandleField.Low);
      const close = base.value(seq, CandleField.Close);
      const volume = base.value(seq, CandleField.Volume);
      const quoteVolume = base.value(seq, CandleField.QuoteVolume);
      const takerBuy = base.value(seq, CandleField.TakerBuyVolume);
      const count = base.value(seq, CandleField.TradeCount);
      if (row === null || row[0] !== openTime) {
        row = [openTime, open, high, low, close, volume, quoteVolume, takerBuy, count];
        rows.push(row);
      } else {
        row[2] = Math.max(row[2]!, high);
        row[3] = Math.min(row[3]!, low);
        row[4] = close;
        row[5]! += volume;
        row[6]! += quoteVolume;
        row[7]! += takerBuy;
        row[8]! += count;
      }
    }
    return rows.length > maxBars ? rows.slice(rows.length - Math.max(0, maxBars)) : rows;
  }
}
