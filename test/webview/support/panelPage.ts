/**
 * The panel in headless Chromium, as a VS Code webview would host it: `acquireVsCodeApi` is a
 * stand-in whose `postMessage` reaches the Node side (every message recorded and validated as
 * the host would) and whose state lives in sessionStorage (so it survives a reload, as VS Code's
 * does); the theme arrives as VS Code sends it. CSP violations are collected.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_LAUNCH_ARGS, chromiumPath } from '../../../scripts/testEnv/chromium.mjs';
import { ProtocolError, parseWebviewMessage, type HostMessage, type WebviewMessage } from '../../../src/engine/protocol';
import type { HarnessServer } from './harnessServer';
import { APPLY_THEME_SOURCE, DARK, type HarnessTheme } from './vscodeThemes';
import { PAGE_DECODER_SOURCE, encodeMessage } from './wireCodec';

/**
 * True when Chromium or Chrome is found (`npm test` installs it first). When it is absent: throws
 * under CI, else warns and returns false so browser tests can `describe.skipIf(!hasChromium())`.
 */
export function hasChromium(): boolean {
  try {
    chromiumPath();
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (process.env.CI === 'true') throw new Error(`${message} (missing under CI=true)`);
    console.warn(`SKIPPED: ${message}`);
    return false;
  }
}

