/**
 * What Orderscope costs in CPU while a person works in VS Code, measured in a real VS Code
 * (code-server, the packaged .vsix) in headless Chromium (software rendering), fed by the fake
 * exchange replaying the Binance spot BTCUSDT captures at their real rate.
 *
 * Each figure is the CPU time (utime + stime from /proc) of a group of processes over a fixed
 * window, in % of one core, ABOVE a baseline measured in the same run: the same window with
 * Orderscope installed and active but no chart and no ticker, doing the same user activity.
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
 * - Corner: the chart in a second editor group, the user types 8 chars/s in the first;
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
const SETTLE_MS = 2_000;
const WINDOW_MS = 6_000;
/**
 * Windows per figure, back to back; each group's median is kept. The renderer also runs the
 * workbench, whose own background work comes in bursts: one window was off by ±5% of a core
 * now and then, the median of three is steady to about ±1.5%.
 */
const REPEATS = 3;
const TRACE_MS = 3_000;
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
  /** Panel draws per second (the debug hook's count), when a webview was up. */
  drawsPerSec: number | null;
  trace: TraceBreakdown | null;
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
  const ex = await FakeExchange.start({ okx: false, binance: { captures: CAPTURES.map(sharedDataPath), preplayMs: 4 * 60_000, markets: [...DEFAULT_BINANCE_MARKETS, ...MIRRORS] } });
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

    const measure = async (label: string, activity: Activity, area: Locator | null, traced: boolean): Promise<Measured> => {
      const doing = act(wb, activity, SETTLE_MS + REPEATS * WINDOW_MS + 500 + (traced ? TRACE_MS + 1_000 : 0), area);
      await page.waitForTimeout(SETTLE_MS);
      const draws0 = await panelDraws(wb);
      const t0 = performance.now();
      const windows: Map<string, number>[] = [];
      for (let k = 0; k < REPEATS; k++) {
        const before = readCpu(groups);
        const started = performance.now();
        await page.waitForTimeout(WINDOW_MS);
        windows.push(cpuPercent(before, readCpu(groups), performance.now() - started));
      }
      const wallMs = performance.now() - t0;
      const draws1 = await panelDraws(wb);
      const trace = traced ? await recordTrace(cdp, TRACE_MS) : null;
      await doing;
      await wb.screenshot(`light-${label}`);
      const median = (group: Group): number => windows.map((w) => w.get(group) ?? 0).sort((a, b) => a - b)[REPEATS >> 1]!;
      return {
        cpu: Object.fromEntries(GROUPS.map((group) => [group, median(group)])) as Record<Group, number>,
        drawsPerSec: draws0 !== null && draws1 !== null ? ((draws1 - draws0) * 1000) / wallMs : null,
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

    // Baselines: Orderscope active, no chart, no ticker; a text editor in one group.
    const baseline: Record<Activity, Measured> = {
      idle: await measure('baseline-idle', 'idle', null, false),
      pointer: await measure('baseline-pointer', 'pointer', textEditor, false),
      typing: await measure('baseline-typing', 'typing', null, false),
    };

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
    await runCommand(wb, 'Orderscope: Open Chart');
    await chartLive('BTC/USDT live after Open Chart');
    const renderersWithChart = renderers().length;

    const results = new Map<string, Measured>();
    const key = (state: State, saving: boolean) => `${state}:${saving ? 'on' : 'off'}`;
    const otherTab = page.locator('.tabs-container .tab').filter({ hasNotText: CHART_TAB }); // named after its first line
    /** Changes the layout for `state` (once). */
    const arrange = async (state: State): Promise<void> => {
      if (state === 'Corner') {
        await chartTab.click();
        await runCommand(wb, 'View: Move Editor into Right Group');
        await chartLive('in the right group');
      } else if (state === 'Tickers') {
        await chartTab.click();
        await runCommand(wb, 'View: Close Editor');
        await page.waitForFunction((tab) => ![...document.querySelectorAll('.tabs-container .tab')].some((t) => t.textContent?.includes(tab)), CHART_TAB);
      }
    };
    /** Puts the focus where `state` has it (again after each settings edit, whose editor takes it). */
    const focus = async (state: State): Promise<void> => {
      if (state === 'Focused') {
        await chartTab.click();
        await chartLive('focused');
      } else if (state === 'Hidden') {
        await otherTab.click();
        await textEditor.click();
      } else {
        // Corner: the text editor in the first group; Tickers: the only editor.
        await page.locator('.editor-group-container').first().locator('.monaco-editor').first().click();
      }
    };
    for (const { state, activity, traced } of STATES) {
      await arrange(state);
      for (const saving of [true, false]) {
        await applySettings(TICKER_ENTRIES, saving);
        await focus(state);
        results.set(key(state, saving), await measure(`${state}-${saving ? 'saving' : 'full'}`, activity, state === 'Focused' ? chartArea : null, traced));
      }
    }
    await applySettings([], true);
    await quieten();
    const idleAtEnd = await measure('baseline-idle-end', 'idle', null, false);
    // The idle baseline is measured twice, first and last, and their mean used: idle windows are
    // the smallest figures, so a burst of background work in one of them would skew every idle state.
    const idleAtStart = baseline.idle;
    baseline.idle = { ...idleAtStart, cpu: Object.fromEntries(GROUPS.map((g) => [g, (idleAtStart.cpu[g] + idleAtEnd.cpu[g]) / 2])) as Record<Group, number> };
    console.log(`  tabs at the end: ${JSON.stringify(await editorTabs(wb))}`);

    // Report.
    const pad = (text: string, width: number) => text.padStart(width);
    const pct = (x: number) => x.toFixed(1);
    console.log(
      `  median of ${REPEATS} windows of ${WINDOW_MS / 1000} s after ${SETTLE_MS / 1000} s settle; % of one core; page has focus: ${focused}; ` +
        `renderer processes: ${renderersAtStart} before the chart, ${renderersWithChart} with it (${renderersWithChart > renderersAtStart ? 'the webview has its own' : 'the webview shares the workbench renderer: no out-of-process iframe'})`,
    );
    console.log(`  ${'baseline'.padEnd(22)}${GROUPS.map((g) => pad(g, 14)).join('')}`);
    for (const [name, m] of [['idle, first', idleAtStart], ['idle, last', idleAtEnd], ...Object.entries(baseline)] as const) {
      console.log(`  ${(name === 'idle' ? 'idle, mean (used)' : name).padEnd(22)}${GROUPS.map((g) => pad(pct(m.cpu[g]), 14)).join('')}`);
    }
    console.log(`  above baseline         ${GROUPS.map((g) => pad(g, 14)).join('')}   draws/s`);
    const above = (state: State, saving: boolean, group: Group): number => {
      const activity = STATES.find((s) => s.state === state)!.activity;
      return results.get(key(state, saving))!.cpu[group] - baseline[activity].cpu[group];
    };
    for (const { state, activity } of STATES) {
      for (const saving of [true, false]) {
        const m = results.get(key(state, saving))!;
        console.log(
          `  ${`${state} (${activity}), ${saving ? 'saving' : 'full'}`.padEnd(22)}${GROUPS.map((g) => pad(pct(above(state, saving, g)), 14)).join('')}   ${m.drawsPerSec === null ? '-' : m.drawsPerSec.toFixed(1)}`,
        );
      }
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
    console.log(`  profile (trace of ${TRACE_MS / 1000} s after the window; self time in ms per s over renderer main, compositor, raster threads and the GPU process):`);
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
      figures[`hostCpuPct${suffix}`] = round1(above('Focused', saving, 'host'));
      figures[`hostCpuCornerPct${suffix}`] = round1(above('Corner', saving, 'host'));
      figures[`hostCpuHiddenPct${suffix}`] = round1(above('Hidden', saving, 'host'));
      figures[`hostCpuTickersPct${suffix}`] = round1(above('Tickers', saving, 'host'));
    }
    return figures;
  } finally {
    await workbench?.close();
    await session?.stop();
    await ex.stop();
  }
}
