/**
 * Grouping is for the ladder's rows only. With 100 ticks per row (a step of 1.00 on BTC/USDT) the
 * panel in Chromium, fed by the engine on the real capture, still shows the book's own spread
 * (best ask − best bid and its bps), the market impact of a quantity walked over the raw levels,
 * and the bid/ask tags on the price axis at the raw best prices, each tag saying what it is
 * ("Last …", "Bid …", "Ask …"). Screenshots of the labelled tags, dark and light.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LevelRows } from '../../src/engine/book/orderBook';
import { binanceRule } from '../../src/engine/book/sequenceRule';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { CaptureFeed } from './support/captureFeed';
import { HarnessHost } from './support/harnessHost';
import { repoRoot } from './support/harnessServer';
import { PanelPage, hasChromium } from './support/panelPage';
import { DARK, LIGHT, type HarnessTheme } from './support/vscodeThemes';
import { useChromiumHarness } from './support/chromiumHarness';

const SPOT = 'binance/spot/btcusdt_20240808.gz';
const FACTS = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };
const ROOT = repoRoot(__dirname);
const ARTIFACTS = join(ROOT, 'test-artifacts');
const BOOK_ROWS = 40;
const QUANTITY = 0.5;

/** The raw levels the host's window covers (within 1% of the mid, at most BOOK_ROWS), best first. */
function rawLevels(market: Market, isBid: boolean): [number, number][] {
  const rows = new LevelRows(BOOK_ROWS);
  market.book.group(isBid, market.grid, 1, rows, market.book.levelsWithinPercent(isBid, 1));
  return Array.from({ length: rows.count }, (_, r) => [rows.prices[r]!, rows.sizes[r]!]);
}

/** The impact line a trader should read, walked plainly over `levels` (best first). */
function plainImpact(verb: string, levels: [number, number][]): string {
  let remaining = QUANTITY;
  let cost = 0;
  for (const [price, size] of levels) {
    const take = Math.min(remaining, size);
    cost += take * price;
    remaining -= take;
  }
  const filled = QUANTITY - Math.max(0, remaining);
  const average = cost / filled;
  const best = levels[0]![0];
  const partial = filled < QUANTITY ? ` (window fills only ${filled.toFixed(5)} BTC)` : '';
  return `${verb} ≈ ${average.toFixed(2)} · ${((Math.abs(average - best) / best) * 1e4).toFixed(2)} bps${partial}`;
}

describe.skipIf(!hasSharedData(SPOT) || !hasChromium())('a grouped ladder in Chromium', () => {
  const harness = useChromiumHarness();

  for (const [name, theme] of [
    ['dark', DARK],
    ['light', LIGHT],
  ] as [string, HarnessTheme][]) {
    it(`at 100 ticks per row the spread, impact and axis tags are the raw book's (${name})`, async () => {
      const market = new Market({ sequenceRule: binanceRule, timeframe: '1s' });
      const feed = new CaptureFeed(market, [sharedDataPath(SPOT)]);
      await feed.feed(20_000);
      const builder = new FrameBuilder(market, FACTS, { ticksPerRow: 100, initBars: 300, bookRows: BOOK_ROWS, metrics: { imbalance: false, cvd: false } });
      const panel = await PanelPage.open(harness.browser, harness.server, { theme, width: 1100, height: 560 });
      try {
        const host = new HarnessHost(market, builder, panel, []);
        await panel.load();
        await host.settled();
        for (let k = 0; k < 10; k++) {
          await feed.feed(150);
          await host.sendFrame();
        }
        await panel.page.fill('.impact-qty input', String(QUANTITY));
        await panel.page.press('.impact-qty input', 'Enter');
        const bid = market.book.bestBid();
        const ask = market.book.bestAsk();
        // The grouped rows' edges differ from the book's best prices (else this proves nothing).
        expect(Math.floor(bid)).not.toBe(bid);
        const spread = `spread ${(ask - bid).toFixed(2)} · ${(((ask - bid) / ((ask + bid) / 2)) * 1e4).toFixed(2)} bps`;
        const impact = [plainImpact('Buy', rawLevels(market, false)), plainImpact('Sell', rawLevels(market, true))];
        const s = await panel.until((x) => x.viewState.impactQuantity === QUANTITY && x.ladder.impact[0] === impact[0] && x.depth.drawn);
        expect(s.ladder.step).toBe('step 1.00');
        expect(s.ladder.bids[0]![0]).toBe(Math.floor(bid).toFixed(2)); // the rows stay grouped
        expect(s.ladder.spread).toBe(spread);
        expect(s.ladder.impact.slice(0, 2)).toEqual(impact);
        const last = s.candles.last!.close;
        expect(s.depth.tags.map((t) => t.text)).toEqual([`Last ${last.toFixed(2)}`, `Bid ${bid.toFixed(2)}`, `Ask ${ask.toFixed(2)}`]);
        expect(s.depth.tags.every((t) => t.visible && t.y > 0)).toBe(true);
        expect(s.depth.tags[1]!.y).toBeGreaterThanOrEqual(s.depth.tags[2]!.y); // the bid at or below the ask
        mkdirSync(ARTIFACTS, { recursive: true });
        await panel.page.screenshot({ path: join(ARTIFACTS, `grouped-book-tags-${name}.png`) });
      } finally {
        await panel.close();
      }
    }, 60_000);
  }
});