/** Headless Chromium with software rendering. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_LAUNCH_ARGS] });
}

export interface PanelPageOptions {
  theme: HarnessTheme;
  timezoneId: string;
  width: number;
  height: number;
}

const NEXT_TIMEOUT_MS = 10_000;

const DEFAULTS: PanelPageOptions = { theme: DARK, timezoneId: 'UTC', width: 1280, height: 720 };

export class PanelPage {
  /** Every message the webview posted, validated as the host would. */
  readonly received: WebviewMessage[] = [];
  /** Posted messages the host's validation refused. */
  readonly refused: string[] = [];
  /** Called for each valid message (the harness host's hook). */
  onMessage: (message: WebviewMessage) => void = () => {};
  private waiters: { test: (m: WebviewMessage) => boolean; done: (m: WebviewMessage) => void }[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly url: string,
  ) {}

  static async open(browser: Browser, server: HarnessServer, options: Partial<PanelPageOptions> = {}): Promise<PanelPage> {
    const o = { ...DEFAULTS, ...options };
    const context = await browser.newContext({ viewport: { width: o.width, height: o.height }, deviceScaleFactor: 1, timezoneId: o.timezoneId });
    const page = await context.newPage();
    const panel = new PanelPage(context, page, server.panelUrl);
    page.on('pageerror', (error) => panel.refused.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => panel.refused.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
    page.on('console', (message) => {
      if (message.type() === 'error') panel.refused.push(`console error: ${message.text()}`);
    });
    await page.exposeFunction('__orderscopeHostReceive', (json: string) => panel.accept(json));
    await page.addInitScript(`${APPLY_THEME_SOURCE}\n${PAGE_DECODER_SOURCE}\n${stubSource(o.theme)}`);
    return panel;
  }

  /** Loads the panel and resolves with its `ready`. */
  async load(): Promise<void> {
    const ready = this.next((m) => m.type === 'ready');
    await this.page.goto(this.url);
    await ready;
  }

  /** Reloads the page (the webview is recreated) and resolves with its new `ready`. */
  async reload(): Promise<void> {
    const ready = this.next((m) => m.type === 'ready');
    await this.page.reload();
    await ready;
  }

  /** Posts a host message into the page (typed arrays rebuilt there). */
  send(message: HostMessage): Promise<void> {
    return this.page.evaluate((wire) => (window as unknown as { __harnessDeliver(w: unknown): void }).__harnessDeliver(wire), encodeMessage(message));
  }

  /** Posts any value as a message, unvalidated (to test what the panel does with junk). */
  sendRaw(value: unknown): Promise<void> {
    return this.page.evaluate((v) => window.postMessage(v, '*'), value);
  }

  /**
   * Resolves with the first webview message passing `test` among those received from index
   * `since` on (default: from now), waiting for it if needed.
   */
  next(test: (m: WebviewMessage) => boolean, since = this.received.length): Promise<WebviewMessage> {
    const seen = this.received.slice(since).find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no such webview message within ${NEXT_TIMEOUT_MS} ms: ${test.toString()}; page errors and refused messages: ${JSON.stringify(this.refused)}`)), NEXT_TIMEOUT_MS);
      this.waiters.push({ test, done: (m) => (clearTimeout(timer), done(m)) });
    });
  }

  /** Runs a user action and resolves with the first message it caused that passes `test`. */
  async expectMessage(action: () => Promise<unknown>, test: (m: WebviewMessage) => boolean): Promise<WebviewMessage> {
    const since = this.received.length;
    await action();
    return this.next(test, since);
  }

  snapshot(): Promise<PanelSnapshot> {
    return this.page.evaluate(() => (window as unknown as { __orderscope: { snapshot(): unknown } }).__orderscope.snapshot()) as Promise<PanelSnapshot>;
  }

  chartPixels(points: [number, number][]): Promise<number[][]> {
    return this.page.evaluate((p) => (window as unknown as { __orderscope: { chartPixels(p: [number, number][]): number[][] } }).__orderscope.chartPixels(p), points);
  }

  cspViolations(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations.slice());
  }

  applyTheme(theme: HarnessTheme): Promise<void> {
    return this.page.evaluate((t) => (window as unknown as { __harnessApplyTheme(t: unknown): void }).__harnessApplyTheme(t), theme);
  }

  /** Waits until the page's snapshot satisfies `test`. */
  async until(test: (s: PanelSnapshot) => boolean, timeoutMs = 5000): Promise<PanelSnapshot> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.snapshot();
      if (test(s)) return s;
      if (Date.now() > end) throw new Error(`panel did not reach the expected state in ${timeoutMs} ms; last snapshot: ${JSON.stringify(s).slice(0, 2000)}`);
      await new Promise((r) => setTimeout(r, 30));
    }
  }

  /**
   * Zooms with the mouse wheel at the newest bar (left of the depth overlay, so it stays in view)
   * until the bars are at least `px` wide (or, zooming out, at most), then moves the pointer off
   * the chart (its crosshair would cover a picture). Returns the bar width reached.
   */
  async zoomToBarSpacing(px: number): Promise<number> {
    type Shown = { paneWidth: number; depth: { style: { width: number } }; footprint: { barSpacing: number } };
    const shown = async (): Promise<Shown> => (await this.snapshot()) as unknown as Shown;
    const box = (await this.page.locator('.chart').boundingBox())!;
    const s = await shown();
    await this.page.mouse.move(box.x + s.paneWidth - s.depth.style.width - 30, box.y + box.height * 0.4);
    const wider = s.footprint.barSpacing < px;
    let spacing = s.footprint.barSpacing;
    for (let k = 0; k < 60 && (wider ? spacing < px : spacing > px); k++) {
      await this.page.mouse.wheel(0, wider ? -150 : 150);
      await new Promise((done) => setTimeout(done, 30));
      spacing = (await shown()).footprint.barSpacing;
    }
    await this.page.mouse.move(box.x + box.width + 200, box.y + 5);
    return spacing;
  }

  close(): Promise<void> {
    return this.context.close();
  }

  private accept(json: string): void {
    let parsed: WebviewMessage | ProtocolError;
    try {
      parsed = parseWebviewMessage(JSON.parse(json));
    } catch {
      parsed = new ProtocolError('not JSON');
    }
    if (parsed instanceof ProtocolError) {
      this.refused.push(`${parsed.reason}: ${json}`);
      return;
    }
    this.received.push(parsed);
    this.onMessage(parsed);
    const still: typeof this.waiters = [];
    for (const w of this.waiters) (w.test(parsed) ? w.done(parsed) : still.push(w));
    this.waiters = still;
  }
}

/** What `window.__orderscope.snapshot()` returns (the parts tests read). */
export interface PanelSnapshot {
  generation: number;
  framesApplied: number;
  historyPages: number;
  hasOlder: boolean;
  timeframe: string;
  dropped: number;
  lastDropReason: string;
  renderErrors: number;
  acks: number;
  intents: Record<string, number>;
  viewState: { ticksPerRow: number | null; layers: Record<string, boolean> | null; indicators: Record<string, boolean>; range: unknown; depthWidth: number; impactQuantity: number };
  modelBars: number;
  book: { valid: boolean; ticksPerRow: number; bids: number[][]; asks: number[][] };
  ladder: { bids: string[][]; asks: string[][]; spread: string; resyncing: boolean; rowsPerSide: number; impact: string[]; step: string };
  tape: { rows: string[][]; big: number; threshold: number };
  badge: { text: string; className: string; title: string };
  candles: { count: number; historyCount: number; liveCount: number; firstTime: number | null; last: { time: number; open: number; high: number; low: number; close: number } | null };
  volume: { count: number; last: number | null } | null;
  /** paneLabel: what the indicator's own pane says (its title, why it is blank); null for an overlay. */
  indicators: { id: string; kind: string; pane: number; outputs: (number | null)[]; count: number; paneLabel: { title: string; note: string } | null }[];
  panes: number;
  visibleRange: { from: number; to: number } | null;
  /** A remembered range waits to be applied (until the chart knows its width). */
  rangePending: boolean;
  depth: { drawn: boolean; right: number; bidY: number; askY: number; bidEndY: number; askEndY: number; reach: number; bidSteps: number; askSteps: number; merged: number; draws: number; rebuilds: number; style: { visible: boolean; width: number; up: string; down: string }; tags: { text: string; y: number; visible: boolean }[] };
  /** The price alerts drawn on the chart: price, line height (CSS px in the chart), axis tag, the ×'s x. */
  alerts: { id: string; price: number; y: number | null; tag: string; closeX: number }[];
  sync: { historySetData: number; liveSetData: number; liveUpdates: number };
  theme: { background: string; up: string; down: string; kind: string };
  legend: string;
  /** The note at the oldest bar (why nothing older shows), null when none is shown. */
  historyNote: string | null;
  /** The in-panel message of a market the host could not open ('' when none). */
  openFailure: string;
}

/** The `acquireVsCodeApi` stand-in. */
function stubSource(theme: HarnessTheme): string {
  return `
(() => {
  const KEY = '__orderscopeVsCodeState';
  let acquired = false;
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    window.__harnessApplyTheme(${JSON.stringify(theme)});
    return Object.freeze({
      postMessage: (message) => { window.__orderscopeHostReceive(JSON.stringify(message)); },
      getState: () => { const s = sessionStorage.getItem(KEY); return s === null ? undefined : JSON.parse(s); },
      setState: (state) => { sessionStorage.setItem(KEY, JSON.stringify(state)); return state; },
    });
  };
})();
`;
}
