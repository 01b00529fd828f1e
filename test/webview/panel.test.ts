/**
 * The chart panel in a real browser (headless Chromium), fed by the real engine (Market +
 * FrameBuilder over the Binance spot capture) through the protocol, ack-paced. Asserts what a
 * person sees: the chart's bars and indicator values (read back from lightweight-charts), the
 * ladder's cells, the tape, the depth overlay's pixels, the badge, theme changes, reloads,
 * paging, and that malformed messages are dropped. Screenshots go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ImpactResult, LevelRows } from '../../src/engine/book/orderBook';
import { binanceRule } from '../../src/engine/book/sequenceRule';
import { CandleField } from '../../src/engine/candles/candleSeries';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { BAR_STRIDE, PROTOCOL_VERSION, TRADE_STRIDE, type FrameMessage, type IndicatorKind } from '../../src/engine/protocol';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { CaptureFeed } from './support/captureFeed';
import { HarnessHost } from './support/harnessHost';
import { repoRoot, type HarnessServer } from './support/harnessServer';
import { PanelPage, hasChromium, type PanelSnapshot } from './support/panelPage';
import { LIGHT } from './support/vscodeThemes';
import { useChromiumHarness } from './support/chromiumHarness';

const SPOT = 'binance/spot/btcusdt_20240808.gz';
const FACTS = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };
const INDICATORS: IndicatorKind[] = ['ema', 'bollinger', 'rsi', 'macd'];
const SPECS = [{ kind: 'ema', period: 9 }, { kind: 'bollinger' }, { kind: 'rsi' }, { kind: 'macd' }];
/** Order-flow panes off until the panel asks (as the extension's default view has them). */
const NO_METRICS = { imbalance: false, cvd: false };
/** India has a half-hour offset: a shifted-by-whole-hours bug would show. */
const ZONE = 'Asia/Kolkata';
const ZONE_OFFSET_MS = 5.5 * 3600e3;
const ROOT = repoRoot(__dirname);
const ARTIFACTS = join(ROOT, 'test-artifacts');
/** The theme colours the harness gives (vscodeThemes.ts), as RGB. */
const DARK_UP = [0x22, 0xc5, 0x5e];
const DARK_DOWN = [0xef, 0x44, 0x44];
const LIGHT_UP = [0x15, 0x80, 0x3d];
const LIGHT_DOWN = [0xb9, 0x1c, 0x1c];

/** One engine + builder + panel page, as a panel controller would hold them. */
interface Rig {
  market: Market;
  feed: CaptureFeed;
  host: HarnessHost;
  panel: PanelPage;
}

/** Feeds `warmupEvents`, then opens a panel whose init holds `initBars` bars (or all held but `initBars(held)`). */
async function rig(
  browser: Browser,
  server: HarnessServer,
  settings: { ticksPerRow: number; initBars: number | ((held: number) => number) },
  warmupEvents: number,
): Promise<Rig> {
  const market = new Market({ sequenceRule: binanceRule, timeframe: '1s', indicators: SPECS });
  const feed = new CaptureFeed(market, [sharedDataPath(SPOT)]);
  await feed.feed(warmupEvents);
  const initBars = typeof settings.initBars === 'number' ? settings.initBars : settings.initBars(market.candles.count);
  const builder = new FrameBuilder(market, FACTS, { ticksPerRow: settings.ticksPerRow, initBars, bookRows: 40, metrics: NO_METRICS });
  const panel = await PanelPage.open(browser, server, { timezoneId: ZONE });
  const host = new HarnessHost(market, builder, panel, [...INDICATORS]);
  await panel.load();
  await host.settled();
  await panel.until((s) => s.generation >= 1 && s.candles.count > 0);
  return { market, feed, host, panel };
}

