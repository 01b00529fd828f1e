/**
 * The lifecycle of live markets as a user lives it, in a real VS Code fed by the local fake
 * exchange: with a binance BTC/USDT chart and three status-bar tickers live, every kind of
 * settings change (the status-bar format, symbols added and removed, an endpoint, an indicator),
 * an unknown symbol, an exchange outage and Switch Exchange on the chart leave every other item
 * updating, or reconnecting and live again within 10 s; the status bar, the watchlist, the chart
 * badge and the ladder always tell the same state.
 *
 * Settings are changed the way a user does it in "Preferences: Open User Settings (JSON)": the
 * editor gets the new text, is saved and closed. The fake exchange has one capture (binance
 * BTCUSDT); SOL/USDT, BNB/USDT and XRP/USDT are listed as mirrors of it (its book and 24h
 * statistics, so their tickers move with BTC's). The tests run in order on one window; each leaves the state the next one starts from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BINANCE_MARKETS, type BinanceMarketSpec } from '../fakeExchange/binanceVenue';
import { FakeExchange } from '../fakeExchange/FakeExchange';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { E2E_TIMEOUTS, startCodeServerSession, type CodeServerSession } from './codeServerSession';
import { packagedExtension } from './packagedExtension';
import { editorTabs, panelSnapshot, waitForPanel, type PanelSnapshot } from './panelProbe';
import { formatTickerPrice, shownTicker, shownTickers, tickerTooltip, type ShownTicker } from './statusBarTicker';
import { TickerPushes } from './tickerPushes';
import { openWatchlist, shownWatchlist, type ShownWatchRow } from './watchlistProbe';
import { openWorkbench, type Workbench } from './workbench';

const CAPTURES = ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'];
/** Capture time played silently before serving: a few 1m bars of history. */
const PREPLAY_MS = 4 * 60_000;
/** Markets with no capture of their own that show BTCUSDT's book and statistics. */
const MIRRORS = ['SOL', 'BNB', 'XRP'].map((base): BinanceMarketSpec => ({ ...DEFAULT_BINANCE_MARKETS[0]!, symbol: `${base}USDT`, baseAsset: base, mirrorOf: 'BTCUSDT' }));
/** The three tickers the status bar (and so the watchlist, on first start) begins with. */
const START_SYMBOLS = ['BTC/USDT', 'SOL/USDT', 'BNB/USDT'];
/** What the issue asks of every item after a change: updating, or live again, within 10 s. */
const RECOVERY_MS = 10_000;
/** orderscope.statusBar.staleAfterSeconds in this window. */
const STALE_AFTER_S = 10;
/**
 * How long the fake exchange is unreachable in the outage test: several failed re-dials (the
 * backoff starts at 0.5 s) and ample time for every view to say so (within about 1.3 s, seen),
 * short enough that the next re-dial, and so live again, comes soon after it.
 */
const OUTAGE_MS = 6_000;

/** How long every item is watched after a change, however soon it shows a fresh price. */
const STEADY_WATCH_MS = 5_000;

/** A status-bar item, watchlist row or the chart's badge: what it shows of one market. */
interface ShownItem {
  state: string;
  priceText: string | null;
  text: string;
  /** The chart only: its ladder shows book rows (not the resyncing notice). */
  ladderShowsBook?: boolean;
}

/** The items a check watches: status-bar symbols, watchlist rows and (BTC/USDT's) chart. */
interface WatchedItems {
  statusBar: readonly string[];
  watchlist: readonly string[];
  chart?: boolean;
  /** Status-bar symbols the change adds: in any state at first, they must show a fresh price too. */
  joiningStatusBar?: readonly string[];
}

const CHART = 'chart';
/** Badge states in which the book is not the exchange's: the ladder must not show one. */
const NO_BOOK_STATES = ['connecting', 'reconnecting', 'resyncing'];

