/**
 * The liquidity heatmap and the footprint in a real panel (headless Chromium, the real
 * FrameBuilder on the real Binance spot capture), as a user turns them on in the toolbar:
 * - heatmap: columns of resting size behind the candles, coloured (not the background) where the
 *   book had size and hatched grey where it had none (a resync), a legend of the sizes in view;
 *   the toolbar choice survives a reload (the panel asks a fresh host for it again);
 * - footprint: at wide bars, each bar's "sell × buy" rows at the ladder's step equal the trades of
 *   that bar summed by hand, its point of control too; at narrow bars plain candles (no cell
 *   drawn); bars from the exchange's history say they have no footprint, a bar whose candle
 *   counts trades from before the capture that its footprint is partial;
 * - both off (the default): frames carry neither and neither asks the chart for a repaint.
 * Screenshots of both, dark and light, 800 and 1400 px wide, in test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { binanceRule } from '../../src/engine/book/sequenceRule';
import { CandleField } from '../../src/engine/candles/candleSeries';
import type { Timeframe } from '../../src/engine/candles/timeframe';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { TRADE_STRIDE, type FrameMessage, type WebviewMessage } from '../../src/engine/protocol';
import { footprintAmount } from '../../webview/chart/footprintPrimitive';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { CaptureFeed } from './support/captureFeed';
import { HarnessHost } from './support/harnessHost';
import { repoRoot, type HarnessServer } from './support/harnessServer';
import { PanelPage, hasChromium, type PanelSnapshot } from './support/panelPage';
import { DARK, LIGHT, type HarnessTheme } from './support/vscodeThemes';
import { useChromiumHarness } from './support/chromiumHarness';

const SPOT = 'binance/spot/btcusdt_20240808.gz';
const FACTS = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };
const ROOT = repoRoot(__dirname);
const ARTIFACTS = join(ROOT, 'test-artifacts');
/** One heatmap row: 100 ticks ($1.00) on 1 s bars. */
const HEATMAP_VIEW = { timeframe: '1s' as Timeframe, ticksPerRow: 100 };
/** One footprint row: 500 ticks ($5.00) on 1 m bars (the capture's minutes trade over $20-$60). */
const FOOTPRINT_VIEW = { timeframe: '1m' as Timeframe, ticksPerRow: 500 };
const MINUTE = 60_000;

interface HeatmapShown {
  held: number;
  drawn: boolean;
  sizedPixels: number;
  gapPixels: number;
  min: number;
  max: number;
  left: number;
  right: number;
  gaps: number[];
  requests: number;
  paints: number;
  /** Times its picture was rebuilt (a repaint of the same columns and view reuses it). */
  builds: number;
}
interface FootprintShown {
  held: number;
  drawn: boolean;
  bars: number;
  partialBars: number;
  noFootprintBars: number;
  textCells: number;
  imbalances: number;
  requests: number;
  paints: number;
  barSpacing: number;
  shown: { time: number; rows: [number, string, string][]; poc: number }[];
}
type Snapshot = PanelSnapshot & { heatmap: HeatmapShown; footprint: FootprintShown; paneWidth: number; viewState: { layers: Record<string, boolean> | null } };

/** A market fed the capture's first 20,000 events (about 200 s), a builder with the view's rows, a panel showing it. */
async function openPanel(
  browser: Browser,
  server: HarnessServer,
  theme: HarnessTheme,
  width: number,
  view: { timeframe: Timeframe; ticksPerRow: number },
  /** Runs on the market before the panel opens (the exchange's history arriving). */
  before: (market: Market) => void = () => {},
) {
  // The tape holds every trade of the capture (the footprint is checked against them).
  const market = new Market({ sequenceRule: binanceRule, timeframe: view.timeframe, tapeCapacity: 60_000 });
  const feed = new CaptureFeed(market, [sharedDataPath(SPOT)]);
  await feed.feed(20_000);
  before(market);
  const builder = new FrameBuilder(market, FACTS, { ticksPerRow: view.ticksPerRow, initBars: 400, metrics: { imbalance: false, cvd: false } });
  const panel = await PanelPage.open(browser, server, { theme, width, height: 720 });
  const host = new HarnessHost(market, builder, panel, []);
  await panel.load();
  await host.settled();
  /** Feeds `events` more in chunks, a frame after each (as the live host does). */
  const play = async (events: number, chunk = 400): Promise<FrameMessage[]> => {
    const frames: FrameMessage[] = [];
    for (let fed = 0; fed < events && !feed.done; fed += chunk) {
      await feed.feed(chunk);
      const frame = await host.sendFrame();
      if (frame !== null) frames.push(frame);
    }
    return frames;
  };
  const snapshot = async (): Promise<Snapshot> => (await panel.snapshot()) as Snapshot;
  const until = async (test: (s: Snapshot) => boolean): Promise<Snapshot> => (await panel.until((s) => test(s as Snapshot))) as Snapshot;
  return { market, feed, builder, panel, host, play, snapshot, until, close: () => (feed.close(), panel.close()) };
}

