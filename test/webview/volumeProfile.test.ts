/**
 * The volume profile in a real panel (headless Chromium, the real FrameBuilder on the real Binance
 * spot capture), as a user turns it on in the toolbar: the host starts sending footprint cells;
 * the profile beside the price axis sums the bars in view, each row at the ladder's step equal to
 * those bars' trades summed by hand; its point of control is the row with the most volume (and is
 * drawn); the value area holds 70 % of the volume around it; scrolling sums the new bars in view;
 * the "UTC day" mode sums the whole day; both survive a reload. A fixed range sums the bars in view
 * when it was chosen (or from the bar right-clicked to the newest), is shaded over the chart and
 * stays while the user scrolls, bars arrive and the panel reloads; the value area follows the
 * host's `profile.valueAreaPercent`. Screenshots dark and light, 800 and 1400 px wide, in
 * test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binanceRule } from '../../src/engine/book/sequenceRule';
import type { Timeframe } from '../../src/engine/candles/timeframe';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { DEFAULT_DISPLAY, TRADE_STRIDE, type FrameMessage } from '../../src/engine/protocol';
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
/** 1 s bars (hundreds of them, so scrolling moves the bars in view), rows of 100 ticks ($1.00). */
const VIEW = { timeframe: '1s' as Timeframe, ticksPerRow: 100 };
const SECOND = 1000;
const DAY = 86_400_000;
const STEP = FACTS.tickSize * VIEW.ticksPerRow;

interface ProfileShown {
  drawn: boolean;
  paints: number;
  sums: number;
  mode: string;
  firstIndex: number;
  lastIndex: number;
  firstTime: number;
  lastTime: number;
  bars: number;
  step: number;
  label: string;
  valueAreaShare: number;
  shadeLeft: number;
  shadeRight: number;
  rows: [number, number, number][];
  poc: number;
  valueAreaLow: number;
  valueAreaHigh: number;
  left: number;
  right: number;
  rowsDrawn: number;
  pocTop: number;
  pocBottom: number;
  requests: number;
}
type Snapshot = PanelSnapshot & { profile: ProfileShown; paneWidth: number; footprint: { barSpacing: number }; viewState: { profileMode: string; profileRange: { fromTime: number; toTime: number } | null } };

/** The trades of bars opening in [firstTime, lastTime] summed per row: [row price, sells, buys], highest first (rows between without trades read 0). */
function profileByHand(market: Market, firstTime: number, lastTime: number): [number, number, number][] {
  const tape = market.tape;
  const trades = new Float64Array(tape.countSince(0) * TRADE_STRIDE);
  tape.copySince(0, trades);
  const rows = new Map<number, [number, number]>();
  for (let i = 0; i < trades.length; i += TRADE_STRIDE) {
    if (trades[i]! < firstTime || trades[i]! >= lastTime + SECOND) continue;
    const row = Math.floor(trades[i + 1]! / STEP + 1e-9);
    const cell = rows.get(row) ?? [0, 0];
    if (trades[i + 3]! > 0) cell[1] += trades[i + 2]!;
    else cell[0] += trades[i + 2]!;
    rows.set(row, cell);
  }
  if (rows.size === 0) return [];
  const keys = [...rows.keys()];
  const out: [number, number, number][] = [];
  for (let r = Math.max(...keys); r >= Math.min(...keys); r--) {
    const [sell, buy] = rows.get(r) ?? [0, 0];
    out.push([r * STEP, sell, buy]);
  }
  return out;
}

/** The shown profile equals the trades of its bars summed by hand; its POC is the fullest row; its value area holds `share` (70 %) around the POC. */
function expectSummedByHand(market: Market, p: ProfileShown, share = 0.7): void {
  const byHand = profileByHand(market, p.firstTime, p.lastTime);
  expect(p.rows.length, 'rows').toBe(byHand.length);
  for (let k = 0; k < byHand.length; k++) {
    expect(p.rows[k]![0]).toBeCloseTo(byHand[k]![0], 6);
    expect(p.rows[k]![1], `sells at ${byHand[k]![0]}`).toBeCloseTo(byHand[k]![1], 6);
    expect(p.rows[k]![2], `buys at ${byHand[k]![0]}`).toBeCloseTo(byHand[k]![2], 6);
  }
  const totals = p.rows.map(([, sell, buy]) => sell + buy);
  const max = Math.max(...totals);
  const pocAt = p.rows.findIndex(([price]) => price === p.poc);
  expect(pocAt).toBeGreaterThanOrEqual(0);
  expect(totals[pocAt]).toBe(max);
  const inArea = p.rows.filter(([price]) => price >= p.valueAreaLow - 1e-9 && price <= p.valueAreaHigh + 1e-9);
  const areaVolume = inArea.reduce((sum, [, sell, buy]) => sum + sell + buy, 0);
  const total = totals.reduce((a, b) => a + b, 0);
  expect(p.valueAreaLow).toBeLessThanOrEqual(p.poc);
  expect(p.valueAreaHigh).toBeGreaterThanOrEqual(p.poc);
  expect(areaVolume / total).toBeGreaterThanOrEqual(share - 1e-9);
  expect(inArea.length).toBeLessThan(p.rows.length);
}

