/**
 * Big trades in a real panel (headless Chromium, the real FrameBuilder on a market fed known
 * trades): one threshold drives the tape's highlight, the circles on the candles and the "CVD of
 * big trades" pane; marks sit at their trade's bar and price in the taker's colour and follow a
 * new threshold; sound (an AudioContext stand-in in the page counts what is played) is silent by
 * default, ticks for big trades only once enabled, at the set volume, never two ticks within the
 * rate limit, and chimes for an alert. Screenshots of the marks, dark and light.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { DEFAULT_DISPLAY, PROTOCOL_VERSION, type WebviewMessage } from '../../src/engine/protocol';
import { TICK_GAP_MS } from '../../webview/sound/panelSound';
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

interface Mark {
  time: number;
  price: number;
  amount: number;
  side: number;
  x: number | null;
  y: number | null;
  r: number;
}
type Snapshot = PanelSnapshot & {
  tradeMarks: { threshold: number; held: number; visible: number; marks: Mark[] };
  sound: { ticks: number; skipped: number; chimes: number };
  indicators: (PanelSnapshot['indicators'][number] & { paneLabel: { title: string; note: string } | null })[];
};

/**
 * An AudioContext stand-in: every note played is recorded (wave, frequency, peak gain, page time).
 * Like a browser's autoplay policy, it starts suspended and resumes only within a user gesture.
 */
const AUDIO_STUB = `
window.__notes = [];
window.__contexts = [];
// A gesture is a real pointer or key event, for as long as it is dispatched (page scripts the test runs count as none).
let gesture = false;
for (const type of ['pointerdown', 'keydown']) {
  window.addEventListener(type, () => { gesture = true; setTimeout(() => (gesture = false)); }, true);
}
window.AudioContext = class {
  constructor() { this.currentTime = 0; this.state = 'suspended'; this.destination = {}; window.__contexts.push(this); }
  resume() { if (gesture) this.state = 'running'; return Promise.resolve(); }
  createGain() {
    const ramps = [];
    return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime(v) { ramps.push(v); } }, connect() {}, ramps };
  }
  createOscillator() {
    const note = { type: '', hz: 0, at: performance.now(), gain: null };
    window.__notes.push(note);
    return {
      set type(t) { note.type = t; },
      frequency: { setValueAtTime(hz) { note.hz = hz; } },
      connect(g) { note.gain = g; },
      start() {}, stop() {},
    };
  }
};`;

interface Note {
  type: string;
  hz: number;
  at: number;
  peak: number;
}

/** Bars of small trades (0.1 to 0.5) with a big one (2 or 4, buy and sell in turn) in every third bar. */
function tradedMarket(bars: number, tradeLogCapacity?: number): Market {
  const market = new Market({ tickSize: 0.01, timeframe: '1m', ...(tradeLogCapacity === undefined ? {} : { tradeLogCapacity }) });
  let price = 100;
  for (let b = 0; b < bars; b++) {
    for (let k = 0; k < 10; k++) {
      price = Math.round((price + Math.sin(b * 10 + k) * 0.08) * 100) / 100;
      market.onTrade(T0 + b * MINUTE + k * 5000, price, 0.1 + (k % 5) * 0.1, k % 2 === 0 ? 1 : -1);
    }
    if (b % 3 === 0) market.onTrade(T0 + b * MINUTE + 55_000, price + 0.05, b % 2 === 0 ? 4 : 2, b % 6 === 0 ? 1 : -1);
  }
  market.mirrorBook(
    Array.from({ length: 20 }, (_, i) => [price - 0.01 - i * 0.02, 0.5 + (i % 4)]),
    Array.from({ length: 20 }, (_, i) => [price + 0.01 + i * 0.02, 0.5 + (i % 3)]),
  );
  return market;
}

