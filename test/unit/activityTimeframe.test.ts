/**
 * Timeframes of N trades (`100t`) and N volume (`10v`) through every door: the one parser, the
 * settings (a bad one named with its setting), a panel's saved view, the session (no kline is
 * ever asked for them, and switching back to a clock timeframe asks again), and a panel's init
 * (bars at increasing times, "no earlier history", the footprint of the same trades).
 */
import { describe, expect, it } from 'vitest';
import { CandleField } from '../../src/engine/candles/candleSeries';
import { activityRule, CHART_TIMEFRAMES, parseChartTimeframe, parseTimeframe, TimeframeError } from '../../src/engine/candles/timeframe';
import { EventKind, MarketEvent, TakerSide } from '../../src/engine/events';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { BAR_STRIDE, type StatusInfo } from '../../src/engine/protocol';
import { readSettings } from '../../src/extension/settings/settingsModel';
import type { Feed } from '../../src/feeds/feed';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import { ScriptedFeed } from '../support/scriptedFeed';

const T0 = Date.UTC(2024, 7, 8);
const LIVE: StatusInfo = { state: 'live', detail: '', value: 0 };
const FACTS = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };
const BAD = ['0t', '-5v', '1e9t', 'abc', '0v', '.5v', '0.50v', '0100t', '100T', '1000001t', '2000000v', '0.000001v', '100 t', ''];

