/**
 * What the footprint's settings and its naked points of control show in a real panel (headless
 * Chromium), on 1 m bars of known trades at $1.00 rows:
 * - `orderscope.footprint.display`: "sell × buy" per row, the signed delta per row, or the total
 *   per row, each exactly the bar's trades summed by hand; a new init with another setting
 *   changes the drawn numbers at once; every text colour keeps AA contrast on what it is drawn on;
 * - `orderscope.footprint.imbalanceRatio`: a diagonal of 2.5× is highlighted at 2, not at 3;
 * - naked POCs: exactly the POCs no later bar traded through are drawn (also where a later bar's
 *   range lies above and another's below, so a running min/max would call it reached), over the
 *   cells and over plain candles; a live trade through one removes it; repaints alone do not
 *   recompute them.
 * Screenshots of the delta mode and of the naked POCs, dark and light, in test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { DEFAULT_DISPLAY, type DisplayDefaults } from '../../src/engine/protocol';
import { footprintAmount, footprintDelta } from '../../webview/chart/footprintPrimitive';
import { contrastRatio, readableOn } from '../../webview/theme/theme';
import { HarnessHost } from './support/harnessHost';
import { repoRoot } from './support/harnessServer';
import { PanelPage, hasChromium, type PanelSnapshot } from './support/panelPage';
import { DARK, LIGHT, type HarnessTheme } from './support/vscodeThemes';
import { useChromiumHarness } from './support/chromiumHarness';

const FACTS = { exchange: 'fake', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 3 };
const ROOT = repoRoot(__dirname);
const ARTIFACTS = join(ROOT, 'test-artifacts');
const MINUTE = 60_000;
const T0 = 1_700_000_040_000 - (1_700_000_040_000 % MINUTE);
/** $1.00 rows. */
const TICKS_PER_ROW = 100;
const BUY = 1;
const SELL = -1;

interface FootprintShown {
  held: number;
  drawn: boolean;
  display: string;
  bars: number;
  textCells: number;
  imbalances: number;
  paints: number;
  barSpacing: number;
  shown: { time: number; rows: [number, ...string[]][]; poc: number }[];
  textOn: [string, string][];
  nakedPocsFound: number;
  nakedPocsDrawn: number;
  nakedPocTimes: number[];
  nakedPocPrices: number[];
  nakedPocComputes: number;
}
type Snapshot = PanelSnapshot & { footprint: FootprintShown; paneWidth: number };

/**
 * Six 1 m bars, as [price, amount, side] trades (the candle's low and high are the extreme prices):
 * - A: rows 102 (sell 1.5, buy 0.3), 101 (sell 0.4, buy 1.5 + 0.5: the POC), 100 (sell 0.8, buy 1.3);
 *   row 101's buys are 2.5× row 100's sells (a diagonal imbalance at a ratio of 2, not 3);
 * - B: row 106 only; C: row 108 only;
 * - D: 100.50 and 101.00 (its high touches A's POC row, 101.00-101.99: traded through); POC row 100;
 * - E: 109.00 (just above C's row: not through it) and 110.20; POC row 110;
 * - F, the live bar: 104.20-104.40.
 * Naked: B (106: D, F below it and C, E above, never through), C (108), D (100), E (110). Not A.
 */
const BARS: [number, number, number][][] = [
  [
    [102.2, 1.5, SELL],
    [102.5, 0.3, BUY],
    [101.1, 0.4, SELL],
    [101.1, 1.5, BUY],
    [101.9, 0.5, BUY],
    [100.2, 0.8, SELL],
    [100.6, 1.3, BUY],
  ],
  [
    [106.2, 0.7, BUY],
    [106.6, 0.4, SELL],
  ],
  [
    [108.1, 0.6, BUY],
    [108.5, 0.2, BUY],
  ],
  [
    [100.5, 1.0, BUY],
    [101.0, 0.2, BUY],
  ],
  [
    [109.0, 0.1, BUY],
    [110.2, 1.0, BUY],
  ],
  [
    [104.2, 0.3, BUY],
    [104.4, 0.3, BUY],
  ],
];
const barTime = (b: number): number => T0 + b * MINUTE;

function tradedMarket(): Market {
  const market = new Market({ tickSize: FACTS.tickSize, timeframe: '1m' });
  BARS.forEach((trades, b) => trades.forEach(([price, amount, side], k) => market.onTrade(barTime(b) + 1000 * (k + 1), price, amount, side)));
  return market;
}