/** The user clicks a layer's toolbar button (in the "⋯" menu when the panel is narrow); resolves with the intent it posted. */
async function clickLayer(panel: PanelPage, layer: string): Promise<WebviewMessage> {
  const button = panel.page.locator(`.toolbar button[data-layer="${layer}"]`);
  const inMenu = !(await button.isVisible());
  if (inMenu) await panel.page.click('.toolbar details.more > summary');
  const intent = await panel.expectMessage(() => button.click(), (m) => m.type === 'setLayer' && m.layer === layer);
  if (inMenu) await panel.page.click('.toolbar details.more > summary');
  return intent;
}

function rgb(hex: string): number[] {
  const n = parseInt(hex.slice(1, 7), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
function distance(a: number[], b: number[]): number {
  return Math.max(Math.abs(a[0]! - b[0]!), Math.abs(a[1]! - b[1]!), Math.abs(a[2]! - b[2]!));
}

async function screenshot(panel: PanelPage, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await panel.page.screenshot({ path: join(ARTIFACTS, name) });
}

/**
 * A 1 m bar's trades summed per row of `step`: its rows, highest first, [row price, sells, buys] as
 * the cells print them, and its point of control (the row with the most volume).
 */
function footprintByHand(market: Market, barTime: number, step: number): { rows: [number, string, string][]; poc: number } {
  const tape = market.tape;
  const trades = new Float64Array(tape.countSince(0) * TRADE_STRIDE);
  tape.copySince(0, trades);
  // Per price first, then per row from the lowest price up: the order the cells add in, so the
  // sums agree to the last bit (a different order can round a printed digit the other way).
  const ticks = new Map<number, [number, number]>();
  for (let i = 0; i < trades.length; i += TRADE_STRIDE) {
    if (trades[i]! < barTime || trades[i]! >= barTime + MINUTE) continue;
    const cell = ticks.get(trades[i + 1]!) ?? [0, 0];
    if (trades[i + 3]! > 0) cell[1] += trades[i + 2]!;
    else cell[0] += trades[i + 2]!;
    ticks.set(trades[i + 1]!, cell);
  }
  const rows = new Map<number, [number, number]>();
  for (const [price, [sell, buy]] of [...ticks.entries()].sort((a, b) => a[0] - b[0])) {
    const row = Math.floor(price / step + 1e-9) * step;
    const cell = rows.get(row) ?? [0, 0];
    cell[0] += sell;
    cell[1] += buy;
    rows.set(row, cell);
  }
  const sorted = [...rows.entries()].sort((a, b) => b[0] - a[0]);
  // On a tie the lowest row (as the panel scans from the bottom).
  const poc = sorted.reduce((best, row) => (row[1][0] + row[1][1] >= best[1][0] + best[1][1] ? row : best))[0];
  return { rows: sorted.map(([price, [sell, buy]]) => [price, footprintAmount(sell), footprintAmount(buy)]), poc };
}

/**
 * The exchange's 1 m history: three bars before the capture (their trades were never seen: no
 * footprint) and the capture's first minute, whose candle counts the trades before the capture
 * began (its footprint is partial).
 */
function exchangeHistory(market: Market): void {
  const first = market.candles.firstSeq;
  const open = market.candles.value(first, CandleField.OpenTime);
  const bar = (field: CandleField) => market.candles.value(first, field);
  const older = [3, 2, 1].map((k) => [open - k * MINUTE, 61_750, 61_770, 61_730, 61_750, 20]);
  market.mergeHistoryRows([...older, [open, bar(CandleField.Open), bar(CandleField.High), bar(CandleField.Low), bar(CandleField.Close), bar(CandleField.Volume) + 5]]);
}

const LOOKS: [string, HarnessTheme, number][] = [
  ['dark-1400', DARK, 1400],
  ['light-800', LIGHT, 800],
  ['light-1400', LIGHT, 1400],
  ['dark-800', DARK, 800],
];

describe.skipIf(!hasSharedData(SPOT) || !hasChromium())('the liquidity heatmap and the footprint in Chromium', () => {
  const harness = useChromiumHarness();

  it('both off by default: frames carry neither, nothing of them is drawn or asked for', async () => {
    const p = await openPanel(harness.browser, harness.server, DARK, 1100, HEATMAP_VIEW);
    try {
      const frames = await p.play(4000);
      expect(frames.length).toBeGreaterThan(5);
      expect(frames.every((f) => !('heatmap' in f) && !('footprint' in f))).toBe(true);
      await p.panel.zoomToBarSpacing(80);
      const s = await p.until((x) => x.footprint.barSpacing >= 60 && x.framesApplied === frames.length);
      expect(s.viewState.layers === null || (s.viewState.layers.heatmap !== true && s.viewState.layers.footprint !== true)).toBe(true);
      expect(await p.panel.page.getAttribute('.toolbar button[data-layer="heatmap"]', 'aria-pressed')).toBe('false');
      expect(await p.panel.page.getAttribute('.toolbar button[data-layer="footprint"]', 'aria-pressed')).toBe('false');
      expect([s.heatmap.held, s.heatmap.requests, s.heatmap.paints, s.heatmap.drawn]).toEqual([0, 0, 0, false]);
      expect([s.footprint.held, s.footprint.requests, s.footprint.paints, s.footprint.drawn]).toEqual([0, 0, 0, false]);
    } finally {
      await p.close();
    }
  }, 60_000);

  for (const [look, theme, width] of LOOKS) {
    it(`heatmap (${look}): turned on in the toolbar, sized columns are coloured behind the candles, a resync is hatched, and it stays on after a reload`, async () => {
      const p = await openPanel(harness.browser, harness.server, theme, width, HEATMAP_VIEW);
      try {
        const on = await clickLayer(p.panel, 'heatmap');
        expect(on).toMatchObject({ type: 'setLayer', layer: 'heatmap', on: true });
        await p.host.settled();
        let frames = await p.play(9000);
        await p.until((x) => x.framesApplied >= frames.length && x.heatmap.drawn);
        await screenshot(p.panel, `heatmap-${look}.png`);
        // Light: the heatmap asks the chart for a repaint only for frames that bring columns (and for
        // being turned on, and the init that followed clearing it), and the chart's repaints reuse
        // its image unless the view moved.
        const light = await p.snapshot();
        expect(light.heatmap.requests).toBeLessThanOrEqual(frames.filter((f) => f.heatmap !== undefined).length + 2);
        expect(light.heatmap.builds).toBeLessThan(light.heatmap.paints);
        // The connection drops: the book resyncs and the columns from then on are gaps.
        p.market.requestResync('test: the connection dropped');
        frames = frames.concat(await p.play(1600));
        const columns = frames.reduce((n, f) => (f.heatmap?.reset ? f.heatmap.columns.length : n + (f.heatmap?.columns.length ?? 0)), 0);
        const gaps = frames.reduce((n, f) => n + (f.heatmap?.gaps.length ?? 0), 0);
        expect(gaps).toBeGreaterThanOrEqual(3);
        const s = await p.until((x) => x.framesApplied >= frames.length && x.heatmap.drawn && x.heatmap.held === columns && x.heatmap.gapPixels > 0);
        expect(s.heatmap.sizedPixels).toBeGreaterThan(100);
        expect(s.heatmap.min).toBeGreaterThan(0);
        expect(s.heatmap.max).toBeGreaterThan(s.heatmap.min);
        await screenshot(p.panel, `heatmap-gap-${look}.png`);
        // The gap runs from the resync on; the columns just before it had a book.
        const gapX = (s.heatmap.gaps[0]! + s.heatmap.gaps[1]!) / 2;
        const sizedX = s.heatmap.gaps[0]! - 10;
        expect(sizedX).toBeGreaterThan(s.heatmap.left);
        // Down the main pane (a candle or a trade mark covers a few of these points at most).
        const ys = Array.from({ length: 60 }, (_, k) => 4 + k * 6);
        const background = rgb(theme.vars['--vscode-editor-background']!);
        const sized = await p.panel.chartPixels(ys.map((y) => [sizedX, y]));
        const gap = await p.panel.chartPixels(ys.map((y) => [gapX, y]));
        // A column with a book is tinted nearly all the way down (a larger size more), strongly somewhere.
        const tinted = sized.filter((px) => distance(px, background) > 3).length;
        expect(tinted, `points tinted in a column with size at x=${sizedX}`).toBeGreaterThan(ys.length * 0.8);
        expect(Math.max(...sized.map((px) => distance(px, background))), `a column with size at x=${sizedX}`).toBeGreaterThan(60);
        // A gap is hatched grey (the theme's muted colour over the background), never a size's colour
        // (the big trades after the resync mark up to a third of its height in their colours).
        const hatched = gap.filter((px) => distance(px, background) > 10 && Math.abs(px[0]! - px[2]!) < 12).length;
        expect(hatched, `points hatched grey in a gap column at x=${gapX}`).toBeGreaterThan(ys.length * 0.6);

        // A reload with a host that starts afresh (the heatmap off): the panel asks for it again.
        p.host.builder = new FrameBuilder(p.market, FACTS, { ticksPerRow: HEATMAP_VIEW.ticksPerRow, initBars: 400, metrics: { imbalance: false, cvd: false } });
        const since = p.panel.received.length;
        await p.panel.reload();
        const again = await p.panel.next((m) => m.type === 'setLayer' && m.layer === 'heatmap', since);
        expect(again).toMatchObject({ on: true });
        await p.host.settled();
        expect(await p.panel.page.getAttribute('.toolbar button[data-layer="heatmap"]', 'aria-pressed')).toBe('true');
        expect(p.host.builder.settings.heatmap).toBe(true);
      } finally {
        await p.close();
      }
    }, 90_000);

    it(`footprint (${look}): turned on in the toolbar, wide bars show each bar's sell × buy rows, narrow bars plain candles`, async () => {
      const p = await openPanel(harness.browser, harness.server, theme, width, FOOTPRINT_VIEW, exchangeHistory);
      try {
        const on = await clickLayer(p.panel, 'footprint');
        expect(on).toMatchObject({ type: 'setLayer', layer: 'footprint', on: true });
        await p.host.settled();
        const frames = await p.play(25_000, 1000);
        expect(frames.some((f) => f.footprint !== undefined && f.footprint.cells.length > 0)).toBe(true);
        // At the default spacing (6 px) the bars are too narrow: candles, no cell.
        let s = await p.until((x) => x.framesApplied >= frames.length && x.footprint.held > 0);
        expect(s.footprint.barSpacing).toBeLessThan(60);
        expect([s.footprint.drawn, s.footprint.bars, s.footprint.textCells]).toEqual([false, 0, 0]);
        // Wide enough for a bar's numbers: a quarter of a wide panel, a third of a narrow one.
        await p.panel.zoomToBarSpacing(width >= 1200 ? 260 : 150);
        s = await p.until((x) => x.footprint.barSpacing >= 60 && x.footprint.drawn && x.footprint.shown.length > 0);
        await screenshot(p.panel, `footprint-${look}.png`);
        expect(s.footprint.bars).toBeGreaterThanOrEqual(2);
        expect(s.footprint.textCells).toBeGreaterThan(20);
        // Every bar in view shows its own trades, summed at the step: each row, and the point of control.
        const step = FACTS.tickSize * FOOTPRINT_VIEW.ticksPerRow;
        for (const bar of s.footprint.shown) {
          const byHand = footprintByHand(p.market, bar.time, step);
          expect(bar.rows, `bar ${bar.time}`).toEqual(byHand.rows);
          expect(bar.poc, `bar ${bar.time}`).toBe(byHand.poc);
        }

        // Back at the oldest bars: those from the exchange's history say they have no footprint,
        // the capture's first minute that its footprint is partial.
        const box = (await p.panel.page.locator('.chart').boundingBox())!;
        // Dragged right a bar at a time until the oldest bars from the exchange's history are in view.
        for (let k = 0; k < 20 && (await p.snapshot()).visibleRange!.from > 1.2; k++) {
          await p.panel.page.mouse.move(box.x + 100, box.y + box.height * 0.4);
          await p.panel.page.mouse.down();
          await p.panel.page.mouse.move(box.x + 100 + s.footprint.barSpacing, box.y + box.height * 0.4, { steps: 5 });
          await p.panel.page.mouse.up();
        }
        await p.panel.page.mouse.move(box.x + box.width + 200, box.y + 5);
        s = await p.until((x) => x.footprint.drawn && x.footprint.noFootprintBars > 0);
        await screenshot(p.panel, `footprint-history-${look}.png`);
        expect(s.footprint.partialBars).toBe(1);
      } finally {
        await p.close();
      }
    }, 90_000);
  }
});
