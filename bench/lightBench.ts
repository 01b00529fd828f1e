/**
 * What Orderscope costs in CPU while a person works in VS Code, measured in a real VS Code
 * (code-server, the packaged .vsix) in headless Chromium (software rendering), fed by the fake
 * exchange replaying the Binance spot BTCUSDT captures at their real rate.
 *
 * Each figure is the CPU time (utime + stime from /proc) of a group of processes over a fixed
 * window, in % of one core, ABOVE a baseline measured in the same run: the same window with no
 * chart open (Orderscope active, the five tickers live, the same layout and user activity). A state
 * with a chart is measured in pairs, its baseline window then its own, the chart closed and opened
 * again between pairs, and the figure is the median of the pairs' differences: the workbench's own
 * background work drifts by a few % of a core over minutes, as much as the smaller figures.
 * The tickers' own cost is measured against the same idle window with no ticker.
 * - renderer: every Chromium renderer process summed (the webview's iframe shares the
 *   workbench's renderer unless the run reports an extra one);
 * - gpu: Chromium's GPU process (compositing and, with --disable-gpu, nothing else of the GPU);
 * - host: the extension host (every extension in it; only Orderscope differs from the baseline);
 * - server and other Chromium processes are printed for information.
 *
 * States (five status-bar tickers live in each; `orderscope.chart.powerSaving` on, then off):
 * - Focused: the chart is the active editor, the pointer moves over its canvas at 30 Hz
 *   (baseline: the pointer over a text editor);
 * - Hidden: the chart is a background tab behind a text editor in the same group, idle;
 * - Corner: the chart in a second editor group, the user types 8 chars/s in the first
 *   (baseline: a text editor in the second group);
 * - Tickers: no chart, only the five tickers, idle.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { descendantsOf, QUIET_SETTINGS } from '../scripts/e2e/codeServer.mjs';
import { DEFAULT_BINANCE_MARKETS, type BinanceMarketSpec } from '../test/fakeExchange/binanceVenue';
import { FakeExchange } from '../test/fakeExchange/FakeExchange';
import { hasSharedData, sharedDataPath } from '../test/support/sharedData';
import { startCodeServerSession, type CodeServerSession } from '../test/e2e/codeServerSession';
import { packagedExtension } from '../test/e2e/packagedExtension';
import { editorTabs, panelSnapshot, waitForPanel } from '../test/e2e/panelProbe';
import { commandLine, cpuPercent, descendantsWith, readCpu, type ProcessGroup } from '../test/e2e/processCpu';
import { shownTickers } from '../test/e2e/statusBarTicker';
import { breakdown, recordTrace, THREAD_ROLES, WORK_KINDS, type TraceBreakdown } from '../test/e2e/timelineTrace';
import { openWorkbench, type Workbench } from '../test/e2e/workbench';

const CAPTURES = ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'];
/**
 * Five binance tickers from the fake exchange: BTCUSDT has the capture, the other four mirror
 * its book and 24h statistics (the fake exchange has no capture of its own for them), so each is
 * a real ccxt ticker stream as a user's would be.
 */
const MIRRORS = ['SOL', 'BNB', 'XRP', 'ADA'].map((base): BinanceMarketSpec => ({ ...DEFAULT_BINANCE_MARKETS[0]!, symbol: `${base}USDT`, baseAsset: base, mirrorOf: 'BTCUSDT' }));
const TICKER_ENTRIES = ['binance:BTC/USDT', 'binance:SOL/USDT', 'binance:BNB/USDT', 'binance:XRP/USDT', 'binance:ADA/USDT'];
const CHART_TAB = 'BTC/USDT · binance';
/**
 * Capture time played before the bench starts (a chart opens with some history). The two captures
 * hold about 10.8 min of stream and the fake exchange does not loop them: the preplay and the
 * bench's length (about 8 min) must fit in it, or the feeds stall mid-run.
 */
const PREPLAY_MS = 60_000;
const SETTLE_MS = 2_000;
const WINDOW_MS = 5_000;
/**
 * Pairs (or windows) per figure; each group's median is kept. The renderer also runs the
 * workbench, whose own background work comes in bursts: one window was off by ±5% of a core
 * now and then.
 */
