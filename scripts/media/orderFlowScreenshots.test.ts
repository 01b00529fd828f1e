/**
 * The README's pictures of the liquidity heatmap and the footprint on the demo market (the
 * simulator's SIM/USDT, as `Orderscope: Open Demo` opens it), taken in the real panel in headless
 * Chromium (Dark Modern colours) from a real engine fed minutes of simulated market at once.
 * Not part of `npm test`: run
 *   npx vitest run --config scripts/media/vitest.config.ts
 * to write them to test-artifacts/media/, with ORDERSCOPE_UPDATE_SCREENSHOT=1 also to media/.
 * Each picture is checked to show what its caption says before it is kept.
 */
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Timeframe } from '../../src/engine/candles/timeframe';
import { MarketEvent } from '../../src/engine/events';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import type { MarketFacts } from '../../src/engine/protocol';
import { MarketSimulator } from '../../src/feeds/simulator/marketSimulator';
import { SIMULATOR_EXCHANGE, SIMULATOR_SYMBOL } from '../../src/feeds/simulator/simulatorFeed';
import { HarnessHost } from '../../test/webview/support/harnessHost';
import { useChromiumHarness } from '../../test/webview/support/chromiumHarness';
import { repoRoot, type HarnessServer } from '../../test/webview/support/harnessServer';
import { PanelPage, type PanelSnapshot } from '../../test/webview/support/panelPage';
import { DARK, type HarnessTheme } from '../../test/webview/support/vscodeThemes';

const ROOT = repoRoot(__dirname);
const ARTIFACTS = join(ROOT, 'test-artifacts', 'media');
const UPDATE = process.env.ORDERSCOPE_UPDATE_SCREENSHOT === '1';
/** The README ships in the .vsix: each picture stays under this. */
const MAX_BYTES = 150_000;

/** VS Code's Default Dark Modern colours (as test/unit/themeContrast.test.ts lists them). */
const DARK_MODERN: HarnessTheme = {
  bodyClass: 'vscode-dark',
  vars: {
    ...DARK.vars,
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-editor-foreground': '#cccccc',
    '--vscode-panel-border': '#2b2b2b',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-yellow': '#cca700',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-purple': '#b180d7',
  },
};

/** The demo's market, from a fixed seed and start (same pictures every run). */
const SEED = 1;
const START = Date.UTC(2026, 0, 5, 14, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;

type Snapshot = PanelSnapshot & {
  heatmap: { drawn: boolean; held: number; sizedPixels: number; gapPixels: number; min: number; max: number; left: number; right: number };
  footprint: { drawn: boolean; bars: number; textCells: number; noFootprintBars: number; partialBars: number; barSpacing: number; shown: { time: number; rows: unknown[]; poc: number }[] };
  paneWidth: number;
};

/**
 * A Market built as a market session builds it for the simulator (its facts, tick size and the
 * default sequence rule), given the simulator's past like its feed, then `liveMs` of simulated
 * market at once.
 */
function demoMarket(timeframe: Timeframe, liveMs: number) {
  const sim = new MarketSimulator({ seed: SEED, symbol: SIMULATOR_SYMBOL, startTime: START, historyBars: 1000 });
  const facts: MarketFacts = {
    exchange: SIMULATOR_EXCHANGE,
    symbol: sim.options.symbol,
    tickSize: sim.options.tickSize,
    pricePrecision: sim.prices.decimals(),
    amountPrecision: sim.amounts.decimals(),
  };
  const market = new Market({ symbol: facts.symbol, tickSize: facts.tickSize, timeframe });
  market.mergeHistoryRows(sim.history(timeframe, 1000));
  const event = new MarketEvent();
  /** Feeds every simulated event up to `ms` after the start. */
  const runTo = (ms: number): void => {
    while (sim.nextTime() <= START + ms) {
      sim.step(event);
      market.onEvent(event);
    }
  };
  runTo(liveMs);
  return { market, facts, runTo };
}

async function openPanel(browser: Browser, server: HarnessServer, view: { timeframe: Timeframe; ticksPerRow: number; liveMs: number; width: number; height: number }) {
  const { market, facts, runTo } = demoMarket(view.timeframe, view.liveMs);
  const builder = new FrameBuilder(market, facts, { ticksPerRow: view.ticksPerRow, initBars: 1000, metrics: { imbalance: false, cvd: false } });
  const panel = await PanelPage.open(browser, server, { theme: DARK_MODERN, width: view.width, height: view.height });
  const host = new HarnessHost(market, builder, panel, []);
  await panel.load();
  await host.settled();
  let clock = view.liveMs;
  /** Runs `ms` more of simulated market, a frame per simulated second (as the live host does). */
  const play = async (ms: number): Promise<number> => {
    let frames = 0;
    for (const end = clock + ms; clock < end; ) {
      clock = Math.min(end, clock + SECOND);
      runTo(clock);
      if ((await host.sendFrame()) !== null) frames++;
    }
    return frames;
  };
  const snapshot = async (): Promise<Snapshot> => (await panel.snapshot()) as Snapshot;
  const until = async (test: (s: Snapshot) => boolean): Promise<Snapshot> => (await panel.until((s) => test(s as Snapshot))) as Snapshot;
  return { market, panel, host, play, snapshot, until };
}

/** The user turns a layer on in the toolbar (the panel is wide: the button is in view). */
async function turnOn(panel: PanelPage, layer: 'heatmap' | 'footprint'): Promise<void> {
  await panel.expectMessage(() => panel.page.click(`.toolbar button[data-layer="${layer}"]`), (m) => m.type === 'setLayer' && m.layer === layer && m.on);
}

/** Screenshots the chart (no toolbar, ladder or tape) to test-artifacts/media/ (and media/ when updating). Returns its size in bytes. */
async function chartPicture(panel: PanelPage, name: string): Promise<number> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  const box = (await panel.page.locator('.chart').boundingBox())!;
  await panel.page.screenshot({ path, clip: box });
  const bytes = statSync(path).size;
  expect(bytes, `${name} ships in the .vsix`).toBeLessThan(MAX_BYTES);
  if (UPDATE) copyFileSync(path, join(ROOT, 'media', name));
  return bytes;
}

