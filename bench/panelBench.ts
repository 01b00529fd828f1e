/**
 * The chart panel under load, in headless Chromium with software rendering, the mouse jittering
 * over the chart: the real engine (Market + FrameBuilder) behind the real ack-paced
 * FrameScheduler, fed in real time for RUN_MS with 1000 trades/s (the Binance spot capture's
 * trades, re-timed) and 10 book updates/s (the capture's depth diffs at their own 100 ms pace),
 * over a chart holding 10k and then 100k one-minute bars (synthetic history before the capture:
 * the capture itself spans minutes). Frame rate and frame times come from requestAnimationFrame
 * timestamps in the page.
 *
 * The order-flow variant (issue 12) is the same 10k-bar run (after a 10 s warm-up) with the liquidity heatmap and the
 * footprint on in the frame builder and in the panel: frames carry heatmap columns (one per 1 s
 * slice of the market's clock, which the re-timed trades advance in real time) and footprint cells,
 * and the panel draws them. It runs at the default zoom and zoomed in until the bars are at least
 * FOOTPRINT_MIN_SPACING wide (below that the footprint draws no cells).
 *
 * The naive peer, measured in the same run: one candlestick series (no history/live split)
 * with `update()` per trade message, 1000 messages/s posted inside the page (cheaper transport
 * than ours); and, for bytes, the full state as JSON for every frame. Last, a blank page with
 * the same pointer jitter gives the frame cadence the machine allows at that moment.
 */
import type { Browser, Page } from 'playwright-core';
import { binanceRule } from '../src/engine/book/sequenceRule';
import { CandleField } from '../src/engine/candles/candleSeries';
import { EventKind, MarketEvent } from '../src/engine/events';
import { FrameBuilder } from '../src/engine/frame/frameBuilder';
import { Market } from '../src/engine/market';
import type { HostMessage } from '../src/engine/protocol';
import { FrameScheduler } from '../src/extension/panel/frameScheduler';
import { FOOTPRINT_MIN_SPACING } from '../webview/chart/footprintPrimitive';
import { CaptureReader } from '../src/feeds/captureReader';
import { repoRoot, startHarnessServer, type HarnessServer } from '../test/webview/support/harnessServer';
import { PanelPage, launchChromium } from '../test/webview/support/panelPage';
import { messageBytes } from '../test/webview/support/wireCodec';
import { sharedDataFile, SPOT_CAPTURE_FILES } from './sharedCapture';

const RUN_MS = 10_000;
const WARMUP_MS = 2_000;
/**
 * Warm-up of the order-flow runs: a heatmap column closes once a second, so its code runs about
 * twice in 2 s and is still being compiled (and deoptimized) in the measured window; 10 s gives
 * it the steady state the other paths reach in 2 s.
 */
const ORDER_FLOW_WARMUP_MS = 10_000;
const TRADES_PER_SEC = 1000;
const BOOK_UPDATES_PER_SEC = 10;
const BAR_MS = 60_000;
const FACTS = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };
const PANEL = { bookRows: 40, ticksPerRow: 10, metrics: { imbalance: false, cvd: false } };
/** Overlays EMA and Bollinger, panes RSI and MACD (plus volume); OBI and CVD not asked for. */
const INDICATORS = [{ kind: 'ema', period: 21 }, { kind: 'bollinger' }, { kind: 'rsi' }, { kind: 'macd' }];
/** The stream starts this far into the live minute, so a bar closes mid-measurement (as one does every minute). */
const START_INTO_BAR_MS = 52_000;
/**
 * The heatmap and the footprint on, in the builder's frames and in the panel's layers, and the
 * panel's visible-range volume profile (drawn from the footprint cells; a panel without that layer ignores it).
 */
const ORDER_FLOW = { heatmap: true, footprint: true, layers: { volume: true, depth: true, ladder: true, tape: true, heatmap: true, footprint: true, profile: true } };
/** Bar width of the zoomed order-flow run: footprint cells with room for their numbers. */
const ORDER_FLOW_ZOOM_PX = 80;