const REPEATS = 3;
const TRACE_MS = 3_000;
const OPEN_SETTLE_MS = 1_500;
const POINTER_HZ = 30;
const TYPING_CHARS_PER_SEC = 8;
const TYPED_LINE = 'let total = price * size + fee; ';
const GROUPS = ['renderer', 'gpu', 'host', 'server', 'chromiumOther'] as const;
type Group = (typeof GROUPS)[number];

type Activity = 'idle' | 'pointer' | 'typing';
type State = 'Focused' | 'Hidden' | 'Corner' | 'Tickers';
const STATES: readonly { state: State; activity: Activity; traced: boolean }[] = [
  { state: 'Focused', activity: 'pointer', traced: true },
  { state: 'Hidden', activity: 'idle', traced: false },
  { state: 'Corner', activity: 'typing', traced: true },
  { state: 'Tickers', activity: 'idle', traced: false },
];

interface Measured {
  /** % of one core by process group (absolute, not above the baseline). */
  cpu: Record<Group, number>;
  /** Above its baseline: for a paired state, the median of the pairs' differences. */
  above: Record<Group, number>;
  /** The baseline's absolute figures (the median of its windows), null for the baseline itself. */
  baselineCpu: Record<Group, number> | null;
  /** Panel draws per second (the debug hook's count), when a webview was up. */
  drawsPerSec: number | null;
  trace: TraceBreakdown | null;
}

/** How to reach a state and its baseline (the same window, no chart open) from wherever the last left off. */
interface StateSpec {
  activity: Activity;
  /** The fake exchange paused through both windows of each pair (nothing reaches the chart or the tickers). */
  paused?: boolean;
  /** Where the pointer moves, in the state and in its baseline. */
  area: Locator | null;
  baselineArea: Locator | null;
  toBaseline(): Promise<void>;
  toState(): Promise<void>;
}

export type LightFigures = Record<string, number>;

/** The user's activity for `ms`: nothing, the pointer over `area`, or typing into the focused editor. */
async function act(workbench: Workbench, activity: Activity, ms: number, area: Locator | null): Promise<void> {
  const page = workbench.page;
  const started = performance.now();
  const end = started + ms;
  if (activity === 'idle') {
    await page.waitForTimeout(ms);
    return;
  }
  const box = activity === 'pointer' ? await area!.boundingBox() : null;
  if (activity === 'pointer' && box === null) throw new Error('the pointer area is not on screen');
  const period = 1000 / (activity === 'pointer' ? POINTER_HZ : TYPING_CHARS_PER_SEC);
  for (let step = 0; ; step++) {
    const due = started + step * period;
    const now = performance.now();
    if (due >= end) break;
    if (due > now) await page.waitForTimeout(due - now);
    if (box !== null) {
      // A slow Lissajous figure over the middle 80% of the area.
      const t = (step * period) / 1000;
      await page.mouse.move(box.x + box.width * (0.5 + 0.4 * Math.sin(t * 1.7)), box.y + box.height * (0.5 + 0.4 * Math.sin(t * 1.1)));
    } else {
      const char = TYPED_LINE[step % TYPED_LINE.length]!;
      if (step % TYPED_LINE.length === TYPED_LINE.length - 1) await page.keyboard.press('Enter');
      else await page.keyboard.type(char);
    }
  }
}

/**
 * Runs a command from the palette, again after Escape when the palette could not take it: right
 * after the Settings JSON editor (a modal) closes, the palette's input can still be inert.
 */
async function runCommand(workbench: Workbench, label: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await workbench.runCommand(label);
      return;
    } catch (error) {
      if (attempt === 3) throw error;
      await workbench.page.keyboard.press('Escape');
      await workbench.page.waitForTimeout(1_000);
    }
  }
}

/** Draws the panel has made so far, or null when no chart webview is up. */
async function panelDraws(workbench: Workbench): Promise<number | null> {
  const snapshot = (await panelSnapshot(workbench)) as { draws?: number } | null;
  return typeof snapshot?.draws === 'number' ? snapshot.draws : null;
}