describe('the README pictures of the order-flow layers on the demo market', () => {
  const harness = useChromiumHarness();

  it('heatmap: 1 s candles over the book at a 1-tick step, about 200 columns in view', async () => {
    // Turned on at 54:30 and watched live (a column a second): the simulated price is about to
    // fall through the bids and climb back through the asks.
    const p = await openPanel(harness.browser, harness.server, { timeframe: '1s', ticksPerRow: 1, liveMs: 54.5 * MINUTE, width: 1280, height: 720 });
    try {
      await turnOn(p.panel, 'heatmap');
      await p.host.settled();
      const frames = await p.play(5 * MINUTE);
      await p.until((x) => x.framesApplied >= frames && x.heatmap.drawn);
      await p.panel.zoomToBarSpacing(4);
      const s = await p.until((x) => x.heatmap.drawn && x.footprint.barSpacing <= 4);
      // Columns from the chart's left edge to the newest bar, every one with size.
      expect(s.heatmap.held).toBeGreaterThan(300);
      expect(s.heatmap.left).toBeLessThanOrEqual(1);
      expect(s.heatmap.right - s.heatmap.left).toBeGreaterThan(180 * 4);
      expect([s.heatmap.sizedPixels, s.heatmap.gapPixels]).toEqual([s.heatmap.right - s.heatmap.left, 0]);
      console.log(`heatmap.png: ${s.heatmap.held} columns held, sizes ${s.heatmap.min.toPrecision(3)}..${s.heatmap.max.toPrecision(4)}, ${await chartPicture(p.panel, 'heatmap.png')} bytes`);
    } finally {
      await p.panel.close();
    }
  });

  it('footprint: five 1 m bars traded live at a 1-tick step, wide enough to read', async () => {
    // 15:14 to 15:18: a climb whose 15:16 point of control no later bar traded through (an nPOC).
    const p = await openPanel(harness.browser, harness.server, { timeframe: '1m', ticksPerRow: 1, liveMs: 78 * MINUTE, width: 1280, height: 720 });
    try {
      await turnOn(p.panel, 'footprint');
      await p.host.settled();
      const frames = await p.play(45 * SECOND);
      await p.until((x) => x.framesApplied >= frames);
      await p.panel.zoomToBarSpacing(180);
      // Narrowed so that a whole bar starts at the left edge (bar i's left edge is at (i - from) ×
      // spacing; the chart keeps its right edge and spacing), the legend left in place.
      const zoomed = await p.until((x) => x.visibleRange !== null);
      const from = zoomed.visibleRange!.from;
      await p.panel.page.setViewportSize({ width: 1280 - Math.floor((Math.ceil(from) - from) * zoomed.footprint.barSpacing), height: 720 });
      const s = await p.until((x) => x.footprint.drawn && Math.abs(x.visibleRange!.from - Math.ceil(from)) < 0.02);
      expect(s.footprint.shown.length).toBeGreaterThanOrEqual(4);
      expect([s.footprint.noFootprintBars, s.footprint.partialBars]).toEqual([0, 0]);
      for (const bar of s.footprint.shown) expect(bar.rows.length, `rows of the bar at ${new Date(bar.time).toISOString()}`).toBeGreaterThanOrEqual(8);
      const rows = s.footprint.shown.map((b) => b.rows.length).join(', ');
      console.log(`footprint.png: ${s.footprint.shown.length} bars of ${rows} rows, ${await chartPicture(p.panel, 'footprint.png')} bytes`);
    } finally {
      await p.panel.close();
    }
  });
});