function display(d: Partial<DisplayDefaults>): DisplayDefaults {
  return { ...DEFAULT_DISPLAY, depthOverlayWidth: 80, ...d };
}

async function screenshot(panel: PanelPage, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await panel.page.screenshot({ path: join(ARTIFACTS, name) });
}

describe('footprint amounts', () => {
  it('an amount and a delta fit 5 characters, a delta signed, the unit chosen after rounding', () => {
    expect([0.5, 1.2, 0.042, 999.96, 999_960, 0.9996].map(footprintAmount)).toEqual(['.500', '1.20', '.042', '1.00K', '1.00M', '1.00']);
    expect([0.5, -1.2, 2.5, -0.042, 1234, -56_789, 999, 0].map(footprintDelta)).toEqual(['+.500', '−1.20', '+2.50', '−.042', '+1.2K', '−57K', '+999', '0']);
    for (const x of [0.0004, 0.3, 7.77, 99.96, 999.6, 12_345, 999_499, 4.56e6]) {
      expect(footprintAmount(x).length, `${x}`).toBeLessThanOrEqual(5);
      expect(footprintDelta(-x).length, `${-x}`).toBeLessThanOrEqual(5);
    }
  });
});

describe.skipIf(!hasChromium())('footprint display settings and naked points of control in Chromium', () => {
  const harness = useChromiumHarness();

  /** A panel showing the six bars with the footprint layer on (no ladder or tape: a wide chart). */
  async function open(theme: HarnessTheme, settings: Partial<DisplayDefaults>) {
    const market = tradedMarket();
    const builder = new FrameBuilder(market, FACTS, {
      ticksPerRow: TICKS_PER_ROW,
      initBars: 100,
      metrics: { imbalance: false, cvd: false },
      layers: { volume: true, depth: true, ladder: false, tape: false, footprint: true },
      footprint: true,
      display: display(settings),
    });
    const panel = await PanelPage.open(harness.browser, harness.server, { theme, width: 1000, height: 640 });
    const host = new HarnessHost(market, builder, panel, []);
    await panel.load();
    await host.settled();
    // The footprint's cells come with the frame after an init.
    await host.sendFrame();
    const snapshot = async (): Promise<Snapshot> => (await panel.snapshot()) as Snapshot;
    const until = async (test: (s: Snapshot) => boolean): Promise<Snapshot> => (await panel.until((s) => test(s as Snapshot))) as Snapshot;
    /** The host's settings change: a new init with them, then the footprint's cells again. */
    const setDisplay = async (d: Partial<DisplayDefaults>) => {
      builder.updateSettings({ display: display(d) });
      await host.send(builder.buildInit(host.status));
      await host.sendFrame();
    };
    return { market, builder, panel, host, snapshot, until, setDisplay };
  }

  const barA = (s: Snapshot) => s.footprint.shown.find((b) => b.time === barTime(0));
  const naked = (s: Snapshot) => s.footprint.nakedPocTimes.slice(0, s.footprint.nakedPocsDrawn).map((t, k) => [(t - T0) / MINUTE, s.footprint.nakedPocPrices[k]]);

  for (const [name, theme] of [
    ['dark', DARK],
    ['light', LIGHT],
  ] as [string, HarnessTheme][]) {
    it(`shows sell × buy, delta or total as the setting says, switched live, at AA contrast (${name})`, async () => {
      const p = await open(theme, { footprintDisplay: 'bidAsk' });
      try {
        await p.panel.zoomToBarSpacing(90);
        let s = await p.until((x) => x.footprint.drawn && barA(x) !== undefined);
        expect(s.footprint.display).toBe('bidAsk');
        expect(barA(s)).toEqual({
          time: barTime(0),
          rows: [
            [102, '1.50', '.300'],
            [101, '.400', '2.00'],
            [100, '.800', '1.30'],
          ],
          poc: 101,
        });

        await p.setDisplay({ footprintDisplay: 'delta' });
        s = await p.until((x) => x.footprint.display === 'delta' && barA(x) !== undefined);
        expect(barA(s)).toEqual({
          time: barTime(0),
          rows: [
            [102, '−1.20'],
            [101, '+1.60'],
            [100, '+.500'],
          ],
          poc: 101,
        });
        await screenshot(p.panel, `footprint-delta-${name}.png`);

        await p.setDisplay({ footprintDisplay: 'total' });
        s = await p.until((x) => x.footprint.display === 'total' && barA(x) !== undefined);
        expect(barA(s)).toEqual({
          time: barTime(0),
          rows: [
            [102, '1.80'],
            [101, '2.40'],
            [100, '2.10'],
          ],
          poc: 101,
        });
        await screenshot(p.panel, `footprint-total-${name}.png`);

        // Every text colour on the fill it is drawn on (a translucent fill over the background).
        const background = theme.vars['--vscode-editor-background']!;
        expect(s.footprint.textOn.length).toBeGreaterThanOrEqual(4);
        for (const [text, fill] of s.footprint.textOn) {
          const under = readableOn(fill, background, 1);
          expect(contrastRatio(text, under), `${text} on ${fill} over ${background}`).toBeGreaterThanOrEqual(4.5);
        }
      } finally {
        await p.panel.close();
      }
    }, 60_000);
  }

  it('highlights a 2.5× diagonal at an imbalance ratio of 2, not at 3', async () => {
    const p = await open(DARK, { imbalanceRatio: 3 });
    try {
      await p.panel.zoomToBarSpacing(90);
      let s = await p.until((x) => x.footprint.drawn && barA(x) !== undefined);
      expect(s.footprint.imbalances).toBe(0);
      await p.setDisplay({ imbalanceRatio: 2 });
      s = await p.until((x) => x.footprint.drawn && barA(x) !== undefined && x.footprint.imbalances > 0);
      expect(s.footprint.imbalances).toBe(1);
      await p.setDisplay({ imbalanceRatio: 2.6 });
      s = await p.until((x) => x.footprint.drawn && barA(x) !== undefined && x.footprint.imbalances === 0);
      expect(s.footprint.imbalances).toBe(0);
    } finally {
      await p.panel.close();
    }
  }, 60_000);

  for (const [name, theme] of [
    ['dark', DARK],
    ['light', LIGHT],
  ] as [string, HarnessTheme][]) {
    it(`draws exactly the naked POCs, over candles and cells, until a later trade goes through one (${name})`, async () => {
      const p = await open(theme, {});
      try {
        // Narrow bars: candles, and the naked POCs over them (newest first: E, D, C, B; not A).
        let s = await p.until((x) => x.footprint.held === BARS.length && x.footprint.nakedPocsDrawn > 0);
        expect(s.footprint.barSpacing).toBeLessThan(60);
        expect(s.footprint.drawn).toBe(false);
        expect(s.footprint.nakedPocsFound).toBe(4);
        expect(naked(s)).toEqual([
          [4, 110],
          [3, 100],
          [2, 108],
          [1, 106],
        ]);
        await screenshot(p.panel, `footprint-npoc-candles-${name}.png`);

        await p.panel.zoomToBarSpacing(90);
        s = await p.until((x) => x.footprint.drawn && barA(x) !== undefined && x.footprint.nakedPocsDrawn > 0);
        expect(naked(s)).toEqual([
          [4, 110],
          [3, 100],
          [2, 108],
          [1, 106],
        ]);
        await screenshot(p.panel, `footprint-npoc-${name}.png`);
        // Repaints of the same bars (a zoom step) reuse the list.
        const computes = s.footprint.nakedPocComputes;
        const paints = s.footprint.paints;
        const box = (await p.panel.page.locator('.chart').boundingBox())!;
        await p.panel.page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.4);
        await p.panel.page.mouse.wheel(0, 100);
        await p.panel.page.mouse.move(box.x + box.width + 200, box.y + 5);
        s = await p.until((x) => x.footprint.paints > paints);
        expect(s.footprint.nakedPocComputes).toBe(computes);

        // The live bar trades up through B's level (106): B is no longer naked.
        p.market.onTrade(barTime(5) + 30_000, 106.4, 0.1, BUY);
        await p.host.sendFrame();
        s = await p.until((x) => x.footprint.nakedPocsFound === 3);
        expect(naked(s)).toEqual([
          [4, 110],
          [3, 100],
          [2, 108],
        ]);
        expect(s.footprint.nakedPocComputes).toBeGreaterThan(computes);
      } finally {
        await p.panel.close();
      }
    }, 60_000);
  }
});
