/**
 * The panel draws only what changed, only when it can be seen (issue 10), in headless Chromium
 * on the real capture: a host frame that changes nothing visible is acknowledged at once with no
 * animation frame; a book change repaints the chart only when the depth overlay would look
 * different; nothing flashes while nobody watches; a resize changes each canvas's size once; a
 * slowed panel says so in the toolbar and a click pins it. Screenshots of the pace in both
 * states and both themes go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { binanceRule } from '../../src/engine/book/sequenceRule';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { PROTOCOL_VERSION, type FrameMessage, type PaceMessage } from '../../src/engine/protocol';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { CaptureFeed } from './support/captureFeed';
import { HarnessHost } from './support/harnessHost';
import { repoRoot, type HarnessServer } from './support/harnessServer';
import { PanelPage, hasChromium, type PanelSnapshot } from './support/panelPage';
import { LIGHT } from './support/vscodeThemes';
import { useChromiumHarness } from './support/chromiumHarness';

const SPOT = 'binance/spot/btcusdt_20240808.gz';
const FACTS = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };
const ROOT = repoRoot(__dirname);
const ARTIFACTS = join(ROOT, 'test-artifacts');

/** The counters of issue 10 that the debug hook adds to the snapshot. */
interface LightSnapshot extends PanelSnapshot {
  draws: number;
  acksWithoutDraw: number;
  ladderDraws: number;
  tapeDraws: number;
  pace: { fps: number; watched: boolean; pinned: boolean; saving: boolean; version: number; marks: 'static' | 'animated' | 'off' };
  redraws: { series: number; depth: number };
}

interface Rig {
  feed: CaptureFeed;
  host: HarnessHost;
  panel: PanelPage;
}

/**
 * Page script: counts reads of layout (sizes, positions, computed style) made while an
 * animation-frame callback or a timer task runs (the panel draws in a task, the chart paints in
 * a frame): such a read after a write forces a synchronous layout. Each read's stack is kept (to
 * say where it came from).
 */
const COUNT_LAYOUT_READS = `
(() => {
  const reads = [];
  window.__layoutReads = reads;
  let inFrame = 0;
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((t) => { inFrame++; try { cb(t); } finally { inFrame--; } });
  const timeout = window.setTimeout.bind(window);
  window.setTimeout = (cb, ms, ...rest) => typeof cb !== 'function' ? timeout(cb, ms, ...rest) : timeout((...a) => { inFrame++; try { cb(...a); } finally { inFrame--; } }, ms, ...rest);
  const note = (name) => { if (inFrame > 0) reads.push(name + ' ' + (new Error().stack || '').split('\\n').slice(2, 5).join(' | ')); };
  const getters = [
    [HTMLElement.prototype, ['offsetWidth', 'offsetHeight', 'offsetTop', 'offsetLeft', 'innerText']],
    [Element.prototype, ['clientWidth', 'clientHeight', 'scrollWidth', 'scrollHeight', 'scrollTop', 'scrollLeft']],
  ];
  for (const [proto, names] of getters) {
    for (const name of names) {
      const d = Object.getOwnPropertyDescriptor(proto, name);
      Object.defineProperty(proto, name, { ...d, get() { note(name); return d.get.call(this); } });
    }
  }
  for (const name of ['getBoundingClientRect', 'getClientRects']) {
    const f = Element.prototype[name];
    Element.prototype[name] = function () { note(name); return f.call(this); };
  }
  const gcs = window.getComputedStyle.bind(window);
  window.getComputedStyle = (e, p) => { note('getComputedStyle'); return gcs(e, p); };
})();
`;

