/**
 * A replay on bars of N trades builds them as live does: a capture replayed through a session
 * whose chart shows `7t` holds the same bars (times, OHLCV, taker buys, counts) as a market fed
 * the capture's trades directly, and the replay's own candle history does not replace them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CandleColumns } from '../../src/engine/candles/candleColumns';
import { TakerSide } from '../../src/engine/events';
import { Market } from '../../src/engine/market';
import { ReplayFeed } from '../../src/feeds/replay/replayFeed';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import { until } from '../support/replayRecording';

const T = 1723161600000;

describe('a replay on bars of N trades', () => {
  it('holds the bars a market fed the same trades builds', async () => {
    const trades = Array.from({ length: 200 }, (_, i) => ({ p: 100 + ((i * 37) % 11) * 0.5, q: 1 + (i % 5), buy: i % 3 !== 0, t: T + Math.floor(i / 4) * 250 }));
    const lines = trades.map((x, i) => `${i} {"stream":"btcusdt@trade","data":{"e":"trade","E":${x.t},"s":"BTCUSDT","t":${i},"p":"${x.p}","q":"${x.q}","T":${x.t},"m":${!x.buy}}}`);
    const path = join(mkdtempSync(join(tmpdir(), 'orderscope-replay-')), 'trades.gz');
    writeFileSync(path, gzipSync(lines.join('\n') + '\n'));

    const registry = new SessionRegistry({
      createFeed: (key) => {
        const feed = new ReplayFeed(key.symbol, { speed: Infinity });
        const open = feed.open.bind(feed);
        feed.open = (target) => open({ ...target, symbol: '' });
        return feed;
      },
      session: { timeframe: '7t', historyBars: 0 },
    });
    const lease = registry.acquire('replay', path);
    try {
      const session = lease.session;
      await session.whenReady();
      await until('the replay to finish', () => (session.currentFeed as ReplayFeed).progress().finished, 10_000);
      const replayed = session.market!;
      expect(replayed.candles.timeframe).toBe('7t');

      const direct = new Market({ tickSize: replayed.options.tickSize, timeframe: '7t' });
      for (const x of trades) direct.onTrade(x.t, x.p, x.q, x.buy ? TakerSide.Buy : TakerSide.Sell);
      const rows = (m: Market): number[][] => {
        const out = new CandleColumns();
        m.candles.copyRange(m.candles.firstSeq, m.candles.lastSeq, out);
        return Array.from({ length: out.count }, (_, r) => [out.openTime[r]!, out.open[r]!, out.high[r]!, out.low[r]!, out.close[r]!, out.volume[r]!, out.takerBuyVolume[r]!, out.tradeCount[r]!]);
      };
      expect(rows(replayed)).toHaveLength(Math.ceil(200 / 7));
      expect(rows(replayed)).toEqual(rows(direct));
    } finally {
      lease.release();
      await registry.dispose();
    }
  });
});
