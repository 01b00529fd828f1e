/**
 * Indicator panes as a trader reads them (issue 11), in headless Chromium on the real capture:
 * each pane is titled with its indicator; a pane with fewer bars than its indicator needs says
 * "needs N bars" (N from the indicator's parameters: MACD(12,26,9) needs 34, RSI(14) 15) and
 * stops saying it once the bars are there; and the legend writes every indicator in a colour that
 * keeps AA contrast on the background, also with a high-contrast theme whose orange is dark brown
 * on black. Screenshots go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binanceRule } from '../../src/engine/book/sequenceRule';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { contrastRatio } from '../../webview/theme/theme';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { CaptureFeed } from './support/captureFeed';
import { HarnessHost } from './support/harnessHost';
import { repoRoot } from './support/harnessServer';
import { PanelPage, hasChromium, type PanelSnapshot } from './support/panelPage';
import { DARK, LIGHT, type HarnessTheme } from './support/vscodeThemes';
import { useChromiumHarness } from './support/chromiumHarness';

const SPOT = 'binance/spot/btcusdt_20240808.gz';
const FACTS = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };
const ROOT = repoRoot(__dirname);
const ARTIFACTS = join(ROOT, 'test-artifacts');

/** VS Code's Dark High Contrast chart colours: its orange (#ab5a00) is 3.9:1 on black. */
const HIGH_CONTRAST: HarnessTheme = {
  bodyClass: 'vscode-high-contrast',
  vars: {
    ...DARK.vars,
    '--vscode-editor-background': '#000000',
    '--vscode-editor-foreground': '#ffffff',
    '--vscode-foreground': '#ffffff',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-red': '#f48771',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-yellow': '#ffd370',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-charts-orange': '#ab5a00',
    '--vscode-panel-border': '#6fc3df',
  },
};

type IndicatorShown = PanelSnapshot['indicators'][number] & { paneLabel: { title: string; note: string } | null };

function indicator(s: PanelSnapshot, kind: string): IndicatorShown {
  return s.indicators.find((i) => i.kind === kind) as IndicatorShown;
}

describe.skipIf(!hasSharedData(SPOT) || !hasChromium())('indicator panes: titled, say why they are blank, legible legend', () => {
  const harness = useChromiumHarness();

  for (const [name, theme] of [['dark', DARK], ['light', LIGHT], ['high-contrast', HIGH_CONTRAST]] as const) {
    it(`a young chart: titles, "needs N bars" until there are N, legend at AA contrast (${name})`, async () => {
      // Four indicators so MACD takes the palette's fourth colour (orange), as in the report.
      const market = new Market({ sequenceRule: binanceRule, timeframe: '1s', indicators: [{ kind: 'ema', period: 9 }, { kind: 'bollinger' }, { kind: 'rsi' }, { kind: 'macd' }] });
      const feed = new CaptureFeed(market, [sharedDataPath(SPOT)]);
      await feed.feed(1500);
      const builder = new FrameBuilder(market, FACTS, { ticksPerRow: 10, initBars: market.candles.count, bookRows: 40, metrics: { imbalance: false, cvd: false } });
      const panel = await PanelPage.open(harness.browser, harness.server, { theme, width: 1000, height: 700 });
      const host = new HarnessHost(market, builder, panel, ['ema', 'bollinger', 'rsi', 'macd']);
      try {
        await panel.load();
        await host.settled();
        let s = await panel.until((x) => x.generation >= 1 && x.candles.count > 0);
        const young = s.modelBars;
        expect(young).toBeGreaterThan(0);
        expect(young).toBeLessThan(15);
        const macd = indicator(s, 'macd');
        const rsi = indicator(s, 'rsi');
        expect(macd.paneLabel).toEqual({ title: 'MACD(12,26,9)', note: 'needs 34 bars' });
        expect(rsi.paneLabel).toEqual({ title: 'RSI(14)', note: 'needs 15 bars' });
        expect(indicator(s, 'ema').paneLabel).toBeNull(); // an overlay: the legend names it
        mkdirSync(ARTIFACTS, { recursive: true });
        await panel.page.screenshot({ path: join(ARTIFACTS, `indicator-panes-young-${name}.png`) });

        // The legend's text colours against the page's background.
        const colours = await panel.page.evaluate(() => {
          const bg = getComputedStyle(document.body).backgroundColor;
          const of = (e: Element): string => getComputedStyle(e).color;
          return { bg, lines: [...document.querySelectorAll('.legend-line')].map((e) => [e.textContent ?? '', of(e)]), ohlc: of(document.querySelector('.legend-ohlc')!) };
        });
        const hex = (rgb: string): string => `#${rgb.match(/\d+/g)!.slice(0, 3).map((n) => Number(n).toString(16).padStart(2, '0')).join('')}`;
        expect(colours.lines.length).toBe(4);
        for (const [text, colour] of [...colours.lines, ['OHLC', colours.ohlc]] as [string, string][]) {
          expect(contrastRatio(hex(colour), hex(colours.bg)), `${text} in ${colour} on ${colours.bg}`).toBeGreaterThanOrEqual(4.5);
        }

        // Once RSI has its bars its pane stops saying it is waiting; MACD still needs more.
        for (let k = 0; k < 200 && (await panel.snapshot()).modelBars < 20; k++) {
          await feed.feed(150);
          await host.sendFrame();
        }
        s = await panel.until((x) => x.modelBars >= 20);
        expect(indicator(s, 'rsi').paneLabel).toEqual({ title: 'RSI(14)', note: '' });
        expect(indicator(s, 'macd').paneLabel!.note).toBe('needs 34 bars');
        for (let k = 0; k < 400 && (await panel.snapshot()).modelBars < 34; k++) {
          await feed.feed(150);
          await host.sendFrame();
        }
        s = await panel.until((x) => x.modelBars >= 34);
        expect(indicator(s, 'macd').paneLabel).toEqual({ title: 'MACD(12,26,9)', note: '' });
        expect(indicator(s, 'macd').outputs.every((v) => v !== null && Number.isFinite(v))).toBe(true);
        await panel.page.screenshot({ path: join(ARTIFACTS, `indicator-panes-grown-${name}.png`) });
        expect(panel.refused).toEqual([]);
      } finally {
        feed.close();
        await panel.close();
      }
    });
  }
});