async function rig(browser: Browser, server: HarnessServer, initScript = ''): Promise<Rig> {
  const market = new Market({ sequenceRule: binanceRule, timeframe: '1s', indicators: [] });
  const feed = new CaptureFeed(market, [sharedDataPath(SPOT)]);
  // ~300 one-second bars, all in the init, and the view at the live edge far from the oldest:
  // no history paging mid-test (each page is a message and a draw). The capture's last ~5000
  // events are left for the frames.
  await feed.feed(36_000);
  const builder = new FrameBuilder(market, FACTS, { ticksPerRow: 10, initBars: market.candles.count, bookRows: 40, metrics: { imbalance: false, cvd: false } });
  const panel = await PanelPage.open(browser, server);
  if (initScript !== '') await panel.page.addInitScript(initScript);
  const host = new HarnessHost(market, builder, panel, []);
  await panel.load();
  await host.settled();
  await panel.until((s) => s.generation >= 1 && s.candles.count > 0 && s.depth.drawn);
  // A few real frames, so every part has drawn from the stream at least once.
  for (let k = 0; k < 5; k++) {
    await feed.feed(100);
    await host.sendFrame();
  }
  return { feed, host, panel };
}

async function snapshot(panel: PanelPage): Promise<LightSnapshot> {
  return (await panel.snapshot()) as LightSnapshot;
}

/** Waits until the panel runs no more animation frames of its own (fonts, first layout settled). */
async function quiescent(panel: PanelPage): Promise<void> {
  let draws = -1;
  for (let k = 0; k < 50; k++) {
    await frames(panel, 6);
    const now = (await snapshot(panel)).draws;
    if (now === draws) return;
    draws = now;
  }
  throw new Error('the panel keeps drawing with nothing arriving');
}

/** Lets the page run a few animation frames (and lightweight-charts its paints). */
function frames(panel: PanelPage, n = 4): Promise<void> {
  return panel.page.evaluate(
    (count) =>
      new Promise<void>((done) => {
        let left = count;
        const tick = (): void => (--left <= 0 ? done() : void requestAnimationFrame(tick));
        requestAnimationFrame(tick);
      }),
    n,
  );
}

let nextId = 1_000_000;

/** A host frame carrying only a whole book window (rows of [price, size]); cumulative sizes are computed. */
function bookFrame(bids: number[][], asks: number[][]): FrameMessage {
  const pack = (rows: number[][]): Float64Array => {
    let total = 0;
    return new Float64Array(rows.flatMap(([price, size]) => [price!, size!, (total += size!)]));
  };
  return {
    v: PROTOCOL_VERSION,
    type: 'frame',
    id: nextId++,
    bars: new Float64Array(0),
    indicators: [],
    book: { ticksPerRow: 10, valid: true, mode: 'full', bids: pack(bids), asks: pack(asks), bidCount: bids.length, askCount: asks.length, raw: null },
    trades: new Float64Array(0),
    status: null,
    stats: { events: 1, rejected: 0, buildMs: 0 },
  };
}

/** A host frame that changes nothing the panel shows (the host's stats only). */
function emptyFrame(): FrameMessage {
  const frame = bookFrame([], []);
  return { ...frame, book: null };
}

/** Sends `frame` and resolves with its ack. */
async function sendAcked(panel: PanelPage, frame: FrameMessage): Promise<{ renderMs: number }> {
  const ack = panel.next((m) => m.type === 'ack' && m.id === frame.id);
  await panel.send(frame);
  return (await ack) as unknown as { renderMs: number };
}

function pace(fps: number, watched: boolean, pinned: boolean, saving = true): PaceMessage {
  return { v: PROTOCOL_VERSION, type: 'pace', fps, watched, pinned, saving };
}

/** The book the panel holds, as [price, size] rows, with row `r` of a side resized. */
function resized(rows: number[][], r: number, factor: number): number[][] {
  return rows.map(([price, size], k) => [price!, k === r ? size! * factor : size!]);
}

/** CSS animations running in the page (the ladder's row flashes are the only ones). */
function runningAnimations(panel: PanelPage): Promise<number> {
  return panel.page.evaluate(() => document.getAnimations().filter((a) => a.playState === 'running').length);
}