export interface PanelRun {
  fps: number;
  p99Ms: number;
  buildMs: number[];
  /** CPU time of each build (process.cpuUsage around it): its cost without the waits of a core taken by the browser. */
  buildCpuMs: number[];
  frameBytes: number[];
  initBytes: number;
  /** JSON of the full state (what a naive host would send per frame). */
  fullStateJsonBytes: number;
  /** With the order-flow layers on: what the frames carried and the panel drew by the end. */
  orderFlow: OrderFlowShown | null;
}

/** The order-flow layers' part of a run: proof that they were fed and drawn. */
interface OrderFlowShown {
  framesWithHeatmap: number;
  framesWithFootprint: number;
  heatmapColumnsHeld: number;
  heatmapBuilds: number;
  heatmapSizedPixels: number;
  footprintBarsHeld: number;
  /** Bars drawn as cells in the last paint (0 when the bars are narrower than FOOTPRINT_MIN_SPACING). */
  footprintBarsDrawn: number;
  footprintTextCells: number;
  barSpacing: number;
  /** The debug hook's picture of the volume profile, or null when the panel has none. */
  profile: unknown;
}

/** The debug hook's order-flow parts (see webview/debugHook.ts). */
interface OrderFlowSnapshot {
  paneWidth: number;
  depth: { style: { width: number } };
  heatmap: { held: number; builds: number; sizedPixels: number };
  footprint: { held: number; bars: number; textCells: number; barSpacing: number };
  profile?: unknown;
}