/** Feeds `events` and sends one frame per `perFrame` events, each acknowledged. */
async function stream(r: Rig, events: number, perFrame: number): Promise<number> {
  let frames = 0;
  for (let fed = 0; fed < events && !r.feed.done; fed += perFrame) {
    await r.feed.feed(perFrame);
    if ((await r.host.sendFrame()) !== null) frames++;
  }
  return frames;
}

function engineRows(market: Market, ticks: number, isBid: boolean, n = 40): number[][] {
  const rows = new LevelRows(n);
  market.book.group(isBid, market.grid, ticks, rows);
  return Array.from({ length: rows.count }, (_, r) => [rows.prices[r]!, rows.sizes[r]!, rows.cumulative[r]!]);
}

function engineBar(market: Market, seq: number): number[] {
  const c = market.candles;
  return [CandleField.OpenTime, CandleField.Open, CandleField.High, CandleField.Low, CandleField.Close, CandleField.Volume].map((f) => c.value(seq, f));
}

/** Expected HH:MM:SS digits of `ms` in the harness's zone. */
function zoneClock(ms: number): string {
  const d = new Date(ms + ZONE_OFFSET_MS);
  return [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()].map((n) => String(n).padStart(2, '0')).join('');
}

function near(pixel: number[], rgb: number[], tolerance = 6): boolean {
  return rgb.every((c, i) => Math.abs(pixel[i]! - c) <= tolerance);
}

async function screenshot(panel: PanelPage, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await panel.page.screenshot({ path: join(ARTIFACTS, name) });
}

/** The chart's bars and last bar equal the engine's from the first bar the panel holds. */
function expectChartMatches(s: PanelSnapshot, market: Market, firstTime: number): void {
  const c = market.candles;
  const expectedCount = c.lastSeq - c.findSeq(firstTime) + 1;
  expect(s.candles.count).toBe(expectedCount);
  expect(s.modelBars).toBe(expectedCount);
  const [t, o, h, l, close] = engineBar(market, c.lastSeq);
  expect(s.candles.last).toEqual({ time: t, open: o, high: h, low: l, close });
  expect(s.volume?.count).toBe(expectedCount);
  expect(s.volume?.last).toBe(engineBar(market, c.lastSeq)[5]);
}