/** Chooses an entry of the profile's mode select (opening the "⋯" menu when it is there). */
async function chooseProfileMode(panel: PanelPage, value: string): Promise<void> {
  const modeSelect = panel.page.locator('.toolbar select.profile-mode');
  const inMenu = !(await modeSelect.isVisible());
  if (inMenu) await panel.page.click('.toolbar details.more > summary');
  await modeSelect.selectOption(value);
  if (inMenu) await panel.page.click('.toolbar details.more > summary');
  await panel.page.mouse.move(0, 0);
}

/** Drags the chart right by `dx` CSS px (scrolls back in time). */
async function dragChart(panel: PanelPage, dx: number): Promise<void> {
  const box = (await panel.page.locator('.chart').boundingBox())!;
  await panel.page.mouse.move(box.x + 200, box.y + box.height * 0.4);
  await panel.page.mouse.down();
  await panel.page.mouse.move(box.x + 200 + dx, box.y + box.height * 0.4, { steps: 8 });
  await panel.page.mouse.up();
  await panel.page.mouse.move(0, 0);
}

/** HH:MM:SS of a bar open time (the harness runs in UTC). */
function clockOf(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

async function clickLayer(panel: PanelPage, layer: string): Promise<void> {
  const button = panel.page.locator(`.toolbar button[data-layer="${layer}"]`);
  const inMenu = !(await button.isVisible());
  if (inMenu) await panel.page.click('.toolbar details.more > summary');
  await panel.expectMessage(() => button.click(), (m) => m.type === 'setLayer' && m.layer === layer && m.on);
  if (inMenu) await panel.page.click('.toolbar details.more > summary');
}

async function screenshot(panel: PanelPage, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await panel.page.screenshot({ path: join(ARTIFACTS, name) });
}

function rgb(hex: string): number[] {
  const n = parseInt(hex.slice(1, 7), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const LOOKS: [string, HarnessTheme, number][] = [
  ['dark-1400', DARK, 1400],
  ['light-800', LIGHT, 800],
  ['light-1400', LIGHT, 1400],
  ['dark-800', DARK, 800],
];

describe.skipIf(!hasSharedData(SPOT) || !hasChromium())('the volume profile in Chromium', () => {
  const harness = useChromiumHarness();

  for (const [look, theme, width] of LOOKS) {
    it(`(${look}) turned on in the toolbar: the bars in view summed by hand, its POC the fullest row, scrolling and the UTC day sum other bars`, async () => {
      // The tape holds every trade of the capture (the profile is checked against them).
      const market = new Market({ sequenceRule: binanceRule, timeframe: VIEW.timeframe, tapeCapacity: 60_000 });
      const feed = new CaptureFeed(market, [sharedDataPath(SPOT)]);
      await feed.feed(20_000);
      const builder = new FrameBuilder(market, FACTS, { ticksPerRow: VIEW.ticksPerRow, initBars: 400, metrics: { imbalance: false, cvd: false } });
      const panel = await PanelPage.open(harness.browser, harness.server, { theme, width, height: 720 });
      const host = new HarnessHost(market, builder, panel, []);
      const snapshot = async (): Promise<Snapshot> => (await panel.snapshot()) as Snapshot;
      const until = async (test: (s: Snapshot) => boolean): Promise<Snapshot> => (await panel.until((s) => test(s as Snapshot))) as Snapshot;
      try {
        await panel.load();
        await host.settled();
        expect((await snapshot()).profile.drawn).toBe(false);
        await clickLayer(panel, 'profile');
        await host.settled();
        expect(host.builder.settings.footprint).toBe(true);
        expect(await panel.page.getAttribute('.toolbar button[data-layer="profile"]', 'aria-pressed')).toBe('true');
        const frames: FrameMessage[] = [];
        for (let fed = 0; fed < 25_000 && !feed.done; fed += 1000) {
          await feed.feed(1000);
          const frame = await host.sendFrame();
          if (frame !== null) frames.push(frame);
        }
        let s = await until((x) => x.framesApplied >= frames.length && x.profile.drawn && x.profile.bars > 0);
        await panel.page.mouse.move(0, 0);
        await screenshot(panel, `profile-${look}.png`);

        // The bars in view (those whose centre is in the visible logical range), each with cells.
        const expectInView = (x: Snapshot): void => {
          expect(x.profile.mode).toBe('visible');
          expect(x.profile.firstIndex).toBe(Math.max(0, Math.round(x.visibleRange!.from)));
          expect(x.profile.lastIndex).toBe(Math.min(x.modelBars - 1, Math.round(x.visibleRange!.to)));
        };
        expectInView(s);
        // Every bar in view has its footprint (the capture's trades), none partial.
        expect(s.profile.label).toBe('Profile: in view');
        expect(s.profile.lastIndex - s.profile.firstIndex).toBeGreaterThan(50);
        expect(s.profile.step).toBeCloseTo(STEP, 9);
        expectSummedByHand(market, s.profile);
        expect(s.profile.rowsDrawn).toBeGreaterThan(10);
        // Beside the price axis, left of the depth overlay.
        expect(s.profile.right).toBeCloseTo(s.paneWidth - s.depth.style.width, 0);
        // The POC row is drawn: its middle is not the background.
        const [poc] = await panel.chartPixels([[(s.profile.left + s.profile.right) / 2, (s.profile.pocTop + s.profile.pocBottom) / 2]]);
        const bg = rgb(theme.vars['--vscode-editor-background']!);
        expect(Math.max(...bg.map((c, i) => Math.abs(c - poc![i]!)))).toBeGreaterThan(20);

        // Scrolled back: other bars in view, summed again.
        const before = s.profile;
        const box = (await panel.page.locator('.chart').boundingBox())!;
        await panel.page.mouse.move(box.x + 200, box.y + box.height * 0.4);
        await panel.page.mouse.down();
        await panel.page.mouse.move(box.x + 200 + width / 3, box.y + box.height * 0.4, { steps: 8 });
        await panel.page.mouse.up();
        await panel.page.mouse.move(0, 0);
        s = await until((x) => x.profile.drawn && x.profile.firstIndex < before.firstIndex - 20);
        expectInView(s);
        expect(s.profile.sums).toBeGreaterThan(before.sums);
        expect(s.profile.rows).not.toEqual(before.rows);
        expectSummedByHand(market, s.profile);
        // A repaint of the same bars (the panel a little lower) does not sum again.
        const sums = s.profile.sums;
        const paints = s.profile.paints;
        await panel.page.setViewportSize({ width, height: 700 });
        s = await until((x) => x.profile.paints > paints);
        expect(s.profile.sums).toBe(sums);
        await screenshot(panel, `profile-scrolled-${look}.png`);

        // The UTC day of the last bar in view (the capture runs over midnight): every trade of that day held.
        const modeSelect = panel.page.locator('.toolbar select.profile-mode');
        const inMenu = !(await modeSelect.isVisible());
        if (inMenu) await panel.page.click('.toolbar details.more > summary');
        await modeSelect.selectOption('session');
        if (inMenu) await panel.page.click('.toolbar details.more > summary');
        await panel.page.mouse.move(0, 0);
        const inView = s.profile;
        s = await until((x) => x.profile.mode === 'session' && x.profile.drawn);
        expect(s.profile.label).toBe('Profile: UTC day');
        const dayStart = Math.floor(inView.lastTime / DAY) * DAY;
        expect(s.profile.firstTime).toBeGreaterThanOrEqual(dayStart);
        expect(s.profile.lastTime).toBeLessThan(dayStart + DAY);
        expect(s.profile.firstIndex).toBeLessThanOrEqual(inView.firstIndex);
        expect(s.profile.lastIndex).toBeGreaterThanOrEqual(inView.lastIndex);
        expectSummedByHand(market, { ...s.profile, firstTime: dayStart, lastTime: dayStart + DAY - SECOND });
        await screenshot(panel, `profile-day-${look}.png`);

        // A reload with a host that starts afresh (footprint cells off): the panel asks for the profile again, in its mode.
        host.builder = new FrameBuilder(market, FACTS, { ticksPerRow: VIEW.ticksPerRow, initBars: 400, metrics: { imbalance: false, cvd: false } });
        const since = panel.received.length;
        await panel.reload();
        expect(await panel.next((m) => m.type === 'setLayer' && m.layer === 'profile', since)).toMatchObject({ on: true });
        await host.settled();
        expect(host.builder.settings.footprint).toBe(true);
        expect(await panel.page.getAttribute('.toolbar button[data-layer="profile"]', 'aria-pressed')).toBe('true');
        // The cells come with the next frame (the builder's first footprint diff after its init).
        await feed.feed(200);
        expect(await host.sendFrame()).not.toBeNull();
        s = await until((x) => x.profile.drawn && x.profile.bars > 0);
        expect(s.profile.mode).toBe('session');
      } finally {
        feed.close();
        await panel.close();
      }
    }, 90_000);
  }

  for (const [look, theme] of [['dark', DARK], ['light', LIGHT]] as [string, HarnessTheme][]) {
    it(`(${look}) a fixed range: the bars in view when chosen, shaded, kept while scrolling, as bars arrive and after a reload; the value area follows the setting`, async () => {
      const market = new Market({ sequenceRule: binanceRule, timeframe: VIEW.timeframe, tapeCapacity: 60_000 });
      const feed = new CaptureFeed(market, [sharedDataPath(SPOT)]);
      await feed.feed(20_000);
      const newBuilder = (valueAreaPercent = 70): FrameBuilder =>
        new FrameBuilder(market, FACTS, { ticksPerRow: VIEW.ticksPerRow, initBars: 400, metrics: { imbalance: false, cvd: false }, display: { ...DEFAULT_DISPLAY, valueAreaPercent } });
      const panel = await PanelPage.open(harness.browser, harness.server, { theme, width: 1400, height: 720 });
      const host = new HarnessHost(market, newBuilder(), panel, []);
      const until = async (test: (s: Snapshot) => boolean): Promise<Snapshot> => (await panel.until((s) => test(s as Snapshot))) as Snapshot;
      const feedFrames = async (trades: number): Promise<void> => {
        for (let fed = 0; fed < trades && !feed.done; fed += 1000) {
          await feed.feed(1000);
          await host.sendFrame();
        }
      };
      try {
        await panel.load();
        await host.settled();
        await clickLayer(panel, 'profile');
        await host.settled();
        // Part of the capture, the rest to come as new bars.
        await feedFrames(12_000);
        let s = await until((x) => x.profile.drawn && x.profile.bars > 0 && x.profile.mode === 'visible');
        // Scrolled into history first, so the bars fixed are closed ones (no trade lands in them later).
        await dragChart(panel, 500);
        const inView = await until((x) => x.profile.drawn && x.profile.lastIndex < x.modelBars - 30);

        await chooseProfileMode(panel, 'fixed');
        s = await until((x) => x.profile.mode === 'fixed' && x.profile.drawn);
        // The bars that were in view, from the first to the last.
        expect([s.profile.firstIndex, s.profile.lastIndex]).toEqual([inView.profile.firstIndex, inView.profile.lastIndex]);
        expect(s.profile.rows).toEqual(inView.profile.rows);
        expectSummedByHand(market, s.profile);
        expect(s.profile.label).toBe(`Profile: ${clockOf(s.profile.firstTime)}–${clockOf(s.profile.lastTime)} (fixed)`);
        expect(s.viewState).toMatchObject({ profileMode: 'fixed', profileRange: { fromTime: s.profile.firstTime, toTime: s.profile.lastTime } });
        // Shaded over those bars: from the first one's left edge to the last one's right edge.
        const bars = s.profile.lastIndex - s.profile.firstIndex + 1;
        expect(s.profile.shadeRight - s.profile.shadeLeft).toBeGreaterThan((bars - 1.5) * s.footprint.barSpacing);
        expect(s.profile.shadeRight - s.profile.shadeLeft).toBeLessThan((bars + 1.5) * s.footprint.barSpacing);
        await screenshot(panel, `profile-fixed-${look}.png`);

        // Scrolled further back: the same bars and rows; the shade moves with them.
        const fixed = s.profile;
        await dragChart(panel, 300);
        s = await until((x) => x.profile.drawn && x.visibleRange!.from < inView.visibleRange!.from - 20 && x.profile.shadeLeft > fixed.shadeLeft + 100);
        expect([s.profile.mode, s.profile.firstTime, s.profile.lastTime]).toEqual(['fixed', fixed.firstTime, fixed.lastTime]);
        expect(s.profile.rows).toEqual(fixed.rows);
        expect(s.profile.sums).toBe(fixed.sums);
        await screenshot(panel, `profile-fixed-scrolled-${look}.png`);

        // New bars arrive: still the same bars.
        const held = s.modelBars;
        await feedFrames(3000);
        expect(feed.done).toBe(false);
        s = await until((x) => x.modelBars > held && x.profile.drawn);
        expect([s.profile.mode, s.profile.firstTime, s.profile.lastTime]).toEqual(['fixed', fixed.firstTime, fixed.lastTime]);
        expect(s.profile.rows).toEqual(fixed.rows);

        // The setting's value area (90 %) arrives with an init: the same rows, a wider value area.
        host.builder.updateSettings({ display: { ...DEFAULT_DISPLAY, valueAreaPercent: 90 } });
        await host.send(host.builder.buildInit(host.status));
        await feedFrames(1000);
        s = await until((x) => x.profile.drawn && x.profile.valueAreaShare === 0.9 && x.profile.bars > 0);
        expect([s.profile.firstTime, s.profile.lastTime]).toEqual([fixed.firstTime, fixed.lastTime]);
        expect(s.profile.rows).toEqual(fixed.rows);
        expectSummedByHand(market, s.profile, 0.9);
        expect(s.profile.valueAreaHigh - s.profile.valueAreaLow).toBeGreaterThan(fixed.valueAreaHigh - fixed.valueAreaLow);
        // Back to 70 %: the value area drawn before.
        host.builder.updateSettings({ display: { ...DEFAULT_DISPLAY, valueAreaPercent: 70 } });
        await host.send(host.builder.buildInit(host.status));
        await feedFrames(1000);
        s = await until((x) => x.profile.drawn && x.profile.valueAreaShare === 0.7 && x.profile.bars > 0);
        expect([s.profile.valueAreaLow, s.profile.valueAreaHigh]).toEqual([fixed.valueAreaLow, fixed.valueAreaHigh]);

        // "Re-fix to view" takes the bars in view now.
        await chooseProfileMode(panel, 'refix');
        s = await until((x) => x.profile.drawn && x.profile.firstTime !== fixed.firstTime);
        expect(s.profile.mode).toBe('fixed');
        expect(s.profile.firstIndex).toBe(Math.max(0, Math.round(s.visibleRange!.from)));
        expect(s.profile.lastIndex).toBe(Math.min(s.modelBars - 1, Math.round(s.visibleRange!.to)));
        expectSummedByHand(market, s.profile);
        expect(await panel.page.inputValue('.toolbar select.profile-mode')).toBe('fixed');
        const refixed = s.profile;

        // A reload with a host that starts afresh: the same fixed bars.
        host.builder = newBuilder();
        const since = panel.received.length;
        await panel.reload();
        await panel.next((m) => m.type === 'setLayer' && m.layer === 'profile', since);
        await host.settled();
        await feedFrames(1000);
        s = await until((x) => x.profile.drawn && x.profile.bars > 0);
        expect([s.profile.mode, s.profile.firstTime, s.profile.lastTime]).toEqual(['fixed', refixed.firstTime, refixed.lastTime]);
        expectSummedByHand(market, s.profile);
        expect(await panel.page.inputValue('.toolbar select.profile-mode')).toBe('fixed');

        // Right-click on a bar: "Fixed-range profile from here" sums from that bar to the newest.
        const box = (await panel.page.locator('.chart').boundingBox())!;
        const x = 300;
        const view = s.visibleRange!;
        await panel.page.mouse.click(box.x + x, box.y + 200, { button: 'right' });
        const item = panel.page.locator('.chart-menu button', { hasText: 'Fixed-range profile from here' });
        await item.click();
        s = await until((x) => x.profile.drawn && x.profile.firstTime !== refixed.firstTime);
        expect(s.profile.mode).toBe('fixed');
        expect(s.profile.lastIndex).toBe(s.modelBars - 1);
        // The bar under the pointer (the pane's logical range spread over its width), to within a bar.
        const atPointer = view.from + (x / s.paneWidth) * (view.to - view.from);
        expect(Math.abs(s.profile.firstIndex - atPointer)).toBeLessThanOrEqual(1.5);
        expectSummedByHand(market, s.profile);
        expect(s.viewState.profileRange).toEqual({ fromTime: s.profile.firstTime, toTime: s.profile.lastTime });
        // Not offered while the profile is off.
        await panel.page.locator('.toolbar button[data-layer="profile"]').click();
        await panel.page.mouse.click(box.x + x, box.y + 200, { button: 'right' });
        await panel.page.locator('.chart-menu').waitFor({ state: 'visible' });
        expect(await item.isHidden()).toBe(true);
      } finally {
        feed.close();
        await panel.close();
      }
    }, 90_000);
  }
});
