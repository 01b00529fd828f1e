/**
 * Reads the Orderscope watchlist view (the activity-bar container's tree) as a person sees it:
 * each row's symbol, its description ("61,694.02  ▲ +0.34%  · binance", "61,694.02  ▲ +0.34%
 * (stale)  · binance", "connecting…  · binance", "error: ...  · binance") and the state it says.
 */
import type { Locator } from 'playwright-core';
import type { Workbench } from './workbench';

export interface ShownWatchRow {
  symbol: string;
  description: string;
  /** 'live' when a price shows with no state after it; else the state the row names. */
  state: string;
  /** The price as shown, or null when the row shows none. */
  priceText: string | null;
}

/** The watchlist pane (visible once the Orderscope container is open). */
export function watchlistPane(workbench: Workbench): Locator {
  return workbench.page.locator('.pane', { has: workbench.page.locator('.pane-header', { hasText: /watchlist/i }) });
}

/** Opens the Orderscope activity-bar container and waits for its watchlist pane. */
export async function openWatchlist(workbench: Workbench): Promise<void> {
  await workbench.page.locator('.activitybar .action-item a[aria-label^="Orderscope"], .activitybar .action-item .action-label[aria-label^="Orderscope"]').first().click();
  await watchlistPane(workbench).waitFor({ state: 'visible' });
}

/** Reads one row's description as what it says. */
export function readWatchRow(symbol: string, description: string): ShownWatchRow {
  const text = description.trim();
  // The row names its exchange after what it says ("61,694.02  ▲ +0.34%  · binance").
  const said = text.replace(/\s+· [\w-]+$/, '');
  const priceText = /(\d{1,3}(?:,\d{3})*\.\d+)/.exec(said)?.[1] ?? null;
  let state: string;
  if (/^(error|closed):/.test(said)) state = /^(error|closed):/.exec(said)![1]!;
  else if (/\((\w+)\)$/.test(said)) state = /\((\w+)\)$/.exec(said)![1]!;
  else if (/(\w+)…$/.test(said)) state = /(\w+)…$/.exec(said)![1]!;
  // A price (and its 24h change) and nothing else: live. Any other text names no state known here.
  else state = /^\d[\d,]*\.\d+(?:\s+[▲▼] [+-]?\d+\.\d+%)?$/.test(said) ? 'live' : '';
  return { symbol, description: text, state, priceText };
}

/** The rows shown, top to bottom. */
export async function shownWatchlist(workbench: Workbench): Promise<ShownWatchRow[]> {
  const rows = await watchlistPane(workbench)
    .locator('.monaco-list-row')
    .evaluateAll((elements) => elements.map((row) => [row.querySelector('.label-name')?.textContent ?? '', row.querySelector('.label-description')?.textContent ?? '']));
  return rows.map(([symbol, description]) => readWatchRow(symbol!, description!));
}