describe.skipIf(!hasSharedData(SPOT) || !hasChromium())('chart panel in Chromium, driven by the engine on the real capture', () => {
  const harness = useChromiumHarness();

  it('shows the engine’s bars, indicators, grouped book, tape and depth overlay, frame after acknowledged frame', async () => {
    const r = await rig(harness.browser, harness.server, { ticksPerRow: 10, initBars: 150 }, 6000);
    try {
      const firstTime = r.host.lastInit!.bars[0]!;
      const frames = await stream(r, 9000, 150);
      expect(frames).toBeGreaterThan(40);
      const s = await r.panel.until((x) => x.acks >= frames);
      const m = r.market;
      await screenshot(r.panel, 'panel-dark.png');

      // Chart: every bar since the init's first, the last one's OHLC, read back from the series.
      expectChartMatches(s, m, firstTime);
      // The split: per frame one update() on the short live series; bars closing mid-stream
      // stay in it (appended), so the history series is set once, at the init.
      const closed = s.candles.count - r.host.lastInit!.bars.length / BAR_STRIDE;
      expect(closed).toBeGreaterThan(20);
      expect(s.sync.liveUpdates).toBeGreaterThanOrEqual(frames * 0.9);
      expect(s.sync.liveUpdates).toBeLessThanOrEqual(frames + closed);
      expect(s.sync.historySetData).toBe(1);
      expect(s.sync.liveSetData).toBeLessThanOrEqual(3); // the init, and a late trade into a closed bar

      // Indicators: the drawn live values are the engine's latest.
      const ema = s.indicators.find((i) => i.id === 'EMA(9)')!;
      expect(ema.pane).toBe(0);
      expect(ema.outputs[0]).toBe(m.indicators[0]!.latest());
      const macd = s.indicators.find((i) => i.kind === 'macd')!;
      expect(macd.outputs).toEqual([0, 1, 2].map((o) => m.indicators[3]!.latest(o)));
      expect(s.indicators.find((i) => i.kind === 'rsi')!.pane).toBeGreaterThan(1);
      // The order-flow panes are not sent until the user switches them on.
      expect(s.indicators.map((i) => i.kind).sort()).toEqual(['bollinger', 'ema', 'macd', 'rsi']);

      // Ladder: the model is the engine's grouped book; the cells show its best rows, formatted.
      const bids = engineRows(m, 10, true);
      const asks = engineRows(m, 10, false);
      expect(s.book.valid).toBe(true);
      expect(s.book.bids).toEqual(bids);
      expect(s.book.asks).toEqual(asks);
      const fmt = (row: number[]): string[] => [row[0]!.toFixed(2), row[1]!.toFixed(5), row[2]!.toFixed(5)];
      expect(s.ladder.rowsPerSide).toBeGreaterThan(5);
      expect(s.ladder.bids).toEqual(bids.slice(0, s.ladder.rowsPerSide).map(fmt));
      expect(s.ladder.asks).toEqual(asks.slice(0, s.ladder.rowsPerSide).map(fmt));
      expect(s.ladder.step).toBe('step 0.10');

      // Tape: newest first, the engine's last trades, clock in the local zone (UTC+05:30 here).
      const tail = new Float64Array(5 * TRADE_STRIDE);
      m.tape.copySince(m.tape.total - 5, tail);
      const newest = Array.from({ length: 5 }, (_, k) => Array.from(tail.subarray((4 - k) * TRADE_STRIDE, (5 - k) * TRADE_STRIDE)));
      expect(s.tape.rows.slice(0, 5).map((row) => [row[0]!.replace(/\D/g, ''), row[1], row[2], row[3]])).toEqual(
        newest.map(([t, p, a, side]) => [zoneClock(t!), p!.toFixed(2), a!.toFixed(5), side! > 0 ? 'buy' : 'sell']),
      );

      // Big trades stand out: exactly the shown rows at or above the threshold.
      expect(s.tape.threshold).toBeGreaterThan(0);
      expect(s.tape.big).toBe(s.tape.rows.filter((row) => Number(row[2]) >= s.tape.threshold).length);
      // Rows whose size changed at an unchanged price in the last update are marked.
      expect(await r.panel.page.locator('.lrow.changed').count()).toBeGreaterThan(0);

      // Depth overlay: drawn at the pane's right edge, bid colour just below the best bid,
      // ask colour just above the best ask, and the background beside it.
      const d = s.depth;
      expect(d.drawn).toBe(true);
      expect(d.bidY).toBeGreaterThanOrEqual(d.askY); // one tick apart: often the same pixel row
      expect(d.bidEndY - d.bidY).toBeGreaterThanOrEqual(3);
      expect(d.askY - d.askEndY).toBeGreaterThanOrEqual(3);
      const x = Math.floor(d.right) - 1;
      const [bidPixel, askPixel, spreadFar] = await r.panel.chartPixels([
        [x, d.bidY + 2],
        [x, d.askY - 2],
        [x - d.style.width - 20, (d.bidEndY + 30)],
      ]);
      expect(near(bidPixel!, DARK_UP), `bid pixel ${bidPixel}`).toBe(true);
      expect(near(askPixel!, DARK_DOWN), `ask pixel ${askPixel}`).toBe(true);
      expect(near(spreadFar!, DARK_UP, 60)).toBe(false);
      expect(d.bidSteps).toBeGreaterThan(1);

      expect(s.badge).toMatchObject({ text: '● live', className: 'badge state-live' });
      expect(s.dropped).toBe(0);
      expect(s.renderErrors).toBe(0);
      expect(r.panel.refused).toEqual([]);
      expect(await r.panel.cspViolations()).toEqual([]);

      // The status badge follows `status`.
      const statuses: [typeof r.host.status, string, string][] = [
        [{ state: 'stale', detail: '', value: 12_000 }, 'stale 12 s', 'state-stale'],
        [{ state: 'reconnecting', detail: 'reconnecting (attempt 3, next in 4 s)', value: 0 }, 'reconnecting (attempt 3, next in 4 s)', 'state-reconnecting'],
        [{ state: 'replay', detail: '', value: 10 }, '▶ replay 10×', 'state-replay'],
        [{ state: 'live', detail: '', value: 0 }, '● live', 'state-live'],
      ];
      for (const [status, text, cls] of statuses) {
        r.host.status = status;
        await r.feed.feed(5);
        expect(await r.host.sendFrame()).not.toBeNull();
        const b = await r.panel.until((x) => x.badge.text === text);
        expect(b.badge.className).toBe(`badge ${cls}`);
      }

      // A book that resyncs is never shown as the exchange's: the ladder says so, the overlay goes.
      r.host.status = { state: 'resyncing', detail: 'sequence gap', value: 0 };
      m.requestResync('test: sequence gap');
      await r.host.sendFrame();
      const resync = await r.panel.until((x) => x.ladder.resyncing);
      expect(resync.book.valid).toBe(false);
      expect(resync.depth.drawn).toBe(false);
      expect(resync.ladder.impact).toEqual(['Buy: —', 'Sell: —', 'the book is resyncing']);
      expect(await r.panel.page.isVisible('.ladder-resync')).toBe(true);
      expect(await r.panel.page.locator('.ladder-side.bids').evaluate((e) => getComputedStyle(e).visibility)).toBe('hidden');
      await screenshot(r.panel, 'panel-resyncing.png');
    } finally {
      r.feed.close();
      await r.panel.close();
    }
  });

  it('follows theme changes live and drops malformed messages without acting on them', async () => {
    const r = await rig(harness.browser, harness.server, { ticksPerRow: 10, initBars: 300 }, 9000);
    try {
      await stream(r, 1500, 150);
      await r.panel.applyTheme(LIGHT);
      const s = await r.panel.until((x) => x.theme.background === '#ffffff');
      expect(s.theme.kind).toBe('light');
      const d = s.depth;
      const x = Math.floor(d.right) - 1;
      const [bid, ask, background] = await r.panel.chartPixels([
        [x, d.bidY + 2],
        [x, d.askY - 2],
        [5, 200],
      ]);
      expect(near(bid!, LIGHT_UP), `bid pixel ${bid}`).toBe(true);
      expect(near(ask!, LIGHT_DOWN), `ask pixel ${ask}`).toBe(true);
      expect(near(background!, [255, 255, 255], 30), `background pixel ${background}`).toBe(true);
      await screenshot(r.panel, 'panel-light.png');

      // Junk of every kind: dropped, counted, nothing drawn from it, no ack for it.
      const before = await r.panel.snapshot();
      const acks = r.panel.received.filter((m) => m.type === 'ack').length;
      const junk: unknown[] = [
        null,
        'frame',
        { v: 99, type: 'frame' },
        { v: PROTOCOL_VERSION, type: 'explode' },
        { v: PROTOCOL_VERSION, type: 'frame', id: 'x' },
        { v: PROTOCOL_VERSION, type: 'frame', id: 7, bars: [1, 2, 3, 4, 5, 6] },
      ];
      for (const j of junk) await r.panel.sendRaw(j);
      // Well-formed shapes whose numbers would corrupt the chart: an older bar than held with a
      // NaN price, and a book row index outside the window.
      const nanBar: FrameMessage = {
        v: PROTOCOL_VERSION,
        type: 'frame',
        id: 999_001,
        bars: new Float64Array([r.market.candles.value(r.market.candles.lastSeq, CandleField.OpenTime) + 1000, NaN, 1, 1, 1, 1]),
        indicators: [],
        book: null,
        trades: new Float64Array(0),
        status: null,
        stats: { events: 0, rejected: 0, buildMs: 0 },
      };
      const badRow: FrameMessage = {
        ...nanBar,
        id: 999_002,
        bars: new Float64Array(0),
        book: { ticksPerRow: 10, valid: true, mode: 'rows', bids: new Float64Array([99, 1, 1, 1]), asks: new Float64Array(0), bidCount: 40, askCount: 40, raw: null },
      };
      await r.panel.send(nanBar);
      await r.panel.send(badRow);
      const after = await r.panel.until((x) => x.dropped === junk.length + 2);
      expect(after.lastDropReason).toMatch(/book row index 99/);
      expect(after.candles).toEqual(before.candles);
      expect(after.book).toEqual(before.book);
      expect(after.renderErrors).toBe(0);
      await new Promise((done) => setTimeout(done, 100));
      expect(r.panel.received.filter((m) => m.type === 'ack').length).toBe(acks);
      // And the panel goes on with the real stream.
      await stream(r, 600, 150);
      expectChartMatches(await r.panel.until((x) => x.framesApplied > before.framesApplied), r.market, r.host.lastInit!.bars[0]!);
    } finally {
      r.feed.close();
      await r.panel.close();
    }
  });

  it('sends intents from the toolbar, and a reload comes back to the same state', async () => {
    const r = await rig(harness.browser, harness.server, { ticksPerRow: 10, initBars: 300 }, 20000);
    try {
      await stream(r, 1500, 150);
      const { panel, host, market } = r;
      // Grouping: 1 tick per row. The host re-sends init; the ladder shows the ungrouped book,
      // and the market impact equals the engine's walk of its book.
      expect(await panel.expectMessage(() => panel.page.selectOption('select.grouping', '1'), (m) => m.type === 'setGrouping')).toMatchObject({ ticksPerRow: 1 });
      await host.settled();
      let s = await panel.until((x) => x.book.ticksPerRow === 1 && x.ladder.step === 'step 0.01' && x.depth.drawn);
      expect(s.book.bids).toEqual(engineRows(market, 1, true));
      // One-tick rows are far thinner than a pixel here: they merge, one step per pixel row at most.
      expect(s.depth.merged).toBeGreaterThan(0);
      expect(s.depth.bidSteps).toBeLessThanOrEqual(s.depth.bidEndY - s.depth.bidY);
      expect(s.depth.askSteps).toBeLessThanOrEqual(s.depth.askY - s.depth.askEndY);
      await panel.page.fill('.impact-qty input', '0.05');
      await panel.page.press('.impact-qty input', 'Enter');
      const buy = market.book.impact(true, 0.05, new ImpactResult());
      const sell = market.book.impact(false, 0.05, new ImpactResult());
      expect(buy.filled).toBe(0.05); // the window covers it, so the panel's figure is the book's
      expect(sell.filled).toBe(0.05);
      const expected = [
        `Buy ≈ ${buy.averagePrice.toFixed(2)} · ${buy.slippageBps.toFixed(2)} bps`,
        `Sell ≈ ${sell.averagePrice.toFixed(2)} · ${sell.slippageBps.toFixed(2)} bps`,
      ];
      s = await panel.until((x) => x.viewState.impactQuantity === 0.05 && x.ladder.impact[1] === expected[1]);
      expect(s.ladder.impact.slice(0, 2)).toEqual(expected);
      expect(s.ladder.impact[2]).toMatch(/over the book window/);

      // Layers and indicators.
      const panes = s.panes;
      expect(await panel.expectMessage(() => panel.page.click('button[data-layer=volume]'), (m) => m.type === 'setLayer')).toMatchObject({ layer: 'volume', on: false });
      s = await panel.until((x) => x.volume === null);
      expect(s.panes).toBe(panes - 1);
      await panel.page.click('.indicators summary');
      expect(await panel.expectMessage(() => panel.page.click('input[data-kind=rsi]'), (m) => m.type === 'setIndicator')).toMatchObject({ kind: 'rsi', on: false });
      await host.settled();
      s = await panel.until((x) => !x.indicators.some((i) => i.kind === 'rsi') && x.generation >= 3);
      expect(s.indicators.map((i) => i.kind).sort()).toEqual(['bollinger', 'ema', 'macd']);
      // Book imbalance in a pane of its own, drawn at the engine's value.
      expect(await panel.expectMessage(() => panel.page.click('input[data-kind=imbalance]'), (m) => m.type === 'setIndicator')).toMatchObject({ kind: 'imbalance', on: true });
      s = await panel.until((x) => x.indicators.some((i) => i.kind === 'imbalance'));
      const obi = s.indicators.find((i) => i.kind === 'imbalance')!;
      expect(obi.pane).toBeGreaterThan(0);
      expect(obi.outputs).toEqual([market.imbalance.latest(3)]); // OHLC metric: its close is drawn
      await panel.page.keyboard.press('Escape');
      await panel.page.mouse.click(5, 5);
      // Scroll the chart into the past and zoom in.
      const box = (await panel.page.locator('.chart').boundingBox())!;
      await panel.page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.3);
      await panel.page.mouse.wheel(0, -300);
      await panel.page.mouse.down();
      await panel.page.mouse.move(box.x + box.width * 0.5 + 400, box.y + box.height * 0.3, { steps: 8 });
      await panel.page.mouse.up();
      await panel.page.mouse.move(box.x + box.width + 300, box.y + 5);
      await new Promise((done) => setTimeout(done, 400)); // the range is saved at most every 250 ms
      const beforeReload = await panel.snapshot();
      const range = beforeReload.visibleRange!;
      expect(range.to).toBeLessThan(beforeReload.candles.count - 2); // scrolled away from the live edge
      await screenshot(panel, 'panel-before-reload.png');

      // Reload: new `ready`, fresh `init`, the same choices and the same place in the chart.
      await panel.reload();
      await host.settled();
      const after = await panel.until((x) => x.generation === 1 && x.candles.count === beforeReload.candles.count && !x.rangePending);
      expect(after.viewState).toEqual(beforeReload.viewState);
      expect(after.book.ticksPerRow).toBe(1);
      expect(after.volume).toBeNull();
      expect(after.indicators.map((i) => i.id)).toEqual(beforeReload.indicators.map((i) => i.id));
      expect(Math.abs(after.visibleRange!.from - range.from)).toBeLessThanOrEqual(1);
      expect(Math.abs(after.visibleRange!.to - range.to)).toBeLessThanOrEqual(1);
      expect(await panel.page.inputValue('select.grouping')).toBe('1');
      expect(await panel.page.getAttribute('button[data-layer=volume]', 'aria-pressed')).toBe('false');
      expect(new Set(harness.server.nonces).size).toBe(harness.server.nonces.length); // a fresh nonce per load
      await screenshot(panel, 'panel-after-reload.png');

      // VS Code restores a panel into a fresh host (default settings): the panel asks for its
      // remembered choices, and ends up showing them.
      host.builder = new FrameBuilder(market, FACTS, { ticksPerRow: 10, bookRows: 40, initBars: 300, metrics: NO_METRICS });
      market.setIndicators(SPECS);
      host.indicatorKinds = [...INDICATORS];
      const intents = panel.received.length;
      await panel.reload();
      await host.settled();
      await panel.until((x) => x.book.ticksPerRow === 1 && !x.indicators.some((i) => i.kind === 'rsi') && x.indicators.some((i) => i.kind === 'imbalance'));
      await host.settled();
      const asked = panel.received.slice(intents).map((m) => m.type);
      expect(asked).toEqual(expect.arrayContaining(['ready', 'setGrouping', 'setLayer', 'setIndicator']));

      // The remaining intents: timeframe and the symbol picker.
      expect(await panel.expectMessage(() => panel.page.selectOption('select.timeframe', '5m'), (m) => m.type === 'setTimeframe')).toMatchObject({ timeframe: '5m' });
      expect(await panel.expectMessage(() => panel.page.click('button.symbol'), (m) => m.type === 'openSymbolPicker')).toMatchObject({ v: PROTOCOL_VERSION });
      expect(panel.refused).toEqual([]);
    } finally {
      r.feed.close();
      await r.panel.close();
    }
  });

  it('pages older bars in when scrolled left (loadOlder → history prepended)', async () => {
    // The whole capture; the init leaves 100 older bars on the host; the view opens at the live
    // edge, more than a page margin away from the oldest bar it holds.
    const r = await rig(harness.browser, harness.server, { ticksPerRow: 10, initBars: (held) => held - 100 }, Infinity);
    const initBars = r.host.lastInit!.bars.length / BAR_STRIDE;
    try {
      const { panel, market } = r;
      const s0 = await panel.snapshot();
      expect(s0.hasOlder, JSON.stringify({ range: s0.visibleRange, pages: s0.historyPages, bars: s0.modelBars, init: initBars, held: market.candles.count })).toBe(true);
      expect(initBars).toBeGreaterThan(200);
      expect(s0.candles.count).toBe(initBars);
      expect(s0.historyPages).toBe(0); // the view opens at the live edge, far from the oldest bar
      const box = (await panel.page.locator('.chart').boundingBox())!;
      const drag = async (): Promise<void> => {
        await panel.page.mouse.move(box.x + 20, box.y + box.height * 0.3);
        await panel.page.mouse.down();
        await panel.page.mouse.move(box.x + box.width - 200, box.y + box.height * 0.3, { steps: 6 });
        await panel.page.mouse.up();
      };
      // Hold the first answer to see the view before and after the bars are prepended.
      r.host.holdHistory = true;
      await panel.expectMessage(drag, (m) => m.type === 'loadOlder');
      const held1 = await panel.snapshot();
      r.host.releaseHistory();
      await r.host.settled();
      const held2 = await panel.until((x) => x.historyPages === 1 && x.candles.count === x.modelBars);
      const added = held2.modelBars - held1.modelBars;
      expect(added).toBeGreaterThan(0);
      // The same bars stay in view: the logical range moved by exactly the bars prepended.
      expect(held2.visibleRange!.from - held1.visibleRange!.from).toBeCloseTo(added, 6);
      expect(held2.visibleRange!.to - held1.visibleRange!.to).toBeCloseTo(added, 6);
      await screenshot(panel, 'panel-paged.png');
      for (let k = 0; k < 5; k++) {
        await drag();
        await r.host.settled();
      }
      const loads = panel.received.filter((m) => m.type === 'loadOlder');
      expect(loads.length).toBeGreaterThan(0);
      // Each request asks for bars before the oldest held one.
      const first = loads[0]!;
      expect(first.type === 'loadOlder' && first.before).toBe(r.host.lastInit!.bars[0]);
      const c = market.candles;
      const s = await panel.until((x) => x.historyPages >= 1 && x.modelBars > initBars);
      const held = s.modelBars;
      expect(s.candles.count).toBe(held);
      // The bars prepended are the engine's, in order: the chart's first bar is the engine's bar `held` from the end.
      expect(s.candles.firstTime! * 1000).toBe(c.value(c.lastSeq - held + 1, CandleField.OpenTime));
      const history = r.host.sent.filter((m) => m.type === 'history');
      expect(history.length).toBe(loads.length);
      expect(history.reduce((n, h) => n + h.bars.length / BAR_STRIDE, 0)).toBe(held - initBars);
    } finally {
      r.feed.close();
      await r.panel.close();
    }
  });
});