describe.skipIf(!hasSharedData(SPOT) || !hasChromium())('a panel that costs little: draws only what changed, only when seen', () => {
  const harness = useChromiumHarness();

  it('acks a frame that changes nothing at once, without an animation frame; repaints the chart only for what the depth overlay shows', async () => {
    const r = await rig(harness.browser, harness.server);
    const { panel } = r;
    try {
      await quiescent(panel);
      const s0 = await snapshot(panel);
      const bids = s0.book.bids.map(([p, size]) => [p!, size!]);
      const asks = s0.book.asks.map(([p, size]) => [p!, size!]);

      // Nothing changed: acknowledged at once, nothing drawn, no chart paint.
      const same = await sendAcked(panel, emptyFrame());
      expect(same.renderMs).toBe(0);
      await frames(panel);
      const s1 = await snapshot(panel);
      expect(s1.draws).toBe(s0.draws);
      expect(s1.acksWithoutDraw).toBe(s0.acksWithoutDraw + 1);
      expect(s1.depth.draws).toBe(s0.depth.draws);
      expect(s1.redraws).toEqual(s0.redraws);

      // The best bid's size changes: the ladder is rewritten and the overlay repaints the chart
      // (one update request); the tape, without new trades, is not touched.
      await sendAcked(panel, bookFrame(resized(bids, 0, 3), asks));
      await frames(panel);
      const s2 = await snapshot(panel);
      expect(s2.ladderDraws).toBe(s1.ladderDraws + 1);
      expect(s2.tapeDraws).toBe(s1.tapeDraws);
      expect(s2.redraws.depth).toBe(s1.redraws.depth + 1);
      expect(s2.depth.draws).toBeGreaterThan(s1.depth.draws);
      expect(s2.ladder.bids[0]![1]).toBe((bids[0]![1]! * 3).toFixed(5));

      // The overlay reaches as far from the touch as the shallower side: with 10 ask rows, the
      // bids beyond them are not drawn. A size change there is a ladder-only change.
      const shortAsks = asks.slice(0, 10);
      await sendAcked(panel, bookFrame(bids, shortAsks));
      await frames(panel);
      const s3 = await snapshot(panel);
      const deep = bids.length - 1;
      await sendAcked(panel, bookFrame(resized(bids, deep, 1.5), shortAsks));
      await frames(panel);
      const s4 = await snapshot(panel);
      expect(s4.book.bids[deep]![1]).toBeCloseTo(bids[deep]![1]! * 1.5, 8);
      expect(s4.ladderDraws).toBe(s3.ladderDraws + 1);
      expect(s4.redraws.depth).toBe(s3.redraws.depth);
      expect(s4.depth.draws).toBe(s3.depth.draws);

      // Levels far below the pane (500 and 600 under the touch; the asks reach as far with a
      // far deeper total, so the overlay's scale is theirs): a size change there does not show.
      const farBids = [...bids.slice(0, 5), [bids[0]![0]! - 500, 1], [bids[0]![0]! - 600, 1]];
      const farAsks = [...asks.slice(0, 5), [asks[0]![0]! + 600, 1000]];
      await sendAcked(panel, bookFrame(farBids, farAsks));
      await frames(panel);
      const s7 = await snapshot(panel);
      expect(s7.depth.drawn).toBe(true);
      expect(s7.depth.bidEndY).toBeGreaterThan(s7.depth.bidY);
      await sendAcked(panel, bookFrame(resized(farBids, 6, 2), farAsks));
      await frames(panel);
      const s8 = await snapshot(panel);
      expect(s8.book.bids[6]).toEqual([farBids[6]![0], 2, s7.book.bids[6]![2]! + 1]);
      expect(s8.redraws.depth).toBe(s7.redraws.depth);
      expect(s8.depth.draws).toBe(s7.depth.draws);

      // With the depth layer off, a visible book change is a ladder-only change too. (The whole
      // book first: the short one's impact line wraps, which changes the ladder's rows.)
      await sendAcked(panel, bookFrame(bids, asks));
      await panel.page.click('button[data-layer=depth]');
      await panel.until((x) => !x.depth.drawn);
      await frames(panel);
      const s5 = await snapshot(panel);
      await sendAcked(panel, bookFrame(resized(bids, 0, 5), asks));
      await frames(panel);
      const s6 = await snapshot(panel);
      expect(s6.ladder.bids[0]![1]).toBe((bids[0]![1]! * 5).toFixed(5));
      expect(s6.ladderDraws).toBe(s5.ladderDraws + 1);
      expect(s6.redraws.depth).toBe(s5.redraws.depth);
      expect(s6.depth.draws).toBe(s5.depth.draws);
      expect(s6.renderErrors).toBe(0);
      expect(panel.refused).toEqual([]);
    } finally {
      r.feed.close();
      await panel.close();
    }
  });

  it('marks a changed row without animating it while watched, not at all while nobody watches; the old path (saving off) animates a flash', async () => {
    const r = await rig(harness.browser, harness.server);
    const { panel } = r;
    try {
      const s0 = await snapshot(panel);
      const bids = s0.book.bids.map(([p, size]) => [p!, size!]);
      const asks = s0.book.asks.map(([p, size]) => [p!, size!]);
      const quiet = async (): Promise<void> => {
        await panel.page.waitForFunction(() => document.getAnimations().filter((a) => a.playState === 'running').length === 0);
      };
      let factor = 2;
      const changeBestBid = (): Promise<unknown> => sendAcked(panel, bookFrame(resized(bids, 0, factor++), asks));

      const markedRows = (): Promise<number> => panel.page.evaluate(() => document.querySelectorAll('.lrow.changed').length);
      await panel.send(pace(4, false, false));
      await panel.until((x) => (x as LightSnapshot).pace.version >= 1);
      await quiet();
      await changeBestBid();
      await frames(panel);
      expect(await runningAnimations(panel)).toBe(0);
      expect(await markedRows()).toBe(0);
      expect((await snapshot(panel)).ladder.bids[0]![1]).toBe((bids[0]![1]! * 2).toFixed(5));

      // Watched: the best bid's row is marked as changed (a static tint: nothing animates, so the
      // compositor is not kept at 60 frames a second); the next update clears a row it left alone.
      await panel.send(pace(20, true, false));
      await changeBestBid();
      await frames(panel, 2);
      expect(await runningAnimations(panel)).toBe(0);
      expect(await markedRows()).toBe(1);
      await sendAcked(panel, bookFrame(resized(resized(bids, 0, factor - 1), 1, 3), asks));
      await frames(panel, 2);
      expect(await markedRows()).toBe(1); // the second row now, not the first

      // Pinned while not watched: full rate, so the full picture.
      await panel.send(pace(20, false, true));
      await sendAcked(panel, bookFrame(resized(resized(bids, 0, factor++), 1, 3), asks)); // the best bid only
      await frames(panel, 2);
      expect(await runningAnimations(panel)).toBe(0);
      expect(await markedRows()).toBe(1);

      // Power saving off: the old behaviour, flashes, and an animation frame for every host frame.
      await panel.send(pace(20, false, false, false));
      await quiet();
      await changeBestBid();
      await frames(panel, 2);
      expect(await runningAnimations(panel)).toBeGreaterThan(0);
      const before = await snapshot(panel);
      await sendAcked(panel, emptyFrame());
      await frames(panel);
      const after = await snapshot(panel);
      expect(after.draws).toBeGreaterThan(before.draws);
      expect(after.acksWithoutDraw).toBe(before.acksWithoutDraw);
    } finally {
      r.feed.close();
      await panel.close();
    }
  });

  it('moves the tape\'s rows down for new trades: only the new trades\' rows are written, and the tape still reads newest first', async () => {
    const r = await rig(harness.browser, harness.server);
    const { panel } = r;
    try {
      await panel.page.evaluate(() => {
        const w = window as unknown as { __tapeWrites: number };
        w.__tapeWrites = 0;
        new MutationObserver((records) => {
          for (const m of records) if (m.type === 'characterData' || (m.type === 'childList' && (m.target as Element).tagName === 'SPAN')) w.__tapeWrites++;
        }).observe(document.querySelector('.tape-body')!, { subtree: true, childList: true, characterData: true });
      });
      const writes = (): Promise<number> => panel.page.evaluate(() => (window as unknown as { __tapeWrites: number }).__tapeWrites);
      const before = await snapshot(panel);
      const last = before.tape.rows[0]!;
      const rowsShown = before.tape.rows.length;
      expect(rowsShown).toBeGreaterThan(5);
      const t0 = Date.parse('2024-08-08T23:59:00Z');
      const trades = new Float64Array([t0, 61000.5, 0.25, 1, t0 + 1, 61001, 0.5, -1]);
      await sendAcked(panel, { ...emptyFrame(), trades });
      await frames(panel, 2);
      const after = await snapshot(panel);
      // Two trades: two rows' three cells written (a rewrite of every row would be 3 × rows).
      expect(await writes()).toBeLessThanOrEqual(2 * 3 * 2);
      expect(after.tape.rows[0]!.slice(1)).toEqual(['61001.00', '0.50000', 'sell']);
      expect(after.tape.rows[1]!.slice(1)).toEqual(['61000.50', '0.25000', 'buy']);
      expect(after.tape.rows[2]).toEqual(last);
      expect(after.tape.rows).toEqual([...after.tape.rows.slice(0, 2), ...before.tape.rows.slice(0, rowsShown - 2)]);
    } finally {
      await panel.close();
    }
  });

  it('reads no layout while it draws: a live stream with the pointer moving over the chart', async () => {
    const r = await rig(harness.browser, harness.server, COUNT_LAYOUT_READS);
    const { panel } = r;
    try {
      const box = (await panel.page.locator('.chart').boundingBox())!;
      // lightweight-charts parses each colour once through a computed style (its crosshair's at
      // the first hover), then from its cache: hover once before counting.
      await panel.page.mouse.move(box.x + 90, box.y + 70);
      await frames(panel);
      await panel.page.evaluate(() => ((window as unknown as { __layoutReads: string[] }).__layoutReads.length = 0));
      for (let k = 0; k < 30; k++) {
        await r.feed.feed(100);
        await r.host.sendFrame();
        await panel.page.mouse.move(box.x + 100 + k * 13, box.y + 80 + (k % 7) * 20);
      }
      await frames(panel);
      const s = await snapshot(panel);
      expect(s.ladderDraws).toBeGreaterThan(20);
      expect(s.tapeDraws).toBeGreaterThan(20);
      expect(await panel.page.evaluate(() => (window as unknown as { __layoutReads: string[] }).__layoutReads)).toEqual([]);
    } finally {
      r.feed.close();
      await panel.close();
    }
  });

  it('puts each update on screen in one animation frame (the panel draws in a task, the chart paints in the next frame, the ack follows in it)', async () => {
    // Each animation frame the page runs callbacks in, by its timestamp: a frame of the whole
    // window in VS Code, so an update that takes two costs twice.
    const COUNT_FRAMES = `
      (() => {
        const stamps = new Set();
        window.__frameStamps = stamps;
        const raf = window.requestAnimationFrame.bind(window);
        window.requestAnimationFrame = (cb) => raf((t) => { stamps.add(t); cb(t); });
      })();
    `;
    const r = await rig(harness.browser, harness.server, COUNT_FRAMES);
    const { panel } = r;
    try {
      await quiescent(panel);
      const frameCount = (): Promise<number> => panel.page.evaluate(() => (window as unknown as { __frameStamps: Set<number> }).__frameStamps.size);
      const s0 = await snapshot(panel);
      const f0 = await frameCount();
      const updates = 12;
      for (let k = 0; k < updates; k++) {
        await r.feed.feed(60);
        await r.host.sendFrame();
      }
      await frames(panel, 1);
      const s1 = await snapshot(panel);
      // Every update drew the chart (new trades move the live candle) and was acknowledged.
      expect(s1.draws - s0.draws).toBe(updates);
      expect(s1.redraws.series - s0.redraws.series).toBeGreaterThanOrEqual(updates);
      // One frame each, plus the one the count itself waits for (two each when the panel drew
      // inside a frame and the chart painted in the next).
      expect((await frameCount()) - f0).toBeLessThanOrEqual(updates + 2);
    } finally {
      r.feed.close();
      await panel.close();
    }
  });

  it('changes each chart canvas’s size once per resize', async () => {
    const r = await rig(harness.browser, harness.server);
    const { panel } = r;
    try {
      await frames(panel);
      await panel.page.evaluate(() => {
        const w = window as unknown as { __canvasChanges: Map<Element, { width: number; height: number }>; __canvasObserver: MutationObserver };
        w.__canvasChanges = new Map();
        w.__canvasObserver = new MutationObserver((records) => {
          // Every write of either attribute counts (even of the same value: it clears the canvas).
          for (const m of records) {
            const seen = w.__canvasChanges.get(m.target as Element) ?? { width: 0, height: 0 };
            seen[m.attributeName as 'width' | 'height']++;
            w.__canvasChanges.set(m.target as Element, seen);
          }
        });
        for (const c of document.querySelectorAll('.chart canvas')) w.__canvasObserver.observe(c, { attributes: true, attributeFilter: ['width', 'height'] });
      });
      await panel.page.setViewportSize({ width: 1100, height: 640 });
      await new Promise((done) => setTimeout(done, 500));
      await frames(panel);
      const counts = await panel.page.evaluate(() => {
        const w = window as unknown as { __canvasChanges: Map<Element, { width: number; height: number }>; __canvasObserver: MutationObserver };
        w.__canvasObserver.disconnect();
        return [...w.__canvasChanges.values()];
      });
      // The panes' and both axes' canvases all change size (narrower and shorter), each once.
      expect(counts.length).toBeGreaterThanOrEqual(4);
      expect(counts).toEqual(counts.map(() => ({ width: 1, height: 1 })));
    } finally {
      r.feed.close();
      await panel.close();
    }
  });

  it('shows a slowed panel’s rate in the toolbar; a click pins it, and a pinned panel says so', async () => {
    const r = await rig(harness.browser, harness.server);
    const { panel } = r;
    const pace$ = panel.page.locator('button.pace');
    const shoot = async (name: string): Promise<void> => {
      mkdirSync(ARTIFACTS, { recursive: true });
      await panel.page.locator('.toolbar').screenshot({ path: join(ARTIFACTS, name) });
    };
    try {
      // Watched: nothing to say.
      expect(await pace$.isVisible()).toBe(false);

      await panel.send(pace(4, false, false));
      await panel.until((x) => (x as LightSnapshot).pace.version >= 1);
      expect(await pace$.isVisible()).toBe(true);
      expect(await pace$.textContent()).toBe('4 fps');
      expect(await pace$.getAttribute('title')).toBe('Not watched: updating 4 times a second. Click to pin this chart to full rate.');
      expect(await pace$.getAttribute('aria-pressed')).toBe('false');
      await shoot('pace-slowed-dark.png');
      expect(await panel.expectMessage(() => pace$.click(), (m) => m.type === 'setPinned')).toMatchObject({ pinned: true });

      await panel.send(pace(20, false, true));
      await panel.until((x) => (x as LightSnapshot).pace.pinned);
      expect(await pace$.isVisible()).toBe(true);
      expect(await pace$.textContent()).toBe('pinned');
      expect(await pace$.getAttribute('aria-pressed')).toBe('true');
      expect(await pace$.getAttribute('title')).toMatch(/Click to unpin/);
      await shoot('pace-pinned-dark.png');
      expect(await panel.expectMessage(() => pace$.click(), (m) => m.type === 'setPinned')).toMatchObject({ pinned: false });

      await panel.applyTheme(LIGHT);
      await panel.until((x) => x.theme.kind === 'light');
      await shoot('pace-pinned-light.png');
      await panel.send(pace(4, false, false));
      await panel.until((x) => !(x as LightSnapshot).pace.pinned);
      await shoot('pace-slowed-light.png');

      // Watched again, or power saving off (the host does not slow the panel): hidden.
      await panel.send(pace(20, true, false));
      await panel.until((x) => (x as LightSnapshot).pace.watched);
      expect(await pace$.isVisible()).toBe(false);
      await panel.send(pace(4, false, false, false));
      await panel.until((x) => !(x as LightSnapshot).pace.saving);
      expect(await pace$.isVisible()).toBe(false);
      expect(panel.refused).toEqual([]);
    } finally {
      r.feed.close();
      await panel.close();
    }
  });
});