describe.skipIf(!hasChromium())('big trades: marks, the one threshold and sound, in Chromium', () => {
  const harness = useChromiumHarness();

  async function open(theme: HarnessTheme, largeTradeThreshold: number, tradeLogCapacity?: number) {
    const market = tradedMarket(40, tradeLogCapacity);
    const builder = new FrameBuilder(market, FACTS, { initBars: 200, tapeRows: 200, metrics: { imbalance: false, cvd: true }, display: { ...DEFAULT_DISPLAY, depthOverlayWidth: 80, largeTradeThreshold } });
    const panel = await PanelPage.open(harness.browser, harness.server, { theme, width: 1100, height: 620 });
    await panel.page.addInitScript(AUDIO_STUB);
    const host = new HarnessHost(market, builder, panel, []);
    // The "CVD of big trades" intent, as the panel controller answers it: a new init.
    const handle = panel.onMessage;
    let reinit: Promise<void> = Promise.resolve();
    panel.onMessage = (m: WebviewMessage) => {
      handle(m);
      if (m.type === 'setCvdMinAmount') {
        builder.updateSettings({ cvdMinAmount: m.amount });
        reinit = host.send(builder.buildInit(host.status));
      }
    };
    await panel.load();
    await host.settled();
    const snap = () => panel.snapshot() as Promise<Snapshot>;
    const until = (test: (s: Snapshot) => boolean) => panel.until((s) => test(s as Snapshot)) as Promise<Snapshot>;
    const notes = () =>
      panel.page.evaluate(() =>
        (window as unknown as { __notes: { type: string; hz: number; at: number; gain: { ramps: number[] } | null }[] }).__notes.map((n) => ({ type: n.type, hz: n.hz, at: n.at, peak: Math.max(...(n.gain?.ramps ?? [0])) })),
      ) as Promise<Note[]>;
    let t = T0 + 40 * MINUTE;
    /** New trades at the market (amount, side, price), then a frame carrying them. */
    const trade = async (...trades: [number, number, number?][]) => {
      for (const [amount, side, price] of trades) market.onTrade((t += 700), price ?? 100, amount, side);
      await host.sendFrame();
    };
    return { market, builder, panel, host, snap, until, notes, trade, reinit: () => reinit };
  }

  for (const [name, theme] of [
    ['dark', DARK],
    ['light', LIGHT],
  ] as [string, HarnessTheme][]) {
    it(`marks big trades only, at their bar and price in the taker's colour, and follows the threshold (${name})`, async () => {
      const { panel, host, until, trade } = await open(theme, 1.5);
      try {
        let s = await until((x) => x.candles.count > 0 && x.tradeMarks.held > 0);
        // Marked: exactly the init's trades of at least 1.5 (a big one every third bar).
        const sent = host.lastInit!.trades;
        const big = Array.from({ length: sent.length / 4 }, (_, k) => sent[k * 4 + 2]!).filter((amount) => amount >= 1.5);
        expect(big.length).toBeGreaterThan(4);
        expect(s.tape.threshold).toBe(1.5);
        expect(s.tradeMarks.marks.map((m) => m.amount)).toEqual(big);
        for (const m of s.tradeMarks.marks) {
          expect(m.x).not.toBeNull();
          expect(m.y).not.toBeNull();
        }
        // A 4 is drawn larger than a 2 (area in proportion to the amount).
        const radius = (amount: number) => s.tradeMarks.marks.find((m) => m.amount === amount)!.r;
        expect(radius(4)).toBeCloseTo(radius(2) * Math.SQRT2, 6);
        expect(s.tape.big).toBe(s.tape.rows.filter((row) => Number(row[2]) >= 1.5).length);

        // New trades: the big one is marked at the live bar, the small ones not.
        await trade([0.3, 1], [3, 1, 100.3], [0.2, -1], [5, -1, 99.7]);
        expect(host.sent.at(-1)?.type).toBe('frame');
        s = await until((x) => x.tradeMarks.held === big.length + 2);
        const [buy, sell] = s.tradeMarks.marks.slice(-2);
        expect([buy!.amount, buy!.side, sell!.amount, sell!.side]).toEqual([3, 1, 5, -1]);
        expect(buy!.x).toBe(s.tradeMarks.marks.at(-1)!.x);
        // Drawn: at each mark's centre the pixel is the taker's colour (green-ish for the buy, red-ish for the sell).
        await panel.page.waitForTimeout(100);
        const [atBuy, atSell] = await panel.chartPixels([
          [buy!.x!, buy!.y!],
          [sell!.x!, sell!.y!],
        ]);
        expect(atBuy![1]).toBeGreaterThan(atBuy![0]!);
        expect(atSell![0]).toBeGreaterThan(atSell![1]!);
        mkdirSync(ARTIFACTS, { recursive: true });
        await panel.page.screenshot({ path: join(ARTIFACTS, `big-trades-${name}.png`) });

        // A higher threshold in the tape's box: only trades ≥ 3.5 stay marked; the tape agrees.
        const box = panel.page.locator('.tape-threshold input');
        await box.fill('3.5');
        await box.dispatchEvent('change');
        s = await until((x) => x.tradeMarks.threshold === 3.5);
        expect(s.tradeMarks.marks.map((m) => m.amount)).toEqual([...big.filter((a) => a >= 3.5), 5]);
        expect(s.tape.threshold).toBe(3.5);
        // A lower one marks the tape's smaller trades too.
        await box.fill('0.5');
        await box.dispatchEvent('change');
        s = await until((x) => x.tradeMarks.threshold === 0.5);
        expect(s.tradeMarks.marks.every((m) => m.amount >= 0.5)).toBe(true);
        expect(s.tradeMarks.marks.some((m) => m.amount === 0.5)).toBe(true);
        expect(s.tradeMarks.held).toBeLessThanOrEqual(400);
        expect(panel.refused).toEqual([]);
      } finally {
        await panel.close();
      }
    });
  }

  it("counts the CVD of big trades from the tape's threshold when its CVD box is ticked", async () => {
    // The host keeps the last 100 trades (about nine bars) to count from.
    const { market, panel, until, trade, reinit } = await open(DARK, 1.5, 100);
    try {
      await until((x) => x.candles.count > 0 && x.indicators.some((i) => i.kind === 'cvd'));
      const cvdBox = panel.page.locator('.tape-big-cvd input');
      let asked = await panel.expectMessage(() => cvdBox.check(), (m) => m.type === 'setCvdMinAmount');
      expect(asked).toEqual({ v: PROTOCOL_VERSION, type: 'setCvdMinAmount', amount: 1.5 });
      let s = await until((x) => x.indicators.some((i) => i.paneLabel?.title === 'CVD ≥ 1.5'));
      expect(s.viewState).toMatchObject({ bigCvd: true });
      // The bars before the oldest kept trade are not counted, and the pane says from when it counts.
      const firstCounted = market.tradeLog.time(0) - (market.tradeLog.time(0) % MINUTE);
      const pane = s.indicators.find((i) => i.paneLabel?.title === 'CVD ≥ 1.5')!;
      expect(pane.paneLabel!.note).toBe(`counted from ${new Date(firstCounted).toISOString().slice(11, 19)}`);
      expect(pane.count).toBeLessThan(s.candles.count);
      mkdirSync(ARTIFACTS, { recursive: true });
      await panel.page.screenshot({ path: join(ARTIFACTS, 'big-trades-cvd.png') });
      await trade([0.4, 1], [3, 1]);
      const box = panel.page.locator('.tape-threshold input');
      asked = await panel.expectMessage(async () => {
        await box.fill('3');
        await box.dispatchEvent('change');
      }, (m) => m.type === 'setCvdMinAmount');
      expect(asked).toMatchObject({ amount: 3 });
      s = await until((x) => x.indicators.some((i) => i.paneLabel?.title === 'CVD ≥ 3'));
      asked = await panel.expectMessage(() => cvdBox.uncheck(), (m) => m.type === 'setCvdMinAmount');
      expect(asked).toMatchObject({ amount: 0 });
      s = await until((x) => x.indicators.some((i) => i.paneLabel?.title === 'CVD'));
      // Kept across a reload: the panel asks again for what its box says.
      await cvdBox.check();
      await until((x) => x.indicators.some((i) => i.paneLabel?.title === 'CVD ≥ 3'));
      const since = panel.received.length;
      await panel.reload();
      await panel.next((m) => m.type === 'setCvdMinAmount' && m.amount === 3, since);
      await reinit();
      expect(panel.refused).toEqual([]);
    } finally {
      await panel.close();
    }
  });

  it('sounds only when enabled: a tick per big trade by side, at the volume, rate-limited; an alert chimes', async () => {
    const { panel, until, trade, notes, snap } = await open(DARK, 1.5);
    try {
      await until((x) => x.candles.count > 0);
      // Silent by default: big trades play nothing (and no audio is even made).
      await trade([3, 1]);
      await panel.send({ v: PROTOCOL_VERSION, type: 'alertSound', direction: 'above' });
      await until((x) => x.tradeMarks.held === 8);
      expect(await notes()).toEqual([]);

      await panel.send({ v: PROTOCOL_VERSION, type: 'sound', bigTrades: true, alerts: true, volume: 0.5 });
      // Small trades: nothing. A big buy: one high tick at half the full tick's loudness.
      await trade([0.2, 1], [0.3, -1]);
      await trade([4, 1]);
      let played = await notes();
      expect(played.map((n) => [n.type, n.hz])).toEqual([['triangle', 1320]]);
      expect(played[0]!.peak).toBeCloseTo(0.25 * 0.5, 6);
      // Audio held back until a gesture: a click in the panel lets it play.
      const audioStates = () => panel.page.evaluate(() => (window as unknown as { __contexts: { state: string }[] }).__contexts.map((c) => c.state));
      expect(await audioStates()).toEqual(['suspended']);
      await panel.page.locator('.tape .panel-title').click();
      expect(await audioStates()).toEqual(['running']);
      // A big sell after the gap: a low tick; at volume 0.2, quieter.
      await panel.page.waitForTimeout(TICK_GAP_MS + 20);
      await panel.send({ v: PROTOCOL_VERSION, type: 'sound', bigTrades: true, alerts: true, volume: 0.2 });
      await trade([2, -1]);
      played = await notes();
      expect(played.map((n) => [n.type, n.hz])).toEqual([['triangle', 1320], ['sine', 520]]);
      expect(played[1]!.peak).toBeCloseTo(0.25 * 0.2, 6);

      // A burst: ten big trades in one frame are one tick; frames of big trades in quick succession
      // never tick closer than the rate limit.
      await panel.page.waitForTimeout(TICK_GAP_MS + 20);
      await trade(...Array.from({ length: 10 }, (_, k): [number, number] => [2 + k, k % 2 === 0 ? 1 : -1]));
      for (let k = 0; k < 12; k++) await trade([3, 1]);
      played = (await notes()).slice(2);
      expect(played.length).toBeGreaterThanOrEqual(1);
      for (let k = 1; k < played.length; k++) expect(played[k]!.at - played[k - 1]!.at).toBeGreaterThanOrEqual(TICK_GAP_MS - 1);
      expect((await snap()).sound.skipped).toBeGreaterThan(9);

      // An alert: a rising two-note chime.
      const before = (await notes()).length;
      await panel.send({ v: PROTOCOL_VERSION, type: 'alertSound', direction: 'above' });
      await until((x) => x.sound.chimes === 1);
      expect((await notes()).slice(before).map((n) => n.hz)).toEqual([660, 990]);

      // Volume 0 or off: silent again.
      await panel.send({ v: PROTOCOL_VERSION, type: 'sound', bigTrades: true, alerts: true, volume: 0 });
      await panel.page.waitForTimeout(TICK_GAP_MS + 20);
      const quiet = (await notes()).length;
      await trade([5, 1]);
      await panel.send({ v: PROTOCOL_VERSION, type: 'sound', bigTrades: false, alerts: false, volume: 1 });
      await panel.page.waitForTimeout(TICK_GAP_MS + 20);
      await trade([5, -1]);
      await panel.send({ v: PROTOCOL_VERSION, type: 'alertSound', direction: 'below' });
      await panel.page.waitForTimeout(100);
      expect((await notes()).length).toBe(quiet);
      // A malformed sound message is dropped.
      await panel.sendRaw({ v: PROTOCOL_VERSION, type: 'sound', bigTrades: true, alerts: true, volume: 3 });
      await until((x) => x.lastDropReason.startsWith('sound:'));
    } finally {
      await panel.close();
    }
  });
});