describe.skipIf(!hasSharedData(...CAPTURES))('live markets through settings changes, an unknown symbol, an outage and Switch Exchange, in a real VS Code', () => {
  let ex: FakeExchange;
  let pushes: TickerPushes;
  let session: CodeServerSession;
  let workbench: Workbench;
  /** Websockets the fake exchange accepted, with the wall time of each. */
  const connections: number[] = [];
  /** The status-bar symbols as currently set. */
  let statusBarSymbols = [...START_SYMBOLS];

  const settingsFile = (): string => join(session.profile.userDataDir, 'User', 'settings.json');

  /** The Settings JSON editor (VS Code opens it as a modal editor over the chart). */
  const settingsEditor = () => workbench.page.locator('.modal-editor-part .monaco-editor .view-lines');

  /**
   * Edits the user settings as a user does: "Preferences: Open User Settings (JSON)", select all,
   * type the new text, save, close; the other settings stay. Returns the wall time of the save.
   */
  async function editUserSettings(patch: Record<string, unknown>): Promise<number> {
    const current = JSON.parse(readFileSync(settingsFile(), 'utf8')) as Record<string, unknown>;
    const next = { ...current, ...patch };
    await workbench.runCommand('Preferences: Open User Settings (JSON)');
    await settingsEditor().click();
    const keyboard = workbench.page.keyboard;
    await keyboard.press('Control+A');
    await keyboard.press('Delete');
    await keyboard.insertText(JSON.stringify(next));
    // Brackets and quotes the editor closed by itself while the text went in land after the cursor.
    await keyboard.press('Shift+Control+End');
    await keyboard.press('Delete');
    const savedAt = Date.now();
    await keyboard.press('Control+S');
    await expect.poll(() => JSON.parse(readFileSync(settingsFile(), 'utf8')), { timeout: 10_000 }).toEqual(next);
    // Escape closes the modal editor (a first one may only close a suggestion the typing opened).
    await expect
      .poll(
        async () => {
          if ((await settingsEditor().count()) > 0) await keyboard.press('Escape');
          return settingsEditor().count();
        },
        { timeout: 10_000, interval: 250 },
      )
      .toBe(0);
    return savedAt;
  }

  /** The Orderscope ticker items left to right: `exchange.symbol` and the text with numbers as #. */
  async function tickerItems(): Promise<{ id: string; label: string }[]> {
    const items = await workbench.page.locator('.statusbar-item[id*="orderscope.ticker."]').evaluateAll((elements) =>
      elements.map((item) => ({ x: item.getBoundingClientRect().x, id: item.id, text: (item as HTMLElement).innerText.trim() })),
    );
    return items.sort((a, b) => a.x - b.x).map((item) => ({ id: item.id.replace(/^.*orderscope\.ticker\./, ''), label: item.text.replace(/[\d,.\u2007]+/g, '#') }));
  }

  function endpoints(rateLimit: number): Record<string, unknown> {
    return { binance: { ...ex.ccxtConfig('binance'), rateLimit } };
  }

  async function statusBarItem(symbol: string): Promise<ShownTicker | null> {
    return shownTicker(workbench, 'binance', symbol);
  }

  async function watchRow(symbol: string): Promise<ShownWatchRow | undefined> {
    return (await shownWatchlist(workbench)).find((row) => row.symbol === symbol);
  }

  /** What each item of `items` shows now (one read of the status bar, one of the watchlist). */
  async function readItems(items: WatchedItems): Promise<Map<string, ShownItem | undefined>> {
    const tickers = await shownTickers(workbench);
    const rows = items.watchlist.length > 0 ? await shownWatchlist(workbench) : [];
    const shown = new Map<string, ShownItem | undefined>();
    for (const symbol of [...items.statusBar, ...(items.joiningStatusBar ?? [])]) shown.set(`status bar ${symbol}`, tickers.get(`binance.${symbol}`));
    for (const symbol of items.watchlist) {
      const row = rows.find((each) => each.symbol === symbol);
      shown.set(`watchlist ${symbol}`, row && { state: row.state, priceText: row.priceText, text: row.description });
    }
    if (items.chart === true) {
      const panel = await panelSnapshot(workbench);
      shown.set(CHART, panel === null ? undefined : { state: /state-(\w+)/.exec(panel.badge.className)?.[1] ?? '', priceText: null, text: `badge "${panel.badge.text}", ladder ${panel.ladder.resyncing ? 'resyncing' : 'shows a book'}`, ladderShowsBook: !panel.ladder.resyncing });
    }
    return shown;
  }

  /** A price the exchange pushed at or after `sinceMs`, as the status bar writes it. */
  function pushedSince(sinceMs: number): Set<string> {
    return new Set(pushes.pushes.filter((push) => push.wallMs >= sinceMs).map((push) => formatTickerPrice(push.price, 2)));
  }

  /**
   * Watches `items` (sampled continuously, from before `act` until the end) while `act` makes a
   * change (it returns the wall time the change took effect). Every item must show, after the
   * change, a live price that the exchange pushed after it and that differs from the price it
   * showed before: it is updating, not frozen on an old value that still says "live". Every sample
   * from the start of `act` on must be in one of `allowed` states (undefined: any), for at least
   * `watchMs` after the change; joining items may show any state. Returns ms from the change to
   * the last item's first fresh price.
   */
  async function expectUpdating(what: string, items: WatchedItems, act: () => Promise<number>, options: { allowed?: readonly string[]; timeoutMs?: number; watchMs?: number } = {}): Promise<number> {
    const { allowed, timeoutMs = RECOVERY_MS, watchMs = STEADY_WATCH_MS } = options;
    const joining = new Set((items.joiningStatusBar ?? []).map((symbol) => `status bar ${symbol}`));
    const samples: { at: number; shown: Map<string, ShownItem | undefined> }[] = [];
    let sampling = true;
    let strayShot: Promise<string> | undefined;
    let actedAt = Infinity;
    const sampler = (async () => {
      while (sampling) {
        const shown = await readItems(items);
        const at = Date.now();
        samples.push({ at, shown });
        // A picture of the first state not allowed, for the person reading the failure.
        const strayed = [...shown].some(([name, item]) => item !== undefined && ((allowed !== undefined && !joining.has(name) && !allowed.includes(item.state)) || (item.ladderShowsBook === true && NO_BOOK_STATES.includes(item.state))));
        if (strayShot === undefined && at >= actedAt && strayed) {
          strayShot = workbench.screenshot(`${what.replace(/\W+/g, '-')}-strayed`);
          await strayShot;
        }
        await workbench.page.waitForTimeout(100);
      }
    })();
    const shownNames = [...(await readItems(items)).keys()];
    /** The items that show a price (the chart is checked for its state and its ladder only). */
    const names = shownNames.filter((name) => name !== CHART);
    let freshAt = new Map<string, number>();
    let changedAt = NaN;
    try {
      await expect.poll(() => samples.length, { timeout: 10_000 }).toBeGreaterThan(0);
      const before = samples.at(-1)!.shown;
      actedAt = Date.now();
      changedAt = await act();
      /**
       * ms after the change when `name` first showed a fresh price: after the change and after the
       * last time it was not live (back from reconnecting, it must update again), a live price the
       * exchange pushed since then, other than the one it showed before.
       */
      const freshness = (name: string): number | undefined => {
        let from = changedAt;
        let priceBefore = before.get(name)?.priceText ?? null;
        for (const sample of samples) {
          const shown = sample.shown.get(name);
          if (sample.at >= from && shown !== undefined && shown.state !== 'live') {
            from = sample.at;
            priceBefore = shown.priceText;
          }
        }
        const pushed = pushedSince(from);
        for (const sample of samples) {
          const shown = sample.shown.get(name);
          if (sample.at > from && shown?.state === 'live' && shown.priceText !== null && shown.priceText !== priceBefore && pushed.has(shown.priceText)) return sample.at - changedAt;
        }
        return undefined;
      };
      const deadline = changedAt + Math.max(timeoutMs, watchMs);
      for (;;) {
        freshAt = new Map(names.flatMap((name) => { const at = freshness(name); return at === undefined ? [] : [[name, at] as const]; }));
        if (Date.now() >= deadline || (freshAt.size === names.length && Date.now() >= changedAt + watchMs)) break;
        await workbench.page.waitForTimeout(200);
      }
      sampling = false;
      await sampler;
      const seen = new Map(shownNames.map((name) => [name, new Set<string>()]));
      /** Per item and state not allowed: ms after the change it was first and last seen, and the text. */
      const strays = new Map<string, { first: number; last: number; text: string }>();
      for (const [i, sample] of samples.entries()) {
        if (sample.at < actedAt) continue;
        for (const name of shownNames) {
          const shown = sample.shown.get(name);
          // The Settings JSON editor opens as a modal over the chart: while it covers the panel
          // the probe cannot read it, which is no state the chart showed.
          if (name === CHART && shown === undefined) continue;
          const state = shown?.state ?? '(absent)';
          seen.get(name)!.add(state);
          // Every view of the market tells one state: no book is shown as the exchange's while
          // the badge says it is not.
          if (shown?.ladderShowsBook === true && NO_BOOK_STATES.includes(state)) {
            const key = `${name} showed a book while ${state}`;
            const stray = strays.get(key) ?? { first: sample.at - changedAt, last: 0, text: shown.text };
            stray.last = sample.at - changedAt;
            strays.set(key, stray);
          }
          if (allowed === undefined || joining.has(name) || allowed.includes(state)) continue;
          // An item is now and then taken out of the status bar and put back a few ms later when
          // a new item joins next to it: missing from one sample only is not a state it showed.
          if (shown === undefined && samples[i - 1]?.shown.get(name) !== undefined && samples[i + 1]?.shown.get(name) !== undefined) continue;
          const key = `${name} showed ${state}`;
          const stray = strays.get(key) ?? { first: sample.at - changedAt, last: 0, text: shown?.text ?? '' };
          stray.last = sample.at - changedAt;
          strays.set(key, stray);
        }
      }
      const last = samples.at(-1)!.shown;
      const report = shownNames.map((name) => `${name}: ${freshAt.has(name) ? `fresh after ${freshAt.get(name)} ms` : `last ${JSON.stringify(last.get(name))}`} (states seen: ${[...seen.get(name)!].join(', ')})`);
      console.log(`[lifecycle] ${what} (${samples.length} samples): ${report.join('; ')}`);
      expect(names.filter((name) => !freshAt.has(name)), `${what}: items with no fresh live price within ${timeoutMs} ms (the exchange pushed ${[...pushedSince(changedAt)].join(' ')})`).toEqual([]);
      const strayed = [...strays].map(([key, { first, last, text }]) => `${key} ("${text}") from ${first} to ${last} ms after the change`);
      if (strayed.length > 0 && strayShot !== undefined) strayed.push(`(screenshot ${await strayShot})`);
      expect(strayed, `${what}: every item stays ${allowed?.join(' or ') ?? 'in any state'}, no ladder shows a book while its badge says ${NO_BOOK_STATES.join(' / ')}`).toEqual([]);
    } finally {
      sampling = false;
      await sampler;
    }
    return Math.max(...freshAt.values());
  }

  /** The chart keeps drawing the exchange: a live badge, a valid book and a new trade on the tape. */
  async function expectChartUpdating(what: string, before: PanelSnapshot | null): Promise<void> {
    const firstTrade = JSON.stringify(before?.tape.rows[0] ?? null);
    await waitForPanel(workbench, `${what}: live with a new trade`, (s) => s.market?.exchange === 'binance' && s.badge.className.includes('state-live') && s.book.valid && s.tape.rows.length > 0 && JSON.stringify(s.tape.rows[0]) !== firstTrade, RECOVERY_MS);
  }

  /**
   * Applies a settings change in settings.json and checks that every item of `items` keeps
   * updating in one of the `allowed` states (only "live" unless said), and the chart too (its
   * badge in those states, its ladder agreeing, a new trade on its tape).
   */
  async function changeSettings(what: string, patch: Record<string, unknown>, items: WatchedItems, allowed: readonly string[] = ['live']): Promise<{ changedAt: number; latencyMs: number }> {
    const chartBefore = await panelSnapshot(workbench);
    let changedAt = NaN;
    const latencyMs = await expectUpdating(what, { ...items, chart: true }, async () => (changedAt = await editUserSettings(patch)), { allowed });
    await expectChartUpdating(what, chartBefore);
    return { changedAt, latencyMs };
  }

  beforeAll(async () => {
    ex = await FakeExchange.start({ okx: false, startPaused: true, binance: { captures: CAPTURES.map(sharedDataPath), preplayMs: PREPLAY_MS, markets: [...DEFAULT_BINANCE_MARKETS, ...MIRRORS] } });
    pushes = new TickerPushes(ex, 'BTCUSDT');
    ex.on('connection', () => connections.push(Date.now()));
    ex.resume();
    session = await startCodeServerSession({
      name: 'lifecycle',
      vsixPaths: [await packagedExtension()],
      userSettings: {
        'orderscope.exchange': 'binance',
        'orderscope.symbol': 'BTC/USDT',
        'orderscope.statusBar.symbols': START_SYMBOLS,
        'orderscope.statusBar.staleAfterSeconds': STALE_AFTER_S,
        'orderscope.network.endpoints': endpoints(10),
      },
    });
    workbench = await openWorkbench(session);
  }, E2E_TIMEOUTS.setupMs);

  afterAll(async () => {
    await workbench?.close();
    await session?.stop();
    pushes?.dispose();
    await ex?.stop();
  }, E2E_TIMEOUTS.teardownMs);

  it('a binance BTC/USDT chart and three tickers are live in the status bar and the watchlist', async () => {
    await expect.poll(async () => (await Promise.all(START_SYMBOLS.map(statusBarItem))).every((t) => t !== null), { timeout: 60_000, interval: 200 }).toBe(true);
    await workbench.runCommand('Orderscope: Open Chart');
    await expect.poll(() => editorTabs(workbench), { timeout: 30_000 }).toContain('BTC/USDT · binance');
    await waitForPanel(workbench, 'BTC/USDT live with a valid book', (s) => s.market?.symbol === 'BTC/USDT' && s.candles.count > 0 && s.book.valid && s.badge.className.includes('state-live'));
    await openWatchlist(workbench);
    await expect.poll(async () => (await shownWatchlist(workbench)).map((row) => row.symbol), { timeout: 10_000 }).toEqual(START_SYMBOLS);
    await expectUpdating('at start', { statusBar: START_SYMBOLS, watchlist: START_SYMBOLS, chart: true }, async () => Date.now(), { timeoutMs: 20_000 });
    // One exchange shown: the texts name the symbol, not the exchange ("BTC/USDT 61,694.02 ▲ +0.34%").
    for (const symbol of START_SYMBOLS) expect((await statusBarItem(symbol))!.text).toMatch(new RegExp(`^${symbol.replace('/', '\\/')} [\\d,.\\u2007]+ [▲▼•]`));
    await workbench.screenshot('1-start');
  }, E2E_TIMEOUTS.testMs);

  it('orderscope.statusBar.format → compact: every item shows the new format and stays live, updating', async () => {
    const { latencyMs } = await changeSettings('format compact', { 'orderscope.statusBar.format': 'compact' }, { statusBar: START_SYMBOLS, watchlist: START_SYMBOLS });
    for (const symbol of START_SYMBOLS) expect((await statusBarItem(symbol))!.text).toMatch(new RegExp(`^${symbol.split('/')[0]} [\\d,.\\u2007]+$`));
    console.log(`[lifecycle] format: every item fresh within ${latencyMs} ms`);
    await workbench.screenshot('2-format-compact');
  }, E2E_TIMEOUTS.testMs);

  it('a symbol added to orderscope.statusBar.symbols goes live; the others stay live, updating', async () => {
    statusBarSymbols = [...START_SYMBOLS, 'XRP/USDT'];
    // The new item: a fresh price within 10 s of the change (it may show connecting first).
    await changeSettings('XRP/USDT added', { 'orderscope.statusBar.symbols': statusBarSymbols }, { statusBar: START_SYMBOLS, watchlist: START_SYMBOLS, joiningStatusBar: ['XRP/USDT'] });
    expect((await tickerItems()).map((item) => item.id)).toEqual(statusBarSymbols.map((s) => `binance.${s}`));
    await workbench.screenshot('3-symbol-added');
  }, E2E_TIMEOUTS.testMs);

  it('a symbol removed from orderscope.statusBar.symbols leaves; the others stay live, updating', async () => {
    statusBarSymbols = ['BTC/USDT', 'SOL/USDT', 'XRP/USDT'];
    // BNB/USDT stays in the watchlist (a list of its own): its row keeps updating too.
    await changeSettings('BNB/USDT removed', { 'orderscope.statusBar.symbols': statusBarSymbols }, { statusBar: statusBarSymbols, watchlist: START_SYMBOLS });
    expect(await statusBarItem('BNB/USDT')).toBeNull();
    await workbench.screenshot('4-symbol-removed');
  }, E2E_TIMEOUTS.testMs);

  it('an endpoint change (orderscope.network.endpoints) re-dials: every item stays live or shows reconnecting, and is live again within 10 s', async () => {
    const { changedAt } = await changeSettings('endpoint changed', { 'orderscope.network.endpoints': endpoints(20) }, { statusBar: statusBarSymbols, watchlist: START_SYMBOLS }, ['live', 'reconnecting']);
    // The change did reach the sockets: the extension dialled the exchange again.
    const dialled = connections.filter((at) => at >= changedAt).length;
    console.log(`[lifecycle] endpoint changed: ${dialled} new websocket(s) to the fake exchange`);
    expect(dialled).toBeGreaterThan(0);
    await workbench.screenshot('5-endpoint-changed');
  }, E2E_TIMEOUTS.testMs);

  it('an indicator added (orderscope.indicators) leaves every item live, updating, and touches no socket', async () => {
    const dialledBefore = connections.length;
    await changeSettings('indicator added', { 'orderscope.indicators': ['ema', 'vwap', 'rsi'] }, { statusBar: statusBarSymbols, watchlist: START_SYMBOLS });
    expect(connections.length).toBe(dialledBefore);
    await workbench.screenshot('6-indicator-added');
  }, E2E_TIMEOUTS.testMs);

  it('an unknown symbol (NOPE/USDT) in the status bar shows its own error naming it, and Add to Watchlist does not offer it; every other item stays live, updating', async () => {
    const others = { statusBar: statusBarSymbols, watchlist: START_SYMBOLS, chart: true };
    try {
      await expectUpdating(
        'NOPE/USDT added',
        others,
        async () => {
          const changedAt = await editUserSettings({ 'orderscope.statusBar.symbols': [...statusBarSymbols, 'NOPE/USDT'] });
          // The watchlist's + (Add to Watchlist) picks among the exchange's markets: an unknown
          // symbol is no row to pick.
          await workbench.page.locator('.action-label[aria-label="Add to Watchlist..."]').first().click();
          const picker = workbench.quickInput.filter({ hasText: 'Add to Watchlist (binance)' });
          await picker.locator('.monaco-list-row', { hasText: 'SOL/USDT' }).first().waitFor();
          const input = picker.locator('input');
          await input.fill('NOPE/USDT');
          await expect.poll(() => workbench.quickInputRows.count()).toBe(0);
          await input.press('Escape');
          return changedAt;
        },
        { allowed: ['live'] },
      );
      await expect.poll(async () => (await statusBarItem('NOPE/USDT'))?.state, { timeout: RECOVERY_MS }).toBe('error');
      const nope = (await statusBarItem('NOPE/USDT'))!;
      expect(nope.text).toContain('NOPE/USDT');
      expect(nope.priceText).toBeNull();
      expect(await watchRow('NOPE/USDT')).toBeUndefined();
      const tooltip = await tickerTooltip(workbench, 'binance', 'NOPE/USDT');
      console.log(`[lifecycle] NOPE/USDT: status bar "${nope.text}", tooltip ${JSON.stringify(tooltip)}`);
      expect(tooltip).toMatch(/Connection: error — .*NOPE\/USDT/);
      await workbench.screenshot('7-unknown-symbol');
      // And the others stay live after the error is shown, not just until it.
      await expectUpdating('after NOPE/USDT failed', others, async () => Date.now(), { allowed: ['live'] });
    } finally {
      // The tests after this one start from the status bar without it.
      await editUserSettings({ 'orderscope.statusBar.symbols': statusBarSymbols });
      await expect.poll(() => statusBarItem('NOPE/USDT'), { timeout: RECOVERY_MS }).toBeNull();
    }
  }, E2E_TIMEOUTS.testMs);

  it('an exchange outage: the badge, the ladder, the status bar and the watchlist show the same state within the stale timeout, then are live again', async () => {
    interface Views { statusBar: string; watchlist: string; badge: string; ladderHidesBook: boolean }
    const views = async (): Promise<Views> => {
      const panel = await panelSnapshot(workbench);
      return {
        statusBar: (await statusBarItem('BTC/USDT'))?.state ?? '',
        watchlist: (await watchRow('BTC/USDT'))?.state ?? '',
        badge: /state-(\w+)/.exec(panel?.badge.className ?? '')?.[1] ?? '',
        ladderHidesBook: panel?.ladder.resyncing ?? false,
      };
    };
    const started = Date.now();
    const outage = ex.restart(OUTAGE_MS);
    let seen: Views | undefined;
    const timeline: string[] = [];
    try {
      await expect
        .poll(
          async () => {
            seen = await views();
            timeline.push(`${Date.now() - started} ms ${JSON.stringify(seen)}`);
            const down = seen.statusBar === 'reconnecting' || seen.statusBar === 'stale';
            // The ladder shows no book as the exchange's while the market is not live.
            return down && seen.watchlist === seen.statusBar && seen.badge === seen.statusBar && seen.ladderHidesBook;
          },
          { timeout: STALE_AFTER_S * 1000, interval: 200 },
        )
        .toBe(true);
      console.log(`[lifecycle] outage: every view says ${seen!.statusBar} ${Date.now() - started} ms in; ${JSON.stringify(seen)}`);
      await workbench.screenshot('8-outage');
    } catch (error) {
      console.log(`[lifecycle] outage timeline:\n${timeline.join('\n')}`);
      await workbench.screenshot('8-outage-disagree');
      throw error;
    } finally {
      await outage;
    }
    const back = Date.now();
    await expect
      .poll(
        async () => {
          seen = await views();
          return seen.statusBar === 'live' && seen.watchlist === 'live' && seen.badge === 'live' && !seen.ladderHidesBook;
        },
        { timeout: 30_000, interval: 200 },
      )
      .toBe(true);
    console.log(`[lifecycle] outage: every view live again ${Date.now() - back} ms after the exchange came back`);
    await expectUpdating('after the outage', { statusBar: statusBarSymbols, watchlist: START_SYMBOLS, chart: true }, async () => Date.now(), { allowed: ['live'] });
    await workbench.screenshot('9-outage-recovered');
  }, E2E_TIMEOUTS.testMs);

  it('Switch Exchange → simulator on the focused chart changes that chart only: the status bar stays as it was, live', async () => {
    const before = await tickerItems();
    expect(before.map((item) => item.id)).toEqual(statusBarSymbols.map((s) => `binance.${s}`));
    await workbench.page.locator('.tabs-container .tab', { hasText: 'BTC/USDT · binance' }).click();
    // Every status-bar item stays live through the switch: the chart's market is not theirs.
    await expectUpdating(
      'Switch Exchange on the chart',
      { statusBar: statusBarSymbols, watchlist: START_SYMBOLS },
      async () => {
        await workbench.runCommandAndPick('Orderscope: Switch Exchange...', 'simulator');
        const switchedAt = Date.now();
        await expect.poll(() => editorTabs(workbench), { timeout: 30_000 }).toContain('SIM/USDT · simulator');
        await waitForPanel(workbench, 'the simulator in the chart', (s) => s.market?.exchange === 'simulator');
        return switchedAt;
      },
      { allowed: ['live'] },
    );
    const after = await tickerItems();
    expect(after).toEqual(before);
    expect(after.some((item) => item.label.includes('simulator'))).toBe(false);
    await workbench.screenshot('10-switched-exchange');
  }, E2E_TIMEOUTS.testMs);
});