export async function runLightBench(): Promise<LightFigures> {
  if (!hasSharedData(...CAPTURES)) throw new Error('the light bench needs the shared Binance captures');
  const ex = await FakeExchange.start({ okx: false, binance: { captures: CAPTURES.map(sharedDataPath), preplayMs: PREPLAY_MS, markets: [...DEFAULT_BINANCE_MARKETS, ...MIRRORS] } });
  let session: CodeServerSession | undefined;
  let workbench: Workbench | undefined;
  try {
    const baseSettings = {
      'orderscope.exchange': 'binance',
      'orderscope.symbol': 'BTC/USDT',
      'orderscope.network.endpoints': { binance: ex.ccxtConfig('binance') },
    };
    const settings = (symbols: string[], powerSaving: boolean) => ({ ...baseSettings, 'orderscope.statusBar.symbols': symbols, 'orderscope.chart.powerSaving': powerSaving });
    session = await startCodeServerSession({ name: 'light-bench', vsixPaths: [await packagedExtension()], userSettings: settings([], true) });
    const settingsFile = join(session.profile.userDataDir, 'User', 'settings.json');
    // As a user edits them (a write to settings.json from outside is not picked up here): the
    // Settings JSON editor, all text replaced, saved, closed.
    const applySettings = async (symbols: string[], powerSaving: boolean): Promise<void> => {
      const next = JSON.stringify({ ...QUIET_SETTINGS, ...settings(symbols, powerSaving) });
      const wb = workbench!;
      // VS Code opens it as a modal editor over the window.
      const editor = wb.page.locator('.modal-editor-part .monaco-editor .view-lines');
      await runCommand(wb, 'Preferences: Open User Settings (JSON)');
      await editor.click();
      const keyboard = wb.page.keyboard;
      await keyboard.press('Control+A');
      await keyboard.press('Delete');
      await keyboard.insertText(next);
      // Brackets and quotes the editor closed by itself while the text went in land after the cursor.
      await keyboard.press('Shift+Control+End');
      await keyboard.press('Delete');
      await keyboard.press('Control+S');
      const saved = (): string => {
        try {
          return JSON.stringify(JSON.parse(readFileSync(settingsFile, 'utf8')));
        } catch {
          return ''; // being written
        }
      };
      for (const deadline = Date.now() + 10_000; saved() !== next; await wb.page.waitForTimeout(100)) {
        if (Date.now() > deadline) throw new Error(`the user settings were not saved: ${readFileSync(settingsFile, 'utf8')}`);
      }
      // Escape closes the modal editor (a first one may only close a suggestion the typing opened).
      for (const deadline = Date.now() + 10_000; (await editor.count()) > 0; await wb.page.waitForTimeout(500)) {
        if (Date.now() > deadline) throw new Error('the Settings JSON editor did not close');
        await keyboard.press('Escape');
      }
    };
    workbench = await openWorkbench(session);
    // Orderscope's errors in the window (the panel's, the extension's notifications) say why a state failed.
    workbench.page.on('console', (m) => {
      if (m.type() === 'error' && m.text().includes('Orderscope')) console.log(`  window error: ${m.text().slice(0, 300)}`);
    });
    const wb = workbench;
    const page = wb.page;
    const serverPid = session.server.pid;
    const chromiumDir = join(session.profile.dir, 'chromium');
    const browserPid = descendantsOf(process.pid).find((pid) => commandLine(pid).includes(chromiumDir) && !commandLine(pid).includes('--type='));
    if (browserPid === undefined) throw new Error(`no Chromium browser process with ${chromiumDir} among this process's descendants`);
    const renderers = (): number[] => descendantsWith(browserPid, '--type=renderer');
    const hostPids = (): number[] => descendantsWith(serverPid, 'extensionHost');
    const groups: ProcessGroup[] = [
      { name: 'renderer', pids: renderers },
      { name: 'gpu', pids: () => descendantsWith(browserPid, '--type=gpu-process') },
      { name: 'host', pids: hostPids },
      { name: 'server', pids: () => [serverPid, ...descendantsOf(serverPid).filter((pid) => !commandLine(pid).includes('extensionHost'))] },
      { name: 'chromiumOther', pids: () => [browserPid, ...descendantsOf(browserPid).filter((pid) => !/--type=(renderer|gpu-process)/.test(commandLine(pid)))] },
    ];
    for (const deadline = Date.now() + 30_000; hostPids().length !== 1; await page.waitForTimeout(200)) {
      if (Date.now() > deadline) {
        const tree = descendantsOf(serverPid).map((pid) => `${pid}: ${commandLine(pid).slice(0, 200)}`);
        throw new Error(`expected one extension host under code-server, found ${hostPids().length}; its processes:\n${tree.join('\n')}`);
      }
    }
    if (groups[1]!.pids().length === 0) throw new Error('no Chromium GPU process');
    const cdp = await wb.context.newCDPSession(page);
    const focused = await page.evaluate(() => document.hasFocus());

    await runCommand(wb, 'File: New Untitled Text File');
    const textEditor = page.locator('.editor-group-container.active .monaco-editor').first();
    await textEditor.waitFor();
    await textEditor.click();
    const renderersAtStart = renderers().length;

    /** CPU of each group over one window of `activity`, after SETTLE_MS of it; the panel's draws in it. */
    const windowOf = async (activity: Activity, area: Locator | null, paused = false): Promise<{ cpu: Record<Group, number>; drawsPerSec: number | null }> => {
      if (paused) ex.pause();
      const doing = act(wb, activity, SETTLE_MS + WINDOW_MS + 300, area);
      await page.waitForTimeout(SETTLE_MS);
      const draws0 = await panelDraws(wb);
      const before = readCpu(groups);
      const started = performance.now();
      await page.waitForTimeout(WINDOW_MS);
      const percent = cpuPercent(before, readCpu(groups), performance.now() - started);
      const draws1 = await panelDraws(wb);
      await doing;
      if (paused) ex.resume();
      const wallMs = performance.now() - started;
      return {
        cpu: Object.fromEntries(GROUPS.map((g) => [g, percent.get(g) ?? 0])) as Record<Group, number>,
        drawsPerSec: draws0 !== null && draws1 !== null ? ((draws1 - draws0) * 1000) / wallMs : null,
      };
    };
    const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[xs.length >> 1]!;

    /** Unpaired: the median of REPEATS back-to-back windows (the no-ticker idle baseline, tickers only). */
    const measure = async (label: string, activity: Activity, area: Locator | null): Promise<Measured> => {
      const windows: { cpu: Record<Group, number> }[] = [];
      for (let k = 0; k < REPEATS; k++) windows.push(await windowOf(activity, area));
      await wb.screenshot(`light-${label}`);
      const cpu = Object.fromEntries(GROUPS.map((g) => [g, median(windows.map((w) => w.cpu[g]))])) as Record<Group, number>;
      return { cpu, above: cpu, baselineCpu: null, drawsPerSec: null, trace: null };
    };

    /**
     * Paired with its baseline: REPEATS × (the same window with no chart open, then with the
     * chart in `state`), each pair measured back to back so that the workbench's slow drift (its
     * background work, the other jobs of the machine) falls on both; the figure is the median of
     * the pairs' differences. The chart is closed and opened again for each pair.
     */
    const paired = async (label: string, spec: StateSpec, traced: boolean): Promise<Measured> => {
      const diffs: Record<Group, number[]> = Object.fromEntries(GROUPS.map((g) => [g, []])) as unknown as Record<Group, number[]>;
      const baselines: Record<Group, number[]> = Object.fromEntries(GROUPS.map((g) => [g, []])) as unknown as Record<Group, number[]>;
      const states: Record<Group, number[]> = Object.fromEntries(GROUPS.map((g) => [g, []])) as unknown as Record<Group, number[]>;
      const draws: number[] = [];
      for (let k = 0; k < REPEATS; k++) {
        await closeChart();
        await spec.toBaseline();
        const b = await windowOf(spec.activity, spec.baselineArea, spec.paused);
        await spec.toState();
        const st = await windowOf(spec.activity, spec.area, spec.paused);
        for (const g of GROUPS) {
          diffs[g].push(st.cpu[g] - b.cpu[g]);
          baselines[g].push(b.cpu[g]);
          states[g].push(st.cpu[g]);
        }
        if (st.drawsPerSec !== null) draws.push(st.drawsPerSec);
      }
      const trace = traced ? await recordTrace(cdp, TRACE_MS) : null;
      await wb.screenshot(`light-${label}`);
      const med = (m: Record<Group, number[]>) => Object.fromEntries(GROUPS.map((g) => [g, median(m[g])])) as Record<Group, number>;
      return {
        cpu: med(states),
        above: med(diffs),
        baselineCpu: med(baselines),
        drawsPerSec: draws.length > 0 ? median(draws) : null,
        trace: trace === null ? null : breakdown(trace.events, trace.wallMs),
      };
    };

    // Start-up work (extension activation, the workbench's own), or the settings editor's, ends
    // before an idle baseline: 1 s windows until the host and the renderers are quiet, 20 s at most.
    const quieten = async (): Promise<void> => {
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
        const before = readCpu(groups);
        const t0 = performance.now();
        await page.waitForTimeout(1_000);
        const percent = cpuPercent(before, readCpu(groups), performance.now() - t0);
        if (percent.get('host')! <= 1 && percent.get('renderer')! <= 3) return;
      }
    };
    await quieten();

    // The baseline of the tickers: Orderscope active, no chart, no ticker, idle.
    const idleAtStart = await measure('baseline-idle', 'idle', null);

    await applySettings(TICKER_ENTRIES, true);
    const tickersLive = async (): Promise<boolean> => {
      const shown = await shownTickers(wb);
      return TICKER_ENTRIES.every((entry) => {
        const ticker = shown.get(entry.replace(':', '.'));
        return ticker?.state === 'live' && ticker.priceText !== null;
      });
    };
    for (const deadline = Date.now() + 60_000; !(await tickersLive()); await page.waitForTimeout(200)) {
      if (Date.now() > deadline) {
        await wb.screenshot('light-tickers-not-live');
        throw new Error(`the ${TICKER_ENTRIES.length} status-bar tickers were not all live within 60 s: ${JSON.stringify([...(await shownTickers(wb))])}`);
      }
    }

    const chartLive = (what: string) =>
      waitForPanel(wb, what, (s) => s.market?.symbol === 'BTC/USDT' && s.candles.count > 0 && s.book.valid && s.badge.className.includes('state-live'), 60_000);
    const chartTab = page.locator('.tabs-container .tab', { hasText: CHART_TAB });
    const chartArea = wb.webviewFrame().locator('.chart');
    const groupEditor = (k: number) => page.locator('.editor-group-container').nth(k).locator('.monaco-editor').first();
    let renderersWithChart = 0;
    /** Opens the chart in the active editor group and waits until it is live. */
    const openChart = async (): Promise<void> => {
      await runCommand(wb, 'Orderscope: Open Chart');
      await chartLive('BTC/USDT live after Open Chart').catch(async (error: unknown) => {
        await wb.screenshot('light-chart-not-live');
        throw error;
      });
      // Its start (history, the first init) is over before a window starts.
      await page.waitForTimeout(OPEN_SETTLE_MS);
      renderersWithChart = renderers().length;
    };
    const closeChart = async (): Promise<void> => {
      if ((await chartTab.count()) === 0) return;
      await chartTab.click();
      await runCommand(wb, 'View: Close Editor');
      await page.waitForFunction((tab) => ![...document.querySelectorAll('.tabs-container .tab')].some((t) => t.textContent?.includes(tab)), CHART_TAB);
    };
    const otherTab = page.locator('.tabs-container .tab').filter({ hasNotText: CHART_TAB }).first(); // named after its first line
    const specs: Record<Exclude<State, 'Tickers'>, StateSpec> = {
      // The chart the active editor, the pointer over it; baseline: the pointer over the text editor.
      Focused: {
        activity: 'pointer',
        area: chartArea,
        baselineArea: textEditor,
        toBaseline: async () => {
          await otherTab.click();
          await textEditor.click();
        },
        toState: async () => {
          await openChart();
          await chartTab.click();
        },
      },
      // The chart a background tab behind the text editor; baseline: the text editor alone.
      Hidden: {
        activity: 'idle',
        area: null,
        baselineArea: null,
        toBaseline: async () => {
          await otherTab.click();
          await textEditor.click();
        },
        toState: async () => {
          await openChart();
          await otherTab.click();
          await textEditor.click();
        },
      },
      // The chart in a second group while the user types in the first; baseline: the second
      // group shows a text editor (the same layout, no chart).
      Corner: {
        activity: 'typing',
        area: null,
        baselineArea: null,
        toBaseline: async () => {
          await groupEditor(0).click();
        },
        toState: async () => {
          await groupEditor(1).click();
          await openChart();
          await groupEditor(0).click();
        },
      },
    };

    const results = new Map<string, Measured>();
    let cornerIdle: Measured | null = null;
    const key = (state: State, saving: boolean) => `${state}:${saving ? 'on' : 'off'}`;
    for (const saving of [true, false]) {
      if (!saving) await applySettings(TICKER_ENTRIES, false);
      await closeChart();
      await textEditor.click();
      results.set(key('Tickers', saving), await measure(`Tickers-${saving ? 'saving' : 'full'}`, 'idle', null));
      // A hidden chart has no webview with power saving on or off: the second pass skips it (the
      // capture's length bounds the run) and reports the first pass's figure for both.
      for (const state of saving ? (['Focused', 'Hidden'] as const) : (['Focused'] as const)) {
        results.set(key(state, saving), await paired(`${state}-${saving ? 'saving' : 'full'}`, specs[state], STATES.find((s) => s.state === state)!.traced));
      }
      // The second group, with a text editor of its own, for Corner.
      await closeChart();
      await runCommand(wb, 'File: New Untitled Text File');
      await runCommand(wb, 'View: Move Editor into Right Group');
      results.set(key('Corner', saving), await paired(`Corner-${saving ? 'saving' : 'full'}`, specs.Corner, true));
      // The same with nothing arriving: what the visible webview costs by itself (VS Code's
      // webview host, the compositing of its frame) while the user types elsewhere.
      if (saving) cornerIdle = await paired('Corner-idle', { ...specs.Corner, paused: true }, false);
      // Back to one group: the second group's editor (never typed in) closes with its group.
      await closeChart();
      await groupEditor(1).click();
      await runCommand(wb, 'View: Close Editor');
      await page.waitForFunction(() => document.querySelectorAll('.editor-group-container').length === 1);
    }
    results.set(key('Hidden', false), results.get(key('Hidden', true))!);
    await applySettings([], true);
    await quieten();
    const idleAtEnd = await measure('baseline-idle-end', 'idle', null);
    // The no-ticker idle baseline is measured twice, first and last, and their mean used.
    const idleMean = Object.fromEntries(GROUPS.map((g) => [g, (idleAtStart.cpu[g] + idleAtEnd.cpu[g]) / 2])) as Record<Group, number>;
    for (const saving of [true, false]) {
      const m = results.get(key('Tickers', saving))!;
      m.baselineCpu = idleMean;
      m.above = Object.fromEntries(GROUPS.map((g) => [g, m.cpu[g] - idleMean[g]])) as Record<Group, number>;
    }
    console.log(`  tabs at the end: ${JSON.stringify(await editorTabs(wb))}`);

    // Report.
    const pad = (text: string, width: number) => text.padStart(width);
    const pct = (x: number) => x.toFixed(1);
    console.log(
      `  windows of ${WINDOW_MS / 1000} s after ${SETTLE_MS / 1000} s settle; % of one core; page has focus: ${focused}; ` +
        `renderer processes: ${renderersAtStart} before the chart, ${renderersWithChart} with it (${renderersWithChart > renderersAtStart ? 'the webview has its own' : 'the webview shares the workbench renderer: no out-of-process iframe'})`,
    );
    console.log(`  states with a chart: median of ${REPEATS} pairs (no chart, then the chart; five tickers in both); tickers: median of ${REPEATS} windows above the no-ticker idle`);
    console.log(`  ${'absolute'.padEnd(30)}${GROUPS.map((g) => pad(g, 14)).join('')}`);
    console.log(`  ${'idle, no ticker, first'.padEnd(30)}${GROUPS.map((g) => pad(pct(idleAtStart.cpu[g]), 14)).join('')}`);
    console.log(`  ${'idle, no ticker, last'.padEnd(30)}${GROUPS.map((g) => pad(pct(idleAtEnd.cpu[g]), 14)).join('')}`);
    for (const { state, activity } of STATES) {
      for (const saving of [true, false]) {
        const m = results.get(key(state, saving))!;
        const name = `${state} (${activity}), ${saving ? 'saving' : 'full'}`;
        if (m.baselineCpu !== null && state !== 'Tickers') console.log(`  ${`  its baseline`.padEnd(30)}${GROUPS.map((g) => pad(pct(m.baselineCpu![g]), 14)).join('')}`);
        console.log(`  ${name.padEnd(30)}${GROUPS.map((g) => pad(pct(m.cpu[g]), 14)).join('')}`);
      }
    }
    console.log(`  ${'above baseline'.padEnd(30)}${GROUPS.map((g) => pad(g, 14)).join('')}   draws/s`);
    const above = (state: State, saving: boolean, group: Group): number => results.get(key(state, saving))!.above[group];
    for (const { state, activity } of STATES) {
      for (const saving of [true, false]) {
        const m = results.get(key(state, saving))!;
        console.log(
          `  ${`${state} (${activity}), ${saving ? 'saving' : 'full'}`.padEnd(30)}${GROUPS.map((g) => pad(pct(above(state, saving, g)), 14)).join('')}   ${m.drawsPerSec === null ? '-' : m.drawsPerSec.toFixed(1)}`,
        );
      }
    }
    if (cornerIdle !== null) {
      console.log(`  ${'Corner, nothing arriving'.padEnd(30)}${GROUPS.map((g) => pad(pct(cornerIdle!.above[g]), 14)).join('')}   ${cornerIdle.drawsPerSec === null ? '-' : cornerIdle.drawsPerSec.toFixed(1)}   (the exchange paused in both windows: the visible webview's own cost)`);
    }
    console.log('  saving on / off (above baseline):');
    for (const { state } of STATES) {
      const ratio = (group: Group) => {
        const on = above(state, true, group);
        const off = above(state, false, group);
        return `${pct(on)} / ${pct(off)}${off > 0.5 ? ` = ${(on / off).toFixed(2)}×` : ''}`;
      };
      console.log(`    ${state.padEnd(8)} renderer ${ratio('renderer')}; gpu ${ratio('gpu')}; host ${ratio('host')}`);
    }
    console.log(`  profile (trace of ${TRACE_MS / 1000} s after the last pair; self time in ms per s over renderer main, compositor, raster threads and the GPU process):`);
    console.log(`  ${''.padEnd(22)}${WORK_KINDS.map((k) => pad(k, 8)).join('')} |${THREAD_ROLES.map((r) => pad(r, 11)).join('')} | rAF/s`);
    for (const { state, traced } of STATES) {
      if (!traced) continue;
      for (const saving of [true, false]) {
        const t = results.get(key(state, saving))!.trace!;
        console.log(
          `  ${`${state}, ${saving ? 'saving' : 'full'}`.padEnd(22)}${WORK_KINDS.map((k) => pad(t.msPerSec[k].toFixed(0), 8)).join('')} |${THREAD_ROLES.map((r) => pad(t.byRole[r].toFixed(0), 11)).join('')} | ${t.animationFramesPerSec.toFixed(0)}`,
        );
        console.log(`    most self time: ${t.top.map((e) => `${e.role} ${e.name} (${e.kind}) ${e.msPerSec.toFixed(0)}`).join(', ')}`);
      }
    }

    const figures: LightFigures = {};
    const round1 = (x: number) => Math.round(x * 10) / 10;
    for (const saving of [true, false]) {
      const suffix = saving ? '' : 'Before';
      figures[`panelCpuFocusedPct${suffix}`] = round1(above('Focused', saving, 'renderer'));
      figures[`panelCpuCornerPct${suffix}`] = round1(above('Corner', saving, 'renderer'));
      figures[`panelCpuHiddenPct${suffix}`] = round1(above('Hidden', saving, 'renderer'));
      figures[`panelCpuTickersPct${suffix}`] = round1(above('Tickers', saving, 'renderer'));
      figures[`gpuCpuFocusedPct${suffix}`] = round1(above('Focused', saving, 'gpu'));
      figures[`gpuCpuCornerPct${suffix}`] = round1(above('Corner', saving, 'gpu'));
      // One live chart and five tickers: the chart's share (paired) plus the tickers' (above no ticker).
      figures[`hostCpuPct${suffix}`] = round1(above('Focused', saving, 'host') + above('Tickers', saving, 'host'));
      figures[`hostCpuCornerPct${suffix}`] = round1(above('Corner', saving, 'host'));
      figures[`hostCpuHiddenPct${suffix}`] = round1(above('Hidden', saving, 'host'));
      figures[`hostCpuTickersPct${suffix}`] = round1(above('Tickers', saving, 'host'));
    }
    if (cornerIdle !== null) {
      figures.panelCpuCornerIdlePct = round1(cornerIdle.above.renderer);
      figures.gpuCpuCornerIdlePct = round1(cornerIdle.above.gpu);
    }
    return figures;
  } finally {
    await workbench?.close();
    await session?.stop();
    await ex.stop();
  }
}