export async function runPanelBench(): Promise<Record<string, number>> {
  const server = await startHarnessServer(repoRoot(__dirname));
  const browser = await launchChromium();
  try {
    // A fresh browser's first page pays one-off costs (code caching of the bundle, fonts, raster
    // caches): a short unmeasured run first, so the first measured run is like the others.
    await runPanel(browser, server, 1_000, 2_000);
    const run10k = await runPanel(browser, server, 10_000);
    log('panel, 10k bars', run10k);
    const run100k = await runPanel(browser, server, 100_000);
    log('panel, 100k bars', run100k);
    const orderFlowWide = await runPanel(browser, server, 10_000, RUN_MS, 0);
    log('panel, 10k bars, heatmap + footprint on, default zoom', orderFlowWide);
    const orderFlow = await runPanel(browser, server, 10_000, RUN_MS, ORDER_FLOW_ZOOM_PX);
    log(`panel, 10k bars, heatmap + footprint on, zoomed to ≥ ${ORDER_FLOW_ZOOM_PX} px bars`, orderFlow);
    const naive = await runNaive(browser, server, 10_000);
    console.log(`  naive (1 series, update() per message), 10k bars: ${naive.fps.toFixed(1)} fps, p99 frame ${naive.p99Ms.toFixed(1)} ms`);
    const idle = await runIdle(browser, server);
    console.log(`  machine floor (blank page, same pointer jitter): ${idle.fps.toFixed(1)} fps, p99 frame ${idle.p99Ms.toFixed(1)} ms`);
    const builds = [...run10k.buildMs, ...run100k.buildMs];
    return {
      panelFps10k: round(run10k.fps, 1),
      panelP99Ms10k: round(run10k.p99Ms, 1),
      panelFps100k: round(run100k.fps, 1),
      panelP99Ms100k: round(run100k.p99Ms, 1),
      frameBuildP99Ms: round(percentile(builds, 0.99), 3),
      panelFpsOrderFlow10k: round(orderFlow.fps, 1),
      panelP99MsOrderFlow10k: round(orderFlow.p99Ms, 1),
      panelFpsOrderFlowWide10k: round(orderFlowWide.fps, 1),
      panelP99MsOrderFlowWide10k: round(orderFlowWide.p99Ms, 1),
      frameBuildP99MsOrderFlow: round(percentile([...orderFlowWide.buildMs, ...orderFlow.buildMs], 0.99), 3),
      frameBuildCpuP99Ms: round(percentile([...run10k.buildCpuMs, ...run100k.buildCpuMs], 0.99), 3),
      frameBuildCpuP99MsOrderFlow: round(percentile([...orderFlowWide.buildCpuMs, ...orderFlow.buildCpuMs], 0.99), 3),
      bytesPerFrameRatio: round(median(run10k.frameBytes) / run10k.initBytes, 5),
      naivePanelFps10k: round(naive.fps, 1),
      naivePanelP99Ms10k: round(naive.p99Ms, 1),
      naiveBytesPerFrameRatio: round(run10k.fullStateJsonBytes / run10k.initBytes, 3),
      idlePageFps: round(idle.fps, 1),
      idlePageP99Ms: round(idle.p99Ms, 1),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

function log(name: string, r: PanelRun): void {
  console.log(
    `  ${name}: ${r.fps.toFixed(1)} fps, p99 frame ${r.p99Ms.toFixed(1)} ms; ${r.buildMs.length} frames sent, build p99 ${percentile(r.buildMs, 0.99).toFixed(3)} ms (CPU ${percentile(r.buildCpuMs, 0.99).toFixed(3)} ms); ` +
      `median frame ${median(r.frameBytes)} B vs init ${r.initBytes} B (full-state JSON ${r.fullStateJsonBytes} B)`,
  );
  const o = r.orderFlow;
  if (o === null) return;
  console.log(
    `    frames with heatmap columns ${o.framesWithHeatmap}, with footprint cells ${o.framesWithFootprint}; at the end: ${o.heatmapColumnsHeld} heatmap columns held ` +
      `(${o.heatmapBuilds} image builds, ${o.heatmapSizedPixels} coloured pixel columns), footprint ${o.footprintBarsHeld} bars held, ` +
      `${o.footprintBarsDrawn} drawn as cells (${o.footprintTextCells} with numbers) at ${o.barSpacing.toFixed(1)} px a bar; ` +
      `volume profile: ${o.profile === null ? 'not in this panel' : JSON.stringify(o.profile).slice(0, 200)}`,
  );
}

/**
 * The app, fed by the engine through the scheduler, in real time. `orderFlowBarPx`: null, the
 * heatmap and footprint off (the defaults); a number, both on, zoomed in until the bars are at
 * least that wide (0: the default zoom).
 */
async function runPanel(browser: Browser, server: HarnessServer, bars: number, runMs = RUN_MS, orderFlowBarPx: number | null = null): Promise<PanelRun> {
  const market = new Market({ sequenceRule: binanceRule, timeframe: '1m', candleCapacity: bars + 100, indicators: INDICATORS });
  const replay = new Replay(market);
  const base = seedHistory(market, bars) + START_INTO_BAR_MS;
  await replay.prepareBook();
  const settings = orderFlowBarPx === null ? { ...PANEL, initBars: bars } : { ...PANEL, ...ORDER_FLOW, initBars: bars };
  const warmupMs = orderFlowBarPx === null ? WARMUP_MS : ORDER_FLOW_WARMUP_MS;
  const builder = new FrameBuilder(market, FACTS, settings);
  const buildCpuMs: number[] = [];
  const build = builder.buildFrame.bind(builder);
  builder.buildFrame = (...args: Parameters<FrameBuilder['buildFrame']>) => {
    const before = process.cpuUsage();
    const frame = build(...args);
    const used = process.cpuUsage(before);
    if (frame !== null && measuring) buildCpuMs.push((used.user + used.system) / 1000);
    return frame;
  };
  const panel = await PanelPage.open(browser, server, { width: 1280, height: 720 });
  const buildMs: number[] = [];
  const frameBytes: number[] = [];
  let initBytes = 0;
  let measuring = false;
  const carried = { heatmap: 0, footprint: 0 };
  const post = (message: HostMessage): void => {
    if (message.type === 'init') initBytes = messageBytes(message);
    if (message.type === 'frame' && measuring) {
      buildMs.push(message.stats.buildMs);
      frameBytes.push(messageBytes(message));
      if (message.heatmap !== undefined && message.heatmap.columns.length > 0) carried.heatmap++;
      if (message.footprint !== undefined && message.footprint.cells.length > 0) carried.footprint++;
    }
    panel.send(message).catch(() => {}); // a send racing the page's close at the end
  };
  const scheduler = new FrameScheduler(builder, post, () => ({ state: 'live', detail: '', value: 0 }));
  panel.onMessage = (m) => {
    if (m.type === 'ready') scheduler.onReady();
    else if (m.type === 'ack') scheduler.onAck(m.id, m.renderMs);
    else if (m.type === 'loadOlder') post(builder.buildHistory(m.before));
  };
  try {
    await panel.load();
    await panel.until((s) => s.candles.count === bars, 60_000);
    await settle(panel.page);
    if (orderFlowBarPx !== null && orderFlowBarPx > 0) {
      const reached = await panel.zoomToBarSpacing(orderFlowBarPx);
      if (reached < orderFlowBarPx) throw new Error(`zooming reached ${reached} px a bar, not ${orderFlowBarPx}`);
    }
    const stopMouse = jitterMouse(panel.page);
    const started = performance.now();
    const fed = { trades: 0, depth: 0 };
    // Streaming from the start; measured after a warm-up (JIT, first frames, first GC).
    let stopRecorder: (() => Promise<number[]>) | null = null;
    await new Promise<void>((done) => {
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return;
        busy = true;
        const elapsed = performance.now() - started;
        void (async () => {
          while (fed.trades < (elapsed * TRADES_PER_SEC) / 1000) {
            await replay.trade(base + elapsed);
            fed.trades++;
          }
          while (fed.depth < (elapsed * BOOK_UPDATES_PER_SEC) / 1000) {
            await replay.depth();
            fed.depth++;
          }
          scheduler.marketChanged();
          if (stopRecorder === null && elapsed >= warmupMs) {
            measuring = true;
            stopRecorder = await recordFrames(panel.page);
          }
          busy = false;
          if (elapsed >= warmupMs + runMs) {
            clearInterval(timer);
            done();
          }
        })();
      }, 5);
    });
    measuring = false;
    const times = await stopRecorder!();
    await stopMouse();
    scheduler.dispose();
    const fullState = new FrameBuilder(market, FACTS, settings).buildInit({ state: 'live', detail: '', value: 0 });
    let orderFlow: OrderFlowShown | null = null;
    if (orderFlowBarPx !== null) {
      const s = (await panel.snapshot()) as unknown as OrderFlowSnapshot;
      orderFlow = {
        framesWithHeatmap: carried.heatmap,
        framesWithFootprint: carried.footprint,
        heatmapColumnsHeld: s.heatmap.held,
        heatmapBuilds: s.heatmap.builds,
        heatmapSizedPixels: s.heatmap.sizedPixels,
        footprintBarsHeld: s.footprint.held,
        footprintBarsDrawn: s.footprint.bars,
        footprintTextCells: s.footprint.textCells,
        barSpacing: s.footprint.barSpacing,
        profile: s.profile ?? null,
      };
      if (orderFlowBarPx >= FOOTPRINT_MIN_SPACING && orderFlow.footprintBarsDrawn === 0) throw new Error(`the zoomed order-flow run drew no footprint cells (${orderFlow.barSpacing} px a bar)`);
    }
    return { ...frameStats(times), buildMs, buildCpuMs, frameBytes, initBytes, fullStateJsonBytes: jsonBytes(fullState), orderFlow };
  } finally {
    scheduler.dispose();
    replay.close();
    await panel.close();
  }
}

/** The naive chart: one series, `update()` on every message, 1000 messages/s. */
async function runNaive(browser: Browser, server: HarnessServer, bars: number): Promise<{ fps: number; p99Ms: number }> {
  const market = new Market({ sequenceRule: binanceRule, timeframe: '1m', candleCapacity: bars + 100 });
  const base = seedHistory(market, bars) + START_INTO_BAR_MS;
  const history: number[][] = [];
  const c = market.candles;
  const fields = [CandleField.OpenTime, CandleField.Open, CandleField.High, CandleField.Low, CandleField.Close];
  for (let seq = c.firstSeq; seq <= c.lastSeq; seq++) history.push(fields.map((f) => c.value(seq, f)));
  const replay = new Replay(market);
  const trades: number[] = [];
  for (let k = 0; k < ((WARMUP_MS + RUN_MS + 1000) * TRADES_PER_SEC) / 1000; k++) trades.push(...(await replay.tradeValues()));
  replay.close();
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  try {
    await page.goto(server.naiveUrl);
    await page.evaluate(
      ([rows, tradeValues, startTime, rate]) => {
        const LWC = (window as unknown as { LightweightCharts: typeof import('lightweight-charts') }).LightweightCharts;
        const chart = LWC.createChart(document.getElementById('c')!, { autoSize: true, layout: { background: { type: LWC.ColorType.Solid, color: '#1e1e1e' }, textColor: '#ccc' } });
        const series = chart.addSeries(LWC.CandlestickSeries);
        series.setData(rows.map(([t, o, h, l, cl]) => ({ time: (t! / 1000) as import('lightweight-charts').UTCTimestamp, open: o!, high: h!, low: l!, close: cl! })));
        let bar = { time: 0, open: 0, high: 0, low: 0, close: 0 };
        window.addEventListener('message', (e: MessageEvent) => {
          const [time, price] = e.data as [number, number];
          const open = (time - (time % 60_000)) / 1000;
          bar = open !== bar.time ? { time: open, open: price, high: price, low: price, close: price } : { ...bar, high: Math.max(bar.high, price), low: Math.min(bar.low, price), close: price };
          series.update(bar as import('lightweight-charts').CandlestickData);
        });
        const begin = performance.now();
        let sent = 0;
        (window as unknown as { __naiveStop: () => void }).__naiveStop = ((timer) => () => clearInterval(timer))(
          setInterval(() => {
            const elapsed = performance.now() - begin;
            while (sent < (elapsed * rate) / 1000 && sent * 2 < tradeValues.length) {
              window.postMessage([startTime + elapsed, tradeValues[sent * 2]], '*');
              sent++;
            }
          }, 10),
        );
      },
      [history, trades, base, TRADES_PER_SEC] as const,
    );
    await settle(page);
    const stopMouse = jitterMouse(page);
    await new Promise((done) => setTimeout(done, WARMUP_MS));
    const stopRecorder = await recordFrames(page);
    await new Promise((done) => setTimeout(done, RUN_MS));
    const times = await stopRecorder();
    await stopMouse();
    await page.evaluate(() => (window as unknown as { __naiveStop: () => void }).__naiveStop());
    return frameStats(times);
  } finally {
    await context.close();
  }
}

/**
 * A blank page with the same pointer jitter, for RUN_MS: the frame cadence this machine gives
 * any page right now (other processes share its cores), to read the figures above against.
 */
async function runIdle(browser: Browser, server: HarnessServer): Promise<{ fps: number; p99Ms: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  try {
    await page.goto(server.naiveUrl);
    await settle(page);
    const stopMouse = jitterMouse(page);
    const stopRecorder = await recordFrames(page);
    await new Promise((done) => setTimeout(done, RUN_MS));
    const times = await stopRecorder();
    await stopMouse();
    return frameStats(times);
  } finally {
    await context.close();
  }
}

/**
 * Reads the capture twice in step with the clock: depth events (diffs and the snapshot) from
 * one reader, trades from another, so each stream keeps its own pace.
 */
class Replay {
  private readonly depthReader = new CaptureReader(SPOT_CAPTURE_FILES.map(sharedDataFile));
  private readonly tradeReader = new CaptureReader(SPOT_CAPTURE_FILES.map(sharedDataFile));
  private readonly depthEvent = new MarketEvent();
  private readonly tradeEvent = new MarketEvent();

  constructor(private readonly market: Market) {}

  /** Depth events up to the snapshot and past it until the book is live. */
  async prepareBook(): Promise<void> {
    for (let k = 0; k < 10_000 && !this.market.bookIsShowable(); k++) await this.depth();
    if (!this.market.bookIsShowable()) throw new Error('the capture did not bring the book live');
  }

  /** The next depth diff (or snapshot) into the market. */
  async depth(): Promise<void> {
    if (await next(this.depthReader, this.depthEvent, (kind) => kind === EventKind.DepthDiff || kind === EventKind.DepthSnapshot)) this.market.onEvent(this.depthEvent);
  }

  /** The next trade into the market, re-timed to `time`. */
  async trade(time: number): Promise<void> {
    if (!(await next(this.tradeReader, this.tradeEvent, (kind) => kind === EventKind.Trade))) return;
    this.tradeEvent.time = time;
    this.market.onEvent(this.tradeEvent);
  }

  /** The next trade's price and amount (for the naive page). */
  async tradeValues(): Promise<[number, number]> {
    if (!(await next(this.tradeReader, this.tradeEvent, (kind) => kind === EventKind.Trade))) return [NaN, NaN];
    return [this.tradeEvent.price, this.tradeEvent.amount];
  }

  close(): void {
    this.depthReader.close();
    this.tradeReader.close();
  }
}

async function next(reader: CaptureReader, event: MarketEvent, wanted: (kind: number) => boolean): Promise<boolean> {
  for (;;) {
    while (reader.next(event)) if (wanted(event.kind)) return true;
    if (!(await reader.fill())) return false;
  }
}

/**
 * `count` one-minute bars ending just before now-ish, a seeded random walk around the capture's
 * price (the capture itself is minutes long). Returns the open time of the first live bar.
 */
function seedHistory(market: Market, count: number): number {
  let seed = 12345;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const firstLive = Math.floor(Date.UTC(2024, 7, 8, 23, 54) / BAR_MS) * BAR_MS;
  const rows: number[][] = [];
  let close = 61_800;
  for (let k = count; k >= 1; k--) {
    const open = close;
    close = Math.max(1000, open * (1 + (random() - 0.5) * 0.004));
    const high = Math.max(open, close) * (1 + random() * 0.001);
    const low = Math.min(open, close) * (1 - random() * 0.001);
    rows.push([firstLive - k * BAR_MS, round(open, 2), round(high, 2), round(low, 2), round(close, 2), round(random() * 20, 5)]);
  }
  market.mergeHistoryRows(rows);
  market.settle();
  return firstLive;
}

/** Starts recording requestAnimationFrame timestamps; the returned function stops and returns them. */
async function recordFrames(page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__frames = [];
    w.__recording = true;
    const tick = (t: number): void => {
      if (!w.__recording) return;
      w.__frames.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return () =>
    page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __recording: boolean };
      w.__recording = false;
      return w.__frames;
    });
}

/** Moves the pointer over the chart every ~16 ms with a little jitter until stopped. */
function jitterMouse(page: Page): () => Promise<void> {
  let running = true;
  let k = 0;
  const loop = (async () => {
    while (running) {
      k++;
      await page.mouse.move(400 + 120 * Math.sin(k / 20) + (k % 7), 200 + 60 * Math.cos(k / 13) + (k % 5)).catch(() => {});
      await new Promise((done) => setTimeout(done, 16));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

/** Lets the page finish its first paints and any work queued by loading. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
  await new Promise((done) => setTimeout(done, 500));
}

function frameStats(times: number[]): { fps: number; p99Ms: number } {
  const deltas = times.slice(1).map((t, i) => t - times[i]!);
  const fps = times.length > 1 ? ((times.length - 1) * 1000) / (times[times.length - 1]! - times[0]!) : 0;
  return { fps, p99Ms: percentile(deltas, 0.99) };
}

/** Bytes of the message as JSON, typed arrays as plain number arrays (the naive wire format). */
function jsonBytes(message: unknown): number {
  return Buffer.byteLength(JSON.stringify(message, (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v)), 'utf8');
}

function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function median(values: number[]): number {
  return percentile(values, 0.5);
}

function round(x: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(x * scale) / scale;
}
