/**
 * Reads what an Orderscope chart panel shows through the webview's read-only debug hook
 * (`window.__orderscope.snapshot()`, see webview/debugHook.ts), and its editor tab.
 */
import type { Workbench } from './workbench';

/** The part of the debug hook's snapshot the e2e tests read. */
export interface PanelSnapshot {
  generation: number;
  framesApplied: number;
  market: { exchange: string; symbol: string; tickSize: number; pricePrecision: number; amountPrecision: number } | null;
  timeframe: string;
  dropped: number;
  renderErrors: number;
  /** Rows the panel holds: [price, size, cumulative], best first. */
  book: { valid: boolean; ticksPerRow: number; bids: number[][]; asks: number[][] };
  /** Rows the ladder shows as text: [price, size, total], best first. */
  ladder: { bids: string[][]; asks: string[][]; resyncing: boolean; rowsPerSide: number };
  /** Rows the trade tape shows as text: [time, price, size, side], newest first. */
  tape: { rows: string[][] };
  badge: { text: string; className: string; title: string };
  candles: { count: number; last: { time: number; open: number; high: number; low: number; close: number } | null };
  viewState: { timeframe: string | null; rangeKey: string; pinned: boolean };
  hasOlder: boolean;
  /** The note at the oldest bar (why nothing older shows), null when none is shown. */
  historyNote: string | null;
  /** How fast the host updates the panel and why (the protocol's pace). */
  pace: { fps: number; watched: boolean; pinned: boolean; saving: boolean };
  /** Animation frames the panel ran (it runs none for a host frame that changes nothing). */
  draws: number;
}

/** The active chart panel's snapshot, or null while its webview (or the hook) is not up. */
export async function panelSnapshot(workbench: Workbench): Promise<PanelSnapshot | null> {
  const body = workbench.webviewFrame().locator('body');
  try {
    return await body.evaluate(
      () => (window as unknown as { __orderscope?: { snapshot(): unknown } }).__orderscope?.snapshot() ?? null,
      undefined,
      { timeout: 2_000 },
    ) as PanelSnapshot | null;
  } catch {
    return null; // the frame is (re)loading
  }
}

/** Polls the snapshot until `ready` holds for it; returns that snapshot or throws with the last one. */
export async function waitForPanel(
  workbench: Workbench,
  what: string,
  ready: (snapshot: PanelSnapshot) => boolean,
  timeoutMs = 30_000,
): Promise<PanelSnapshot> {
  const deadline = Date.now() + timeoutMs;
  let last: PanelSnapshot | null = null;
  while (Date.now() < deadline) {
    last = await panelSnapshot(workbench);
    if (last !== null && ready(last)) return last;
    await workbench.page.waitForTimeout(200);
  }
  const shown =
    last === null
      ? 'no snapshot'
      : JSON.stringify({ market: last.market, timeframe: last.timeframe, badge: last.badge, candles: last.candles, book: { valid: last.book.valid, bids: last.book.bids.length }, tape: last.tape.rows.slice(0, 3) });
  throw new Error(`timed out after ${timeoutMs} ms waiting for the chart panel: ${what}; last: ${shown}`);
}

/** Labels of the editor tabs. */
export async function editorTabs(workbench: Workbench): Promise<string[]> {
  return workbench.page.locator('.tabs-container .tab .label-name').allInnerTexts();
}