describe('activity timeframes', () => {
  it('are read in one place: one spelling per bar size, sizes in range, clock timeframes unchanged', () => {
    for (const good of ['100t', '1t', '1000000t', '10v', '0.5v', '1000000v', '2.25v']) expect(parseChartTimeframe(good)).toBe(good);
    expect(parseChartTimeframe(' 500t ')).toBe('500t');
    expect(parseChartTimeframe('15m')).toBe('15m');
    for (const bad of BAD) {
      const got = parseChartTimeframe(bad);
      expect(got, bad).toBeInstanceOf(TimeframeError);
      expect((got as TimeframeError).message).toContain(JSON.stringify(bad));
    }
    expect((parseChartTimeframe('2000000t') as TimeframeError).message).toMatch(/out of range.*N trades as Nt \(N from 1 to 1000000/);
    // Kline fetchers read clock timeframes only: an activity one never reaches them.
    expect(parseTimeframe('100t')).toBeInstanceOf(TimeframeError);
    expect(activityRule('100t')).toEqual({ unit: 'trades', size: 100 });
    expect(activityRule('0.5v')).toEqual({ unit: 'volume', size: 0.5 });
    expect(activityRule('1m')).toBe(null);
    expect(activityRule('-5v')).toBe(null);
    for (const tf of CHART_TIMEFRAMES) expect(parseChartTimeframe(tf), tf).toBe(tf);
    expect(CHART_TIMEFRAMES).toEqual(expect.arrayContaining(['100t', '500t', '1000t', '1v', '10v', '100v']));
  });

  it('are accepted by the timeframe setting; a bad one gets a message naming the setting and falls back', () => {
    expect(readSettings((k) => (k === 'timeframe' ? '250t' : undefined))).toMatchObject({ settings: { timeframe: '250t' }, problems: [] });
    for (const bad of BAD) {
      const { settings, problems } = readSettings((k) => (k === 'timeframe' ? bad : undefined));
      expect(settings.timeframe, bad).toBe('1m');
      expect(problems, bad).toEqual([expect.stringMatching(new RegExp(`^orderscope\\.timeframe must be one of 1s, .* or N volume as Nv .*; got ${JSON.stringify(JSON.stringify(bad)).slice(1, -1)}, using "1m"$`))]);
    }
  });

  it('never make the session ask its feed for klines or history, and a clock timeframe afterwards asks again', async () => {
    const feeds: ScriptedFeed[] = [];
    /** What the feed was told of history it may skip (a live exchange's footprint trades). */
    const paused: boolean[] = [];
    const registry = new SessionRegistry({
      createFeed: (key, demand) => {
        const feed = new ScriptedFeed(key, demand);
        (feed as Feed).pauseHistory = (p) => paused.push(p);
        feeds.push(feed);
        return feed;
      },
      session: { timeframe: '100t', historyBars: 300 },
    });
    const lease = registry.acquire('fake', 'BTC/USDT', 'market');
    const session = lease.session;
    for (let i = 0; i < 200 && feeds[0]?.sink === undefined; i++) await new Promise((r) => setTimeout(r, 2));
    const feed = feeds[0]!;
    // The feed opened on a clock timeframe (a kline fetcher refuses `100t`); its history is not the chart's.
    expect(feed.target!.timeframe).toBe('1m');
    let olderAsked = 0;
    // A feed that could page older klines: it must not be asked.
    (feed as Feed).loadOlder = async () => {
      olderAsked++;
      return [];
    };
    const sink = feed.sink!;
    const event = new MarketEvent();
    for (let k = 0; k < 250; k++) {
      event.reset(EventKind.Trade);
      event.time = T0 + k * 10;
      event.price = 100 + (k % 7) * 0.5;
      event.amount = 1;
      event.takerSide = k % 3 === 0 ? TakerSide.Sell : TakerSide.Buy;
      sink.event(event);
    }
    sink.history('1m', [[T0, 1, 1, 1, 1, 1]]);
    const market = session.market!;
    expect(market.candles.timeframe).toBe('100t');
    expect([market.candles.count, market.candles.value(0, CandleField.TradeCount), market.candles.value(0, CandleField.Open)]).toEqual([3, 100, 100]);
    expect(await session.loadOlder()).toEqual({ end: 'source' });
    expect(session.setTimeframe('10v')).toBeUndefined();
    expect(await session.loadOlder()).toEqual({ end: 'source' });
    expect(olderAsked).toBe(0);
    expect(feed.timeframes).toEqual([]);
    expect(paused).toEqual([true, true]);
    expect(session.setTimeframe('5m')).toBeUndefined();
    expect(feed.timeframes).toEqual(['5m']);
    expect(paused).toEqual([true, true, false]);
    expect(session.setTimeframe('0t')).toBeInstanceOf(TimeframeError);
    lease.release();
    await registry.dispose();
  });

  it("give a panel's init bars at increasing times with no earlier history, and the footprint of the same trades", () => {
    const market = new Market({ tickSize: 0.01, timeframe: '100t' });
    // 1,000 trades, ten per millisecond: bars of 100 open 10 ms apart.
    for (let k = 0; k < 1000; k++) market.onTrade(T0 + Math.floor(k / 10), 100 + (k % 13) * 0.01, 0.5, k % 2 === 0 ? TakerSide.Buy : TakerSide.Sell);
    // A burst of 250 trades in one millisecond: three bars would share it, so each opens 1 ms after the one before.
    for (let k = 0; k < 250; k++) market.onTrade(T0 + 200, 101, 0.1, TakerSide.Buy);
    const builder = new FrameBuilder(market, FACTS, { footprint: true });
    const init = builder.buildInit(LIVE);
    expect(init.timeframe).toBe('100t');
    expect(init.historyEnd).toBe('source');
    expect(init.hasOlder).toBe(false);
    const times: number[] = [];
    for (let i = 0; i < init.bars.length; i += BAR_STRIDE) times.push(init.bars[i]!);
    expect(times.slice(0, 3)).toEqual([T0, T0 + 10, T0 + 20]);
    expect(times.slice(-4)).toEqual([T0 + 90, T0 + 200, T0 + 201, T0 + 202]);
    for (let seq = market.candles.firstSeq; seq <= market.candles.lastSeq; seq++) {
      const slot = market.footprint.find(market.candles.value(seq, CandleField.OpenTime));
      expect(market.footprint.buyVolumeAt(slot) + market.footprint.sellVolumeAt(slot)).toBeCloseTo(market.candles.value(seq, CandleField.Volume), 9);
    }
  });
});
